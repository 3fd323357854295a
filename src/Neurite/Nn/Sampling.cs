namespace Neurite.Nn;

/// <summary>Drawing tokens from a model's output scores.</summary>
public static class Sampling
{
    /// <summary>
    /// One draw from softmax(<paramref name="logits"/> / <paramref name="temperature"/>): p_k ∝ exp((z_k − max z) / τ).
    /// τ &lt; 1 sharpens the distribution towards the most likely token, τ &gt; 1 flattens it towards uniform.
    /// The draw uses one <see cref="Generator.NextDouble"/> and the cumulative sum in double precision, so the same
    /// generator state and logits give the same token on every machine.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="temperature"/> is not a positive finite number.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty or has a NaN.</exception>
    public static int Categorical(ReadOnlySpan<float> logits, double temperature, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        CheckTemperature(temperature, nameof(temperature));
        if (logits.IsEmpty) throw new ArgumentException("sampling: no logits to sample from", nameof(logits));
        double max = double.NegativeInfinity;
        foreach (float z in logits)
        {
            if (float.IsNaN(z)) throw new ArgumentException("sampling: the logits contain NaN (a diverged model?)", nameof(logits));
            if (z > max) max = z;
        }
        Span<double> weights = logits.Length <= 512 ? stackalloc double[logits.Length] : new double[logits.Length];
        double total = 0;
        for (int k = 0; k < logits.Length; k++)
        {
            // exp((z − max)/τ) ≤ 1: no overflow; the largest logit has weight exactly 1, so total ≥ 1.
            weights[k] = Math.Exp((logits[k] - max) / temperature);
            total += weights[k];
        }
        double u = generator.NextDouble() * total, cumulative = 0;
        for (int k = 0; k < weights.Length; k++)
        {
            cumulative += weights[k];
            if (u < cumulative) return k;
        }
        // rounding can leave u just at the total: the last token with any weight
        for (int k = weights.Length - 1; k >= 0; k--)
            if (weights[k] > 0) return k;
        return 0;
    }

    /// <summary>Throws unless <paramref name="temperature"/> is positive and finite.</summary>
    internal static void CheckTemperature(double temperature, string name)
    {
        if (!(temperature > 0) || double.IsPositiveInfinity(temperature))
            throw new ArgumentOutOfRangeException(name, temperature,
                $"sampling: temperature must be a positive finite number (> 0; 1 samples the model's own distribution), got {temperature.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }
}
