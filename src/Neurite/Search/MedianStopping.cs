using Neurite.Training;

namespace Neurite.Search;

/// <summary>
/// The median stopping rule (Golovin et al. 2017, Google Vizier): after <paramref name="graceEpochs"/> epochs, a trial
/// whose best dev metric so far is worse than the median of what the finished trials had reached by the same epoch is
/// stopped. Needs <paramref name="minTrials"/> finished trials that ran that long before it stops anything.
/// </summary>
public sealed class MedianStoppingRule(int graceEpochs = 1, int minTrials = 3)
{
    /// <summary>Epochs before the rule may stop a trial (default 1, ≥ 1).</summary>
    public int GraceEpochs { get; } = graceEpochs >= 1 ? graceEpochs : throw new ArgumentOutOfRangeException(nameof(graceEpochs), graceEpochs, "median stopping: graceEpochs must be ≥ 1");
    /// <summary>Finished trials needed at an epoch before the rule stops anything (default 3, ≥ 1).</summary>
    public int MinTrials { get; } = minTrials >= 1 ? minTrials : throw new ArgumentOutOfRangeException(nameof(minTrials), minTrials, "median stopping: minTrials must be ≥ 1");

    /// <summary>Whether the running trial with dev metrics <paramref name="curve"/> (lower is better) should stop now.</summary>
    public bool ShouldStop(IReadOnlyList<double> curve, IReadOnlyList<Trial> finished) => Median(curve.Count, finished) is { } m && BestOf(curve, curve.Count) > m;

    /// <summary>The median over finished trials of their best metric up to <paramref name="epoch"/>, or null when too few
    /// trials ran that far (or the grace period is not over).</summary>
    public double? Median(int epoch, IReadOnlyList<Trial> finished)
    {
        if (epoch < GraceEpochs) return null;
        var bests = finished.Where(t => t.Curve.Count >= epoch).Select(t => BestOf(t.Curve, epoch)).Order().ToArray();
        if (bests.Length < MinTrials) return null;
        int h = bests.Length / 2;
        return bests.Length % 2 == 1 ? bests[h] : 0.5 * (bests[h - 1] + bests[h]);
    }

    static double BestOf(IReadOnlyList<double> curve, int epochs)
    {
        double best = double.PositiveInfinity;
        for (int i = 0; i < epochs; i++) if (curve[i] < best) best = curve[i];   // NaN never wins
        return best;
    }
}

/// <summary>A <c>Trainer.Fit</c> callback that records each epoch's dev loss (the training loss without a dev set) and
/// stops the run when the <see cref="MedianStoppingRule"/> says so.</summary>
public sealed class MedianStoppingCallback(MedianStoppingRule? rule, IReadOnlyList<Trial> finished) : Callback
{
    readonly List<double> curve = [];

    /// <summary>The dev metric (validation loss, or training loss without a dev set) after each epoch so far.</summary>
    public IReadOnlyList<double> Curve => curve;
    /// <summary>Whether the rule stopped the last run.</summary>
    public bool Stopped { get; private set; }

    /// <inheritdoc/>
    /// <remarks>Clears <see cref="Curve"/> and <see cref="Stopped"/>.</remarks>
    public override void OnTrainBegin(Trainer trainer)
    {
        Stopped = false;
        curve.Clear();
    }

    /// <inheritdoc/>
    /// <remarks>Records the epoch's metric and stops the trainer, before the last epoch, when the rule says so.</remarks>
    public override void OnEpochEnd(Trainer trainer, EpochResult result)
    {
        curve.Add(result.ValLoss ?? result.TrainLoss);
        if (rule is not null && result.Epoch < trainer.Epochs && rule.ShouldStop(curve, finished))
        {
            Stopped = true;
            trainer.Stop($"median stopping: best dev loss {curve.Min():g4} after {curve.Count} epochs is worse than the median {rule.Median(curve.Count, finished):g4} of the finished trials");
        }
    }
}
