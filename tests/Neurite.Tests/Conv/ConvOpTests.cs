using Neurite.Nn;
using static Neurite.Tests.Check;

namespace Neurite.Tests.Conv;

public class ConvOpTests
{
    static Tensor Conv(Tensor[] t, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        Tensor.Conv2d(t[0], t[1], t.Length > 2 ? t[2] : null, stride, padding, dilation, groups);

    [Fact] public void GradPlain() => Grad(t => Conv(t), Input([2, 3, 5, 5], 1), Input([4, 3, 3, 3], 2), Input([4], 3));
    [Fact] public void GradStride2Padding1() => Grad(t => Conv(t, stride: 2, padding: 1), Input([2, 2, 6, 5], 1), Input([3, 2, 3, 3], 2), Input([3], 3));
    [Fact] public void GradDilation2() => Grad(t => Conv(t, dilation: 2, padding: 1), Input([1, 2, 7, 6], 1), Input([3, 2, 3, 3], 2), Input([3], 3));
    [Fact] public void GradGroups2() => Grad(t => Conv(t, groups: 2, padding: 1), Input([2, 4, 4, 4], 1), Input([6, 2, 3, 3], 2), Input([6], 3));
    [Fact] public void GradNoBias() => Grad(t => Conv(t, stride: 2), Input([2, 3, 5, 5], 1), Input([2, 3, 2, 2], 2));
    [Fact] public void GradPointwise() => Grad(t => Conv(t), Input([2, 3, 3, 4], 1), Input([5, 3, 1, 1], 2), Input([5], 3));
    [Fact] public void GradPointwiseGroups() => Grad(t => Conv(t, groups: 3), Input([2, 6, 2, 3], 1), Input([3, 2, 1, 1], 2));

    [Fact]
    public void GradNonSquareKernelAndStride() =>
        Grad(t => Tensor.Conv2d(t[0], t[1], t[2], (2, 1), (1, 2), (1, 2)), Input([2, 2, 6, 7], 1), Input([3, 2, 2, 3], 2), Input([3], 3));

    [Fact]
    public void GradAsymmetricSamePadding() =>
        // 'same' with an even kernel pads 0 above/left and 1 below/right
        Grad(t => Tensor.Conv2d(t[0], t[1], t[2], (1, 1), (0, 1, 0, 1), (1, 1)), Input([1, 2, 4, 5], 1), Input([2, 2, 2, 2], 2), Input([2], 3));

    [Fact] public void GradConv1d() => Grad(t => Tensor.Conv1d(t[0], t[1], t[2], stride: 2, padding: 1), Input([2, 3, 9], 1), Input([4, 3, 3], 2), Input([4], 3));

    [Fact]
    public void GradNonContiguousInput() =>
        Grad(t => Tensor.Conv2d(t[0].Transpose(2, 3), t[1], null, padding: 1), Input([2, 2, 5, 4], 1), Input([3, 2, 3, 3], 2));

    [Fact]
    public void HandComputedTinyConvolution()
    {
        // x = [[1,2,3],[4,5,6],[7,8,9]], k = 2×2 of ones → each output is its window's sum:
        // [[1+2+4+5, 2+3+5+6], [4+5+7+8, 5+6+8+9]] = [[12, 16], [24, 28]], plus bias 1
        var x = F64([1, 2, 3, 4, 5, 6, 7, 8, 9], 1, 1, 3, 3).RequireGrad();
        var w = Tensor.Ones([1, 1, 2, 2], DType.Float64).RequireGrad();
        var b = F64([1], 1).RequireGrad();
        var y = Tensor.Conv2d(x, w, b);
        Shape([1, 1, 2, 2], y);
        Close([13, 17, 25, 29], y);
        // ∂Σy/∂x counts the windows covering each pixel: corners 1, edges 2, centre 4;
        // ∂Σy/∂w[i,j] = Σ of the pixels that tap meets: [[12, 16], [24, 28]]; ∂Σy/∂b = 4 outputs
        y.Sum().Backward();
        Close([1, 2, 1, 2, 4, 2, 1, 2, 1], x.Grad!);
        Close([12, 16, 24, 28], w.Grad!);
        Close([4], b.Grad!);
    }

    [Theory]
    [InlineData(1, 1, 1, 5, 5, 3, 3, 1, 1, 0, 0, 1, 1, 1)]
    [InlineData(3, 3, 8, 9, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1)]
    [InlineData(2, 4, 6, 11, 10, 3, 5, 2, 3, 2, 1, 1, 2, 2)]
    [InlineData(2, 6, 6, 8, 8, 1, 1, 1, 1, 0, 0, 1, 1, 3)]
    [InlineData(5, 16, 32, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1)]
    [InlineData(4, 16, 32, 16, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1)]
    [InlineData(8, 16, 32, 16, 16, 1, 1, 2, 2, 0, 0, 1, 1, 1)]
    [InlineData(3, 1, 6, 28, 28, 5, 5, 1, 1, 2, 2, 1, 1, 1)]
    [InlineData(2, 8, 8, 7, 9, 3, 3, 1, 2, 2, 2, 2, 3, 8)]
    [InlineData(9, 32, 64, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1)]
    // Shapes the direct float32 kernel takes (stride 1, rows a multiple of 16): a ResNet stage-1 layer; 10 and 9
    // output channels (a partial block of 8) with an odd number of 16-wide segments; no padding (no padded copy)
    // with groups; a 5×5 kernel.
    [InlineData(3, 16, 16, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1)]
    [InlineData(2, 5, 10, 3, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1)]
    [InlineData(2, 4, 6, 6, 18, 3, 3, 1, 1, 0, 0, 1, 1, 2)]
    [InlineData(2, 3, 9, 7, 16, 5, 5, 1, 1, 2, 2, 1, 1, 1)]
    // ... and its weight gradient (output channels per group a multiple of 8): an odd tap count (3·3·3 = 27), groups
    [InlineData(2, 3, 16, 5, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1)]
    [InlineData(2, 8, 16, 4, 16, 3, 3, 1, 1, 1, 1, 1, 1, 2)]
    // rows not a multiple of 16 wide (the extended grid): LeNet-5's second layer (10 wide, no padding), an odd
    // width with padding, and a partial block of output channels
    [InlineData(2, 6, 16, 14, 14, 5, 5, 1, 1, 0, 0, 1, 1, 1)]
    [InlineData(2, 8, 8, 12, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1)]
    [InlineData(3, 4, 5, 13, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1)]
    // stride 2 on wide rows: im2col and col2im take eight outputs per vector step, then the rest one by one
    [InlineData(2, 3, 8, 9, 40, 3, 3, 2, 2, 1, 1, 1, 1, 1)]
    [InlineData(2, 5, 7, 6, 37, 2, 4, 2, 2, 0, 2, 1, 1, 1)]
    public void MatchesDirectLoop(int n, int c, int o, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups)
    {
        var g = new Generator((ulong)(n * 1000 + c * 100 + o + h));
        var x = Tensor.Uniform([n, c, h, w], -1, 1, g).RequireGrad();
        var wt = Tensor.Uniform([o, c / groups, kh, kw], -1, 1, g).RequireGrad();
        var b = Tensor.Uniform([o], -1, 1, g).RequireGrad();
        var y = Tensor.Conv2d(x, wt, b, (sh, sw), (ph, pw), (dh, dw), groups);
        var gy = Tensor.Uniform(y.Shape.ToArray(), -1, 1, g);
        y.Backward(gy);
        var (ry, rdx, rdw, rdb) = Naive.Conv2d(x.ToDoubleArray(), [n, c, h, w], wt.ToDoubleArray(), [o, c / groups, kh, kw], b.ToDoubleArray(),
            gy.ToDoubleArray(), (sh, sw), (ph, pw), (dh, dw), groups);
        double tol = 1e-4 * Math.Sqrt(c / groups * kh * kw * Math.Max(1, n));
        Near.Close(ry, y, tol);
        Near.Close(rdx, x.Grad!, tol);
        Near.Close(rdw, wt.Grad!, tol * 10);
        Near.Close(rdb, b.Grad!, tol * 10);
    }

    [Fact]
    public void InputGradientAsFullConvolutionMatchesCol2Im()
    {
        // the switchable alternative backward (dX = conv(dY, flipped Wᵀ)) against the default im2col path
        Neurite.Kernels.Conv2dKernel.ForceInputGradViaConvolution = true;
        try
        {
            Grad(t => Conv(t, padding: 1, groups: 2), Input([2, 4, 5, 4], 1), Input([4, 2, 3, 3], 2));
            Grad(t => Tensor.Conv2d(t[0], t[1], null, (1, 1), (0, 1, 2, 1), (2, 1)), Input([1, 2, 6, 5], 1), Input([3, 2, 2, 3], 2));
        }
        finally { Neurite.Kernels.Conv2dKernel.ForceInputGradViaConvolution = false; }
    }

    [Theory]
    [InlineData(20)] // im2col + GEMM
    [InlineData(32)] // the direct kernel
    public void ThreadedBatchSplitMatchesOneThread(int width)
    {
        var g = new Generator(7);
        var x = Tensor.Uniform([6, 8, 20, width], -1, 1, g);
        var w = Tensor.Uniform([16, 8, 3, 3], -1, 1, g);
        var gy = Tensor.Uniform([6, 16, 20, width], -1, 1, g);
        (float[] y, float[] dx, float[] dw) Run(int threads)
        {
            int saved = Neurite.Kernels.Threads.Count;
            Neurite.Kernels.Threads.Count = threads;
            try
            {
                var xi = x.Clone().Detach().RequireGrad(); var wi = w.Clone().Detach().RequireGrad();
                var y = Tensor.Conv2d(xi, wi, null, padding: 1);
                y.Backward(gy);
                return (y.ToFloatArray(), xi.Grad!.ToFloatArray(), wi.Grad!.ToFloatArray());
            }
            finally { Neurite.Kernels.Threads.Count = saved; }
        }
        var one = Run(1);
        var three = Run(3);
        Near.Close(Array.ConvertAll(one.y, v => (double)v), Tensor.FromArray(three.y), 1e-5);
        Near.Close(Array.ConvertAll(one.dx, v => (double)v), Tensor.FromArray(three.dx), 1e-5);
        Near.Close(Array.ConvertAll(one.dw, v => (double)v), Tensor.FromArray(three.dw), 1e-3);
    }

    [Fact]
    public void OpRejectsBadShapes()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.Conv2d(Tensor.Zeros(2, 3, 8, 8), Tensor.Zeros(4, 2, 3, 3)));
        Assert.Contains("input has 3 channels but the weight expects 2", e.Message);
        Assert.Contains("[2, 3, 8, 8]", e.Message);
        e = Assert.Throws<ShapeException>(() => Tensor.Conv2d(Tensor.Zeros(2, 3, 4, 4), Tensor.Zeros(4, 3, 5, 5)));
        Assert.Contains("larger than the padded input 4×4", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Conv2d(Tensor.Zeros(2, 3, 8, 8), Tensor.Zeros(4, 3, 3, 3), stride: 0));
        Assert.Throws<ShapeException>(() => Tensor.Conv2d(Tensor.Zeros(2, 3, 8, 8), Tensor.Zeros(4, 3, 3, 3), Tensor.Zeros(3)));
    }

    [Fact]
    public void DirectKernelMatchesIm2ColWithAsymmetricPaddingAndBias()
    {
        // padding (top 0, bottom 1, left 2, right 1) on a 15-wide input gives 16-wide output rows: the direct kernel
        // applies, and must agree with im2col + GEMM in the output and in both gradients
        var g = new Generator(11);
        var x = Tensor.Uniform([2, 6, 9, 15], -1, 1, g);
        var w = Tensor.Uniform([12, 3, 3, 3], -1, 1, g);
        var b = Tensor.Uniform([12], -1, 1, g);
        (float[] y, float[] dx, float[] dw) Run(bool direct)
        {
            Neurite.Kernels.DirectConv.Enabled = direct;
            try
            {
                var xi = x.Clone().Detach().RequireGrad(); var wi = w.Clone().Detach().RequireGrad();
                var y = Tensor.Conv2d(xi, wi, b, (1, 1), (0, 1, 2, 1), (1, 1), groups: 2);
                Assert.Equal([2, 12, 8, 16], y.Shape.ToArray());
                y.Square().Sum().Backward();
                return (y.ToFloatArray(), xi.Grad!.ToFloatArray(), wi.Grad!.ToFloatArray());
            }
            finally { Neurite.Kernels.DirectConv.Enabled = true; }
        }
        var im2col = Run(false);
        var direct = Run(true);
        Near.Close(Array.ConvertAll(im2col.y, v => (double)v), Tensor.FromArray(direct.y), 1e-5);
        Near.Close(Array.ConvertAll(im2col.dx, v => (double)v), Tensor.FromArray(direct.dx), 1e-4);
        Near.Close(Array.ConvertAll(im2col.dw, v => (double)v), Tensor.FromArray(direct.dw), 1e-3);
    }

    [Fact]
    public void Conv2dReluGradCheck() =>
        Grad(t => Tensor.Conv2dRelu(t[0], t[1], t[2], (1, 1), (1, 1, 1, 1), (1, 1), 1), Input([2, 3, 5, 4], 1), Input([4, 3, 3, 3], 2), Input([4], 3));

    [Theory]
    [InlineData(16, 32)] // the direct kernel (ReLU in its store)
    [InlineData(16, 11)] // the direct kernel on the extended grid
    [InlineData(3, 9)]   // im2col + GEMM, then a ReLU pass (stride 2 below)
    public void Conv2dReluMatchesConvThenRelu(int channels, int width)
    {
        var g = new Generator(13);
        var x = Tensor.Uniform([2, channels, 6, width], -1, 1, g).RequireGrad();
        var w = Tensor.Uniform([8, channels, 3, 3], -1, 1, g).RequireGrad();
        var b = Tensor.Uniform([8], -1, 1, g).RequireGrad();
        var stride = channels == 3 ? (2, 2) : (1, 1);
        var fused = Tensor.Conv2dRelu(x, w, b, stride, (1, 1, 1, 1), (1, 1), 1);
        fused.Square().Sum().Backward();
        var grads = new[] { x.Grad!, w.Grad!, b.Grad! }.Select(t => t.ToDoubleArray()).ToArray();
        x.ZeroGrad(); w.ZeroGrad(); b.ZeroGrad();
        var plain = Tensor.Conv2d(x, w, b, stride, (1, 1, 1, 1), (1, 1)).Relu();
        plain.Square().Sum().Backward();
        Near.Close(plain.ToDoubleArray(), fused, 1e-6);
        Near.Close(grads[0], x.Grad!, 1e-5);
        Near.Close(grads[1], w.Grad!, 1e-4);
        Near.Close(grads[2], b.Grad!, 1e-4);
        Assert.All(fused.ToFloatArray(), v => Assert.True(v >= 0));
    }

    [Fact]
    public void SequentialFusesConvAndReluWithTheSameResult()
    {
        var g = new Generator(17);
        var layers = new Module[] { new Conv2d(1, 6, 5, padding: 2, generator: g), new ReLU(), new MaxPool2d(2), new Conv2d(6, 16, 5, generator: g), new ReLU() };
        var x = Tensor.Uniform([3, 1, 28, 28], -1, 1, g);
        var fused = new Sequential(layers).Forward(x);
        var y = x;
        foreach (var layer in layers) y = layer.Forward(y);
        Near.Close(y.ToDoubleArray(), fused, 1e-6);
    }
}
