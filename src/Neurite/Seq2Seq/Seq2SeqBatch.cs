using Neurite.Data.Text;

namespace Neurite.Seq2Seq;

/// <summary>A padded batch of (source, target) id sequences: int64 [N, S] and [N, T] filled with &lt;pad&gt; past
/// each row's length.</summary>
public sealed record Seq2SeqBatch(Tensor Source, int[] SourceLengths, Tensor Target, int[] TargetLengths)
{
    /// <summary>Pads <paramref name="pairs"/> (ids as from <see cref="Seq2SeqModel.SourceIds"/> and <see cref="Seq2SeqModel.TargetIds"/>).</summary>
    public static Seq2SeqBatch Of(IReadOnlyList<(long[] Source, long[] Target)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var (s, sl) = Pad(pairs.Select(p => p.Source).ToList(), "sources");
        var (t, tl) = Pad(pairs.Select(p => p.Target).ToList(), "targets");
        return new Seq2SeqBatch(s, sl, t, tl);
    }

    /// <summary>Sequences → int64 [N, max length] padded with <see cref="Vocabulary.PadId"/>, and their lengths.</summary>
    /// <exception cref="ArgumentException">No sequences, or an empty one.</exception>
    public static (Tensor Ids, int[] Lengths) Pad(IReadOnlyList<long[]> sequences, string name)
    {
        if (sequences.Count == 0) throw new ArgumentException($"{name}: no sequences to batch", name);
        var lengths = new int[sequences.Count];
        for (int b = 0; b < lengths.Length; b++)
            lengths[b] = sequences[b].Length > 0 ? sequences[b].Length : throw new ArgumentException($"{name}: sequence {b} is empty (a sequence holds at least </s>)", name);
        int steps = lengths.Max();
        var ids = new long[sequences.Count * steps];  // PadId = 0
        for (int b = 0; b < lengths.Length; b++) sequences[b].CopyTo(ids, b * steps);
        return (Tensor.FromArray(ids, sequences.Count, steps), lengths);
    }

    /// <summary>Batches of <paramref name="batchSize"/> pairs in an order shuffled by <paramref name="generator"/> (the
    /// last batch may be smaller).</summary>
    public static IEnumerable<Seq2SeqBatch> Shuffled(IReadOnlyList<(long[] Source, long[] Target)> pairs, int batchSize, Generator generator)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Seq2SeqBatch: batchSize must be in [1, ∞)");
        var order = Enumerable.Range(0, pairs.Count).ToArray();
        generator.Shuffle(order.AsSpan());
        for (int start = 0; start < order.Length; start += batchSize)
            yield return Of(order.Skip(start).Take(batchSize).Select(i => pairs[i]).ToList());
    }
}
