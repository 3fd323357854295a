using System.Runtime.InteropServices;

namespace Neurite.Training;

/// <summary>
/// BLEU (Papineni, Roukos, Ward &amp; Zhu 2002): how many of a translation's n-grams a reference translation also
/// has, with a penalty for translations shorter than their references. Scores are in [0, 1] (1 = every n-gram
/// found and no shorter than the references) and equal NLTK's <c>corpus_bleu</c> / <c>sentence_bleu</c>
/// (nltk.translate.bleu_score, NLTK 3.8) to within 1e-9, smoothing included.
/// </summary>
/// <remarks>
/// <para>For n-gram orders n = 1..N with weights wₙ (default ¼, ¼, ¼, ¼: BLEU-4):</para>
/// <code>
/// BLEU = BP · exp(Σₙ wₙ · log pₙ)          (orders whose pₙ is 0 after smoothing are left out of the sum)
/// pₙ   = Σ clipped matches / Σ n-grams      (summed over the corpus before dividing: micro-averaged)
/// BP   = 1 if c &gt; r, 0 if c = 0, else exp(1 − r / c)
/// </code>
/// <para>
/// A hypothesis n-gram matches at most as many times as it occurs in the one reference that has it most often
/// ("clipping": <c>the the the the</c> against <c>the cat</c> has one unigram match, not four). c is the total
/// hypothesis length and r the sum, over hypotheses, of the reference length closest to each hypothesis's length
/// (on a tie the shorter reference, as NLTK and mteval-v13a). Like NLTK, a hypothesis shorter than n counts one
/// n-gram of order n with no match (its denominator is at least 1), and a corpus with no unigram match at all scores
/// 0 whatever the smoothing.
/// </para>
/// <para>
/// An empty hypothesis sentence is allowed and follows NLTK: it adds nothing to c, no matches, and 1 to every
/// order's denominator; a corpus of only empty hypotheses scores 0. Tokens are compared ordinally, case-sensitively.
/// </para>
/// <para>
/// Arguments are in the order hypotheses, references (as sacreBLEU and torchmetrics) — the reverse of NLTK's
/// <c>corpus_bleu(list_of_references, hypotheses)</c>.
/// </para>
/// </remarks>
/// <example><code>
/// string[] hyp = "the cat sat on the mat".Split(' ');
/// double s = Bleu.Sentence(hyp, ["the cat is on the mat".Split(' '), "there is a cat on the mat".Split(' ')]);
/// double c = Bleu.Corpus(["the cat sat on the mat"], ["the cat is on the mat"],      // whitespace-tokenised
///                        weights: [0.5, 0.5], smoothing: BleuSmoothing.Method1());   // BLEU-2, smoothed
/// </code></example>
public static class Bleu
{
    static readonly double[] uniform4 = [0.25, 0.25, 0.25, 0.25];

    /// <summary>
    /// BLEU of one <paramref name="hypothesis"/> against one or more <paramref name="references"/>: the corpus BLEU
    /// of a one-sentence corpus (NLTK's <c>sentence_bleu</c>).
    /// </summary>
    /// <param name="hypothesis">The translation's tokens; may be empty (BLEU 0).</param>
    /// <param name="references">One or more reference translations, as tokens.</param>
    /// <param name="weights">wₙ for n = 1..N; default (¼, ¼, ¼, ¼). Non-negative with a positive sum; they need
    /// not sum to 1 (NLTK does not normalise them either).</param>
    /// <param name="smoothing">What to do with orders that have no match; default <see cref="BleuSmoothing.Method0"/>
    /// (none: such an order makes the score practically 0).</param>
    public static double Sentence(IReadOnlyList<string> hypothesis, IReadOnlyList<IReadOnlyList<string>> references,
        IReadOnlyList<double>? weights = null, BleuSmoothing? smoothing = null)
    {
        ArgumentNullException.ThrowIfNull(hypothesis);
        ArgumentNullException.ThrowIfNull(references);
        return Corpus([hypothesis], [references], weights, smoothing);
    }

