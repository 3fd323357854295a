namespace Neurite.Search;

/// <summary>
/// The Matérn-5/2 kernel with one length scale per input dimension (ARD):
/// k(a, b) = σ²·(1 + √5·r + 5r²/3)·exp(−√5·r), r = √Σ_d ((a_d − b_d)/ℓ_d)².
/// Twice differentiable — smooth enough for learning curves and loss surfaces, rougher than the squared exponential
/// (Snoek, Larochelle &amp; Adams 2012, "Practical Bayesian Optimization of Machine Learning Algorithms").
/// </summary>
public sealed class Matern52Kernel
{
    /// <summary>The Matérn-5/2 kernel k(r) = σ²(1 + √5 r + 5r²/3) e^(−√5 r), σ² = <paramref name="variance"/>, one length scale per dimension in <paramref name="lengthScales"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A variance or length scale that is not finite and positive, or no length scales.</exception>
    public Matern52Kernel(double variance, IReadOnlyList<double> lengthScales)
    {
        if (!(variance > 0) || !double.IsFinite(variance)) throw new ArgumentOutOfRangeException(nameof(variance), variance, "Matérn kernel: variance must be positive");
        if (lengthScales.Count == 0 || lengthScales.Any(l => !(l > 0) || !double.IsFinite(l)))
            throw new ArgumentOutOfRangeException(nameof(lengthScales), "Matérn kernel: length scales must be positive, one per dimension");
        (Variance, LengthScales) = (variance, [.. lengthScales]);
    }

    /// <summary>The signal variance σ² = k(x, x).</summary>
    public double Variance { get; }
    /// <summary>The length scales ℓ_d, one per input dimension.</summary>
    public IReadOnlyList<double> LengthScales { get; }

    /// <summary>k(a, b) = σ²(1 + √5 r + 5r²/3) e^(−√5 r), r = √Σ_d ((a_d − b_d)/ℓ_d)².</summary>
    /// <exception cref="ArgumentException">A point's length differs from the number of length scales.</exception>
    public double Value(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != LengthScales.Count || b.Length != LengthScales.Count)
            throw new ArgumentException($"Matérn kernel: points of {a.Length} and {b.Length} dimensions, the kernel has {LengthScales.Count}");
        double r2 = 0;
        for (int d = 0; d < a.Length; d++) { double u = (a[d] - b[d]) / LengthScales[d]; r2 += u * u; }
        double s = Math.Sqrt(5 * r2);
        return Variance * (1 + s + 5 * r2 / 3) * Math.Exp(-s);
    }
}

/// <summary>
/// Gaussian-process regression with a zero mean and a <see cref="Matern52Kernel"/>: the posterior at x* is
/// μ = k*ᵀ(K + σₙ²I)⁻¹y and σ² = k(x*, x*) − k*ᵀ(K + σₙ²I)⁻¹k*, computed through the Cholesky factor
/// K + σₙ²I = LLᵀ (Rasmussen &amp; Williams 2006, algorithm 2.1). Standardise y first: the prior mean is 0.
/// </summary>
public sealed class GaussianProcess
{
    readonly double[][] x;
    readonly double[] alpha;
    readonly double[,] l;

    /// <summary>Conditions the GP on points <paramref name="x"/> with targets <paramref name="y"/> (standardised), observation noise variance <paramref name="noise"/>.</summary>
    /// <exception cref="ArgumentException">No points, a different number of targets, or a kernel matrix that is not positive definite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="noise"/> negative or not finite.</exception>
    public GaussianProcess(IReadOnlyList<double[]> x, IReadOnlyList<double> y, Matern52Kernel kernel, double noise)
    {
        if (x.Count == 0 || x.Count != y.Count) throw new ArgumentException($"Gaussian process: {x.Count} points and {y.Count} targets; need as many, at least one");
        if (!(noise >= 0) || !double.IsFinite(noise)) throw new ArgumentOutOfRangeException(nameof(noise), noise, "Gaussian process: the noise variance must be ≥ 0");
        (this.x, Kernel, Noise) = ([.. x.Select(p => p.ToArray())], kernel, noise);
        int n = x.Count;
        var k = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                k[i, j] = k[j, i] = kernel.Value(x[i], x[j]) + (i == j ? noise + 1e-10 * kernel.Variance : 0);   // a jitter of 10⁻¹⁰σ² keeps noise 0 factorable
        l = Cholesky(k) ?? throw new ArgumentException("Gaussian process: the kernel matrix is not positive definite (duplicate points with zero noise?)");
        alpha = SolveUpper(l, SolveLower(l, [.. y]));
        // log p(y | X) = −½ yᵀα − Σ log L_ii − n/2 · log 2π
        double fit = 0, logDet = 0;
        for (int i = 0; i < n; i++) { fit += y[i] * alpha[i]; logDet += Math.Log(l[i, i]); }
        LogMarginalLikelihood = -0.5 * fit - logDet - 0.5 * n * Math.Log(2 * Math.PI);
    }

