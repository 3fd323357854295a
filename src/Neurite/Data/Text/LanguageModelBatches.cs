using System.Collections;

namespace Neurite.Data.Text;

/// <summary>
/// Truncated back-propagation-through-time batches of a token stream, as in PyTorch's
/// <c>word_language_model</c> example: the stream is cut into B parallel contiguous streams of length
/// L = ⌊N / B⌋ (the last N mod B tokens are dropped), and batch i has inputs [B, T] = streams[:, i·T … i·T + T)
/// and targets shifted by one position.
/// </summary>
/// <remarks>
/// Row b of batch i + 1 continues row b of batch i exactly, so a recurrent state carried from one batch
/// to the next (detached from the graph) is the state of the same stream: do not shuffle the batches.
/// The last position of a stream has no target, so L − 1 positions are inputs; there are
/// ⌈(L − 1) / T⌉ batches, the last with T′ = (L − 1) − (Count − 1)·T ≤ T steps, or ⌊(L − 1) / T⌋ when
/// <c>dropLast</c> is set.
/// <code>
/// var vocab = CharVocabulary.Build(text);
/// var (train, valid) = LanguageModelBatches.Split(vocab.Encode(text), validationFraction: 0.1);
/// foreach (var batch in new LanguageModelBatches(train, batchSize: 32, sequenceLength: 128))
/// {
///     // logits = model(batch.Inputs, state); loss = cross-entropy(logits, batch.Targets); carry state on
/// }
/// </code>
/// </remarks>
public sealed class LanguageModelBatches : IReadOnlyList<LanguageModelBatch>
{
    readonly long[] streams;   // B rows of L tokens, row-major

    /// <summary>Batches of <paramref name="tokens"/> (copied) as <paramref name="batchSize"/> parallel streams.</summary>
    /// <param name="tokens">The token ids, e.g. from <see cref="CharVocabulary.Encode"/>.</param>
    /// <param name="batchSize">B, the number of parallel streams (rows of each batch).</param>
    /// <param name="sequenceLength">T, the number of time steps of each batch (the BPTT length).</param>
    /// <param name="dropLast">Leave out a last batch that would be shorter than <paramref name="sequenceLength"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="tokens"/> has fewer than 2 tokens.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="batchSize"/> is below 1 or so large that a stream has fewer than 2 tokens, or
    /// <paramref name="sequenceLength"/> is not in 1 … L − 1 (it would be longer than a stream).
    /// </exception>
    public LanguageModelBatches(long[] tokens, int batchSize, int sequenceLength, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"LanguageModelBatches: batchSize must be at least 1, got {batchSize}");
        int length = tokens.Length / batchSize;
        if (tokens.Length < 2)
            throw new ArgumentException($"LanguageModelBatches: the stream has {tokens.Length} tokens; it needs at least 2 (an input and its target)", nameof(tokens));
        if (length < 2)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"LanguageModelBatches: batchSize must be in 1…{tokens.Length / 2} for {tokens.Length} tokens (each stream needs at least 2 tokens, an input and its target), got {batchSize}");
        if (sequenceLength < 1 || sequenceLength > length - 1)
            throw new ArgumentOutOfRangeException(nameof(sequenceLength), sequenceLength,
                $"LanguageModelBatches: sequenceLength must be in 1…{length - 1} (each of the {batchSize} streams has {length} tokens, {length - 1} with a target), got {sequenceLength}");
        streams = tokens[..(batchSize * length)];
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        StreamLength = length;
        DropLast = dropLast;
        Count = dropLast ? (length - 1) / sequenceLength : (length - 1 + sequenceLength - 1) / sequenceLength;
    }

    /// <summary>B: the number of parallel streams, the rows of every batch.</summary>
    public int BatchSize { get; }

    /// <summary>T: the number of time steps of every batch but possibly the last.</summary>
    public int SequenceLength { get; }

    /// <summary>L = ⌊N / B⌋: the number of tokens in each stream.</summary>
    public int StreamLength { get; }

    /// <summary>Whether a shorter last batch is left out.</summary>
    public bool DropLast { get; }

    /// <summary>The number of batches: ⌈(L − 1) / T⌉, or ⌊(L − 1) / T⌋ with <see cref="DropLast"/>.</summary>
    public int Count { get; }

    /// <summary>Batch <paramref name="index"/>: inputs and targets [B, T], new tensors on each call.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in 0 … Count − 1.</exception>
    public LanguageModelBatch this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"LanguageModelBatches: batch index must be in 0…{Count - 1}, got {index}");
            int start = index * SequenceLength;
            int steps = Math.Min(SequenceLength, StreamLength - 1 - start);
            var inputs = new long[BatchSize * steps];
            var targets = new long[BatchSize * steps];
            for (int b = 0; b < BatchSize; b++)
            {
                var row = streams.AsSpan(b * StreamLength + start, steps + 1);
                row[..steps].CopyTo(inputs.AsSpan(b * steps, steps));
                row[1..].CopyTo(targets.AsSpan(b * steps, steps));
            }
            return new LanguageModelBatch(Tensor.FromArray(inputs, BatchSize, steps), Tensor.FromArray(targets, BatchSize, steps), index);
        }
    }

    /// <summary>The batches in order 0 … Count − 1 (the order that keeps each stream continuous).</summary>
    public IEnumerator<LanguageModelBatch> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Cuts <paramref name="tokens"/> into a training part and a held-out validation part: the last
    /// round(<paramref name="validationFraction"/> · N) tokens (rounded to even) are the validation part,
    /// the rest before it the training part. Contiguous, not shuffled, so both remain running text.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is not in [0, 1) (or is NaN).</exception>
    public static (long[] Train, long[] Validation) Split(long[] tokens, double validationFraction)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction,
                $"LanguageModelBatches.Split: validationFraction must be in [0, 1), got {validationFraction}");
        int held = (int)Math.Round(validationFraction * tokens.Length, MidpointRounding.ToEven);
        int cut = tokens.Length - held;
        return (tokens[..cut], tokens[cut..]);
    }
}
