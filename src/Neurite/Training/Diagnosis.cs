using System.Globalization;
using Neurite.Data;
using Neurite.Nn;

namespace Neurite.Training;

/// <summary>Which way a model's errors point (seed 003, sections 5 and 11).</summary>
public enum FitCase
{
    /// <summary>No gap above the tolerance.</summary>
    Good,
    /// <summary>Training error well above the achievable (human-level) error: underfitting.</summary>
    HighBias,
    /// <summary>Held-out error well above training error: overfitting.</summary>
    HighVariance,
    /// <summary>Both gaps.</summary>
    HighBiasAndVariance,
    /// <summary>Dev error well above the error on held-out data from the training distribution (train-dev): the dev
    /// data differ from the training data.</summary>
    DataMismatch,
}

/// <summary>
/// The bias/variance reading of a set of error rates. <see cref="AvoidableBias"/> = train − human (human-level error, an
/// estimate of the Bayes error; 0 when not given); <see cref="Variance"/> = train-dev − train (train-dev: rows from the
/// training distribution the model did not train on; without it, dev − train); <see cref="Mismatch"/> = dev − train-dev
/// when train-dev is given. A gap counts when it exceeds the tolerance.
/// </summary>
public sealed record BiasVarianceReport(double TrainError, double DevError, double? TrainDevError, double? TestError, double HumanError,
    double AvoidableBias, double Variance, double? Mismatch, FitCase Case, IReadOnlyList<string> Remedies)
{
    /// <summary>The errors, the gaps, the case and the remedies, one per line.</summary>
    public override string ToString()
    {
        static string P(double v) => (100 * v).ToString("0.00", CultureInfo.InvariantCulture) + " %";
        var lines = new List<string>
        {
            $"errors: human-level {P(HumanError)}, train {P(TrainError)}{(TrainDevError is { } td ? $", train-dev {P(td)}" : "")}, dev {P(DevError)}{(TestError is { } t ? $", test {P(t)}" : "")}",
            $"avoidable bias {P(AvoidableBias)}, variance {P(Variance)}{(Mismatch is { } m ? $", data mismatch {P(m)}" : "")}",
            $"diagnosis: {Case switch { FitCase.Good => "no gap above the tolerance", FitCase.HighBias => "high bias (underfitting)", FitCase.HighVariance => "high variance (overfitting)", FitCase.HighBiasAndVariance => "high bias and high variance", _ => "train/dev data mismatch" }}",
        };
        lines.AddRange(Remedies.Select(r => "  - " + r));
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>Diagnosis of a trained model from its error rates and from learning curves (seed 003).</summary>
public static class Diagnosis
{
    static readonly string[] BiasRemedies = ["a bigger network (more units or layers)", "train longer or with a better optimiser", "a different architecture"];
    static readonly string[] VarianceRemedies = ["more training data (or data augmentation)", "regularisation: L2 / weight decay, dropout, early stopping, max-norm", "a smaller network"];
    static readonly string[] MismatchRemedies = ["error analysis of the dev errors against the training data", "make the training data more like the dev data (collect, synthesise or augment)"];

    /// <summary>Names the case and the seed's remedies. Errors are fractions in [0, 1] (1 − accuracy); a gap counts
    /// when it exceeds <paramref name="tolerance"/> (default 0.02, two percentage points).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An error outside [0, 1], or a tolerance outside [0, 1).</exception>
    public static BiasVarianceReport BiasVariance(double trainError, double devError, double? trainDevError = null, double? testError = null,
        double? humanError = null, double tolerance = 0.02)
    {
        foreach (var (name, v) in new (string, double?)[] { ("trainError", trainError), ("devError", devError), ("trainDevError", trainDevError), ("testError", testError), ("humanError", humanError) })
            if (v is { } e && !(e >= 0 && e <= 1)) throw new ArgumentOutOfRangeException(name, e, $"bias/variance: {name} must be a fraction in [0, 1]");
        if (!(tolerance >= 0 && tolerance < 1)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "bias/variance: the tolerance must be in [0, 1)");
        double human = humanError ?? 0;
        double bias = trainError - human;
        double variance = (trainDevError ?? devError) - trainError;
        double? mismatch = trainDevError is { } td ? devError - td : null;
        bool highBias = bias > tolerance, highVariance = variance > tolerance, mismatched = mismatch > tolerance;
        var remedies = new List<string>();
        if (highBias) remedies.AddRange(BiasRemedies);
        if (highVariance) remedies.AddRange(VarianceRemedies);
        if (mismatched) remedies.AddRange(MismatchRemedies);
        var c = highBias && highVariance ? FitCase.HighBiasAndVariance : highBias ? FitCase.HighBias : highVariance ? FitCase.HighVariance
            : mismatched ? FitCase.DataMismatch : FitCase.Good;
        return new BiasVarianceReport(trainError, devError, trainDevError, testError, human, bias, variance, mismatch, c, remedies);
    }

    /// <summary>One point of a learning curve: errors after training on <paramref name="Size"/> rows.</summary>
    public sealed record LearningCurvePoint(int Size, double TrainError, double DevError);

    /// <summary>
    /// Error versus training-set size: for each size, a fresh model from <paramref name="build"/> is trained by the trainer
    /// <paramref name="trainerFor"/> makes on the first <c>size</c> rows of a seeded shuffle of <paramref name="train"/> and
    /// scored on those rows and on <paramref name="dev"/>. Errors are 1 − accuracy for class labels, else the loss. A dev
    /// error still falling at the largest size says more data would help (variance); train and dev errors meeting high
    /// say it would not (bias).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size outside 1 … train.Count, or epochs below 1.</exception>
    public static IReadOnlyList<LearningCurvePoint> LearningCurve(Func<Module> build, Func<Module, Trainer> trainerFor, Dataset train, Dataset dev,
        IReadOnlyList<int> sizes, int epochs, ulong seed, int batchSize = 64)
    {
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "learning curve: epochs must be at least 1");
        foreach (int size in sizes)
            if (size < 1 || size > train.Count) throw new ArgumentOutOfRangeException(nameof(sizes), size, $"learning curve: sizes must be in 1 … {train.Count}");
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Generator(seed).Shuffle<int>(order);
        var points = new List<LearningCurvePoint>();
        foreach (int size in sizes)
        {
            var subset = train.Subset(order.AsSpan(0, size));
            var trainer = trainerFor(build());
            trainer.Fit(new DataLoader(subset, batchSize, shuffle: true, seed: seed), epochs);
            points.Add(new LearningCurvePoint(size, Error(trainer.Evaluate(new DataLoader(subset, 1024))), Error(trainer.Evaluate(new DataLoader(dev, 1024)))));
        }
        return points;
    }

    static double Error(Evaluation e) => e.Accuracy is { } a ? 1 - a : e.Loss;
}
