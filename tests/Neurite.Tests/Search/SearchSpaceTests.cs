using Neurite.Search;

namespace Neurite.Tests.Search;

public class SearchSpaceTests
{
    static SearchSpace Space() => new(
        new FloatParameter("lr", 1e-4, 1, log: true),
        new ChoiceParameter("optimizer", ["adam", "sgd", "momentum"]),
        new FloatParameter("momentum", 0.5, 0.99) { When = new Condition("optimizer", ["sgd", "momentum"]) },
        new IntParameter("batch", 16, 256, log: true),
        new LayersParameter("layers", 1, 3, 8, 128));

    [Fact]
    public void LogUniformSamplesSpreadEvenlyOverDecades()
    {
        var p = new FloatParameter("lr", 1e-4, 1, log: true);
        var g = new Generator(5);
        var draws = Enumerable.Range(0, 4000).Select(_ => (double)p.Sample(g)).ToArray();
        Assert.All(draws, v => Assert.InRange(v, 1e-4, 1));
        // a quarter per decade; uniform sampling would put 90 % in the top decade
        for (int d = -4; d < 0; d++)
            Assert.InRange(draws.Count(v => v >= Math.Pow(10, d) && v < Math.Pow(10, d + 1)) / 4000.0, 0.22, 0.28);
    }

    [Fact]
    public void ConditionalParametersAppearOnlyWhenTheirChoiceIsMade()
    {
        var space = Space();
        var g = new Generator(1);
        for (int i = 0; i < 200; i++)
        {
            var c = space.Sample(g);
            Assert.Equal(c.Choice("optimizer") != "adam", c.Has("momentum"));
            Assert.InRange(c.Int("batch"), 16, 256);
            Assert.InRange(c.Layers("layers").Count, 1, 3);
            Assert.All(c.Layers("layers"), w => Assert.InRange(w, 8, 128));
        }
    }

    [Fact]
    public void GridEnumeratesEveryCombinationOnceWithInactiveParametersLeftOut()
    {
        var space = new SearchSpace(new ChoiceParameter("optimizer", ["adam", "sgd"]),
            new FloatParameter("momentum", 0.5, 0.9) { When = new Condition("optimizer", ["sgd"]) },
            new FloatParameter("lr", 1e-3, 1e-1, log: true));
        var grid = space.Grid(3);
        Assert.Equal(3 + 3 * 3, grid.Count);   // adam × 3 lr + sgd × 3 momentum × 3 lr
        Assert.Equal(grid.Count, grid.Distinct().Count());
        Assert.Equal([1e-3, 1e-2, 1e-1], grid.Where(c => c.Choice("optimizer") == "adam").Select(c => c.Float("lr")).Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void EncodingPutsValuesInTheUnitCubeOneHotForChoices()
    {
        var space = Space();
        var c = new Configuration([new("lr", 1e-2), new("optimizer", "sgd"), new("momentum", 0.99), new("batch", 16), new("layers", new[] { 128, 8 })]);
        double[] x = space.Encode(c);
        Assert.Equal(1 + 3 + 1 + 1 + 4, x.Length);
        Assert.Equal(0.5, x[0], 12);                // log10 1e-2 halfway between −4 and 0
        Assert.Equal([0.0, 1, 0], x[1..4]);
        Assert.Equal(1, x[4], 12);
        Assert.Equal(0, x[5], 12);
        Assert.Equal(2 / 3.0, x[6], 12);           // depth 2 of 3
        Assert.Equal([1.0, 0, 0], x[7..]);         // widths 128 (top of the log range), 8 (bottom), absent
    }

    [Fact]
    public void NarrowingKeepsTheBestValuesAndShrinksTheRanges()
    {
        var space = Space();
        var best = new[]
        {
            new Configuration([new("lr", 1e-2), new("optimizer", "momentum"), new("momentum", 0.9), new("batch", 32), new("layers", new[] { 64 })]),
            new Configuration([new("lr", 2e-2), new("optimizer", "adam"), new("batch", 64), new("layers", new[] { 32, 64 })]),
        };
        var narrow = space.Narrow(best, 0.1);
        var lr = (FloatParameter)narrow["lr"];
        Assert.InRange(lr.Low, 1e-2 / 2.6, 1e-2);    // a margin of 0.1 × 4 decades = 0.4 decades: ×/÷ 2.51
        Assert.InRange(lr.High, 2e-2, 2e-2 * 2.6);
        Assert.Equal(["adam", "momentum"], ((ChoiceParameter)narrow["optimizer"]).Choices);
        Assert.Equal(["momentum"], narrow["momentum"].When!.Values);   // sgd is gone from the parent
        var layers = (LayersParameter)narrow["layers"];
        Assert.Equal((1, 2), (layers.MinDepth, layers.MaxDepth));
        Assert.True(layers.MinWidth <= 32 && layers.MaxWidth >= 64 && layers.MaxWidth < 128, $"{layers.MinWidth}..{layers.MaxWidth}");
    }

    [Fact]
    public void InvalidSpacesAreRefusedWithTheirNames()
    {
        Assert.Contains("low > 0", Assert.Throws<ArgumentOutOfRangeException>(() => new FloatParameter("lr", 0, 1, log: true)).Message);
        Assert.Throws<ArgumentException>(() => new SearchSpace());
        Assert.Contains("'b'", Assert.Throws<ArgumentException>(() => new SearchSpace(new FloatParameter("m", 0, 1) { When = new Condition("b", ["x"]) })).Message);
        Assert.Contains("defined twice", Assert.Throws<ArgumentException>(() => new SearchSpace(new IntParameter("a", 1, 2), new IntParameter("a", 1, 3))).Message);
    }

    [Fact]
    public void MutationsStayInsideTheSpace()
    {
        var p = new LayersParameter("layers", 1, 3, 8, 128);
        var g = new Generator(2);
        object v = new[] { 16, 32 };
        var depths = new HashSet<int>();
        for (int i = 0; i < 300; i++)
        {
            v = p.Mutate(v, g);
            var w = (int[])v;
            depths.Add(w.Length);
            Assert.InRange(w.Length, 1, 3);
            Assert.All(w, x => Assert.InRange(x, 8, 128));
        }
        Assert.Equal([1, 2, 3], depths.Order());
    }
}
