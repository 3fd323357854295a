using Neurite.Classical;
using Neurite.Nn;

namespace Neurite.Serialization;

// The config records of the classical models (Neurite.Classical), one per model type in LayerConfigs.Table. A
// config holds the settings and sizes; its State() lists the fitted float64 tensors (and the int64 class labels) that
// the weights of the file hold, and Build() makes a model of that shape whose tensors the file's then overwrite.

static class ClassicalChecks
{
    public static int Features(string who, int features) =>
        features >= 1 ? features : throw new ArgumentOutOfRangeException(nameof(features), features, $"{who}: features must be positive");

    public static int Classes(string who, int classes) =>
        classes >= 2 ? classes : throw new ArgumentOutOfRangeException(nameof(classes), classes, $"{who}: classes must be at least 2");

    public static StateEntry F64(string name, params int[] shape) => new(name, shape, DType.Float64);

    public static StateEntry Labels(int classes) => new("classes", [classes], DType.Int64);

    /// <summary>A linear classifier's rows: one for two classes (scikit-learn's binary layout), else one per class.</summary>
    public static int Rows(int classes) => classes == 2 ? 1 : classes;

    public static Module Classifier<T>(T model, string who, int features, int classes) where T : Neurite.Classical.Classifier
    {
        model.Allocate(Features(who, features), Classes(who, classes));
        return new ClassicalModule(model);
    }

    public static Module Regressor<T>(T model, string who, int features) where T : Regressor
    {
        model.Allocate(Features(who, features));
        return new ClassicalModule(model);
    }
}

/// <summary><see cref="LinearRegression"/>: coef [D], intercept [1]. <c>solver</c> records how it was fitted ("qr" or "gradient_descent").</summary>
public sealed record LinearRegressionConfig(int Features, string Solver = "qr") : LayerConfig
{
    public static LinearRegressionConfig Of(LinearRegression m) => new(m.Features, m.Solver == LinearSolver.Qr ? "qr" : "gradient_descent");

    public override Module Build() => ClassicalChecks.Regressor(new LinearRegression(Solver switch
    {
        "qr" => LinearSolver.Qr,
        "gradient_descent" => LinearSolver.GradientDescent,
        _ => throw new ArgumentException($"LinearRegression: unknown solver '{Solver}' (valid: qr, gradient_descent)"),
    }), "LinearRegression", Features);

    public override IEnumerable<StateEntry> State() => [ClassicalChecks.F64("coef", ClassicalChecks.Features("LinearRegression", Features)), ClassicalChecks.F64("intercept", 1)];
}

/// <summary><see cref="Ridge"/>: coef [D], intercept [1].</summary>
public sealed record RidgeConfig(int Features, double Alpha) : LayerConfig
{
    public static RidgeConfig Of(Ridge m) => new(m.Features, m.Alpha);

    public override Module Build() => ClassicalChecks.Regressor(new Ridge(Alpha), "Ridge", Features);

    public override IEnumerable<StateEntry> State() => [ClassicalChecks.F64("coef", ClassicalChecks.Features("Ridge", Features)), ClassicalChecks.F64("intercept", 1)];
}

/// <summary><see cref="LogisticRegression"/>: classes [K], coef [1 or K, D], intercept [1 or K].</summary>
public sealed record LogisticRegressionConfig(int Features, int Classes, double C) : LayerConfig
{
    public static LogisticRegressionConfig Of(LogisticRegression m) => new(m.Features, m.Classes.Length, m.C);

    public override Module Build() => ClassicalChecks.Classifier(new LogisticRegression(C), "LogisticRegression", Features, Classes);

    public override IEnumerable<StateEntry> State()
    {
        int d = ClassicalChecks.Features("LogisticRegression", Features), rows = ClassicalChecks.Rows(ClassicalChecks.Classes("LogisticRegression", Classes));
        return [ClassicalChecks.Labels(Classes), ClassicalChecks.F64("coef", rows, d), ClassicalChecks.F64("intercept", rows)];
    }
}

/// <summary><see cref="LinearDiscriminantAnalysis"/>: classes, coef, intercept (as logistic regression), means [K, D], priors [K].</summary>
public sealed record LinearDiscriminantAnalysisConfig(int Features, int Classes) : LayerConfig
{
    public static LinearDiscriminantAnalysisConfig Of(LinearDiscriminantAnalysis m) => new(m.Features, m.Classes.Length);

