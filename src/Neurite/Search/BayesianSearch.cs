namespace Neurite.Search;

/// <summary>
/// Bayesian optimisation: after <paramref name="initialTrials"/> random ones, a <see cref="GaussianProcess"/> (Matérn 5/2,
/// hyper-parameters fitted by maximum marginal likelihood) models the score over the encoded space (unit cube; integers
/// rounded when sampled, categories one-hot), and the next trial is the one of <paramref name="candidates"/> random
/// configurations with the largest expected improvement
/// EI(x) = (y⁺ − μ − ξ)·Φ(z) + σ·φ(z), z = (y⁺ − μ − ξ)/σ, over the best score y⁺ so far (we minimise).
/// </summary>
public sealed class BayesianSearch(SearchSpace space, ulong seed, int initialTrials = 5, int candidates = 500, double xi = 0.01) : ISearcher
{
    readonly Generator generator = new(seed);

    /// <inheritdoc/>
    public Configuration? Propose(IReadOnlyList<Trial> history)
    {
        var seen = history.Where(t => !double.IsNaN(t.Score)).ToArray();
        if (seen.Length < Math.Max(2, initialTrials)) return space.Sample(generator);
        // a diverged trial (+∞) counts as the worst finite score: informative, without breaking the standardisation
        var finite = seen.Where(t => double.IsFinite(t.Score)).Select(t => t.Score).DefaultIfEmpty(0).ToArray();
        double worst = finite.Max();
        var y = seen.Select(t => double.IsFinite(t.Score) ? t.Score : worst).ToArray();
        double mean = y.Average(), sd = Math.Sqrt(y.Select(v => (v - mean) * (v - mean)).Average());
        if (!(sd > 1e-12)) sd = 1;
        var z = y.Select(v => (v - mean) / sd).ToArray();
        var gp = GaussianProcess.Fit([.. seen.Select(t => space.Encode(t.Configuration))], z, generator);
        double best = z.Min();
        Configuration? choice = null;
        double bestEi = double.NegativeInfinity;
        for (int i = 0; i < candidates; i++)
        {
            var c = space.Sample(generator);
            var (mu, variance) = gp.Predict(space.Encode(c));
            double ei = ExpectedImprovement(mu, Math.Sqrt(variance), best, xi);
            if (ei > bestEi) (choice, bestEi) = (c, ei);
        }
        return choice;
    }

    /// <summary>E[max(y⁺ − ξ − f, 0)] for f ~ N(μ, σ²).</summary>
    public static double ExpectedImprovement(double mean, double sigma, double best, double xi = 0)
    {
        double gain = best - mean - xi;
        if (!(sigma > 1e-12)) return Math.Max(gain, 0);
        double z = gain / sigma;
        return gain * Normal.Cdf(z) + sigma * Normal.Pdf(z);
    }
}

/// <summary>The standard normal density and distribution function.</summary>
public static class Normal
{
    /// <summary>φ(z) = exp(−z²/2) / √(2π).</summary>
    public static double Pdf(double z) => Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);

    /// <summary>Φ(z) = ½·erfc(−z/√2).</summary>
    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>erfc by the Chebyshev fit of Numerical Recipes (erfcc), fractional error below 1.2·10⁻⁷ everywhere.</summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x), t = 1 / (1 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                   + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
