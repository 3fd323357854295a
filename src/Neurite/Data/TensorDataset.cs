namespace Neurite.Data;

/// <summary>
/// An in-memory data set: a features tensor and a labels tensor with the same number of rows
/// (like <c>torch.utils.data.TensorDataset</c>).
/// </summary>
/// <remarks>
/// Features are float32 (or float64) [N, ...]; labels are int64 [N] class indices, or float32 [N, k]
/// (or [N]) regression targets. Both are stored contiguous and detached from any autograd graph, so a
/// batch is one block copy per row: <c>span.Slice(i * rowSize, rowSize).CopyTo(...)</c>.
/// <code>
/// var data = new TensorDataset(Tensor.Randn(100, 4), Tensor.RandInt(0, 3, [100]));
/// var (x, y) = data.GetBatch([3, 1, 4]);   // x: [3, 4] float32, y: [3] int64
/// </code>
/// </remarks>
public sealed class TensorDataset : Dataset
{
    readonly IReadOnlyList<string>? classNames;

    /// <summary>Pairs <paramref name="features"/> [N, ...] with <paramref name="labels"/> [N, ...].</summary>
    /// <param name="features">Inputs, float32 or float64, at least 1-D.</param>
    /// <param name="labels">Targets with the same first dimension: int64 classes or floating-point values.</param>
    /// <param name="classNames">Optional names of the classes that int64 labels index.</param>
    /// <exception cref="ShapeException">The first dimensions differ, or a tensor is a scalar.</exception>
    public TensorDataset(Tensor features, Tensor labels, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Rank == 0 || labels.Rank == 0)
            throw new ShapeException($"TensorDataset: features and labels need a sample dimension, got features {Shape.Format(features.Shape)} and labels {Shape.Format(labels.Shape)}");
        if (features.Size(0) != labels.Size(0))
            throw new ShapeException($"TensorDataset: features have {features.Size(0)} rows but labels have {labels.Size(0)} (features {Shape.Format(features.Shape)}, labels {Shape.Format(labels.Shape)})");
        if (!features.DType.IsFloatingPoint())
            throw new ArgumentException($"TensorDataset: features must be float32 or float64, got {features.DType.Name()}", nameof(features));
        if (classNames is not null && labels.DType != DType.Int64)
            throw new ArgumentException($"TensorDataset: class names need int64 labels, got {labels.DType.Name()}", nameof(classNames));
        Features = features.Detach().Contiguous();
        Labels = labels.Detach().Contiguous();
        this.classNames = classNames;
    }

    /// <summary>All inputs, [N, ...].</summary>
    public Tensor Features { get; }

    /// <summary>All targets, [N] or [N, k].</summary>
    public Tensor Labels { get; }

    /// <inheritdoc/>
    public override int Count => Features.Size(0);

    /// <inheritdoc/>
    public override IReadOnlyList<string>? ClassNames => classNames;

    /// <summary>The shape of one input sample (the features' shape without the first dimension).</summary>
    public int[] SampleShape => Features.Shape[1..].ToArray();

    /// <summary>Deconstructs into <c>(features, labels)</c>.</summary>
    public void Deconstruct(out Tensor features, out Tensor labels) => (features, labels) = (Features, Labels);

    /// <inheritdoc/>
    public override (Tensor x, Tensor y) GetBatch(ReadOnlySpan<int> indices)
    {
        CheckIndices(indices);
        return (Gather(Features, indices), Gather(Labels, indices));
    }

    /// <summary>A new data set holding copies of the rows at <paramref name="indices"/>, in that order.</summary>
    public TensorDataset Select(ReadOnlySpan<int> indices)
    {
        var (x, y) = GetBatch(indices);
        return new TensorDataset(x, y, classNames);
    }

    /// <summary>
    /// The same data with each sample reshaped to <paramref name="sampleShape"/> (a view, no copy), e.g.
    /// <c>digits.ReshapeFeatures(1, 8, 8)</c> turns [N, 64] into [N, 1, 8, 8] images for a convolution.
    /// </summary>
    public TensorDataset ReshapeFeatures(params int[] sampleShape) =>
        new(Features.Reshape([Count, .. sampleShape]), Labels, classNames);

    /// <summary>The same labels with new features (same row count), e.g. after a scaler.</summary>
    public TensorDataset WithFeatures(Tensor features) => new(features, Labels, classNames);

    /// <summary>
    /// The same features with int64 class labels replaced by float32 one-hot rows [N, C]
    /// (<see cref="Tensor.OneHot"/>), for losses that take probability targets (MSE, binary cross-entropy).
    /// C is <paramref name="numClasses"/>, else the number of class names, else the largest label + 1.
    /// </summary>
    /// <exception cref="InvalidOperationException">The labels are not int64 class indices.</exception>
    public TensorDataset WithOneHotLabels(int? numClasses = null)
    {
        int classes = numClasses ?? ClassCounts().Length;
        return new TensorDataset(Features, Tensor.OneHot(Labels, classes));
    }

    /// <summary>Number of samples of each class 0…C−1 (C from <see cref="ClassNames"/> or the largest label + 1).</summary>
    /// <exception cref="InvalidOperationException">The labels are not int64 class indices.</exception>
    public int[] ClassCounts()
    {
        var labels = ClassLabels("ClassCounts");
        int classes = classNames?.Count ?? 0;
        foreach (long l in labels) classes = (int)Math.Max(classes, l + 1);
        var counts = new int[classes];
        foreach (long l in labels) counts[l]++;
        return counts;
    }

    internal ReadOnlySpan<long> ClassLabels(string op)
    {
        if (Labels.DType != DType.Int64 || Labels.Rank != 1)
            throw new InvalidOperationException($"{op}: needs int64 class labels of shape [N], got {Labels.DType.Name()} {Shape.Format(Labels.Shape)}");
        var labels = Labels.Span<long>();
        foreach (long l in labels)
            if (l < 0) throw new InvalidOperationException($"{op}: class labels must be non-negative, found {l}");
        return labels;
    }

    /// <summary>E.g. <c>TensorDataset(150 samples, x float32 [150, 4], y int64 [150])</c>.</summary>
    public override string ToString() =>
        $"TensorDataset({Count} samples, x {Features.DType.Name()} {Shape.Format(Features.Shape)}, y {Labels.DType.Name()} {Shape.Format(Labels.Shape)})";

    /// <summary>Rows of a contiguous tensor at the given indices, copied into a new contiguous tensor.</summary>
    static Tensor Gather(Tensor source, ReadOnlySpan<int> indices)
    {
        int[] shape = source.Shape.ToArray();
        int row = source.Size(0) == 0 ? 0 : source.NumEl / source.Size(0);
        shape[0] = indices.Length;
        var dst = Tensor.Zeros(shape, source.DType);
        switch (source.DType)
        {
            case DType.Float32: CopyRows(source.Span<float>(), dst.Span<float>(), row, indices); break;
            case DType.Float64: CopyRows(source.Span<double>(), dst.Span<double>(), row, indices); break;
            default: CopyRows(source.Span<long>(), dst.Span<long>(), row, indices); break;
        }
        return dst;
    }

    static void CopyRows<T>(ReadOnlySpan<T> src, Span<T> dst, int row, ReadOnlySpan<int> indices) where T : unmanaged
    {
        for (int i = 0; i < indices.Length; i++)
            src.Slice(indices[i] * row, row).CopyTo(dst.Slice(i * row, row));
    }
}