    public override Module Build() => ClassicalChecks.Classifier(new LinearDiscriminantAnalysis(), "LinearDiscriminantAnalysis", Features, Classes);

    public override IEnumerable<StateEntry> State()
    {
        int d = ClassicalChecks.Features("LinearDiscriminantAnalysis", Features), k = ClassicalChecks.Classes("LinearDiscriminantAnalysis", Classes), rows = ClassicalChecks.Rows(k);
        return [ClassicalChecks.Labels(k), ClassicalChecks.F64("coef", rows, d), ClassicalChecks.F64("intercept", rows), ClassicalChecks.F64("means", k, d), ClassicalChecks.F64("priors", k)];
    }
}

/// <summary><see cref="QuadraticDiscriminantAnalysis"/>: classes, means [K, D], priors [K], covariances [K, D, D] (regularised).</summary>
public sealed record QuadraticDiscriminantAnalysisConfig(int Features, int Classes, double RegParam) : LayerConfig
{
    public static QuadraticDiscriminantAnalysisConfig Of(QuadraticDiscriminantAnalysis m) => new(m.Features, m.Classes.Length, m.RegParam);

    public override Module Build() => ClassicalChecks.Classifier(new QuadraticDiscriminantAnalysis(RegParam), "QuadraticDiscriminantAnalysis", Features, Classes);

    public override IEnumerable<StateEntry> State()
    {
        int d = ClassicalChecks.Features("QuadraticDiscriminantAnalysis", Features), k = ClassicalChecks.Classes("QuadraticDiscriminantAnalysis", Classes);
        return [ClassicalChecks.Labels(k), ClassicalChecks.F64("means", k, d), ClassicalChecks.F64("priors", k), ClassicalChecks.F64("covariances", k, d, d)];
    }
}

/// <summary><see cref="GaussianNB"/>: classes, theta [K, D], var [K, D], class_prior [K].</summary>
public sealed record GaussianNBConfig(int Features, int Classes, double VarSmoothing) : LayerConfig
{
    public static GaussianNBConfig Of(GaussianNB m) => new(m.Features, m.Classes.Length, m.VarSmoothing);

    public override Module Build() => ClassicalChecks.Classifier(new GaussianNB(VarSmoothing), "GaussianNB", Features, Classes);

    public override IEnumerable<StateEntry> State()
    {
        int d = ClassicalChecks.Features("GaussianNB", Features), k = ClassicalChecks.Classes("GaussianNB", Classes);
        return [ClassicalChecks.Labels(k), ClassicalChecks.F64("theta", k, d), ClassicalChecks.F64("var", k, d), ClassicalChecks.F64("class_prior", k)];
    }
}

/// <summary><see cref="BernoulliNB"/>: classes, feature_log_prob [K, D], class_log_prior [K]; <c>binarize</c> null: binary input.</summary>
public sealed record BernoulliNBConfig(int Features, int Classes, double Alpha, double? Binarize = null) : LayerConfig
{
    public static BernoulliNBConfig Of(BernoulliNB m) => new(m.Features, m.Classes.Length, m.Alpha, m.Binarize);

    public override Module Build() => ClassicalChecks.Classifier(new BernoulliNB(Alpha, Binarize), "BernoulliNB", Features, Classes);

    public override IEnumerable<StateEntry> State()
    {
        int d = ClassicalChecks.Features("BernoulliNB", Features), k = ClassicalChecks.Classes("BernoulliNB", Classes);
        return [ClassicalChecks.Labels(k), ClassicalChecks.F64("feature_log_prob", k, d), ClassicalChecks.F64("class_log_prior", k)];
    }
}

/// <summary><see cref="MultinomialNB"/>: classes, feature_log_prob [K, D], class_log_prior [K].</summary>
public sealed record MultinomialNBConfig(int Features, int Classes, double Alpha) : LayerConfig
{
    public static MultinomialNBConfig Of(MultinomialNB m) => new(m.Features, m.Classes.Length, m.Alpha);

    public override Module Build() => ClassicalChecks.Classifier(new MultinomialNB(Alpha), "MultinomialNB", Features, Classes);

    public override IEnumerable<StateEntry> State()
    {
        int d = ClassicalChecks.Features("MultinomialNB", Features), k = ClassicalChecks.Classes("MultinomialNB", Classes);
        return [ClassicalChecks.Labels(k), ClassicalChecks.F64("feature_log_prob", k, d), ClassicalChecks.F64("class_log_prior", k)];
    }
}
