using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Neurite.Training;

/// <summary>One epoch's results: training loss and metrics, and validation ones when a validation set is given.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double? TrainAccuracy, double? ValLoss, double? ValAccuracy, double LearningRate, double Seconds, double SamplesPerSecond);

/// <summary>The per-epoch record of a <c>Trainer.Fit</c> run, writable as CSV or JSON.</summary>
public sealed class History
{
    readonly List<EpochResult> epochs = [];

    public IReadOnlyList<EpochResult> Epochs => epochs;

    /// <summary>Why training stopped early (early stopping, NaN guard), or null.</summary>
    public string? StopReason { get; internal set; }

    internal void Add(EpochResult result) => epochs.Add(result);

    public string ToCsv()
    {
        var sb = new StringBuilder("epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds,samples_per_s\n");
        static string F(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";
        foreach (var e in epochs)
            sb.Append(CultureInfo.InvariantCulture, $"{e.Epoch},{F(e.TrainLoss)},{F(e.TrainAccuracy)},{F(e.ValLoss)},{F(e.ValAccuracy)},{F(e.LearningRate)},{F(e.Seconds)},{F(e.SamplesPerSecond)}\n");
        return sb.ToString();
    }

    /// <summary>The history as JSON; a non-finite value (a NaN validation loss of an empty set, a diverged run) is
    /// written as the string "NaN" or "Infinity", since JSON has no such numbers.</summary>
    public string ToJson() => JsonSerializer.Serialize(new { epochs, stop_reason = StopReason },
        new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    /// <summary>Writes CSV (for a .csv path) or JSON (otherwise), atomically.</summary>
    public void Save(string path) => Serialization.AtomicFile.WriteAllText(path, path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ToCsv() : ToJson());
}
