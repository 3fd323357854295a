using Neurite.Search;

namespace Neurite.Tests.Search;

public class SearcherTests
{
    // A smooth bowl in log space with its minimum 0 at a = 10⁻², b = 10⁻¹.
    static readonly SearchSpace Bowl = new(new FloatParameter("a", 1e-4, 1, log: true), new FloatParameter("b", 1e-3, 10, log: true));

    static double Quadratic(Configuration c) => Math.Pow(Math.Log10(c.Float("a")) + 2, 2) + Math.Pow(Math.Log10(c.Float("b")) + 1, 2);

    internal static IReadOnlyList<Trial> Run(ISearcher searcher, SearchSpace space, Func<Configuration, double> f, int trials, string? path = null) =>
        new Study(space, searcher, trials, path).Run((c, _) => new TrialResult(f(c), [f(c)]));

    static double BestOf(IReadOnlyList<Trial> trials) => trials.Min(t => t.Score);

    [Fact]
    public void GridContainsTheOptimumOfTheBowl()
    {
        var grid = new GridSearch(Bowl, 5);
        Assert.Equal(25, grid.Points.Count);
        var trials = Run(grid, Bowl, Quadratic, 100);
        Assert.Equal(25, trials.Count);   // the grid ran out before the budget
        Assert.True(BestOf(trials) < 1e-20, $"{BestOf(trials)}");
    }

    [Fact]
    public void BayesianOptimisationBeatsRandomSearchOnASmoothFunction()
    {
        double bayes = 0, random = 0;
        const int seeds = 4, budget = 20;
        for (ulong seed = 1; seed <= seeds; seed++)
        {
            bayes += BestOf(Run(new BayesianSearch(Bowl, seed, initialTrials: 5, candidates: 300), Bowl, Quadratic, budget)) / seeds;
            random += BestOf(Run(new RandomSearch(Bowl, seed), Bowl, Quadratic, budget)) / seeds;
        }
        // random search's best of 20 in a 4 × 4 square is typically ~0.1–0.3 away; a working GP homes in on the bowl's bottom
        Assert.True(bayes < 0.02, $"bayes {bayes}, random {random}");
        Assert.True(bayes < random / 5, $"bayes {bayes}, random {random}");
    }

    [Fact]
    public void CoarseToFineNarrowsAroundTheBestAndBeatsRandomSearch()
    {
        double fine = 0, random = 0;
        for (ulong seed = 1; seed <= 4; seed++)
        {
            var search = new CoarseToFineSearch(Bowl, seed, trialsPerRound: 10, keep: 3);
            fine += BestOf(Run(search, Bowl, Quadratic, 30)) / 4;
            random += BestOf(Run(new RandomSearch(Bowl, seed), Bowl, Quadratic, 30)) / 4;
            var a = (FloatParameter)search.Current["a"];
            Assert.True(Math.Log10(a.High / a.Low) < 2, $"round 3 still spans {a.Low}..{a.High}");
            Assert.InRange(1e-2, a.Low / 3, a.High * 3);
        }
        Assert.True(fine < random, $"coarse-to-fine {fine}, random {random}");
    }

    // An architecture objective: best at depth 3, width 32 everywhere, tanh (a stand-in for a dev loss).
    static readonly SearchSpace Architectures = new(new LayersParameter("layers", 1, 5, 4, 512), new ChoiceParameter("activation", ["relu", "tanh", "sigmoid"]),
        new FloatParameter("dropout", 0, 0.5));

    static double ArchitectureLoss(Configuration c)
    {
        var w = c.Layers("layers");
        return Math.Abs(w.Count - 3) + w.Sum(x => Math.Abs(Math.Log2(x) - 5)) / w.Count + (c.Choice("activation") == "tanh" ? 0 : 1) + c.Float("dropout");
    }

    [Fact]
    public void EvolutionImprovesArchitecturesBeyondRandomSearch()
    {
        double evolved = 0, random = 0;
        for (ulong seed = 1; seed <= 4; seed++)
        {
            evolved += BestOf(Run(new EvolutionSearch(Architectures, seed, population: 10, tournament: 5), Architectures, ArchitectureLoss, 100)) / 4;
            random += BestOf(Run(new RandomSearch(Architectures, seed), Architectures, ArchitectureLoss, 100)) / 4;
        }
        Assert.True(evolved < random, $"evolution {evolved}, random {random}");
        Assert.True(evolved < 0.6, $"evolution {evolved}, random {random}");
    }

    [Fact]
    public void TheParameterPenaltyFavoursSmallerNetworks()
    {
        var search = new EvolutionSearch(Architectures, 1, parameterPenalty: 0.5);
        var c = Architectures.Sample(new Generator(1));
        var small = new Trial(0, c, 1.0, [1.0], false, 1_000, 0);
        var large = new Trial(1, c, 0.9, [0.9], false, 100_000, 0);
        Assert.Equal(1.0 + 0.5 * 3, search.Fitness(small), 12);   // score + λ·log10(parameters)
        Assert.Equal(0.9 + 0.5 * 5, search.Fitness(large), 12);
        Assert.True(search.Fitness(small) < search.Fitness(large));
    }

    public static TheoryData<string> Searchers => ["random", "coarse-to-fine", "bayes", "evolve"];

    static ISearcher Make(string name, SearchSpace space, ulong seed) => name switch
    {
        "random" => new RandomSearch(space, seed),
        "coarse-to-fine" => new CoarseToFineSearch(space, seed, 4),
        "bayes" => new BayesianSearch(space, seed, initialTrials: 4, candidates: 100),
        _ => new EvolutionSearch(space, seed, population: 4),
    };

    [Theory]
    [MemberData(nameof(Searchers))]
    public void SameSeedSameTrials(string name)
    {
        var space = new SearchSpace([.. Bowl.Parameters, new ChoiceParameter("act", ["relu", "tanh"]), new LayersParameter("layers", 1, 2, 4, 64)]);
        double F(Configuration c) => Quadratic(c) + (c.Choice("act") == "relu" ? 0.5 : 0) + c.Layers("layers").Count;
        string Trials(ulong seed) => string.Join("\n", Run(Make(name, space, seed), space, F, 12).Select(t => t.Configuration.ToString()));
        Assert.Equal(Trials(7), Trials(7));
        Assert.NotEqual(Trials(7), Trials(8));
    }
}
