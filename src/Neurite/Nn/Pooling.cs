namespace Neurite.Nn;

/// <summary>
/// Max pooling over [N, C, H, W] (or [C, H, W]): each output is the maximum of a kH×kW window, moved by the stride
/// (default: the kernel size, so windows do not overlap). Seed 003: pooling shrinks the feature maps, cutting
/// computation, and makes detection more robust to small shifts. Backward routes each gradient to its window's argmax.
/// </summary>
/// <example><code>var pool = new MaxPool2d(2);  // [N, C, 28, 28] → [N, C, 14, 14]</code></example>
public sealed class MaxPool2d : Module
{
    /// <summary>Window height and width.</summary>
    public (int H, int W) KernelSize { get; }
    /// <summary>Step between windows (default: the kernel size).</summary>
    public (int H, int W) Stride { get; }
    /// <summary>Implicit padding above/below and left/right, at most half the kernel.</summary>
    public (int H, int W) Padding { get; }

    /// <summary>A square window (<c>torch.nn.MaxPool2d(kernel_size, stride, padding)</c>).</summary>
    /// <param name="kernelSize">Window height and width.</param>
    /// <param name="stride">Step between windows; default the kernel size.</param>
    /// <param name="padding">Implicit −∞ padding on each side, at most half the kernel.</param>
    /// <exception cref="ArgumentOutOfRangeException">A kernel or stride below 1, or padding outside 0 … kernel/2.</exception>
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0)
        : this((kernelSize, kernelSize), stride is { } s ? (s, s) : null, (padding, padding)) { }

    /// <param name="kernelSize">Window height and width.</param>
    /// <param name="stride">Step between windows; default the kernel size.</param>
    /// <param name="padding">Implicit −∞ padding on each side, at most half the kernel.</param>
    /// <exception cref="ArgumentOutOfRangeException">A kernel or stride below 1, or padding outside 0 … kernel/2.</exception>
    public MaxPool2d((int H, int W) kernelSize, (int H, int W)? stride = null, (int H, int W) padding = default)
    {
        (KernelSize, Stride, Padding) = (kernelSize, stride ?? kernelSize, padding);
        PoolChecks.Validate("MaxPool2d", KernelSize, Stride, Padding);
    }

    /// <summary>[N, C, H, W] → [N, C, OH, OW] (or [C, H, W] → [C, OH, OW]), OH = ⌊(H + 2·padH − kH)/sH⌋ + 1 (OW likewise);
    /// each output is its window's maximum, and backward sends the gradient to that argmax.</summary>
    /// <exception cref="ShapeException">The input is not rank 3 or 4, or smaller than the padded window.</exception>
    public override Tensor Forward(Tensor x)
    {
        PoolChecks.Input(this, x, KernelSize, Padding);
        return x.MaxPool2d(KernelSize, Stride, Padding);
    }

    /// <summary>E.g. <c>MaxPool2d(k=2, s=2)</c>; the padding when not zero.</summary>
    public override string Describe() => PoolChecks.Describe("MaxPool2d", KernelSize, Stride, Padding);
}

/// <summary>
/// Average pooling over [N, C, H, W]: each output is the mean of a kH×kW window; zero padding counts in the mean
/// (PyTorch's default <c>count_include_pad=True</c>). The stride defaults to the kernel size.
/// </summary>
public sealed class AvgPool2d : Module
{
    /// <summary>Window height and width.</summary>
    public (int H, int W) KernelSize { get; }
    /// <summary>Step between windows (default: the kernel size).</summary>
    public (int H, int W) Stride { get; }
    /// <summary>Implicit padding above/below and left/right, at most half the kernel.</summary>
    public (int H, int W) Padding { get; }

    /// <summary>A square window (<c>torch.nn.AvgPool2d(kernel_size, stride, padding)</c>).</summary>
    /// <param name="kernelSize">Window height and width.</param>
    /// <param name="stride">Step between windows; default the kernel size.</param>
    /// <param name="padding">Implicit zero padding on each side (counted in the mean), at most half the kernel.</param>
    /// <exception cref="ArgumentOutOfRangeException">A kernel or stride below 1, or padding outside 0 … kernel/2.</exception>
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0)
        : this((kernelSize, kernelSize), stride is { } s ? (s, s) : null, (padding, padding)) { }

    /// <summary>A kH×kW window.</summary>
    /// <param name="kernelSize">Window height and width.</param>
    /// <param name="stride">Step between windows; default the kernel size.</param>
    /// <param name="padding">Implicit zero padding on each side (counted in the mean), at most half the kernel.</param>
    /// <exception cref="ArgumentOutOfRangeException">A kernel or stride below 1, or padding outside 0 … kernel/2.</exception>
    public AvgPool2d((int H, int W) kernelSize, (int H, int W)? stride = null, (int H, int W) padding = default)
    {
        (KernelSize, Stride, Padding) = (kernelSize, stride ?? kernelSize, padding);
        PoolChecks.Validate("AvgPool2d", KernelSize, Stride, Padding);
    }

    /// <summary>[N, C, H, W] → [N, C, OH, OW] (or [C, H, W] → [C, OH, OW]), OH = ⌊(H + 2·padH − kH)/sH⌋ + 1 (OW likewise);
    /// each output is the sum of its window divided by kH·kW.</summary>
    /// <exception cref="ShapeException">The input is not rank 3 or 4, or smaller than the padded window.</exception>
    public override Tensor Forward(Tensor x)
    {
        PoolChecks.Input(this, x, KernelSize, Padding);
        return x.AvgPool2d(KernelSize, Stride, Padding);
    }

    /// <summary>E.g. <c>AvgPool2d(k=2, s=2)</c>; the padding when not zero.</summary>
    public override string Describe() => PoolChecks.Describe("AvgPool2d", KernelSize, Stride, Padding);
}

