using Neurite.Optim;

namespace Neurite.Training;

/// <summary>Hooks into <c>Trainer.Fit</c>: override what you need. Call <see cref="Trainer.Stop"/> to end training.</summary>
public abstract class Callback
{
    /// <summary>Called once when <c>Fit</c> starts, before the first epoch.</summary>
    public virtual void OnTrainBegin(Trainer trainer) { }
    /// <summary>Called after each optimizer step.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="epoch">The epoch, counted from 1 (continuing after <c>initialEpoch</c>).</param>
    /// <param name="batch">The batch within the epoch, counted from 1.</param>
    /// <param name="loss">The batch's loss, penalties included.</param>
    /// <param name="samples">The number of samples in the batch (its first dimension).</param>
    public virtual void OnBatchEnd(Trainer trainer, int epoch, int batch, double loss, int samples) { }
    /// <summary>Called after a batch that <see cref="Trainer.Diagnostics"/> sampled, with its snapshot (before OnBatchEnd).</summary>
    public virtual void OnDiagnostics(Trainer trainer, DiagnosticsSnapshot snapshot) { }
    /// <summary>Called after each completed epoch (and its validation), with its result; not for an epoch cut short.</summary>
    public virtual void OnEpochEnd(Trainer trainer, EpochResult result) { }
    /// <summary>Called once when <c>Fit</c> ends, also after early stopping, divergence or cancellation.</summary>
    public virtual void OnTrainEnd(Trainer trainer, History history) { }
}

/// <summary>
/// Stops when the validation loss (or the training loss without validation data) has not improved by
/// more than <c>minDelta</c> for <c>patience</c> epochs; optionally restores the best weights seen.
/// </summary>
/// <remarks>An epoch whose loss is NaN or ±∞, or whose weights or buffers are not all finite, is never the best: it
/// counts as an epoch without improvement, so a diverged model is never what <c>restoreBestWeights</c> puts back.</remarks>
public sealed class EarlyStopping(int patience = 5, double minDelta = 0, bool restoreBestWeights = true) : Callback
{
    double best = double.PositiveInfinity;
    int wait;
    Dictionary<string, Tensor>? bestState;

    /// <summary>The epoch with the lowest loss so far (0 before any finite one).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Starts afresh, so one instance can serve several <c>Trainer.Fit</c> calls.</summary>
    public override void OnTrainBegin(Trainer trainer) => (best, wait, bestState, BestEpoch) = (double.PositiveInfinity, 0, null, 0);

    /// <summary>Records an improvement (a finite loss below best − minDelta with finite weights, snapshotting the weights when
    /// restoring), or counts an epoch without one and stops the trainer after <c>patience</c> of them in a row.</summary>
    public override void OnEpochEnd(Trainer trainer, EpochResult result)
    {
        double value = result.ValLoss ?? result.TrainLoss;
        if (double.IsFinite(value) && value < best - minDelta && FiniteWeights(trainer))
        {
            (best, wait, BestEpoch) = (value, 0, result.Epoch);
            if (restoreBestWeights) bestState = Snapshot(trainer);
            return;
        }
        if (++wait >= patience)
            trainer.Stop($"early stopping: no improvement for {patience} epochs (best {(result.ValLoss is null ? "train" : "validation")} loss {best:g5} at epoch {BestEpoch})");
    }

    /// <summary>With <c>restoreBestWeights</c>, loads the best epoch's weights and buffers back into the model.</summary>
    public override void OnTrainEnd(Trainer trainer, History history)
    {
        if (restoreBestWeights && bestState is not null) trainer.Model.LoadStateDict(bestState);
    }

    static bool FiniteWeights(Trainer trainer) =>
        trainer.Model.StateDict().Values.All(Trainer.IsFinite);

    static Dictionary<string, Tensor> Snapshot(Trainer trainer) =>
        trainer.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Detach().Clone());
}

/// <summary>Steps a learning-rate schedule after every epoch (ReduceLROnPlateau gets the validation or training loss).</summary>
public sealed class SchedulerCallback(LrScheduler scheduler) : Callback
{
    /// <summary><c>Step()</c> on the schedule, or <c>Step(loss)</c> for <see cref="ReduceLROnPlateau"/> (validation loss, else training loss).</summary>
    public override void OnEpochEnd(Trainer trainer, EpochResult result)
    {
        if (scheduler is ReduceLROnPlateau plateau) plateau.Step(result.ValLoss ?? result.TrainLoss);
        else scheduler.Step();
    }
}

/// <summary>Writes the history to a CSV or JSON file after every epoch (atomically).</summary>
public sealed class HistoryWriter(string path) : Callback
{
    /// <summary>Rewrites the file with every epoch so far: CSV when the path ends in .csv, else JSON.</summary>
    public override void OnEpochEnd(Trainer trainer, EpochResult result) => trainer.History.Save(path);
}

/// <summary>Prints one plain line per epoch (for logs and redirected output).</summary>
public sealed class PlainProgress(TextWriter? output = null) : Callback
{
    readonly TextWriter output = output ?? Console.Out;

    /// <summary>Writes <see cref="Format"/>'s line to the output (default <see cref="Console.Out"/>).</summary>
    public override void OnEpochEnd(Trainer trainer, EpochResult r) => output.WriteLine(Format(r, trainer.Epochs));

    /// <summary>The one-line summary of an epoch.</summary>
    public static string Format(EpochResult r, int epochs)
    {
        var line = System.FormattableString.Invariant($"epoch {r.Epoch}/{epochs}  loss {r.TrainLoss:F4}");
        if (r.TrainAccuracy is { } ta) line += System.FormattableString.Invariant($"  acc {ta:P2}");
        if (r.ValLoss is { } vl) line += System.FormattableString.Invariant($"  val_loss {vl:F4}");
        if (r.ValAccuracy is { } va) line += System.FormattableString.Invariant($"  val_acc {va:P2}");
        return line + System.FormattableString.Invariant($"  lr {r.LearningRate:g3}  {r.SamplesPerSecond:N0} samples/s  {r.Seconds:F1}s");
    }
}
