namespace Neurite.Data;

// Seeded sequence problems with long-range dependencies, for recurrent networks.
public static partial class Datasets
{
    /// <summary>
    /// The adding problem (Hochreiter &amp; Schmidhuber 1997; Le, Jaitly &amp; Hinton 2015): each sequence has
    /// <paramref name="steps"/> steps of two features, a value uniform in [0, 1) and a marker that is 1 at exactly
    /// two steps and 0 elsewhere; the target is the sum of the two marked values. The first marker lies in the first
    /// <paramref name="firstMarkerFraction"/> of the sequence (default 10%) and the second in its second half, so the
    /// answer depends on an input at least (½ − fraction)·T steps before the end (90+ steps for T = 100, the default
    /// fraction). Always predicting the mean, 1, gives MSE 1/6 ≈ 0.167 (the variance of a sum of two U(0, 1));
    /// a model must remember one value across the whole gap to do better.
    /// Features float32 [n, steps, 2] (batch-first: value, marker), targets float32 [n, 1].
    /// </summary>
    /// <example><code>
    /// var (x, y) = Datasets.AddingProblem(1000, steps: 100, seed: 1);   // x [1000, 100, 2], y [1000, 1]
    /// </code></example>
    public static TensorDataset AddingProblem(int n, int steps = 100, double firstMarkerFraction = 0.1, ulong seed = 0)
    {
        CheckCount(n, nameof(AddingProblem));
        if (steps < 4) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"Datasets.AddingProblem: steps must be at least 4, got {steps}");
        if (!(firstMarkerFraction > 0 && firstMarkerFraction <= 0.5))
            throw new ArgumentOutOfRangeException(nameof(firstMarkerFraction), firstMarkerFraction, "Datasets.AddingProblem: firstMarkerFraction must be in (0, 0.5]");
        int half = steps / 2;
        int firstRange = Math.Max(1, (int)Math.Floor(firstMarkerFraction * steps)); // first marker in [0, firstRange)
        var g = new Generator(seed);
        var x = new float[n * steps * 2];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            int row = i * steps * 2;
            for (int t = 0; t < steps; t++) x[row + 2 * t] = g.NextFloat();
            int a = g.NextInt(firstRange), b = half + g.NextInt(steps - half);
            x[row + 2 * a + 1] = 1;
            x[row + 2 * b + 1] = 1;
            y[i] = x[row + 2 * a] + x[row + 2 * b];
        }
        return new TensorDataset(Tensor.FromArray(x, n, steps, 2), Tensor.FromArray(y, n, 1));
    }
}
