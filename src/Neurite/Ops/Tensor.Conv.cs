using System.Numerics;
using Neurite.Kernels;

namespace Neurite;

// Convolution (cross-correlation, as in PyTorch and every deep-learning library), NCHW. The kernels
// unfold each image with im2col and multiply with the packed SGEMM (Kernels/Conv2dKernel.cs).
public sealed partial class Tensor
{
    /// <summary>
    /// 2-D convolution of <paramref name="input"/> [N, C, H, W] with <paramref name="weight"/> [O, C/groups, kH, kW]
    /// plus <paramref name="bias"/> [O] (optional): output [N, O, OH, OW] with
    /// y[n, o, i, j] = b[o] + Σ_{c, p, q} w[o, c, p, q] · x[n, g·C/groups + c, i·sH − padH + p·dH, j·sW − padW + q·dW]
    /// (zero outside the image; g is o's group) and OH = ⌊(H + 2·padH − dH·(kH − 1) − 1)/sH⌋ + 1 (OW likewise).
    /// </summary>
    /// <example><code>var y = Tensor.Conv2d(x, w, b, stride: (2, 2), padding: (1, 1), dilation: (1, 1), groups: 1);</code></example>
    /// <exception cref="ShapeException">The shapes do not fit, e.g. channels differ or the kernel is larger than the padded input.</exception>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups = 1) =>
        Conv2d(input, weight, bias, stride, (padding.H, padding.H, padding.W, padding.W), dilation, groups);

    /// <summary>2-D convolution with the same stride, padding and dilation on both axes; see the tuple overload.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        Conv2d(input, weight, bias, (stride, stride), (padding, padding, padding, padding), (dilation, dilation), groups);

