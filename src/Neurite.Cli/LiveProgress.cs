using Neurite.Training;
using Spectre.Console;

namespace Neurite.Cli;

/// <summary>
/// A live Spectre.Console progress bar on a terminal (epoch, batch, loss, accuracy, samples/s, ETA), with
/// one summary line per finished epoch. Use <see cref="Run"/> to wrap the call to <see cref="Trainer.Fit"/>.
/// </summary>
public sealed class LiveProgress(int batchesPerEpoch) : Callback
{
    ProgressTask? task;
    DateTime epochStart;
    long samples;
    double lossSum;
    int batches;

    /// <summary>Runs <paramref name="fit"/> inside a progress display that this callback updates.</summary>
    public T Run<T>(Func<T> fit)
    {
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                task = ctx.AddTask("training", maxValue: 1);
                result = fit();
            });
        return result;
    }

    public override void OnTrainBegin(Trainer trainer)
    {
        if (task is not null) task.MaxValue = Math.Max(1, (double)trainer.Epochs * batchesPerEpoch);
    }

    public override void OnBatchEnd(Trainer trainer, int epoch, int batch, double loss, int n)
    {
        if (batch == 1) { epochStart = DateTime.UtcNow; samples = 0; lossSum = 0; batches = 0; }
        samples += n;
        lossSum += loss;
        batches++;
        if (task is null) return;
        double seconds = Math.Max((DateTime.UtcNow - epochStart).TotalSeconds, 1e-6);
        task.Increment(1);
        task.Description = Markup.Escape(System.FormattableString.Invariant(
            $"epoch {epoch}/{trainer.Epochs} batch {batch}/{batchesPerEpoch} loss {lossSum / batches:F4} {samples / seconds:N0} samples/s"));
    }

    public override void OnEpochEnd(Trainer trainer, EpochResult r)
    {
        AnsiConsole.MarkupLine(Markup.Escape(PlainProgress.Format(r, trainer.Epochs)));
        if (task is not null) task.Value = (double)r.Epoch * batchesPerEpoch;
    }
}
