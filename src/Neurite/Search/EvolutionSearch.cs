namespace Neurite.Search;

/// <summary>
/// Regularised evolution of architectures (Real et al. 2019; seed 004's "can the structure be determined
/// automatically?"): the first <c>population</c> trials are random; then each new one is a mutant of the
/// fittest of <c>tournament</c> trials drawn from the latest <c>population</c> (older ones age
/// out). A mutation changes one or two active parameters — a layer added or removed, a width halved or doubled, another
/// activation, dropout or batch-norm setting. Fitness = score + <c>parameterPenalty</c>·log₁₀(parameters),
/// so a positive penalty prefers smaller networks at equal score.
/// </summary>
public sealed class EvolutionSearch : ISearcher
{
    readonly SearchSpace space;
    readonly Generator generator;
    readonly int population, tournament;
    readonly double parameterPenalty;

    /// <summary>Regularised evolution over <paramref name="space"/>, seeded with <paramref name="seed"/>.</summary>
    /// <param name="space">The space to search.</param>
    /// <param name="seed">The generator seed.</param>
    /// <param name="population">Random trials at the start, and how many of the latest trials stay alive (default 8, ≥ 2).</param>
    /// <param name="tournament">Trials drawn per tournament (default 3, in 1..population).</param>
    /// <param name="parameterPenalty">Fitness weight on log₁₀(parameters) (default 0, ≥ 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
    public EvolutionSearch(SearchSpace space, ulong seed, int population = 8, int tournament = 3, double parameterPenalty = 0)
    {
        if (population < 2) throw new ArgumentOutOfRangeException(nameof(population), population, "evolution: population must be ≥ 2");
        if (tournament < 1 || tournament > population) throw new ArgumentOutOfRangeException(nameof(tournament), tournament, $"evolution: tournament must be in 1..{population}");
        if (!(parameterPenalty >= 0)) throw new ArgumentOutOfRangeException(nameof(parameterPenalty), parameterPenalty, "evolution: parameterPenalty must be ≥ 0");
        (this.space, generator, this.population, this.tournament, this.parameterPenalty) = (space, new Generator(seed), population, tournament, parameterPenalty);
    }

    /// <summary>score + parameterPenalty·log₁₀(max(1, parameters)); lower is fitter.</summary>
    public double Fitness(Trial t) => t.Score + parameterPenalty * Math.Log10(Math.Max(1, t.Parameters));

    /// <inheritdoc/>
    /// <remarks>Random for the first <c>population</c> trials; then a mutant of the tournament winner, retried up to 10 times while it repeats an earlier configuration.</remarks>
    public Configuration? Propose(IReadOnlyList<Trial> history)
    {
        if (history.Count < population) return space.Sample(generator);
        var alive = history.Skip(history.Count - population).ToArray();
        Trial? parent = null;
        for (int i = 0; i < tournament; i++)
        {
            var t = alive[generator.NextInt(alive.Length)];
            if (parent is null || Fitness(t) < Fitness(parent)) parent = t;
        }
        var seen = history.Select(t => t.Configuration).ToHashSet();
        Configuration child = parent!.Configuration;
        for (int attempt = 0; attempt < 10 && seen.Contains(child); attempt++) child = Mutate(parent.Configuration);
        return child;
    }

    /// <summary>The configuration with one (or, half the time, two) active parameters mutated; parameters that a changed
    /// choice switches on are drawn afresh, those it switches off are dropped.</summary>
    public Configuration Mutate(Configuration c)
    {
        var values = c.Values.ToList();
        int changes = 1 + generator.NextInt(2);
        for (int k = 0; k < changes; k++)
        {
            int i = generator.NextInt(values.Count);
            values[i] = new(values[i].Key, space[values[i].Key].Mutate(values[i].Value, generator));
        }
        return space.Repair(values, generator);
    }
}