    /// <summary>
    /// Corpus BLEU of <paramref name="hypotheses"/>, where <c>references[i]</c> holds one or more references for
    /// <c>hypotheses[i]</c> (NLTK's <c>corpus_bleu</c>). Matches and n-gram counts are summed over the corpus before
    /// dividing, so this is not the mean of the sentence scores.
    /// </summary>
    /// <param name="hypotheses">The translations, as tokens; a sentence may be empty.</param>
    /// <param name="references">references[i]: one or more reference translations of hypotheses[i].</param>
    /// <param name="weights">wₙ for n = 1..N; default (¼, ¼, ¼, ¼); see <see cref="Sentence"/>.</param>
    /// <param name="smoothing">Default <see cref="BleuSmoothing.Method0"/> (none).</param>
    /// <exception cref="ArgumentException">No hypotheses; a different number of reference lists than hypotheses; a
    /// hypothesis with no references; a null sentence or token; weights empty, negative, non-finite or summing to 0;
    /// or <see cref="BleuSmoothing.Method6"/> on a corpus it cannot smooth.</exception>
    public static double Corpus(IReadOnlyList<IReadOnlyList<string>> hypotheses,
        IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> references,
        IReadOnlyList<double>? weights = null, BleuSmoothing? smoothing = null)
    {
        CheckCorpus(hypotheses, references);
        double[] w = CheckWeights(weights);
        smoothing ??= BleuSmoothing.Method0();

        int orders = w.Length;
        var counts = new BleuCounts(new long[orders], new long[orders]);
        for (int s = 0; s < hypotheses.Count; s++)
        {
            var sentence = new SentenceGrams(hypotheses[s], references[s]);
            for (int n = 1; n <= orders; n++)
            {
                var (matches, total) = sentence.ModifiedPrecision(n);
                counts.Matches[n - 1] += matches;
                counts.Totals[n - 1] += total;
            }
            counts.HypothesisLength += hypotheses[s].Count;
            counts.ReferenceLength += ClosestReferenceLength(references[s], hypotheses[s].Count);
            counts.Last = sentence;   // NLTK's smoothing methods 5 and 6 look at the last sentence: so do we
        }

        double bp = BrevityPenalty(counts.ReferenceLength, counts.HypothesisLength);
        // No unigram match means no match of any order: 0, before any smoothing can lift it (as NLTK).
        if (counts.Matches[0] == 0) return 0;

        double[] p = smoothing.Smooth(counts);
        double logSum = 0;
        for (int n = 0; n < orders; n++)
            if (p[n] > 0) logSum += w[n] * Math.Log(p[n]);
        return bp * Math.Exp(logSum);
    }

    /// <summary>
    /// Corpus BLEU for the common case of one reference per hypothesis, both given as whitespace-separated text:
    /// each string is split on runs of white space (like Python's <c>str.split()</c>), nothing else — no
    /// lower-casing, no punctuation splitting. <c>references[i]</c> is the reference for <c>hypotheses[i]</c>.
    /// </summary>
    /// <param name="hypotheses">The translations, one sentence per string.</param>
    /// <param name="references">references[i]: the one reference translation of hypotheses[i].</param>
    /// <param name="weights">wₙ for n = 1..N; default (¼, ¼, ¼, ¼); see <see cref="Sentence"/>.</param>
    /// <param name="smoothing">Default <see cref="BleuSmoothing.Method0"/> (none).</param>
    public static double Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references,
        IReadOnlyList<double>? weights = null, BleuSmoothing? smoothing = null)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        if (references.Count != hypotheses.Count)
            throw new ArgumentException($"Bleu.Corpus: {hypotheses.Count} hypotheses but {references.Count} references; give one reference per hypothesis", nameof(references));
        var hyp = new IReadOnlyList<string>[hypotheses.Count];
        var refs = new IReadOnlyList<IReadOnlyList<string>>[references.Count];
        for (int i = 0; i < hyp.Length; i++)
        {
            hyp[i] = Tokens(hypotheses[i], nameof(hypotheses), i);
            refs[i] = [Tokens(references[i], nameof(references), i)];
        }
        return Corpus(hyp, refs, weights, smoothing);
    }

    static string[] Tokens(string? text, string argument, int index) =>
        text?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
        ?? throw new ArgumentException($"Bleu.Corpus: {argument}[{index}] is null", argument);

    /// <summary>The reference length closest to <paramref name="hypothesisLength"/>; on a tie the shorter.</summary>
    static int ClosestReferenceLength(IReadOnlyList<IReadOnlyList<string>> references, int hypothesisLength)
    {
        int best = references[0].Count;
        foreach (var reference in references)
        {
            int d = Math.Abs(reference.Count - hypothesisLength), bestD = Math.Abs(best - hypothesisLength);
            if (d < bestD || (d == bestD && reference.Count < best)) best = reference.Count;
        }
        return best;
    }

    // BP = 1 when the hypotheses are longer than the references, else exp(1 − r/c); 0 for no hypothesis words.
    static double BrevityPenalty(long referenceLength, long hypothesisLength) =>
        hypothesisLength > referenceLength ? 1
        : hypothesisLength == 0 ? 0
        : Math.Exp(1 - (double)referenceLength / hypothesisLength);

    static void CheckCorpus(IReadOnlyList<IReadOnlyList<string>> hypotheses, IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> references)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        if (hypotheses.Count == 0)
            throw new ArgumentException("Bleu: no hypotheses; BLEU needs at least one hypothesis sentence (it may be empty)", nameof(hypotheses));
        if (references.Count != hypotheses.Count)
            throw new ArgumentException($"Bleu: {hypotheses.Count} hypotheses but {references.Count} reference lists; references[i] holds the references of hypotheses[i]", nameof(references));
        for (int i = 0; i < hypotheses.Count; i++)
        {
            CheckSentence(hypotheses[i], nameof(hypotheses), $"hypotheses[{i}]");
            if (references[i] is null)
                throw new ArgumentException($"Bleu: references[{i}] is null", nameof(references));
            if (references[i].Count == 0)
                throw new ArgumentException($"Bleu: hypotheses[{i}] has no references; give at least one reference sentence", nameof(references));
            for (int r = 0; r < references[i].Count; r++)
                CheckSentence(references[i][r], nameof(references), $"references[{i}][{r}]");
        }
    }

    static void CheckSentence(IReadOnlyList<string>? sentence, string argument, string where)
    {
        if (sentence is null) throw new ArgumentException($"Bleu: {where} is null", argument);
        for (int t = 0; t < sentence.Count; t++)
            if (sentence[t] is null) throw new ArgumentException($"Bleu: {where}[{t}] is a null token", argument);
    }

    static double[] CheckWeights(IReadOnlyList<double>? weights)
    {
        if (weights is null) return uniform4;
        if (weights.Count == 0)
            throw new ArgumentException("Bleu: weights is empty; give one weight per n-gram order, e.g. [0.25, 0.25, 0.25, 0.25]", nameof(weights));
        double sum = 0;
        for (int i = 0; i < weights.Count; i++)
        {
            if (!double.IsFinite(weights[i]) || weights[i] < 0)
                throw new ArgumentException($"Bleu: weights[{i}] (for {i + 1}-grams) is {weights[i]}; weights must be finite and non-negative", nameof(weights));
            sum += weights[i];
        }
        if (!(sum > 0))
            throw new ArgumentException($"Bleu: the weights sum to {sum}; at least one must be positive", nameof(weights));
        return [.. weights];
    }
}