    /// <summary>
    /// 2-D convolution with separate padding on each side (top, bottom, left, right), as TensorFlow's 'same'
    /// padding needs when the total padding is odd: OH = ⌊(H + top + bottom − dH·(kH − 1) − 1)/sH⌋ + 1.
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int Top, int Bottom, int Left, int Right) padding, (int H, int W) dilation, int groups = 1) =>
        Conv2d(input, weight, bias, stride, padding, dilation, groups, relu: false);

    /// <summary>
    /// ReLU(Conv2d(…)) as one op: the direct kernel applies the ReLU to each tile as it stores it (other routes in
    /// one pass over the output), and no pre-activation tensor is made. <see cref="Nn.Conv2d"/> uses it for its ReLU
    /// activation (also when <see cref="Nn.Sequential"/> hands it a following <see cref="Nn.ReLU"/>).
    /// </summary>
    internal static Tensor Conv2dRelu(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int Top, int Bottom, int Left, int Right) padding, (int H, int W) dilation, int groups) =>
        Conv2d(input, weight, bias, stride, padding, dilation, groups, relu: true);

    static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int Top, int Bottom, int Left, int Right) padding, (int H, int W) dilation, int groups, bool relu)
    {
        var geo = ConvGeometryOf(input, weight, bias, stride, padding, dilation, groups);
        int n = input.shape[0], o = weight.shape[0];
        var x = input.Contiguous();
        var w = weight.Contiguous();
        var y = Uninitialized([n, o, geo.OH, geo.OW], input.DType); // the kernels write every element
        if (y.numel > 0)
        {
            if (x.DType == DType.Float32) ConvForward<float>(x, w, bias, y, groups, geo, relu);
            else ConvForward<double>(x, w, bias, y, groups, geo, relu);
        }
        Tensor[] inputs = bias is null ? [x, w] : [x, w, bias];
        if (Autograd.Tracks(inputs))
        {
            // conv2d_relu keeps its output: ReLU's gradient mask is y > 0, which equals pre-activation > 0.
            var node = Autograd.Record(y, relu ? "conv2d_relu" : "conv2d", inputs, relu
                ? static (node, st, g) => ConvBackwardNode(node, st, ReluGrad(node.Saved!, g, "conv2d_relu"))
                : static (node, st, g) => ConvBackwardNode(node, st, g), (geo, groups));
            if (relu) node.Saved = y;
        }
        return y;
    }

    // y = W ⋆ x + b → ∂L/∂x = col2im(Wᵀ·G), ∂L/∂W = Σₙ G·col(x)ᵀ, ∂L/∂b = Σ_{n,i,j} G
    static void ConvBackwardNode(Node node, (ConvGeometry Geo, int Groups) st, Tensor g)
    {
        var (x, w) = (node.Inputs![0], node.Inputs[1]);
        var b = node.Inputs.Length > 2 ? node.Inputs[2] : null;
        var (geo, groups) = st;
        var gy = g.Contiguous();
        // The kernels overwrite dx, dw and db entirely when the batch is not empty.
        bool some = x.shape[0] > 0;
        Tensor Grad(Tensor t) => some ? Uninitialized(t.shape, t.DType) : Empty(t.shape, t.DType);
        var dx = x.RequiresGrad ? Grad(x) : null;
        var dw = w.RequiresGrad ? Grad(w) : null;
        var db = b is { RequiresGrad: true } ? Grad(b) : null;
        if (some)
        {
            if (x.DType == DType.Float32) ConvBackward<float>(x, w, gy, dx, dw, db, groups, geo);
            else ConvBackward<double>(x, w, gy, dx, dw, db, groups, geo);
        }
        if (dx is not null) Node.Flow(x, dx);
        if (dw is not null) Node.Flow(w, dw);
        if (db is not null) Node.Flow(b!, db);
    }

    /// <summary>
    /// 1-D convolution of <paramref name="input"/> [N, C, L] with <paramref name="weight"/> [O, C/groups, k] plus
    /// <paramref name="bias"/> [O]: output [N, O, ⌊(L + 2·padding − dilation·(k − 1) − 1)/stride⌋ + 1].
    /// Computed as a 2-D convolution of height 1.
    /// </summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        Conv1d(input, weight, bias, stride, (padding, padding), dilation, groups);

    /// <summary>1-D convolution with separate padding before and after the sequence.</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias, int stride, (int Before, int After) padding, int dilation, int groups = 1) =>
        Conv1d(input, weight, bias, stride, padding, dilation, groups, relu: false);

    /// <summary>ReLU(Conv1d(…)) as one op (the 2-D kernel's <c>conv2d_relu</c> on a height-1 view); <see cref="Nn.Conv1d"/>
    /// uses it for its ReLU activation.</summary>
    internal static Tensor Conv1dRelu(Tensor input, Tensor weight, Tensor? bias, int stride, (int Before, int After) padding, int dilation, int groups) =>
        Conv1d(input, weight, bias, stride, padding, dilation, groups, relu: true);

    static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias, int stride, (int Before, int After) padding, int dilation, int groups, bool relu)
    {
        if (input.Rank != 3 || weight.Rank != 3)
            throw new ShapeException($"conv1d: expects input [N, C, L] and weight [O, C/groups, k], got {Neurite.Shape.Format(input.shape)} and {Neurite.Shape.Format(weight.shape)}");
        return Conv2d(input.Unsqueeze(2), weight.Unsqueeze(2), bias, (1, stride), (0, 0, padding.Before, padding.After), (1, dilation), groups, relu).Squeeze(2);
    }

    static ConvGeometry ConvGeometryOf(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int Top, int Bottom, int Left, int Right) pad, (int H, int W) dilation, int groups)
    {
        RequireSameDType("conv2d", input, weight);
        if (bias is not null) RequireSameDType("conv2d", input, bias);
        string shapes = $"input {Neurite.Shape.Format(input.shape)}, weight {Neurite.Shape.Format(weight.shape)}";
        if (input.Rank != 4 || weight.Rank != 4)
            throw new ShapeException($"conv2d: expects input [N, C, H, W] and weight [O, C/groups, kH, kW], got {shapes}");
        if (stride.H < 1 || stride.W < 1 || dilation.H < 1 || dilation.W < 1 || groups < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), $"conv2d: stride {stride}, dilation {dilation} and groups {groups} must be positive");
        if (pad.Top < 0 || pad.Bottom < 0 || pad.Left < 0 || pad.Right < 0)
            throw new ArgumentOutOfRangeException(nameof(pad), $"conv2d: padding {pad} must not be negative");
        int c = input.shape[1], h = input.shape[2], w = input.shape[3];
        int o = weight.shape[0], kh = weight.shape[2], kw = weight.shape[3];
        if (o % groups != 0 || c % groups != 0)
            throw new ShapeException($"conv2d: input channels {c} and output channels {o} must both be divisible by groups = {groups} ({shapes})");
        if (weight.shape[1] * groups != c)
            throw new ShapeException($"conv2d: input has {c} channels but the weight expects {weight.shape[1] * groups} (= {weight.shape[1]} per group × {groups} groups) ({shapes})");
        if (bias is not null && (bias.Rank != 1 || bias.shape[0] != o))
            throw new ShapeException($"conv2d: bias must be [{o}], got {Neurite.Shape.Format(bias.shape)} ({shapes})");
        int spanH = dilation.H * (kh - 1) + 1, spanW = dilation.W * (kw - 1) + 1;
        if (kh < 1 || kw < 1 || h + pad.Top + pad.Bottom < spanH || w + pad.Left + pad.Right < spanW)
            throw new ShapeException($"conv2d: the kernel {kh}×{kw} (spanning {spanH}×{spanW} with dilation {dilation}) is larger than the padded input {h + pad.Top + pad.Bottom}×{w + pad.Left + pad.Right} ({shapes})");
        int oh = ConvGeometry.OutputSize(h, kh, stride.H, pad.Top, pad.Bottom, dilation.H);
        int ow = ConvGeometry.OutputSize(w, kw, stride.W, pad.Left, pad.Right, dilation.W);
        return new ConvGeometry(c / groups, h, w, kh, kw, stride.H, stride.W, pad.Top, pad.Left, dilation.H, dilation.W, oh, ow);
    }

    static unsafe void ConvForward<T>(Tensor x, Tensor w, Tensor? b, Tensor y, int groups, ConvGeometry geo, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bias = b?.Contiguous();
        fixed (T* px = x.Span<T>(), pw = w.Span<T>(), py = y.Span<T>(), pb = bias is null ? default : bias.Span<T>())
            Conv2dKernel.Forward(px, pw, pb, py, x.shape[0], w.shape[0], groups, in geo, relu);
    }

    static unsafe void ConvBackward<T>(Tensor x, Tensor w, Tensor gy, Tensor? dx, Tensor? dw, Tensor? db, int groups, ConvGeometry geo) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.shape[0], o = w.shape[0];
        fixed (T* px = x.Span<T>(), pw = w.Span<T>(), pgy = gy.Span<T>())
        {
            if (dx is not null || dw is not null)
                fixed (T* pdx = dx is null ? default : dx.Span<T>(), pdw = dw is null ? default : dw.Span<T>())
                    Conv2dKernel.Backward(px, pw, pgy, pdx, pdw, n, o, groups, in geo);
            if (db is not null)
                fixed (T* pdb = db.Span<T>())
                    Conv2dKernel.BiasGrad(pgy, pdb, n, o, geo.ColCols);
        }
    }
}
