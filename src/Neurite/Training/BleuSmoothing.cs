namespace Neurite.Training;

/// <summary>
/// What BLEU does with an n-gram order that has no match, which would otherwise make the geometric mean 0: the
/// smoothing methods of Chen &amp; Cherry (2014), "A Systematic Comparison of Smoothing Techniques for Sentence-Level
/// BLEU", numbered and computed as NLTK's <c>SmoothingFunction</c> (method0 … method7, same defaults, same results).
/// </summary>
/// <remarks>
/// mₙ is an order's clipped matches and tₙ its n-gram count, both summed over the corpus; pₙ = mₙ / tₙ; T the corpus's
/// hypothesis length. Where NLTK reads the last sentence of the corpus rather than the corpus (methods 5 and 6), so
/// do these, so that corpus scores agree; for a single sentence the two are the same.
/// </remarks>
public abstract class BleuSmoothing
{
    private protected BleuSmoothing() { }

    /// <summary>The smoothed pₙ for orders 1..N; an order left at 0 is dropped from the geometric mean.</summary>
    internal abstract double[] Smooth(BleuCounts counts);

    /// <summary>
    /// No smoothing (NLTK's default). An order with no match gets pₙ = 2.2250738585072014e-308, the smallest normal
    /// double (NLTK's <c>sys.float_info.min</c>), so log pₙ ≈ −708 and the score is practically 0 (≈ 1e−77 for BLEU-4).
    /// </summary>
    public static BleuSmoothing Method0() => new NoSmoothing();

    /// <summary>Method 1: an order with no match counts <paramref name="epsilon"/> matches, pₙ = ε / tₙ.</summary>
    public static BleuSmoothing Method1(double epsilon = 0.1) => new AddEpsilon(Positive(epsilon, nameof(epsilon)));

    /// <summary>Method 2 (Lin &amp; Och 2004): add 1 to the matches and the count of every order above 1,
    /// pₙ = (mₙ + 1) / (tₙ + 1) for n ≥ 2 — also orders that have matches.</summary>
    public static BleuSmoothing Method2() => new AddOne();

    /// <summary>Method 3 (NIST, mteval-v13a): the k-th order with no match gets pₙ = 1 / (2ᵏ · tₙ).</summary>
    public static BleuSmoothing Method3() => new NistGeometric();

    /// <summary>Method 4: like method 3 but scaled by the length, so short translations get smaller counts: the k-th
    /// order with no match gets pₙ = (ln T / (2ᵏ · <paramref name="k"/>)) / tₙ; nothing changes when T ≤ 1.</summary>
    public static BleuSmoothing Method4(double k = 5) => new LengthScaled(Positive(k, nameof(k)));

    /// <summary>Method 5: each pₙ becomes the mean of its neighbours, pₙ ← (pₙ₋₁′ + pₙ + pₙ₊₁) / 3, going up from
    /// n = 1 with p₀′ = p₁ + 1, pₙ₋₁′ the already smoothed value and, for the top order, pₙ₊₁ the 5-gram precision of
    /// the last sentence (NLTK always uses order 5 there, whatever N is).</summary>
    public static BleuSmoothing Method5() => new Averaged();

    /// <summary>
    /// Method 6 (Gao &amp; He 2013): for n ≥ 3, interpolate with the prior π = pₙ₋₁² / pₙ₋₂ (0 if pₙ₋₂ = 0):
    /// pₙ = (mₙ + α·π) / (lₙ + α), α = <paramref name="alpha"/>, where lₙ is the number of n-grams in the last
    /// hypothesis. Needs N ≥ 3 and at least one trigram match; otherwise <see cref="Bleu"/> throws, as NLTK does.
    /// </summary>
    public static BleuSmoothing Method6(double alpha = 5) => new Interpolated(Positive(alpha, nameof(alpha)));

    /// <summary>Method 7: method 4, then method 5 on its result.</summary>
    public static BleuSmoothing Method7(double k = 5) => new LengthScaledAveraged(Positive(k, nameof(k)));

    static double Positive(double value, string name) =>
        double.IsFinite(value) && value > 0 ? value
        : throw new ArgumentOutOfRangeException(name, value, $"BleuSmoothing: {name} must be a positive finite number, got {value}");

    sealed class NoSmoothing : BleuSmoothing
    {
        const double SmallestNormal = 2.2250738585072014e-308;   // Python's sys.float_info.min; not double.Epsilon (subnormal)

