using System.Numerics;
using Neurite.Kernels;

namespace Neurite;

// Pooling over the last two dimensions of [N, C, H, W] (or [C, H, W]), each plane on its own
// (Kernels/Pool.cs). Forward and backward side by side.
public sealed partial class Tensor
{
    /// <summary>
    /// Max pooling: y[n, c, i, j] = max over the kH×kW window at (i·sH − padH, j·sW − padW) of x[n, c], padding
    /// ignored; OH = ⌊(H + 2·padH − kH)/sH⌋ + 1. The gradient goes to the argmax of each window (saved as indices).
    /// The stride defaults to the kernel size.
    /// </summary>
    /// <exception cref="ShapeException">The input is not [N, C, H, W] or [C, H, W], or the window is larger than the padded input.</exception>
    public Tensor MaxPool2d((int H, int W) kernel, (int H, int W)? stride = null, (int H, int W) padding = default)
    {
        var (src, geo, planes) = PoolGeometry("max_pool2d", kernel, stride ?? kernel, padding);
        var y = Empty(PooledShape(geo), DType);
        var argmax = new int[Math.Max(1, y.numel)];
        if (y.numel > 0)
        {
            if (DType == DType.Float32) PoolMax<float>(src, y, argmax, planes, geo);
            else PoolMax<double>(src, y, argmax, planes, geo);
        }
        if (Autograd.Tracks(src))
            Autograd.Record(y, "max_pool2d", src, static (n, st, g) =>
            {
                // ∂y/∂x = 1 at the window's argmax, 0 elsewhere
                var (argmax, geo) = st;
                var x = n.A!;
                Node.Flow(x, PoolBackward(g, x, argmax, geo, max: true));
            }, (argmax, geo));
        return y;
    }

    /// <summary>Max pooling with a square window; see the tuple overload.</summary>
    public Tensor MaxPool2d(int kernel, int? stride = null, int padding = 0) =>
        MaxPool2d((kernel, kernel), (stride ?? kernel, stride ?? kernel), (padding, padding));

    /// <summary>
    /// Average pooling: y[n, c, i, j] = (1/(kH·kW)) · Σ over the window of x[n, c], padding counted as zeros
    /// (PyTorch's default <c>count_include_pad=True</c>). The stride defaults to the kernel size.
    /// </summary>
    public Tensor AvgPool2d((int H, int W) kernel, (int H, int W)? stride = null, (int H, int W) padding = default)
    {
        var (src, geo, planes) = PoolGeometry("avg_pool2d", kernel, stride ?? kernel, padding);
        var y = Empty(PooledShape(geo), DType);
        if (y.numel > 0)
        {
            if (DType == DType.Float32) PoolAverage<float>(src, y, planes, geo, adaptive: false);
            else PoolAverage<double>(src, y, planes, geo, adaptive: false);
        }
        if (Autograd.Tracks(src))
            // ∂y/∂x = 1/(kH·kW) for each window containing x
            Autograd.Record(y, "avg_pool2d", src, static (n, geo, g) => Node.Flow(n.A!, PoolBackward(g, n.A!, null, geo, max: false)), geo);
        return y;
    }

    /// <summary>Average pooling with a square window; see the tuple overload.</summary>
    public Tensor AvgPool2d(int kernel, int? stride = null, int padding = 0) =>
        AvgPool2d((kernel, kernel), (stride ?? kernel, stride ?? kernel), (padding, padding));

    /// <summary>
    /// Adaptive average pooling to an <paramref name="outH"/>×<paramref name="outW"/> output whatever the input size:
    /// output (i, j) averages rows ⌊i·H/outH⌋ … ⌈(i + 1)·H/outH⌉ − 1 and the columns likewise (as PyTorch).
    /// </summary>
    public Tensor AdaptiveAvgPool2d(int outH, int outW)
    {
        if (outH < 1 || outW < 1) throw new ArgumentOutOfRangeException(nameof(outH), $"adaptive_avg_pool2d: output size {outH}×{outW} must be positive");
        if (Rank is not (3 or 4))
            throw new ShapeException($"adaptive_avg_pool2d: expects input [N, C, H, W] or [C, H, W], got {Neurite.Shape.Format(shape)}");
        RequireFloat("adaptive_avg_pool2d", this);
        var src = Contiguous();
        int h = shape[^2], w = shape[^1], planes = numel / Math.Max(1, h * w);
        if (h == 0 || w == 0) throw new ShapeException($"adaptive_avg_pool2d: input {Neurite.Shape.Format(shape)} has an empty plane");
        var geo = new ConvGeometry(1, h, w, 1, 1, 1, 1, 0, 0, 1, 1, outH, outW);
        int[] outShape = [.. shape[..^2], outH, outW];
        var y = Empty(outShape, DType);
        if (y.numel > 0)
        {
            if (DType == DType.Float32) PoolAverage<float>(src, y, planes, geo, adaptive: true);
            else PoolAverage<double>(src, y, planes, geo, adaptive: true);
        }
        if (Autograd.Tracks(src))
            // ∂y/∂x = 1/area of each window containing x
            Autograd.Record(y, "adaptive_avg_pool2d", src, static (n, geo, g) => Node.Flow(n.A!, PoolBackward(g, n.A!, null, geo, max: false, adaptive: true)), geo);
        return y;
    }