/// <summary>The corpus totals a <see cref="BleuSmoothing"/> works from (orders 1..N at indices 0..N−1).</summary>
internal sealed class BleuCounts(long[] matches, long[] totals)
{
    /// <summary>Clipped n-gram matches per order, summed over the corpus.</summary>
    public long[] Matches { get; } = matches;
    /// <summary>Hypothesis n-grams per order (at least 1 per sentence), summed over the corpus.</summary>
    public long[] Totals { get; } = totals;
    public long HypothesisLength { get; set; }
    public long ReferenceLength { get; set; }
    /// <summary>The corpus's last sentence; NLTK's methods 5 and 6 read it, not the corpus.</summary>
    public SentenceGrams Last { get; set; } = null!;

    /// <summary>pₙ = matches / n-grams, unsmoothed.</summary>
    public double[] Precisions()
    {
        var p = new double[Matches.Length];
        for (int i = 0; i < p.Length; i++) p[i] = (double)Matches[i] / Totals[i];
        return p;
    }
}

/// <summary>One hypothesis and its references, tokens mapped to small integers so n-grams compare as int runs.</summary>
internal sealed class SentenceGrams
{
    readonly int[] hypothesis;
    readonly int[][] references;

    public SentenceGrams(IReadOnlyList<string> hypothesis, IReadOnlyList<IReadOnlyList<string>> references)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        this.hypothesis = Ids(hypothesis, ids);
        this.references = [.. references.Select(r => Ids(r, ids))];
    }

    public int HypothesisLength => hypothesis.Length;

    /// <summary>
    /// Order-<paramref name="n"/> matches, each hypothesis n-gram clipped to its largest count in any one
    /// reference, and the number of hypothesis n-grams (at least 1, as NLTK, so short hypotheses count a miss).
    /// </summary>
    public (long Matches, long Total) ModifiedPrecision(int n)
    {
        var counts = Count(hypothesis, n);
        var maxInReference = new Dictionary<Gram, int>();
        foreach (var reference in references)
        {
            var inReference = Count(reference, n);
            foreach (var gram in counts.Keys)
                maxInReference[gram] = Math.Max(maxInReference.GetValueOrDefault(gram), inReference.GetValueOrDefault(gram));
        }
        long matches = 0;
        foreach (var (gram, count) in counts) matches += Math.Min(count, maxInReference[gram]);
        return (matches, Math.Max(1, hypothesis.Length - n + 1));
    }

    static Dictionary<Gram, int> Count(int[] tokens, int n)
    {
        var counts = new Dictionary<Gram, int>();
        for (int i = 0; i + n <= tokens.Length; i++)
        {
            var gram = new Gram(tokens, i, n);
            counts[gram] = counts.GetValueOrDefault(gram) + 1;
        }
        return counts;
    }

    static int[] Ids(IReadOnlyList<string> tokens, Dictionary<string, int> ids)
    {
        var result = new int[tokens.Count];
        for (int i = 0; i < result.Length; i++)
        {
            if (!ids.TryGetValue(tokens[i], out int id)) ids.Add(tokens[i], id = ids.Count);
            result[i] = id;
        }
        return result;
    }

    /// <summary>tokens[start .. start + length), compared by value.</summary>
    readonly struct Gram(int[] tokens, int start, int length) : IEquatable<Gram>
    {
        ReadOnlySpan<int> Span => tokens.AsSpan(start, length);

        public bool Equals(Gram other) => Span.SequenceEqual(other.Span);
        public override bool Equals(object? obj) => obj is Gram g && Equals(g);
        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.AddBytes(MemoryMarshal.AsBytes(Span));
            return hash.ToHashCode();
        }
    }
}
