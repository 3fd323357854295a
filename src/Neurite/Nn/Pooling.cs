namespace Neurite.Nn;

/// <summary>
/// Max pooling over [N, C, H, W] (or [C, H, W]): each output is the maximum of a kH×kW window, moved by the stride
/// (default: the kernel size, so windows do not overlap). Seed 003: pooling shrinks the feature maps, cutting
/// computation, and makes detection more robust to small shifts. Backward routes each gradient to its window's argmax.
/// </summary>
/// <example><code>var pool = new MaxPool2d(2);  // [N, C, 28, 28] → [N, C, 14, 14]</code></example>
public sealed class MaxPool2d : Module
{
    public (int H, int W) KernelSize { get; }
    public (int H, int W) Stride { get; }
    public (int H, int W) Padding { get; }

    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0)
        : this((kernelSize, kernelSize), stride is { } s ? (s, s) : null, (padding, padding)) { }

    /// <param name="kernelSize">Window height and width.</param>
    /// <param name="stride">Step between windows; default the kernel size.</param>
    /// <param name="padding">Implicit −∞ padding on each side, at most half the kernel.</param>
    public MaxPool2d((int H, int W) kernelSize, (int H, int W)? stride = null, (int H, int W) padding = default)
    {
        (KernelSize, Stride, Padding) = (kernelSize, stride ?? kernelSize, padding);
        PoolChecks.Validate("MaxPool2d", KernelSize, Stride, Padding);
    }

    public override Tensor Forward(Tensor x)
    {
        PoolChecks.Input(this, x, KernelSize, Padding);
        return x.MaxPool2d(KernelSize, Stride, Padding);
    }

    public override string Describe() => PoolChecks.Describe("MaxPool2d", KernelSize, Stride, Padding);
}

/// <summary>
/// Average pooling over [N, C, H, W]: each output is the mean of a kH×kW window; zero padding counts in the mean
/// (PyTorch's default <c>count_include_pad=True</c>). The stride defaults to the kernel size.
/// </summary>
public sealed class AvgPool2d : Module
{
    public (int H, int W) KernelSize { get; }
    public (int H, int W) Stride { get; }
    public (int H, int W) Padding { get; }

    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0)
        : this((kernelSize, kernelSize), stride is { } s ? (s, s) : null, (padding, padding)) { }

    public AvgPool2d((int H, int W) kernelSize, (int H, int W)? stride = null, (int H, int W) padding = default)
    {
        (KernelSize, Stride, Padding) = (kernelSize, stride ?? kernelSize, padding);
        PoolChecks.Validate("AvgPool2d", KernelSize, Stride, Padding);
    }

    public override Tensor Forward(Tensor x)
    {
        PoolChecks.Input(this, x, KernelSize, Padding);
        return x.AvgPool2d(KernelSize, Stride, Padding);
    }

    public override string Describe() => PoolChecks.Describe("AvgPool2d", KernelSize, Stride, Padding);
}

/// <summary>
/// Adaptive average pooling: [N, C, H, W] → [N, C, outH, outW] whatever H and W, averaging rows
/// ⌊i·H/outH⌋ … ⌈(i + 1)·H/outH⌉ − 1 (columns likewise).
/// </summary>
public sealed class AdaptiveAvgPool2d(int outH, int outW) : Module
{
    public AdaptiveAvgPool2d(int size) : this(size, size) { }

    public (int H, int W) OutputSize { get; } = outH >= 1 && outW >= 1 ? (outH, outW)
        : throw new ArgumentOutOfRangeException(nameof(outH), $"AdaptiveAvgPool2d: output size {outH}×{outW} must be positive");

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank is not (3 or 4) || x.Shape[^1] == 0 || x.Shape[^2] == 0)
            throw new ShapeException($"{Describe()} expects [N, C, H, W] or [C, H, W] with H, W ≥ 1, got {ConvChecks.Format(x)}");
        return x.AdaptiveAvgPool2d(OutputSize.H, OutputSize.W);
    }

    public override string Describe() => $"AdaptiveAvgPool2d({ConvChecks.Pair(OutputSize)})";
}

/// <summary>Global average pooling: [N, C, H, W] → [N, C], the mean of each feature map (as before a ResNet's classifier).</summary>
public sealed class GlobalAvgPool2d : Module
{
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[2] == 0 || x.Shape[3] == 0)
            throw new ShapeException($"GlobalAvgPool2d expects [N, C, H, W] with H, W ≥ 1, got {ConvChecks.Format(x)}");
        return x.GlobalAvgPool2d();
    }

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
