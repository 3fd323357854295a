namespace Neurite.Data.Vision;

/// <summary>
/// A random (or fixed) change applied to a whole batch of images at once: float32 [N, C, H, W] in,
/// a new float32 [N, C', H', W'] out; the input is never modified.
/// </summary>
/// <remarks>
/// Every sample gets its own random draw from <c>generator</c>, in sample order, so the result depends
/// only on the batch and the generator's state: the same seed gives the same augmented batch. A
/// <see cref="DataLoader"/> with a <c>transform</c> seeds one generator per (seed, epoch, batch), so
/// epochs differ and prefetching changes nothing.
/// <code>
/// var augment = new Compose(
///     new RandomCrop(new RandomCropOptions(Size: 32, Padding: 4)),
///     new RandomHorizontalFlip(),
///     new Normalize(Cifar10.Mean, Cifar10.Std));
/// var loader = new DataLoader(train, 128, shuffle: true, seed: 1, transform: augment);
/// </code>
/// </remarks>
public interface ITransform
{
    /// <summary>The transformed batch (a new tensor); <paramref name="images"/> is left unchanged.</summary>
    /// <param name="images">float32 [N, C, H, W].</param>
    /// <param name="generator">The source of every random draw.</param>
    /// <exception cref="ShapeException">The batch is not rank 4, or its size does not suit the transform.</exception>
    Tensor Apply(Tensor images, Generator generator);
}

/// <summary>Applies transforms one after another (like <c>torchvision.transforms.Compose</c>).</summary>
public sealed class Compose : ITransform
{
    readonly ITransform[] transforms;

    /// <summary>The transforms, applied in the order given.</summary>
    public Compose(params ITransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        foreach (var t in transforms) ArgumentNullException.ThrowIfNull(t, nameof(transforms));
        this.transforms = (ITransform[])transforms.Clone();
    }

    /// <summary>The transforms, in order.</summary>
    public IReadOnlyList<ITransform> Transforms => transforms;

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Generator generator)
    {
        foreach (var t in transforms) images = t.Apply(images, generator);
        return images;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Compose({string.Join(", ", transforms.Select(t => t.ToString()))})";
}

/// <summary>Transforms one sample: C planes of H×W, row-major, from <paramref name="src"/> into <paramref name="dst"/>.</summary>
internal delegate void SampleKernel(ReadOnlySpan<float> src, Span<float> dst, int index);

/// <summary>The checked view of an image batch that transforms work on: sizes and a contiguous float32 span.</summary>
internal readonly struct ImageBatch
{
    public readonly Tensor Tensor;
    public readonly int N, C, H, W;

    ImageBatch(Tensor t)
    {
        Tensor = t;
        (N, C, H, W) = (t.Size(0), t.Size(1), t.Size(2), t.Size(3));
    }

    /// <summary>Elements of one channel plane (H·W) and of one sample (C·H·W).</summary>
    public int Plane => H * W;
    public int Sample => C * H * W;

    public ReadOnlySpan<float> Span => Tensor.Span<float>();

    /// <summary>Checks that <paramref name="images"/> is float32 [N, C, H, W] and returns it detached and contiguous.</summary>
    public static ImageBatch Of(Tensor images, string op)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank != 4)
            throw new ShapeException($"{op} expects images [N, C, H, W], got {Shape.Format(images.Shape)}");
        if (images.DType != DType.Float32)
            throw new ArgumentException($"{op} expects float32 images, got {images.DType.Name()}", nameof(images));
        return new ImageBatch(images.Detach().Contiguous());
    }

    /// <summary>A new zero-filled float32 batch [n, c, h, w].</summary>
    public static Tensor New(int n, int c, int h, int w) => Tensor.Zeros([n, c, h, w], DType.Float32);

    /// <summary>
    /// A new batch of the same shape where sample i is <paramref name="kernel"/>(source sample i, output
    /// sample i, i); kernels run in sample order, so their random draws are reproducible.
    /// </summary>
    public Tensor MapSamples(SampleKernel kernel)
    {
        var dst = New(N, C, H, W);
        var s = Span;
        var d = dst.Span<float>();
        int n = Sample;
        for (int i = 0; i < N; i++) kernel(s.Slice(i * n, n), d.Slice(i * n, n), i);
        return dst;
    }

    /// <summary>A copy of this batch (to change in place).</summary>
    public Tensor Copy()
    {
        var copy = New(N, C, H, W);
        Span.CopyTo(copy.Span<float>());
        return copy;
    }
}
