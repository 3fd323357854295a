using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Neurite.Serialization;

namespace Neurite.Training;

/// <summary>One epoch's results: training loss and metrics, and validation ones when a validation set is given.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double? TrainAccuracy, double? ValLoss, double? ValAccuracy, double LearningRate, double Seconds, double SamplesPerSecond);

/// <summary>What the divergence guard of <c>Trainer.Fit</c> saw.</summary>
public enum DivergenceKind
{
    /// <summary>A batch's loss was NaN or ±∞.</summary>
    NonFinite,
    /// <summary>A batch's loss exceeded <c>Trainer.DivergenceFactor</c> × its running minimum (finite, but exploding).</summary>
    Exploded,
    /// <summary>At an epoch's end a weight, buffer or optimizer state tensor held NaN or ±∞.</summary>
    NonFiniteWeights,
}

/// <summary>Where and how training diverged: the guard stopped in epoch <paramref name="Epoch"/> at batch
/// <paramref name="Batch"/> (for <see cref="DivergenceKind.NonFiniteWeights"/>, the epoch's last batch, or 0 when the
/// weights Fit started from were already non-finite), with the loss of that batch.</summary>
public sealed record Divergence(int Epoch, int Batch, double Loss, DivergenceKind Kind);

/// <summary>The per-epoch record of a <c>Trainer.Fit</c> run, writable as CSV or JSON. Only completed epochs are in
/// it: an epoch cut short by the divergence guard or by cancellation is not.</summary>
public sealed class History
{
    readonly List<EpochResult> epochs = [];

    /// <summary>The completed epochs' results, in order.</summary>
    public IReadOnlyList<EpochResult> Epochs => epochs;

    /// <summary>Why training stopped early (early stopping, the divergence guard, cancellation), or null.</summary>
    public string? StopReason { get; internal set; }

    /// <summary>Set when the divergence guard stopped training (the CLI exits non-zero then); null otherwise.</summary>
    public Divergence? Divergence { get; internal set; }

    /// <summary>True when <c>Fit</c>'s cancellation token stopped training between batches.</summary>
    public bool Interrupted { get; internal set; }

    /// <summary>The last epoch that finished (its OnEpochEnd ran): the epoch whose weights and optimizer state the
    /// trainer holds when Fit returns after a divergence or a cancellation, and the epoch a checkpoint written then
    /// should claim. Equals Fit's <c>initialEpoch</c> when no epoch finished. (An <see cref="EarlyStopping"/> that
    /// restores its best weights changes the weights, not this number.)</summary>
    public int LastCompletedEpoch { get; internal set; }

    readonly List<DiagnosticsSnapshot> diagnostics = [];

    /// <summary>The snapshots of <c>Trainer.Diagnostics</c> in order, including those taken in an epoch that was then
    /// cut short (they show what led to a divergence); empty without diagnostics.</summary>
    public IReadOnlyList<DiagnosticsSnapshot> Diagnostics => diagnostics;

    internal void Add(EpochResult result) => epochs.Add(result);

    internal void AddDiagnostics(DiagnosticsSnapshot snapshot) => diagnostics.Add(snapshot);

    /// <summary>One header line <c>epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds,samples_per_s</c> and one line
    /// per epoch (invariant culture, round-trip numbers; a missing value is empty).</summary>
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
    public string ToJson() => JsonSerializer.Serialize(new Stored(epochs, StopReason, Divergence, Interrupted, LastCompletedEpoch, diagnostics.Count == 0 ? null : diagnostics), Json.Info<Stored>());

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter<DivergenceKind>() },
        TypeInfoResolver = NeuriteJsonContext.Default,
    };

    /// <summary>The JSON form: the epochs with their record's property names, the rest in snake_case.</summary>
    internal sealed record Stored(
        [property: JsonPropertyName("epochs")] IReadOnlyList<EpochResult> Epochs,
        [property: JsonPropertyName("stop_reason")] string? StopReason,
        [property: JsonPropertyName("divergence")] Divergence? Divergence,
        [property: JsonPropertyName("interrupted")] bool Interrupted,
        [property: JsonPropertyName("last_completed_epoch")] int LastCompletedEpoch,
        [property: JsonPropertyName("diagnostics"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DiagnosticsSnapshot>? Diagnostics = null);

    /// <summary>Writes CSV (for a .csv path) or JSON (otherwise), atomically.</summary>
    public void Save(string path) => Serialization.AtomicFile.WriteAllText(path, path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ToCsv() : ToJson());
}