    /// <summary>Global average pooling: [N, C, H, W] → [N, C], the mean of each plane.</summary>
    public Tensor GlobalAvgPool2d()
    {
        if (Rank != 4) throw new ShapeException($"global_avg_pool2d: expects input [N, C, H, W], got {Neurite.Shape.Format(shape)}");
        return AdaptiveAvgPool2d(1, 1).Reshape(shape[0], shape[1]);
    }

    (Tensor src, ConvGeometry geo, int planes) PoolGeometry(string op, (int H, int W) k, (int H, int W) s, (int H, int W) p)
    {
        RequireFloat(op, this);
        if (Rank is not (3 or 4))
            throw new ShapeException($"{op}: expects input [N, C, H, W] or [C, H, W], got {Neurite.Shape.Format(shape)}");
        if (k.H < 1 || k.W < 1 || s.H < 1 || s.W < 1)
            throw new ArgumentOutOfRangeException(nameof(k), $"{op}: kernel {k} and stride {s} must be positive");
        if (p.H < 0 || p.W < 0 || 2 * p.H > k.H || 2 * p.W > k.W)
            throw new ArgumentOutOfRangeException(nameof(p), $"{op}: padding {p} must be between 0 and half the kernel {k}");
        int h = shape[^2], w = shape[^1];
        if (h + 2 * p.H < k.H || w + 2 * p.W < k.W)
            throw new ShapeException($"{op}: the window {k.H}×{k.W} is larger than the padded input {h + 2 * p.H}×{w + 2 * p.W} (input {Neurite.Shape.Format(shape)})");
        var geo = new ConvGeometry(1, h, w, k.H, k.W, s.H, s.W, p.H, p.W, 1, 1,
            ConvGeometry.OutputSize(h, k.H, s.H, p.H, p.H, 1), ConvGeometry.OutputSize(w, k.W, s.W, p.W, p.W, 1));
        return (Contiguous(), geo, h * w == 0 ? 0 : numel / (h * w));
    }

    int[] PooledShape(ConvGeometry geo) => [.. shape[..^2], geo.OH, geo.OW];

    static unsafe void PoolMax<T>(Tensor x, Tensor y, int[] argmax, int planes, ConvGeometry geo) where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* px = x.Span<T>(), py = y.Span<T>())
        fixed (int* pa = argmax)
            Pool.MaxForward(px, py, pa, planes, in geo);
    }

    static unsafe void PoolAverage<T>(Tensor x, Tensor y, int planes, ConvGeometry geo, bool adaptive) where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* px = x.Span<T>(), py = y.Span<T>())
        {
            if (adaptive) Pool.AdaptiveForward(px, py, planes, in geo);
            else Pool.AvgForward(px, py, planes, in geo);
        }
    }

    /// <summary>The input gradient of a pooling from the output gradient <paramref name="g"/>.</summary>
    static Tensor PoolBackward(Tensor g, Tensor x, int[]? argmax, ConvGeometry geo, bool max, bool adaptive = false)
    {
        var gy = g.Contiguous();
        var dx = Empty(x.shape, x.DType);
        int planes = x.numel / (geo.H * geo.W);
        if (x.DType == DType.Float32) PoolBackward<float>(gy, dx, argmax, planes, geo, max, adaptive);
        else PoolBackward<double>(gy, dx, argmax, planes, geo, max, adaptive);
        return dx;
    }

    static unsafe void PoolBackward<T>(Tensor gy, Tensor dx, int[]? argmax, int planes, ConvGeometry geo, bool max, bool adaptive) where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* pg = gy.Span<T>(), pdx = dx.Span<T>())
        fixed (int* pa = argmax)
        {
            if (max) Pool.MaxBackward(pg, pa, pdx, planes, in geo);
            else if (adaptive) Pool.AdaptiveBackward(pg, pdx, planes, in geo);
            else Pool.AvgBackward(pg, pdx, planes, in geo);
        }
    }
}
