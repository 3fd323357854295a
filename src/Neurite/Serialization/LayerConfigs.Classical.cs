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
/// <param name="Features">D, the feature count, ≥ 1.</param>
/// <param name="Solver">"qr" (default) or "gradient_descent"; the gradient-descent settings are not stored, so <see cref="Build"/> uses their defaults.</param>
public sealed record LinearRegressionConfig(int Features, string Solver = "qr") : LayerConfig
{
    /// <summary>The config of a fitted <see cref="LinearRegression"/> (an unfitted one gives Features −1, which <see cref="Build"/> refuses).</summary>
    public static LinearRegressionConfig Of(LinearRegression m) => new(m.Features, m.Solver == LinearSolver.Qr ? "qr" : "gradient_descent");

    /// <summary>A <see cref="LinearRegression"/> of these settings with placeholder fitted tensors of the shapes in <see cref="State"/>,
    /// as a <see cref="ClassicalModule"/>; the model file's tensors then overwrite them.</summary>
    /// <exception cref="ArgumentException">A setting or size is out of range (Features &lt; 1; a solver other than "qr" or "gradient_descent").</exception>
    public override Module Build() => ClassicalChecks.Regressor(new LinearRegression(Solver switch
    {
        "qr" => LinearSolver.Qr,
        "gradient_descent" => LinearSolver.GradientDescent,
        _ => throw new ArgumentException($"LinearRegression: unknown solver '{Solver}' (valid: qr, gradient_descent)"),
    }), "LinearRegression", Features);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">Features &lt; 1.</exception>
    public override IEnumerable<StateEntry> State() => [ClassicalChecks.F64("coef", ClassicalChecks.Features("LinearRegression", Features)), ClassicalChecks.F64("intercept", 1)];
}

/// <summary><see cref="Ridge"/>: coef [D], intercept [1].</summary>
/// <param name="Features">D, the feature count, ≥ 1.</param>
/// <param name="Alpha">The penalty α ≥ 0 (<see cref="Ridge.Alpha"/>).</param>
public sealed record RidgeConfig(int Features, double Alpha) : LayerConfig
{
    /// <summary>The config of a fitted <see cref="Ridge"/> (an unfitted one gives Features −1, which <see cref="Build"/> refuses).</summary>
    public static RidgeConfig Of(Ridge m) => new(m.Features, m.Alpha);

    /// <summary>A <see cref="Ridge"/> of these settings with placeholder fitted tensors of the shapes in <see cref="State"/>,
    /// as a <see cref="ClassicalModule"/>; the model file's tensors then overwrite them.</summary>
    /// <exception cref="ArgumentException">A setting or size is out of range (Features &lt; 1; Alpha negative or not finite).</exception>
    public override Module Build() => ClassicalChecks.Regressor(new Ridge(Alpha), "Ridge", Features);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">Features &lt; 1.</exception>
    public override IEnumerable<StateEntry> State() => [ClassicalChecks.F64("coef", ClassicalChecks.Features("Ridge", Features)), ClassicalChecks.F64("intercept", 1)];
}

/// <summary><see cref="LogisticRegression"/>: classes [K], coef [1 or K, D], intercept [1 or K].</summary>
/// <param name="Features">D, the feature count, ≥ 1.</param>
/// <param name="Classes">K, the class count, ≥ 2.</param>
/// <param name="C">Inverse regularisation strength C &gt; 0 (<see cref="LogisticRegression.C"/>); the solver's tolerance and step limit are not stored.</param>
public sealed record LogisticRegressionConfig(int Features, int Classes, double C) : LayerConfig
{
    /// <summary>The config of a fitted <see cref="LogisticRegression"/> (an unfitted one gives Features −1, which <see cref="Build"/> refuses).</summary>
    public static LogisticRegressionConfig Of(LogisticRegression m) => new(m.Features, m.Classes.Length, m.C);

    /// <summary>A <see cref="LogisticRegression"/> of these settings with placeholder fitted tensors of the shapes in <see cref="State"/>,
    /// as a <see cref="ClassicalModule"/>; the model file's tensors then overwrite them.</summary>
    /// <exception cref="ArgumentException">A setting or size is out of range (Features &lt; 1, Classes &lt; 2, C ≤ 0).</exception>
    public override Module Build() => ClassicalChecks.Classifier(new LogisticRegression(C), "LogisticRegression", Features, Classes);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">Features &lt; 1, or Classes &lt; 2.</exception>
    public override IEnumerable<StateEntry> State()
    {
        int d = ClassicalChecks.Features("LogisticRegression", Features), rows = ClassicalChecks.Rows(ClassicalChecks.Classes("LogisticRegression", Classes));
        return [ClassicalChecks.Labels(Classes), ClassicalChecks.F64("coef", rows, d), ClassicalChecks.F64("intercept", rows)];
    }
}

