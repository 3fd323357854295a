using System.Diagnostics;
using System.Globalization;
using Neurite.Classical;
using Neurite.Cli.Commands;
using Neurite.Serialization;

namespace Neurite.Cli;

/// <summary>The model options of `train` that only classical models take; null: not given.</summary>
public sealed record ClassicalOptions(double? Alpha = null, double? C = null, double? RegParam = null, double? VarSmoothing = null, double? Binarize = null)
{
    /// <summary>The options given, by their command-line names.</summary>
    public IEnumerable<string> Given()
    {
        if (Alpha is not null) yield return "--alpha";
        if (C is not null) yield return "--C";
        if (RegParam is not null) yield return "--reg-param";
        if (VarSmoothing is not null) yield return "--var-smoothing";
        if (Binarize is not null) yield return "--binarize";
    }
}

/// <summary>A classical model by name: whether it is a regressor, the options it takes, and how to make it from them
/// (absent options take scikit-learn's defaults).</summary>
public sealed record ClassicalSpec(bool Regression, string[] Options, Func<ClassicalOptions, ClassicalModel> Create);

/// <summary>`train --model linreg|ridge|logreg|…`: fits a classical model (Neurite.Classical) on the training and dev rows,
/// scores it on the test rows, saves it through the one model file.</summary>
public static class ClassicalTraining
{
    public static readonly NameTable<ClassicalSpec> Models = new("--model",
        ("linreg", new(true, [], _ => new LinearRegression())),
        ("ridge", new(true, ["--alpha"], o => new Ridge(o.Alpha ?? 1.0))),
        ("logreg", new(false, ["--C"], o => new LogisticRegression(o.C ?? 1.0))),
        ("lda", new(false, [], _ => new LinearDiscriminantAnalysis())),
        ("qda", new(false, ["--reg-param"], o => new QuadraticDiscriminantAnalysis(o.RegParam ?? 0.0))),
        ("gaussian-nb", new(false, ["--var-smoothing"], o => new GaussianNB(o.VarSmoothing ?? 1e-9))),
        ("bernoulli-nb", new(false, ["--alpha", "--binarize"], o => new BernoulliNB(o.Alpha ?? 1.0, o.Binarize ?? 0.0))),
        ("multinomial-nb", new(false, ["--alpha"], o => new MultinomialNB(o.Alpha ?? 1.0))));

    public static bool IsClassical(string model) => Models.Contains(model);

    /// <summary>Checks the classical options against the model: each given one must be among the model's, and a network takes none.</summary>
    public static void CheckOptions(string model, ClassicalOptions options)
    {
        var given = options.Given().ToList();
        if (!IsClassical(model))
        {
            if (given.Count > 0)
                throw new UsageException($"{given[0]} applies to the classical models ({string.Join(", ", Models.Names)}), not to --model {model}");
            return;
        }
        var spec = Models.Parse(model);
        foreach (var option in given)
            if (!spec.Options.Contains(option))
                throw new UsageException($"{option} does not apply to --model {model}; {model} takes " +
                                         (spec.Options.Length == 0 ? "no model options" : string.Join(", ", spec.Options)));
    }

    public static ClassicalModel Create(string model, ClassicalOptions options)
    {
        try { return Models.Parse(model).Create(options); }
        catch (ArgumentOutOfRangeException e) { throw new UsageException($"--model {model}: {e.Message.Split(" (Parameter")[0]}"); }
    }

    public static int Run(TrainCommand.Settings s, ClassicalOptions options, string? modelFile, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var spec = Models.Parse(s.Model);
        if (s.Regression && !spec.Regression) throw new UsageException($"--regression: --model {s.Model} is a classifier; the regressors are linreg, ridge");
        var model = Create(s.Model, options);
        var request = new DataRequest(s.DataDir, s.Seed, false, s.TestFraction, s.DevFraction);
        var data = DataSources.Load(s.Dataset, s.Csv, s.Label, spec.Regression, request, s.Impute);
        if (data.Classification == spec.Regression)
            throw new UsageException(spec.Regression
                ? $"--model {s.Model} is a regressor, but {data.Name} is a classification data set; use a CSV with a numeric --target, or a classifier"
                : $"--model {s.Model} is a classifier, but {data.Name} has a continuous target");
        // classical models have no validation step (no epochs to stop early): they fit on the training and dev rows together
        var fitX = Tensor.Concat([data.Train.Features, data.Dev.Features], 0);
        var fitY = Tensor.Concat([data.Train.Labels, data.Dev.Labels], 0);
        output.WriteLine($"data: {data.Name}: {fitX.Shape[0]} rows to fit (train + dev), {data.Test.Count} test rows, {data.Inputs} features, " +
                         (data.Classification ? $"{data.Outputs} classes" : "1 target"));
        if (fitX.Shape[0] == 0) throw new UsageException($"--test-fraction {s.TestFraction} leaves no rows to fit of {data.Name}'s {data.Split.Rows}");

        var fitClock = Stopwatch.StartNew();
        try
        {
            if (model is Classifier c) c.Fit(fitX, fitY);
            else ((Regressor)model).Fit(fitX, fitY);
        }
        // a rank-deficient design, a singular covariance, a single class: the message says which option or data change fixes it
        catch (Exception e) when (e is ArgumentException or ArithmeticException) { throw new UsageException($"--model {s.Model} cannot be fitted to {data.Name}: {e.Message}"); }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fit: {model} in {fitClock.Elapsed.TotalSeconds:F3} s") +
                         (model is LogisticRegression { Converged: false } lr ? $" (not converged: max|∇f| {lr.GradientNorm:G3} after {lr.Iterations} Newton steps)" : ""));
        if (model is Classifier fitted && !fitted.Classes.SequenceEqual(Enumerable.Range(0, data.Outputs).Select(k => (long)k)))
            throw new UsageException($"the rows to fit hold {fitted.Classes.Length} of {data.Name}'s {data.Outputs} classes; lower --test-fraction");

        if (data.Test.Count == 0) output.WriteLine("warning: --test-fraction 0 leaves no test rows; no test score");
        else if (model is Classifier classifier)
            output.WriteLine(FormattableString.Invariant($"test: accuracy {classifier.Score(data.Test.Features, data.Test.Labels):P2} ({data.Test.Count} samples)"));
        else
            output.WriteLine(FormattableString.Invariant($"test: R² {((Regressor)model).Score(data.Test.Features, data.Test.Labels):F4} ({data.Test.Count} samples)"));
        if (modelFile is not null)
        {
            ModelFile.Save(new ClassicalModule(model), modelFile, TrainCommand.InfoOf(s, data));
            output.WriteLine($"saved: {modelFile}");
        }
        output.WriteLine($"time: {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