        internal override double[] Smooth(BleuCounts counts)
        {
            var p = counts.Precisions();
            for (int i = 0; i < p.Length; i++) if (counts.Matches[i] == 0) p[i] = SmallestNormal;
            return p;
        }

        public override string ToString() => "method0 (no smoothing)";
    }

    sealed class AddEpsilon(double epsilon) : BleuSmoothing
    {
        internal override double[] Smooth(BleuCounts counts)
        {
            var p = counts.Precisions();
            for (int i = 0; i < p.Length; i++) if (counts.Matches[i] == 0) p[i] = epsilon / counts.Totals[i];
            return p;
        }

        public override string ToString() => $"method1 (epsilon {epsilon})";
    }

    sealed class AddOne : BleuSmoothing
    {
        internal override double[] Smooth(BleuCounts counts)
        {
            var p = counts.Precisions();
            for (int i = 1; i < p.Length; i++) p[i] = (counts.Matches[i] + 1.0) / (counts.Totals[i] + 1.0);
            return p;
        }

        public override string ToString() => "method2 (add one)";
    }

    sealed class NistGeometric : BleuSmoothing
    {
        internal override double[] Smooth(BleuCounts counts)
        {
            var p = counts.Precisions();
            double halving = 1;
            for (int i = 0; i < p.Length; i++)
                if (counts.Matches[i] == 0) { halving *= 2; p[i] = 1 / (halving * counts.Totals[i]); }
            return p;
        }

        public override string ToString() => "method3 (NIST geometric)";
    }

    sealed class LengthScaled(double k) : BleuSmoothing
    {
        internal override double[] Smooth(BleuCounts counts)
        {
            var p = counts.Precisions();
            Apply(p, counts, k);
            return p;
        }

        internal static void Apply(double[] p, BleuCounts counts, double k)
        {
            if (counts.HypothesisLength <= 1) return;   // ln 1 = 0: NLTK leaves the zeros, which then drop out
            double halving = 1, logLength = Math.Log(counts.HypothesisLength);
            for (int i = 0; i < p.Length; i++)
                if (counts.Matches[i] == 0)
                {
                    halving *= 2;
                    p[i] = 1 / (halving * k / logLength) / counts.Totals[i];   // NLTK's order of operations
                }
        }

        public override string ToString() => $"method4 (k {k})";
    }

    sealed class Averaged : BleuSmoothing
    {
        internal override double[] Smooth(BleuCounts counts)
        {
            var p = counts.Precisions();
            Apply(p, counts);
            return p;
        }

        internal static void Apply(double[] p, BleuCounts counts)
        {
            var (m5, t5) = counts.Last.ModifiedPrecision(5);
            double[] original = [.. p, (double)m5 / t5];
            double previous = p[0] + 1;
            for (int i = 0; i < p.Length; i++)
                previous = p[i] = (previous + original[i] + original[i + 1]) / 3;
        }

        public override string ToString() => "method5 (average of neighbouring orders)";
    }

    sealed class Interpolated(double alpha) : BleuSmoothing
    {
        internal override double[] Smooth(BleuCounts counts)
        {
            var p = counts.Precisions();
            if (p.Length < 3)
                throw new ArgumentException($"BLEU smoothing method6 needs at least 3 n-gram orders (weights for 1..3-grams), got {p.Length}", "smoothing");
            if (counts.Matches[2] == 0)
                throw new ArgumentException("BLEU smoothing method6 needs at least one trigram match and these hypotheses have none; use another method (NLTK fails here too)", "smoothing");
            for (int i = 2; i < p.Length; i++)
            {
                double prior = p[i - 2] == 0 ? 0 : p[i - 1] * p[i - 1] / p[i - 2];
                int grams = Math.Max(0, counts.Last.HypothesisLength - i);   // (i+1)-grams in the last hypothesis
                p[i] = (counts.Matches[i] + alpha * prior) / (grams + alpha);
            }
            return p;
        }

        public override string ToString() => $"method6 (alpha {alpha})";
    }

    sealed class LengthScaledAveraged(double k) : BleuSmoothing
    {
        internal override double[] Smooth(BleuCounts counts)
        {
            var p = counts.Precisions();
            LengthScaled.Apply(p, counts, k);
            Averaged.Apply(p, counts);
            return p;
        }

        public override string ToString() => $"method7 (method4 with k {k}, then method5)";
    }
}