/// <summary><see cref="LinearDiscriminantAnalysis"/>: classes, coef, intercept (as logistic regression), means [K, D], priors [K].</summary>
/// <param name="Features">D, the feature count, ≥ 1.</param>
/// <param name="Classes">K, the class count, ≥ 2.</param>
public sealed record LinearDiscriminantAnalysisConfig(int Features, int Classes) : LayerConfig
{
    /// <summary>The config of a fitted <see cref="LinearDiscriminantAnalysis"/> (an unfitted one gives Features −1, which <see cref="Build"/> refuses).</summary>
    public static LinearDiscriminantAnalysisConfig Of(LinearDiscriminantAnalysis m) => new(m.Features, m.Classes.Length);

    /// <summary>A <see cref="LinearDiscriminantAnalysis"/> of these settings with placeholder fitted tensors of the shapes in <see cref="State"/>,
    /// as a <see cref="ClassicalModule"/>; the model file's tensors then overwrite them.</summary>
    /// <exception cref="ArgumentException">A setting or size is out of range (Features &lt; 1, Classes &lt; 2).</exception>
    public override Module Build() => ClassicalChecks.Classifier(new LinearDiscriminantAnalysis(), "LinearDiscriminantAnalysis", Features, Classes);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">Features &lt; 1, or Classes &lt; 2.</exception>
    public override IEnumerable<StateEntry> State()
    {
        int d = ClassicalChecks.Features("LinearDiscriminantAnalysis", Features), k = ClassicalChecks.Classes("LinearDiscriminantAnalysis", Classes), rows = ClassicalChecks.Rows(k);
        return [ClassicalChecks.Labels(k), ClassicalChecks.F64("coef", rows, d), ClassicalChecks.F64("intercept", rows), ClassicalChecks.F64("means", k, d), ClassicalChecks.F64("priors", k)];
    }
}

/// <summary><see cref="QuadraticDiscriminantAnalysis"/>: classes, means [K, D], priors [K], covariances [K, D, D] (regularised).</summary>
/// <param name="Features">D, the feature count, ≥ 1.</param>
/// <param name="Classes">K, the class count, ≥ 2.</param>
/// <param name="RegParam">Shrinkage r ∈ [0, 1] (<see cref="QuadraticDiscriminantAnalysis.RegParam"/>).</param>
public sealed record QuadraticDiscriminantAnalysisConfig(int Features, int Classes, double RegParam) : LayerConfig
{
    /// <summary>The config of a fitted <see cref="QuadraticDiscriminantAnalysis"/> (an unfitted one gives Features −1, which <see cref="Build"/> refuses).</summary>
    public static QuadraticDiscriminantAnalysisConfig Of(QuadraticDiscriminantAnalysis m) => new(m.Features, m.Classes.Length, m.RegParam);

    /// <summary>A <see cref="QuadraticDiscriminantAnalysis"/> of these settings with placeholder fitted tensors of the shapes in <see cref="State"/>,
    /// as a <see cref="ClassicalModule"/>; the model file's tensors then overwrite them.</summary>
    /// <exception cref="ArgumentException">A setting or size is out of range (Features &lt; 1, Classes &lt; 2, RegParam outside [0, 1]).</exception>
    public override Module Build() => ClassicalChecks.Classifier(new QuadraticDiscriminantAnalysis(RegParam), "QuadraticDiscriminantAnalysis", Features, Classes);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">Features &lt; 1, or Classes &lt; 2.</exception>
    public override IEnumerable<StateEntry> State()
    {
        int d = ClassicalChecks.Features("QuadraticDiscriminantAnalysis", Features), k = ClassicalChecks.Classes("QuadraticDiscriminantAnalysis", Classes);
        return [ClassicalChecks.Labels(k), ClassicalChecks.F64("means", k, d), ClassicalChecks.F64("priors", k), ClassicalChecks.F64("covariances", k, d, d)];
    }
}

/// <summary><see cref="GaussianNB"/>: classes, theta [K, D], var [K, D], class_prior [K].</summary>
/// <param name="Features">D, the feature count, ≥ 1.</param>
/// <param name="Classes">K, the class count, ≥ 2.</param>
/// <param name="VarSmoothing">The variance smoothing ≥ 0 (<see cref="GaussianNB.VarSmoothing"/>).</param>
public sealed record GaussianNBConfig(int Features, int Classes, double VarSmoothing) : LayerConfig
{
    /// <summary>The config of a fitted <see cref="GaussianNB"/> (an unfitted one gives Features −1, which <see cref="Build"/> refuses).</summary>
    public static GaussianNBConfig Of(GaussianNB m) => new(m.Features, m.Classes.Length, m.VarSmoothing);

