using System.Globalization;

namespace Neurite.Data.Vision;

/// <summary>
/// Zero-pads each image and crops a random window, a different one per sample (the standard CIFAR
/// augmentation: <c>new RandomCrop(new(Size: 32, Padding: 4))</c> shifts content by up to 4 pixels).
/// </summary>
/// <remarks>Per sample it draws <see cref="Draw"/>: top, then left, each uniform over the valid window positions.</remarks>
public sealed class RandomCrop : ITransform
{
    /// <summary>A crop with the given (validated) options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public RandomCrop(RandomCropOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The options.</summary>
    public RandomCropOptions Options { get; }

    /// <summary>One sample's window in padded coordinates: (top, left) in [0, H + 2p − Size] × [0, W + 2p − Size].</summary>
    public (int Top, int Left) Draw(Generator generator, int height, int width)
    {
        int top = generator.NextInt(height + 2 * Options.Padding - Options.Size + 1);
        int left = generator.NextInt(width + 2 * Options.Padding - Options.Size + 1);
        return (top, left);
    }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var b = ImageBatch.Of(images, "RandomCrop");
        int size = Options.Size, p = Options.Padding;
        if (size > b.H + 2 * p || size > b.W + 2 * p)
            throw new ShapeException($"RandomCrop: a {size}×{size} crop does not fit images {b.H}×{b.W} padded by {p}, batch {Shape.Format(images.Shape)}");
        var dst = ImageBatch.New(b.N, b.C, size, size);
        var s = b.Span;
        var d = dst.Span<float>();
        int outSample = b.C * size * size;
        for (int i = 0; i < b.N; i++)
        {
            var (top, left) = Draw(generator, b.H, b.W);
            Images.Crop(s.Slice(i * b.Sample, b.Sample), d.Slice(i * outSample, outSample), b.C, b.H, b.W, size, size, top - p, left - p);
        }
        return dst;
    }

    /// <inheritdoc/>
    public override string ToString() => $"RandomCrop(size={Options.Size}, padding={Options.Padding})";
}

/// <summary>Mirrors each image left–right with probability <see cref="Probability"/> (one draw per sample).</summary>
public sealed class RandomHorizontalFlip : ITransform
{
    /// <param name="probability">Chance of a flip, in [0, 1] (default 0.5).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is outside [0, 1].</exception>
    public RandomHorizontalFlip(double probability = 0.5)
    {
        Vision.Options.Require(probability >= 0 && probability <= 1, "RandomHorizontalFlip", nameof(probability), probability, "must be in [0, 1]");
        Probability = probability;
    }

    /// <summary>Chance of a flip.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var b = ImageBatch.Of(images, "RandomHorizontalFlip");
        return b.MapSamples((src, dst, _) =>
        {
            if (generator.NextDouble() < Probability) Images.FlipHorizontal(src, dst, b.W);
            else src.CopyTo(dst);
        });
    }

    /// <inheritdoc/>
    public override string ToString() => $"RandomHorizontalFlip(p={Probability.ToString(CultureInfo.InvariantCulture)})";
}

/// <summary>Mirrors each image top–bottom with probability <see cref="Probability"/> (one draw per sample).</summary>
public sealed class RandomVerticalFlip : ITransform
{
    /// <param name="probability">Chance of a flip, in [0, 1] (default 0.5).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is outside [0, 1].</exception>
    public RandomVerticalFlip(double probability = 0.5)
    {
        Vision.Options.Require(probability >= 0 && probability <= 1, "RandomVerticalFlip", nameof(probability), probability, "must be in [0, 1]");
        Probability = probability;
    }

    /// <summary>Chance of a flip.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var b = ImageBatch.Of(images, "RandomVerticalFlip");
        return b.MapSamples((src, dst, _) =>
        {
            if (generator.NextDouble() < Probability) Images.FlipVertical(src, dst, b.C, b.H, b.W);
            else src.CopyTo(dst);
        });
    }

    /// <inheritdoc/>
    public override string ToString() => $"RandomVerticalFlip(p={Probability.ToString(CultureInfo.InvariantCulture)})";
}

/// <summary>
/// Rotates each image by a small random angle and shifts it by a random whole number of pixels
/// (<see cref="Images.Rotate"/>: bilinear, zero fill), e.g. <c>new RandomAffine(new(Degrees: 10, Translate: 0.1))</c>.
/// </summary>
/// <remarks>Per sample it draws <see cref="Draw"/>: the angle, then the x shift, then the y shift.</remarks>
public sealed class RandomAffine : ITransform
{
    /// <summary>An affine augmentation with the given (validated) options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public RandomAffine(RandomAffineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The options.</summary>
    public RandomAffineOptions Options { get; }

    /// <summary>One sample's angle in degrees and shift in pixels.</summary>
    public (double Degrees, int TranslateX, int TranslateY) Draw(Generator generator, int height, int width)
    {
        double degrees = Options.Degrees * (2 * generator.NextDouble() - 1);
        int tx = (int)Math.Round(Options.Translate * width * (2 * generator.NextDouble() - 1));
        int ty = (int)Math.Round(Options.Translate * height * (2 * generator.NextDouble() - 1));
        return (degrees, tx, ty);
    }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var b = ImageBatch.Of(images, "RandomAffine");
        return b.MapSamples((src, dst, _) =>
        {
            var (degrees, tx, ty) = Draw(generator, b.H, b.W);
            Images.Affine(src, dst, b.C, b.H, b.W, degrees, tx, ty);
        });
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"RandomAffine(degrees={Options.Degrees}, translate={Options.Translate})");
}
