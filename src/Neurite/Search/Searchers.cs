namespace Neurite.Search;

/// <summary>One finished trial: its configuration, its score (lower is better: a dev loss; +∞ for a diverged run), the
/// dev metric after each epoch it ran, whether a stopping rule cut it short, and its model's parameter count.</summary>
public sealed record Trial(int Number, Configuration Configuration, double Score, IReadOnlyList<double> Curve, bool Stopped, long Parameters, double Seconds);

/// <summary>Proposes the next configuration from the trials so far. Searchers are seeded and deterministic: the same seed
/// and the same history give the same proposal, which is how a study resumes after a kill (it replays the proposals).</summary>
public interface ISearcher
{
    /// <summary>The next configuration to try, or null when the searcher has nothing left (a grid that is done).</summary>
    Configuration? Propose(IReadOnlyList<Trial> history);
}

/// <summary>Every combination of <paramref name="levels"/> values per parameter (all values of a choice), in order.</summary>
public sealed class GridSearch(SearchSpace space, int levels = 3) : ISearcher
{
    /// <summary>Every grid point, in the order proposed.</summary>
    public IReadOnlyList<Configuration> Points { get; } = space.Grid(levels);

    /// <inheritdoc/>
    public Configuration? Propose(IReadOnlyList<Trial> history) => history.Count < Points.Count ? Points[history.Count] : null;
}

/// <summary>Independent draws from the space — seed 001's advice over a grid: with the same budget each important
/// parameter gets as many distinct values as there are trials (Bergstra &amp; Bengio 2012).</summary>
public sealed class RandomSearch(SearchSpace space, ulong seed) : ISearcher
{
    readonly Generator generator = new(seed);

    /// <inheritdoc/>
    public Configuration? Propose(IReadOnlyList<Trial> history) => space.Sample(generator);
}

/// <summary>
/// Coarse to fine (seed 001): random search in rounds of <c>trialsPerRound</c>; each new round draws from the
/// space narrowed around the best <c>keep</c> trials so far, with a margin that halves every round.
/// </summary>
public sealed class CoarseToFineSearch : ISearcher
{
    readonly SearchSpace space;
    readonly Generator generator;
    readonly int trialsPerRound, keep;
    SearchSpace current;
    int round;

    /// <summary>Coarse-to-fine search over <paramref name="space"/>.</summary>
    /// <param name="space">The space of the first round.</param>
    /// <param name="seed">The generator seed.</param>
    /// <param name="trialsPerRound">Trials per round (default 8, ≥ 1).</param>
    /// <param name="keep">Best finite-score trials the next round narrows around (default 3, ≥ 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trialsPerRound"/> or <paramref name="keep"/> &lt; 1.</exception>
    public CoarseToFineSearch(SearchSpace space, ulong seed, int trialsPerRound = 8, int keep = 3)
    {
        if (trialsPerRound < 1) throw new ArgumentOutOfRangeException(nameof(trialsPerRound), trialsPerRound, "coarse-to-fine: trialsPerRound must be ≥ 1");
        if (keep < 1) throw new ArgumentOutOfRangeException(nameof(keep), keep, "coarse-to-fine: keep must be ≥ 1");
        (this.space, current, generator, this.trialsPerRound, this.keep) = (space, space, new Generator(seed), trialsPerRound, keep);
    }

    /// <summary>The space the current round draws from.</summary>
    public SearchSpace Current => current;

    /// <inheritdoc/>
    /// <remarks>Round r ≥ 1 narrows the original space around the best trials with a margin of 0.25 / 2^(r−1) of each range.</remarks>
    public Configuration? Propose(IReadOnlyList<Trial> history)
    {
        int r = history.Count / trialsPerRound;
        if (r != round)
        {
            round = r;
            var best = history.Where(t => double.IsFinite(t.Score)).OrderBy(t => t.Score).Take(keep).Select(t => t.Configuration).ToArray();
            current = r == 0 || best.Length == 0 ? space : space.Narrow(best, 0.25 / (1 << Math.Min(r - 1, 20)));
        }
        return current.Sample(generator);
    }
}
