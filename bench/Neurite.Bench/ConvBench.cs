using Neurite.Kernels;

namespace Neurite.Bench;

/// <summary>
/// `conv`: forward and backward (input and weight gradients) of the convolution shapes of LeNet-5 and ResNet-20
/// at batch 64, GFLOP/s = 2·N·O·K·P per pass (backward counts both GEMMs). Used to choose the convolution
/// strategy (see Conv2dKernel's remarks). Options: --threads 1,2.
/// </summary>
internal static class ConvBench
{
    static readonly (string Name, int C, int O, int H, int K, int S, int P)[] Shapes =
    [
        ("lenet.conv1", 1, 6, 28, 5, 1, 2), ("lenet.conv2", 6, 16, 14, 5, 1, 0),
        ("resnet.16", 16, 16, 32, 3, 1, 1), ("resnet.32s2", 16, 32, 32, 3, 2, 1), ("resnet.32", 32, 32, 16, 3, 1, 1),
        ("resnet.64", 64, 64, 8, 3, 1, 1), ("resnet.proj", 32, 64, 16, 1, 2, 0),
    ];

    public static int Run(string[] args)
    {
        int[] threads = args.Length > 1 && args[0] == "--threads" ? Array.ConvertAll(args[1].Split(','), int.Parse) : [1, 2];
        int saved = Threads.Count;
        try
        {
            foreach (int t in threads)
                foreach (var s in Shapes)
                {
                    Threads.Count = t;
                    var g = new Generator(1);
                    var x = Tensor.Uniform([64, s.C, s.H, s.H], -1, 1, g).RequireGrad();
                    var w = Tensor.Uniform([s.O, s.C, s.K, s.K], -1, 1, g).RequireGrad();
                    var y = Tensor.Conv2d(x, w, null, s.S, s.P);
                    var gy = Tensor.Uniform(y.Shape.ToArray(), -1, 1, g);
                    double flops = 2.0 * 64 * s.O * s.C * s.K * s.K * y.Shape[2] * y.Shape[3];
                    double fwd = Measure.MedianMicros(() => { using var _ = Autograd.NoGrad(); Tensor.Conv2d(x, w, null, s.S, s.P); }, 5, 9);
                    double bwd = Measure.MedianMicros(() => { Tensor.Conv2d(x, w, null, s.S, s.P).Backward(gy); x.Grad = null; w.Grad = null; }, 3, 9) - fwd;
                    w.RequiresGrad = false;
                    double dx = Measure.MedianMicros(() => { Tensor.Conv2d(x, w, null, s.S, s.P).Backward(gy); x.Grad = null; }, 3, 9) - fwd;
                    Conv2dKernel.InputGradViaConvolution = false;
                    double dxIm2col = Measure.MedianMicros(() => { Tensor.Conv2d(x, w, null, s.S, s.P).Backward(gy); x.Grad = null; }, 3, 9) - fwd;
                    Conv2dKernel.InputGradViaConvolution = true;
                    w.RequiresGrad = true; x.RequiresGrad = false;
                    double dw = Measure.MedianMicros(() => { Tensor.Conv2d(x, w, null, s.S, s.P).Backward(gy); w.Grad = null; }, 3, 9) - fwd;
                    Measure.Json(("workload", "conv"), ("shape", s.Name), ("threads", t), ("fwd_us", fwd), ("bwd_us", bwd), ("dx_us", dx), ("dx_col2im_us", dxIm2col), ("dw_us", dw),
                        ("fwd_gflops", flops / fwd / 1e3), ("bwd_gflops", 2 * flops / bwd / 1e3));
                }
        }
        finally { Threads.Count = saved; }
        return 0;
    }
}
