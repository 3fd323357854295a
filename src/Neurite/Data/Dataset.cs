namespace Neurite.Data;

/// <summary>
/// A finite, indexable collection of (input, target) samples that hands out whole batches at once.
/// </summary>
/// <remarks>
/// The unit of access is a batch, not a sample: <see cref="GetBatch"/> copies the requested rows into
/// new contiguous tensors, so a <see cref="DataLoader"/> never builds a batch one boxed sample at a time
/// (PyTorch's map-style dataset plus a collate function, fused).
/// </remarks>
public abstract class Dataset
{
    /// <summary>Number of samples.</summary>
    public abstract int Count { get; }

    /// <summary>
    /// The samples at <paramref name="indices"/>, in that order, stacked along a new first dimension:
    /// <c>x</c> is [indices.Length, ...sample shape], <c>y</c> is [indices.Length] or [indices.Length, k].
    /// </summary>
    /// <exception cref="IndexOutOfRangeException">An index is outside [0, <see cref="Count"/>).</exception>
    public abstract (Tensor x, Tensor y) GetBatch(ReadOnlySpan<int> indices);

    /// <summary>The class names that integer labels index, or null for regression targets or unnamed classes.</summary>
    public virtual IReadOnlyList<string>? ClassNames => null;

    /// <summary>A view of the samples at <paramref name="indices"/> (no data is copied until a batch is read).</summary>
    public Subset Subset(ReadOnlySpan<int> indices) => new(this, indices);

    /// <summary>Throws when any index lies outside [0, <see cref="Count"/>).</summary>
    protected void CheckIndices(ReadOnlySpan<int> indices)
    {
        int n = Count;
        foreach (int i in indices)
            if ((uint)i >= (uint)n)
                throw new IndexOutOfRangeException($"{GetType().Name}: index {i} is out of range for a data set of {n} samples");
    }
}

/// <summary>The samples of another <see cref="Dataset"/> at a fixed list of indices (like <c>torch.utils.data.Subset</c>).</summary>
public sealed class Subset : Dataset
{
    readonly int[] indices;

    /// <summary>A view of <paramref name="source"/> restricted to <paramref name="indices"/> (copied).</summary>
    public Subset(Dataset source, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        Source = source;
        foreach (int i in indices)
            if ((uint)i >= (uint)source.Count)
                throw new IndexOutOfRangeException($"Subset: index {i} is out of range for a data set of {source.Count} samples");
        this.indices = indices.ToArray();
    }

    /// <summary>The underlying data set.</summary>
    public Dataset Source { get; }

    /// <summary>Indices into <see cref="Source"/>.</summary>
    public ReadOnlySpan<int> Indices => indices;

    /// <inheritdoc/>
    public override int Count => indices.Length;

    /// <inheritdoc/>
    public override IReadOnlyList<string>? ClassNames => Source.ClassNames;

    /// <inheritdoc/>
    public override (Tensor x, Tensor y) GetBatch(ReadOnlySpan<int> batch)
    {
        CheckIndices(batch);
        var mapped = batch.Length <= 1024 ? stackalloc int[batch.Length] : new int[batch.Length];
        for (int i = 0; i < batch.Length; i++) mapped[i] = indices[batch[i]];
        return Source.GetBatch(mapped);
    }
}
