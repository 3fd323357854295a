using Neurite.Data.Text;

namespace Neurite.Seq2Seq;

/// <summary>
/// A decoded target sequence. <see cref="Tokens"/> are the target ids without the final &lt;/s&gt;;
/// <see cref="LogProbability"/> is the model's log p(tokens, &lt;/s&gt; | source) (without &lt;/s&gt; when
/// <see cref="Finished"/> is false: the maximum length was reached first); <see cref="Score"/> is what beam search
/// ranks by, log p / length^α with length the number of steps (&lt;/s&gt; included). <see cref="Attention"/> holds
/// the attention weights over the source positions of every step (&lt;/s&gt;'s included), null without attention.
/// </summary>
public sealed record Hypothesis(long[] Tokens, double LogProbability, double Score, bool Finished, float[][]? Attention)
{
    /// <summary>Decoding steps taken: the tokens, plus &lt;/s&gt; when finished.</summary>
    public int Length => Tokens.Length + (Finished ? 1 : 0);
}

public sealed partial class Seq2SeqModel
{
    /// <summary>Greedy decoding of one source (ids from <see cref="SourceIds"/>): the most probable token at every
    /// step, until &lt;/s&gt; or <paramref name="maxLength"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is not in [1, ∞).</exception>
    public Hypothesis Greedy(long[] source, int maxLength) => Greedy([source], maxLength)[0];

    /// <summary>Greedy decoding of many sources at once (one padded batch): the same result, row by row, as
    /// decoding each alone, up to float rounding of the batched products.</summary>
    public Hypothesis[] Greedy(IReadOnlyList<long[]> sources, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(sources);
        CheckMaxLength(maxLength);
        if (sources.Count == 0) return [];
        using var _ = Autograd.NoGrad();
        var (ids, lengths) = Seq2SeqBatch.Pad(sources, nameof(sources));
        var (memory, state) = Encode(ids, lengths);
        int n = sources.Count, v = TargetVocabulary.Count;
        var tokens = new List<long>[n];
        var attentions = new List<float[]>[n];
        var logp = new double[n];
        var done = new bool[n];
        for (int b = 0; b < n; b++) (tokens[b], attentions[b]) = ([], []);
        var previous = Enumerable.Repeat((long)Vocabulary.StartId, n).ToArray();
        for (int step = 0; step < maxLength && done.Contains(false); step++)
        {
            var (hidden, next, weights) = Step(targetEmbedding.Invoke(Tensor.FromArray(previous, n)), state, memory);
            state = next;
            var lp = output.Invoke(hidden).LogSoftmax(1).ToFloatArray();
            var w = weights?.ToFloatArray();
            int s = memory?.Steps ?? 0;
            for (int b = 0; b < n; b++)
            {
                if (done[b]) continue;
                int best = -1;
                for (int t = 0; t < v; t++)
                    if (Allowed(t) && (best < 0 || lp[b * v + t] > lp[b * v + best])) best = t;
                logp[b] += lp[b * v + best];
                if (w is not null) attentions[b].Add(w.AsSpan(b * s, lengths[b]).ToArray());
                if (best == Vocabulary.EndId) done[b] = true;
                else tokens[b].Add(best);
                previous[b] = best;
            }
        }
        var result = new Hypothesis[n];
        for (int b = 0; b < n; b++)
            result[b] = new Hypothesis([.. tokens[b]], logp[b], logp[b], done[b], attention is null ? null : [.. attentions[b]]);
        return result;
    }

