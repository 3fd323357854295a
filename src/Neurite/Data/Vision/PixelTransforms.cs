using System.Globalization;

namespace Neurite.Data.Vision;

/// <summary>
/// Random erasing (Zhong et al. 2017): with some probability, fills a random rectangle of each image
/// (all channels) with a constant, so the model learns not to rely on any one part of the object.
/// </summary>
/// <remarks>
/// Per sample, <see cref="Draw"/> takes one uniform number for the erase/keep decision and, when erasing,
/// up to 10 attempts of (area fraction, log aspect ratio, then top and left if the rectangle fits); a sample
/// whose 10 attempts all fail is left unchanged, as in the paper.
/// </remarks>
public sealed class RandomErasing : ITransform
{
    /// <summary>An eraser with the given (validated) options (default: the paper's).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public RandomErasing(RandomErasingOptions? options = null)
    {
        options ??= new RandomErasingOptions();
        options.Validate();
        Options = options;
    }

    /// <summary>The options.</summary>
    public RandomErasingOptions Options { get; }

    /// <summary>One sample's rectangle (rows Top…Top+Height−1, columns Left…Left+Width−1), or null to leave it.</summary>
    public (int Top, int Left, int Height, int Width)? Draw(Generator generator, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (generator.NextDouble() >= Options.Probability) return null;
        double area = (double)height * width;
        double logMin = Math.Log(Options.MinAspect), logMax = Math.Log(Options.MaxAspect);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * (Options.MinArea + (Options.MaxArea - Options.MinArea) * generator.NextDouble());
            double aspect = Math.Exp(logMin + (logMax - logMin) * generator.NextDouble());
            int h = (int)Math.Round(Math.Sqrt(target * aspect));
            int w = (int)Math.Round(Math.Sqrt(target / aspect));
            if (h < 1 || w < 1 || h >= height || w >= width) continue;
            int top = generator.NextInt(height - h + 1);
            int left = generator.NextInt(width - w + 1);
            return (top, left, h, w);
        }
        return null;
    }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var b = ImageBatch.Of(images, "RandomErasing");
        float value = Options.Value;
        return b.MapSamples((src, dst, _) =>
        {
            src.CopyTo(dst);
            if (Draw(generator, b.H, b.W) is not var (top, left, h, w)) return;
            for (int c = 0; c < b.C; c++)
                for (int y = top; y < top + h; y++)
                    dst.Slice(c * b.Plane + y * b.W + left, w).Fill(value);
        });
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"RandomErasing(p={Options.Probability}, area=[{Options.MinArea}, {Options.MaxArea}], aspect=[{Options.MinAspect:G3}, {Options.MaxAspect:G3}])");
}

/// <summary>Random brightness and contrast changes per sample (see <see cref="ColorJitterOptions"/> for the formula).</summary>
/// <remarks>Per sample it draws the brightness factor, then the contrast factor (each only when its option is non-zero).</remarks>
public sealed class ColorJitter : ITransform
{
    /// <summary>A jitter with the given (validated) options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public ColorJitter(ColorJitterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The options.</summary>
    public ColorJitterOptions Options { get; }

    /// <summary>One sample's brightness and contrast factors (1 where the option is 0, without a draw).</summary>
    public (float Brightness, float Contrast) Draw(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        float b = Options.Brightness == 0 ? 1 : (float)(1 + Options.Brightness * (2 * generator.NextDouble() - 1));
        float c = Options.Contrast == 0 ? 1 : (float)(1 + Options.Contrast * (2 * generator.NextDouble() - 1));
        return (b, c);
    }

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Generator generator)
    {
        var batch = ImageBatch.Of(images, "ColorJitter");
        bool clamp = Options.Clamp;
        return batch.MapSamples((src, dst, _) =>
        {
            var (b, k) = Draw(generator);
            double sum = 0;
            for (int i = 0; i < src.Length; i++) sum += dst[i] = b * src[i];
            float mean = src.Length == 0 ? 0 : (float)(sum / src.Length);
            for (int i = 0; i < dst.Length; i++)
            {
                float v = (dst[i] - mean) * k + mean;
                dst[i] = clamp ? Math.Clamp(v, 0f, 1f) : v;
            }
        });
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"ColorJitter(brightness={Options.Brightness}, contrast={Options.Contrast})");
}

/// <summary>Per-channel standardisation: out[n, c] = (in[n, c] − mean[c]) / std[c]. Draws nothing.</summary>
/// <example><code>new Normalize([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f])   // CIFAR-10</code></example>
public sealed class Normalize : ITransform
{
    readonly float[] mean, std;

    /// <param name="mean">One mean per channel.</param>
    /// <param name="std">One standard deviation per channel, each &gt; 0.</param>
    /// <exception cref="ArgumentException">The lengths differ or are 0, or a value is not finite or a std is not positive.</exception>
    public Normalize(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException($"Normalize: option mean has {mean.Count} values and std has {std.Count}; give one of each per channel", nameof(std));
        for (int c = 0; c < mean.Count; c++)
        {
            Vision.Options.Require(float.IsFinite(mean[c]), "Normalize", nameof(mean), mean[c], $"[{c}] must be finite");
            Vision.Options.Require(std[c] > 0 && float.IsFinite(std[c]), "Normalize", nameof(std), std[c], $"[{c}] must be a positive number");
        }
        this.mean = mean.ToArray();
        this.std = std.ToArray();
    }

    /// <summary>The per-channel means.</summary>
    public IReadOnlyList<float> Mean => mean;

    /// <summary>The per-channel standard deviations.</summary>
    public IReadOnlyList<float> Std => std;

    /// <inheritdoc/>
    public Tensor Apply(Tensor images, Generator generator)
    {
        var b = ImageBatch.Of(images, "Normalize");
        if (b.C != mean.Length)
            throw new ShapeException($"Normalize: has {mean.Length} channel means but the images have {b.C} channels, batch {Shape.Format(images.Shape)}");
        return b.MapSamples((src, dst, _) =>
        {
            for (int c = 0; c < b.C; c++)
            {
                float m = mean[c], sd = std[c];
                var s = src.Slice(c * b.Plane, b.Plane);
                var d = dst.Slice(c * b.Plane, b.Plane);
                for (int i = 0; i < s.Length; i++) d[i] = (s[i] - m) / sd;
            }
        });
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Normalize(mean=[{string.Join(", ", mean)}], std=[{string.Join(", ", std)}])");
}
