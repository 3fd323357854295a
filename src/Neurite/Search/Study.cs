namespace Neurite.Search;

/// <summary>What an objective reports for one configuration: the score to minimise, the dev metric per epoch, whether it
/// was stopped early, the model's parameter count.</summary>
public sealed record TrialResult(double Score, IReadOnlyList<double> Curve, bool Stopped = false, long Parameters = 0);

/// <summary>What an objective gets besides the configuration: the trial's number (seed its run with it), the finished
/// trials, and the stopping rule (<see cref="StoppingCallback"/> puts it into a <c>Trainer.Fit</c>).</summary>
public sealed class TrialContext(int number, IReadOnlyList<Trial> finished, MedianStoppingRule? stopping, CancellationToken cancellation)
{
    /// <summary>The trial's number, from 0; seed its run with it.</summary>
    public int Number { get; } = number;
    /// <summary>The trials finished before this one.</summary>
    public IReadOnlyList<Trial> Finished { get; } = finished;
    /// <summary>The stopping rule, or null for none.</summary>
    public MedianStoppingRule? Stopping { get; } = stopping;
    /// <summary>Cancelled when the study is asked to stop.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>A fresh <see cref="MedianStoppingCallback"/> for <see cref="Stopping"/> against <see cref="Finished"/>; with no rule it only records the curve.</summary>
    public MedianStoppingCallback StoppingCallback() => new(Stopping, Finished);
}

/// <summary>
/// A hyper-parameter search: proposes configurations with an <see cref="ISearcher"/>, scores them with an objective,
/// and — with a <paramref name="path"/> — writes every finished trial to that file at once (atomically, the whole file
/// replaced), so a killed study resumes: <see cref="Run"/> replays the searcher's proposals against the stored trials,
/// checks they match (same space, searcher and seed) and goes on from the first missing one. A trial that was running
/// when the process died is run again from its start.
/// </summary>
/// <remarks>Trials run one after another. The kernels' thread count (<c>Engine.Threads</c>) is process-wide, so trials in
/// parallel would each take every core; one trial at a time uses all of them instead.</remarks>
public sealed class Study(SearchSpace space, ISearcher searcher, int trials, string? path = null, MedianStoppingRule? stopping = null)
{
    /// <summary>The space searched.</summary>
    public SearchSpace Space { get; } = space;
    /// <summary>How many trials to run (≥ 1).</summary>
    public int Trials { get; } = trials >= 1 ? trials : throw new ArgumentOutOfRangeException(nameof(trials), trials, "study: trials must be ≥ 1");

    /// <summary>Runs (or resumes) the study; <paramref name="onTrial"/> sees each trial as it finishes (true when it was
    /// read back from the file). Stops between trials when <paramref name="cancellation"/> is cancelled.</summary>
    public IReadOnlyList<Trial> Run(Func<Configuration, TrialContext, TrialResult> objective, Action<Trial, bool>? onTrial = null, CancellationToken cancellation = default)
    {
        var stored = path is not null && File.Exists(path) ? StudyFile.Read(path, Space) : [];
        if (stored.Count > Trials) throw new InvalidOperationException($"study: {path} holds {stored.Count} trials, more than the {Trials} asked for");
        var done = new List<Trial>();
        for (int i = 0; i < Trials && !cancellation.IsCancellationRequested; i++)
        {
            var proposal = searcher.Propose(done);
            if (proposal is null) break;
            if (i < stored.Count)
            {
                if (!stored[i].Configuration.Equals(proposal))
                    throw new InvalidOperationException($"study: trial {i} in {path} is {stored[i].Configuration}, but this search proposes {proposal}: the file was written with another space, searcher or seed");
                done.Add(stored[i]);
                onTrial?.Invoke(stored[i], true);
                continue;
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var context = new TrialContext(i, done.ToArray(), stopping, cancellation);
            var r = objective(proposal, context);
            if (cancellation.IsCancellationRequested) break;   // a trial cut short is not a result
            var trial = new Trial(i, proposal, double.IsNaN(r.Score) ? double.PositiveInfinity : r.Score, [.. r.Curve], r.Stopped, r.Parameters, clock.Elapsed.TotalSeconds);
            done.Add(trial);
            if (path is not null) StudyFile.Write(path, Space, done);
            onTrial?.Invoke(trial, false);
        }
        return done;
    }

    /// <summary>The trial with the lowest score (the earliest of equals).</summary>
    public static Trial Best(IReadOnlyList<Trial> trials) =>
        trials.OrderBy(t => t.Score).ThenBy(t => t.Number).FirstOrDefault() ?? throw new InvalidOperationException("study: no trials");
}