    /// <summary>
    /// Beam search (width <paramref name="beamWidth"/>): at every step each of the k live hypotheses is extended by
    /// every token and the k best extensions by log-probability stay; one that ends in &lt;/s&gt; leaves the beam and
    /// is scored log p / length^<paramref name="alpha"/> (α = 0: no length normalisation; ~0.6–1 favours longer
    /// outputs). Search stops when k hypotheses have finished or after <paramref name="maxLength"/> steps (unfinished
    /// ones then fill the list if fewer than <paramref name="nBest"/> finished). Width 1 is greedy decoding.
    /// </summary>
    /// <returns>The <paramref name="nBest"/> best hypotheses, best first.</returns>
    /// <exception cref="ArgumentOutOfRangeException">beamWidth, maxLength or nBest ∉ [1, ∞), nBest &gt; beamWidth, or α &lt; 0.</exception>
    public IReadOnlyList<Hypothesis> BeamSearch(long[] source, int beamWidth, int maxLength, double alpha = 0, int nBest = 1)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (beamWidth < 1) throw new ArgumentOutOfRangeException(nameof(beamWidth), beamWidth, "BeamSearch: beamWidth must be in [1, ∞)");
        CheckMaxLength(maxLength);
        if (nBest < 1 || nBest > beamWidth) throw new ArgumentOutOfRangeException(nameof(nBest), nBest, $"BeamSearch: nBest must be in [1, beamWidth = {beamWidth}]");
        if (!(alpha >= 0) || double.IsInfinity(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "BeamSearch: alpha (length normalisation exponent) must be in [0, ∞)");
        using var _ = Autograd.NoGrad();
        var (ids, lengths) = Seq2SeqBatch.Pad([source], nameof(source));
        var (memory, state) = Encode(ids, lengths);   // memory of batch 1: it broadcasts over the beam
        int v = TargetVocabulary.Count;
        var beam = new List<BeamNode> { new(null, Vocabulary.StartId, 0, null, 0) };
        var finished = new List<Hypothesis>();
        for (int step = 0; step < maxLength; step++)
        {
            int b = beam.Count;
            var previous = beam.Select(node => node.Token).ToArray();
            var (hidden, next, weights) = Step(targetEmbedding.Invoke(Tensor.FromArray(previous, b)), state, memory);
            var lp = output.Invoke(hidden).LogSoftmax(1).ToFloatArray();
            var w = weights?.ToFloatArray();
            var candidates = new List<(double LogP, int Row, int Token)>(b * v);
            for (int r = 0; r < b; r++)
                for (int t = 0; t < v; t++)
                    if (Allowed(t)) candidates.Add((beam[r].LogP + lp[r * v + t], r, t));
            // best first; ties by row then token, so width 1 picks exactly greedy's (lowest-id) maximum
            candidates.Sort(static (x, y) => x.LogP != y.LogP ? y.LogP.CompareTo(x.LogP) : x.Row != y.Row ? x.Row.CompareTo(y.Row) : x.Token.CompareTo(y.Token));
            var survivors = new List<BeamNode>(beamWidth);
            var rows = new List<long>(beamWidth);
            foreach (var (logP, r, t) in candidates)
            {
                var weightsOfRow = w?.AsSpan(r * lengths[0], lengths[0]).ToArray();
                var node = new BeamNode(beam[r], t, logP, weightsOfRow, step + 1);
                if (t == Vocabulary.EndId)
                {
                    // a finished hypothesis leaves the beam
                    if (finished.Count < beamWidth) finished.Add(node.ToHypothesis(true, alpha));
                    continue;
                }
                survivors.Add(node);
                rows.Add(r);
                if (survivors.Count == beamWidth) break;
            }
            if (finished.Count >= beamWidth || survivors.Count == 0) { beam = []; break; }
            beam = survivors;
            state = next.Rows(Tensor.FromArray(rows.ToArray(), rows.Count));
        }
        var ranked = finished.OrderByDescending(h => h.Score).ThenByDescending(h => h.LogProbability).ToList();
        if (ranked.Count < nBest)
            ranked.AddRange(beam.Select(node => node.ToHypothesis(false, alpha)).OrderByDescending(h => h.Score).Take(nBest - ranked.Count));
        var best = ranked.Take(nBest).ToList();
        if (attention is null) best = best.Select(h => h with { Attention = null }).ToList();
        return best;
    }

    /// <summary>A hypothesis in the beam: the token it added, its total log-probability, its step's attention weights.</summary>
    sealed record BeamNode(BeamNode? Parent, long Token, double LogP, float[]? Weights, int Steps)
    {
        public Hypothesis ToHypothesis(bool finished, double alpha)
        {
            var tokens = new List<long>();
            var weights = new List<float[]>();
            for (var n = this; n.Parent is not null; n = n.Parent)
            {
                tokens.Add(n.Token);
                weights.Add(n.Weights ?? []);
            }
            tokens.Reverse();
            weights.Reverse();
            if (finished) tokens.RemoveAt(tokens.Count - 1);  // the </s>
            double score = alpha == 0 ? LogP : LogP / Math.Pow(Steps, alpha);
            return new Hypothesis([.. tokens], LogP, score, finished, [.. weights]);
        }
    }

    /// <summary>&lt;pad&gt; and &lt;s&gt; are never outputs: no target contains them.</summary>
    static bool Allowed(int token) => token is not (Vocabulary.PadId or Vocabulary.StartId);

    static void CheckMaxLength(int maxLength)
    {
        if (maxLength < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "Seq2Seq decoding: maxLength must be in [1, ∞)");
    }
}