/// <summary>
/// Adaptive average pooling: [N, C, H, W] → [N, C, outH, outW] whatever H and W, averaging rows
/// ⌊i·H/outH⌋ … ⌈(i + 1)·H/outH⌉ − 1 (columns likewise).
/// </summary>
public sealed class AdaptiveAvgPool2d(int outH, int outW) : Module
{
    /// <summary>A square <paramref name="size"/>×<paramref name="size"/> output (<c>torch.nn.AdaptiveAvgPool2d(size)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is below 1.</exception>
    public AdaptiveAvgPool2d(int size) : this(size, size) { }

    /// <summary>The output height and width (both ≥ 1; the constructor throws <see cref="ArgumentOutOfRangeException"/> otherwise).</summary>
    public (int H, int W) OutputSize { get; } = outH >= 1 && outW >= 1 ? (outH, outW)
        : throw new ArgumentOutOfRangeException(nameof(outH), $"AdaptiveAvgPool2d: output size {outH}×{outW} must be positive");

    /// <summary>[N, C, H, W] → [N, C, outH, outW] (or [C, H, W] → [C, outH, outW]) for any H, W ≥ 1.</summary>
    /// <exception cref="ShapeException">The input is not rank 3 or 4, or has an empty height or width.</exception>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank is not (3 or 4) || x.Shape[^1] == 0 || x.Shape[^2] == 0)
            throw new ShapeException($"{Describe()} expects [N, C, H, W] or [C, H, W] with H, W ≥ 1, got {ConvChecks.Format(x)}");
        return x.AdaptiveAvgPool2d(OutputSize.H, OutputSize.W);
    }

    /// <summary>E.g. <c>AdaptiveAvgPool2d(1)</c> or <c>AdaptiveAvgPool2d(6×7)</c>.</summary>
    public override string Describe() => $"AdaptiveAvgPool2d({ConvChecks.Pair(OutputSize)})";
}

/// <summary>Global average pooling: [N, C, H, W] → [N, C], the mean of each feature map (as before a ResNet's classifier).</summary>
public sealed class GlobalAvgPool2d : Module
{
    /// <summary>[N, C, H, W] → [N, C]: y[n, c] = the mean of x[n, c] over H·W (PyTorch: <c>AdaptiveAvgPool2d(1)</c> then <c>Flatten()</c>).</summary>
    /// <exception cref="ShapeException">The input is not rank 4, or has an empty height or width.</exception>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[2] == 0 || x.Shape[3] == 0)
            throw new ShapeException($"GlobalAvgPool2d expects [N, C, H, W] with H, W ≥ 1, got {ConvChecks.Format(x)}");
        return x.GlobalAvgPool2d();
    }

    /// <summary><c>GlobalAvgPool2d()</c>.</summary>
    public override string Describe() => "GlobalAvgPool2d()";
}

internal static class PoolChecks
{
    public static void Validate(string layer, (int H, int W) k, (int H, int W) s, (int H, int W) p)
    {
        if (k.H <= 0 || k.W <= 0) throw new ArgumentOutOfRangeException("kernelSize", $"{layer}: kernel size must be positive, got {k}");
        if (s.H <= 0 || s.W <= 0) throw new ArgumentOutOfRangeException("stride", $"{layer}: stride must be positive, got {s}");
        if (p.H < 0 || p.W < 0 || 2 * p.H > k.H || 2 * p.W > k.W)
            throw new ArgumentOutOfRangeException("padding", $"{layer}: padding {p} must be between 0 and half the kernel size {k}");
    }

    public static void Input(Module layer, Tensor x, (int H, int W) k, (int H, int W) p)
    {
        int minH = Math.Max(1, k.H - 2 * p.H), minW = Math.Max(1, k.W - 2 * p.W);
        if (x.Rank is not (3 or 4) || x.Shape[^2] < minH || x.Shape[^1] < minW)
        {
            string size = minH == minW ? $"H, W ≥ {minH}" : $"H ≥ {minH}, W ≥ {minW}";
            throw new ShapeException($"{layer.Describe()} expects [N, C, H, W] with {size}, got {ConvChecks.Format(x)}");
        }
    }

    public static string Describe(string layer, (int H, int W) k, (int H, int W) s, (int H, int W) p) =>
        $"{layer}(k={ConvChecks.Pair(k)}, s={ConvChecks.Pair(s)}" + (p != (0, 0) ? $", p={ConvChecks.Pair(p)}" : "") + ")";
}