    /// <summary>A <see cref="GaussianNB"/> of these settings with placeholder fitted tensors of the shapes in <see cref="State"/>,
    /// as a <see cref="ClassicalModule"/>; the model file's tensors then overwrite them.</summary>
    /// <exception cref="ArgumentException">A setting or size is out of range (Features &lt; 1, Classes &lt; 2, VarSmoothing negative or not finite).</exception>
    public override Module Build() => ClassicalChecks.Classifier(new GaussianNB(VarSmoothing), "GaussianNB", Features, Classes);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">Features &lt; 1, or Classes &lt; 2.</exception>
    public override IEnumerable<StateEntry> State()
    {
        int d = ClassicalChecks.Features("GaussianNB", Features), k = ClassicalChecks.Classes("GaussianNB", Classes);
        return [ClassicalChecks.Labels(k), ClassicalChecks.F64("theta", k, d), ClassicalChecks.F64("var", k, d), ClassicalChecks.F64("class_prior", k)];
    }
}

/// <summary><see cref="BernoulliNB"/>: classes, feature_log_prob [K, D], class_log_prior [K]; <c>binarize</c> null: binary input.</summary>
/// <param name="Features">D, the feature count, ≥ 1.</param>
/// <param name="Classes">K, the class count, ≥ 2.</param>
/// <param name="Alpha">The smoothing α ≥ 0 (<see cref="BernoulliNB.Alpha"/>).</param>
/// <param name="Binarize">The threshold, or null (default) for binary input (<see cref="BernoulliNB.Binarize"/>).</param>
public sealed record BernoulliNBConfig(int Features, int Classes, double Alpha, double? Binarize = null) : LayerConfig
{
    /// <summary>The config of a fitted <see cref="BernoulliNB"/> (an unfitted one gives Features −1, which <see cref="Build"/> refuses).</summary>
    public static BernoulliNBConfig Of(BernoulliNB m) => new(m.Features, m.Classes.Length, m.Alpha, m.Binarize);

    /// <summary>A <see cref="BernoulliNB"/> of these settings with placeholder fitted tensors of the shapes in <see cref="State"/>,
    /// as a <see cref="ClassicalModule"/>; the model file's tensors then overwrite them.</summary>
    /// <exception cref="ArgumentException">A setting or size is out of range (Features &lt; 1, Classes &lt; 2, Alpha negative, Binarize not finite).</exception>
    public override Module Build() => ClassicalChecks.Classifier(new BernoulliNB(Alpha, Binarize), "BernoulliNB", Features, Classes);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">Features &lt; 1, or Classes &lt; 2.</exception>
    public override IEnumerable<StateEntry> State()
    {
        int d = ClassicalChecks.Features("BernoulliNB", Features), k = ClassicalChecks.Classes("BernoulliNB", Classes);
        return [ClassicalChecks.Labels(k), ClassicalChecks.F64("feature_log_prob", k, d), ClassicalChecks.F64("class_log_prior", k)];
    }
}

/// <summary><see cref="MultinomialNB"/>: classes, feature_log_prob [K, D], class_log_prior [K].</summary>
/// <param name="Features">D, the feature count, ≥ 1.</param>
/// <param name="Classes">K, the class count, ≥ 2.</param>
/// <param name="Alpha">The smoothing α ≥ 0 (<see cref="MultinomialNB.Alpha"/>).</param>
public sealed record MultinomialNBConfig(int Features, int Classes, double Alpha) : LayerConfig
{
    /// <summary>The config of a fitted <see cref="MultinomialNB"/> (an unfitted one gives Features −1, which <see cref="Build"/> refuses).</summary>
    public static MultinomialNBConfig Of(MultinomialNB m) => new(m.Features, m.Classes.Length, m.Alpha);

    /// <summary>A <see cref="MultinomialNB"/> of these settings with placeholder fitted tensors of the shapes in <see cref="State"/>,
    /// as a <see cref="ClassicalModule"/>; the model file's tensors then overwrite them.</summary>
    /// <exception cref="ArgumentException">A setting or size is out of range (Features &lt; 1, Classes &lt; 2, Alpha negative).</exception>
    public override Module Build() => ClassicalChecks.Classifier(new MultinomialNB(Alpha), "MultinomialNB", Features, Classes);

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">Features &lt; 1, or Classes &lt; 2.</exception>
    public override IEnumerable<StateEntry> State()
    {
        int d = ClassicalChecks.Features("MultinomialNB", Features), k = ClassicalChecks.Classes("MultinomialNB", Classes);
        return [ClassicalChecks.Labels(k), ClassicalChecks.F64("feature_log_prob", k, d), ClassicalChecks.F64("class_log_prior", k)];
    }
}
