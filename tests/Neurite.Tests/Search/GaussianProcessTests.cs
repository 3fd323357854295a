using Neurite.Search;

namespace Neurite.Tests.Search;

public class GaussianProcessTests
{
    [Fact]
    public void MaternKernelMatchesTheFormulaByHand()
    {
        // k(r) = σ²(1 + √5 r + 5r²/3) e^(−√5 r); σ² = 2, r = 1 → 2 · (1 + 2.2360680 + 1.6666667) · 0.1068779
        Assert.Equal(1.0479882176636406, new Matern52Kernel(2, [1]).Value([0], [1]), 12);
        // ARD: ℓ = (2, 0.5), Δ = (1, 0.5) → r² = 0.25 + 1 = 1.25, √5 r = 2.5 → (1 + 2.5 + 2.0833) e^(−2.5)
        Assert.Equal(0.45830790898343504, new Matern52Kernel(1, [2, 0.5]).Value([0, 0], [1, 0.5]), 12);
        Assert.Equal(3.0, new Matern52Kernel(3, [0.1]).Value([0.7], [0.7]), 12);   // k(x, x) = σ²
        Assert.Throws<ArgumentException>(() => new Matern52Kernel(1, [1, 1]).Value([0], [1]));
    }

    [Fact]
    public void OnePointPosteriorAndLikelihoodByHand()
    {
        // one observation y = 1 at x = 0, σ² = 1, ℓ = 1, σₙ² = 0.01:
        // μ(x) = k(x,0)/(1 + σₙ²), σ²(x) = 1 − k(x,0)²/(1 + σₙ²), log p = −½ y²/(1+σₙ²) − ½ log(1+σₙ²) − ½ log 2π
        var gp = new GaussianProcess([[0.0]], [1.0], new Matern52Kernel(1, [1]), 0.01);
        var (m0, v0) = gp.Predict([0.0]);
        Assert.Equal(0.9900990099009901, m0, 9);
        Assert.Equal(1 - 1 / 1.01, v0, 9);
        var (m1, v1) = gp.Predict([1.0]);
        Assert.Equal(0.5188060483483369, m1, 9);
        Assert.Equal(0.7281486870391549, v1, 9);
        Assert.Equal(-1.4189632035817517, gp.LogMarginalLikelihood, 9);
    }

    [Fact]
    public void InterpolatesWithSmallNoiseAndVarianceGrowsAwayFromData()
    {
        double[] xs = [0, 0.25, 0.5, 0.75, 1];
        var gp = new GaussianProcess([.. xs.Select(x => new[] { x })], [.. xs.Select(x => Math.Sin(4 * x))], new Matern52Kernel(1, [0.3]), 1e-6);
        foreach (double x in xs)
        {
            var (m, v) = gp.Predict([x]);
            Assert.Equal(Math.Sin(4 * x), m, 3);
            Assert.True(v < 1e-4, $"variance {v} at an observed point");
        }
        double previous = 0;
        foreach (double x in new[] { 1.05, 1.2, 1.5, 2, 3 })
        {
            var (_, v) = gp.Predict([x]);
            Assert.True(v > previous, $"variance {v} at {x} should exceed {previous}");
            previous = v;
        }
        Assert.True(previous > 0.99, "far from the data the variance is the prior's");
        Assert.True(gp.Predict([0.125]).Variance < gp.Predict([1.125]).Variance);   // between points < past the end
    }

    [Fact]
    public void FittingRaisesTheMarginalLikelihoodAndFindsTheNoiseIsSmall()
    {
        var g = new Generator(3);
        var x = Enumerable.Range(0, 15).Select(_ => new[] { g.NextDouble(), g.NextDouble() }).ToArray();
        var y = x.Select(p => Math.Sin(3 * p[0]) + 0.1 * p[1]).ToArray();
        double mean = y.Average();
        y = [.. y.Select(v => v - mean)];
        var start = new GaussianProcess(x, y, new Matern52Kernel(1, [0.5, 0.5]), 1e-2);
        var fitted = GaussianProcess.Fit(x, y, new Generator(1));
        Assert.True(fitted.LogMarginalLikelihood > start.LogMarginalLikelihood + 1, $"{fitted.LogMarginalLikelihood} vs {start.LogMarginalLikelihood}");
        Assert.True(fitted.Noise < 1e-3, $"noise {fitted.Noise} on noise-free data");
        // y barely depends on the second input: its length scale comes out longer than the first's
        Assert.True(fitted.Kernel.LengthScales[1] > fitted.Kernel.LengthScales[0], string.Join(", ", fitted.Kernel.LengthScales));
    }

    [Fact]
    public void ExpectedImprovementAndNormalByHand()
    {
        Assert.Equal(0.3989422804014327, BayesianSearch.ExpectedImprovement(0, 1, 0), 6);   // gain 0: σ·φ(0)
        Assert.Equal(0.9750021048517795, Normal.Cdf(1.96), 6);
        Assert.Equal(2.0, BayesianSearch.ExpectedImprovement(-2, 0, 0), 12);   // no uncertainty: the sure gain
        Assert.True(BayesianSearch.ExpectedImprovement(0, 2, 0) > BayesianSearch.ExpectedImprovement(0, 1, 0));   // more σ, more EI
    }

    [Fact]
    public void NelderMeadFindsTheMinimumOfRosenbrock()
    {
        var (p, v) = NelderMead.Minimize(q => 100 * Math.Pow(q[1] - q[0] * q[0], 2) + Math.Pow(1 - q[0], 2), [-1.2, 1], 0.5, 5000, 1e-14);
        Assert.Equal(1, p[0], 3);
        Assert.Equal(1, p[1], 3);
        Assert.True(v < 1e-6);
    }
}
