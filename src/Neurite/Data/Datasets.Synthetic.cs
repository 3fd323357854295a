namespace Neurite.Data;

// Seeded toy problems. Each takes a seed (default 0) and gives the same samples for the same arguments
// on every machine (Neurite.Generator is integer-only xoshiro256**). Noise is Gaussian with the given
// standard deviation. Classes are int64 [n]; the regression curve's target is float32 [n, 1].
public static partial class Datasets
{
    /// <summary>
    /// XOR: points near the four corners (±1, ±1), class 1 where the signs differ (x₁·x₂ &lt; 0).
    /// A single linear unit cannot separate it; one hidden layer can (seed 000). Features [n, 2].
    /// </summary>
    public static TensorDataset Xor(int n, double noise = 0.1, ulong seed = 0)
    {
        CheckCount(n, nameof(Xor));
        var g = new Generator(seed);
        var x = new float[2 * n];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            int a = i & 1, b = (i >> 1) & 1;   // balanced: corners in turn
            x[2 * i] = (float)(2 * a - 1 + noise * g.NextNormal());
            x[2 * i + 1] = (float)(2 * b - 1 + noise * g.NextNormal());
            y[i] = a ^ b;
        }
        return Build(x, y, 2, ["same sign", "different sign"]);
    }

    /// <summary>
    /// Two interleaved spirals (Lang &amp; Witbrock, 1988), n/2 points each, three turns per arm:
    /// θ = 6π√t + ½ for t uniform in [0, 1), r = θ / θ_max, class 0 at r(cos θ, sin θ) and class 1 at
    /// −r(cos θ, sin θ) (the same arm turned by 180°). Features [n, 2] within ±1 before noise.
    /// </summary>
    public static TensorDataset TwoSpirals(int n, double noise = 0.0, ulong seed = 0)
    {
        CheckCount(n, nameof(TwoSpirals));
        var g = new Generator(seed);
        var x = new float[2 * n];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            long c = i & 1;
            double t = g.NextDouble();                 // position along the arm
            double theta = 3 * 2 * Math.PI * Math.Sqrt(t) + 0.5;  // √t: even density along the arm
            double r = theta / (3 * 2 * Math.PI + 0.5);
            double sign = c == 0 ? 1 : -1;
            x[2 * i] = (float)(sign * r * Math.Cos(theta) + noise * g.NextNormal());
            x[2 * i + 1] = (float)(sign * r * Math.Sin(theta) + noise * g.NextNormal());
            y[i] = c;
        }
        return Build(x, y, 2, ["arm 0", "arm 1"]);
    }

    /// <summary>
    /// Two interleaving half circles (as scikit-learn's <c>make_moons</c>): class 0 is (cos t, sin t),
    /// class 1 is (1 − cos t, ½ − sin t), t uniform in [0, π]. Features [n, 2].
    /// </summary>
    public static TensorDataset Moons(int n, double noise = 0.1, ulong seed = 0)
    {
        CheckCount(n, nameof(Moons));
        var g = new Generator(seed);
        var x = new float[2 * n];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            long c = i & 1;
            double t = Math.PI * g.NextDouble();
            double px = c == 0 ? Math.Cos(t) : 1 - Math.Cos(t);
            double py = c == 0 ? Math.Sin(t) : 0.5 - Math.Sin(t);
            x[2 * i] = (float)(px + noise * g.NextNormal());
            x[2 * i + 1] = (float)(py + noise * g.NextNormal());
            y[i] = c;
        }
        return Build(x, y, 2, ["upper moon", "lower moon"]);
    }

    /// <summary>
    /// Two concentric circles (as <c>make_circles</c>): class 0 on the unit circle, class 1 on the circle
    /// of radius <paramref name="factor"/> (0 &lt; factor &lt; 1). Not linearly separable. Features [n, 2].
    /// </summary>
    public static TensorDataset Circles(int n, double noise = 0.05, double factor = 0.5, ulong seed = 0)
    {
        CheckCount(n, nameof(Circles));
        if (!(factor > 0 && factor < 1))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"Datasets.Circles: factor must lie in (0, 1), got {factor}");
        var g = new Generator(seed);
        var x = new float[2 * n];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            long c = i & 1;
            double t = 2 * Math.PI * g.NextDouble(), r = c == 0 ? 1 : factor;
            x[2 * i] = (float)(r * Math.Cos(t) + noise * g.NextNormal());
            x[2 * i + 1] = (float)(r * Math.Sin(t) + noise * g.NextNormal());
            y[i] = c;
        }
        return Build(x, y, 2, ["outer", "inner"]);
    }

    /// <summary>
    /// Isotropic Gaussian blobs (as <c>make_blobs</c>): <paramref name="centers"/> centres drawn uniformly
    /// in [−10, 10]^features, samples dealt to them in turn (class = centre index), each centre + N(0, std²).
    /// Features [n, features].
    /// </summary>
    public static TensorDataset Blobs(int n, int centers = 3, double std = 1.0, int features = 2, ulong seed = 0)
    {
        CheckCount(n, nameof(Blobs));
        if (centers < 1) throw new ArgumentOutOfRangeException(nameof(centers), centers, $"Datasets.Blobs: centers must be at least 1, got {centers}");
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, $"Datasets.Blobs: features must be at least 1, got {features}");
        if (!(std >= 0)) throw new ArgumentOutOfRangeException(nameof(std), std, $"Datasets.Blobs: std must be non-negative, got {std}");
        var g = new Generator(seed);
        var mu = new double[centers * features];
        for (int k = 0; k < mu.Length; k++) mu[k] = -10 + 20 * g.NextDouble();
        var x = new float[n * features];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % centers;
            for (int j = 0; j < features; j++) x[i * features + j] = (float)(mu[c * features + j] + std * g.NextNormal());
            y[i] = c;
        }
        var names = new string[centers];
        for (int c = 0; c < centers; c++) names[c] = $"blob {c}";
        return Build(x, y, features, names);
    }

    /// <summary>
    /// 1-D regression: x uniform in [0, 1], y = sin(2πx) + N(0, noise²) — the curve-fitting example of
    /// over- and under-fitting. Features [n, 1], targets float32 [n, 1].
    /// </summary>
    public static TensorDataset NoisyCurve(int n, double noise = 0.1, ulong seed = 0)
    {
        CheckCount(n, nameof(NoisyCurve));
        var g = new Generator(seed);
        var x = new float[n];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u = g.NextDouble();
            x[i] = (float)u;
            y[i] = (float)(Math.Sin(2 * Math.PI * u) + noise * g.NextNormal());
        }
        return new TensorDataset(Tensor.FromArray(x, n, 1), Tensor.FromArray(y, n, 1));
    }

    static void CheckCount(int n, string generator)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, $"Datasets.{generator}: n must be at least 1, got {n}");
    }

    static TensorDataset Build(float[] x, long[] y, int features, string[] classNames) =>
        new(Tensor.FromArray(x, y.Length, features), Tensor.FromArray(y, y.Length), classNames);
}