    /// <summary>The covariance function.</summary>
    public Matern52Kernel Kernel { get; }

    /// <summary>The observation noise variance σₙ².</summary>
    public double Noise { get; }

    /// <summary>log p(y | X, θ) for this kernel and noise.</summary>
    public double LogMarginalLikelihood { get; }

    /// <summary>The posterior mean and variance of the latent function (without the noise) at <paramref name="point"/>.</summary>
    public (double Mean, double Variance) Predict(ReadOnlySpan<double> point)
    {
        int n = x.Length;
        var ks = new double[n];
        for (int i = 0; i < n; i++) ks[i] = Kernel.Value(x[i], point);
        double mean = 0;
        for (int i = 0; i < n; i++) mean += ks[i] * alpha[i];
        var v = SolveLower(l, ks);
        double variance = Kernel.Value(point, point);
        for (int i = 0; i < n; i++) variance -= v[i] * v[i];
        return (mean, Math.Max(variance, 0));
    }

    /// <summary>
    /// Fits the kernel's variance and length scales and the noise by maximising the log marginal likelihood: Nelder–Mead
    /// on θ = (log σ², log ℓ₁ … log ℓ_d, log σₙ²), from a default start and <paramref name="restarts"/> random ones, inside
    /// bounds (σ² ∈ [0.05, 20], ℓ ∈ [0.01, 20], σₙ² ∈ [10⁻⁶, 1]: y standardised, x in the unit cube).
    /// </summary>
    public static GaussianProcess Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, Generator generator, int restarts = 3)
    {
        if (x.Count == 0) throw new ArgumentException("Gaussian process: no points to fit");
        int d = x[0].Length;
        double[] lo = [Math.Log(0.05), .. Enumerable.Repeat(Math.Log(0.01), d), Math.Log(1e-6)];
        double[] hi = [Math.Log(20), .. Enumerable.Repeat(Math.Log(20), d), Math.Log(1)];
        GaussianProcess? Build(double[] theta)
        {
            var t = theta.Select((v, i) => Math.Clamp(v, lo[i], hi[i])).ToArray();
            try { return new GaussianProcess(x, y, new Matern52Kernel(Math.Exp(t[0]), [.. t[1..^1].Select(Math.Exp)]), Math.Exp(t[^1])); }
            catch (ArgumentException) { return null; }
        }
        double Cost(double[] theta)
        {
            // a quadratic wall outside the bounds, so the simplex comes back instead of walking along a flat clamp
            double outside = theta.Select((v, i) => v < lo[i] ? lo[i] - v : v > hi[i] ? v - hi[i] : 0).Sum(o => o * o);
            return Build(theta) is { } gp && double.IsFinite(gp.LogMarginalLikelihood) ? -gp.LogMarginalLikelihood + 10 * outside : double.PositiveInfinity;
        }
        List<double[]> starts = [[0, .. Enumerable.Repeat(Math.Log(0.5), d), Math.Log(1e-2)]];
        for (int r = 0; r < restarts; r++) starts.Add([.. lo.Select((v, i) => v + generator.NextDouble() * (hi[i] - v))]);
        double[] best = starts[0];
        double bestCost = double.PositiveInfinity;
        foreach (var start in starts)
        {
            var (theta, cost) = NelderMead.Minimize(Cost, start, 0.5, iterations: 100 * (d + 2));
            if (cost < bestCost) (best, bestCost) = (theta, cost);
        }
        return Build(best) ?? new GaussianProcess(x, y, new Matern52Kernel(1, [.. Enumerable.Repeat(0.5, d)]), 1e-2);
    }

    static double[,]? Cholesky(double[,] a)
    {
        int n = a.GetLength(0);
        var l = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            double s = a[j, j];
            for (int k = 0; k < j; k++) s -= l[j, k] * l[j, k];
            if (!(s > 0)) return null;
            l[j, j] = Math.Sqrt(s);
            for (int i = j + 1; i < n; i++)
            {
                double t = a[i, j];
                for (int k = 0; k < j; k++) t -= l[i, k] * l[j, k];
                l[i, j] = t / l[j, j];
            }
        }
        return l;
    }

    /// <summary>Solves L z = b.</summary>
    static double[] SolveLower(double[,] l, double[] b)
    {
        var z = new double[b.Length];
        for (int i = 0; i < b.Length; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i, k] * z[k];
            z[i] = s / l[i, i];
        }
        return z;
    }

    /// <summary>Solves Lᵀ z = b.</summary>
    static double[] SolveUpper(double[,] l, double[] b)
    {
        int n = b.Length;
        var z = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < n; k++) s -= l[k, i] * z[k];
            z[i] = s / l[i, i];
        }
        return z;
    }
}
