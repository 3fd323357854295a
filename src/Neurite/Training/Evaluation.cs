using System.Globalization;

namespace Neurite.Training;

/// <summary>What <see cref="Trainer.Evaluate"/> measured: the mean loss over <paramref name="Samples"/> samples (NaN
/// when there were none) and, for int64 class labels, the fraction classified correctly (null otherwise).
/// Deconstructs like a tuple: <c>var (loss, accuracy, _) = trainer.Evaluate(test);</c>.</summary>
public sealed record Evaluation(double Loss, double? Accuracy, long Samples)
{
    /// <summary>E.g. <c>loss 0.1014, accuracy 97.21 % (359 samples)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"loss {Loss:0.0000}{(Accuracy is { } a ? $", accuracy {100 * a:0.00} %" : "")} ({Samples} samples)");
}
