using Neurite.Kernels;

namespace Neurite.Bench;

/// <summary>
/// `pool`: 2×2 max pooling (stride 2) forward and backward on LeNet-5's two pooling shapes and a VGG-sized one, batch
/// 64, one thread: µs per call and ns per output window. Kept as the measurement behind Pool's float32 fast paths.
/// </summary>
internal static class PoolBench
{
    static readonly (string Name, int C, int H)[] Shapes = [("lenet.pool1", 6, 28), ("lenet.pool2", 16, 10), ("vgg.64x32", 64, 32)];

    public static int Run(string[] args)
    {
        int saved = Threads.Count;
        try
        {
            Threads.Count = 1;
            foreach (var s in Shapes)
            {
                var x = Tensor.Uniform([64, s.C, s.H, s.H], -1, 1, new Generator(1)).RequireGrad();
                double windows = 64.0 * s.C * (s.H / 2) * (s.H / 2);
                double fwd = Measure.MedianMicros(() => { using var _ = Autograd.NoGrad(); x.MaxPool2d(2); }, 20, 9);
                var gy = Tensor.Ones(64, s.C, s.H / 2, s.H / 2);
                double both = Measure.MedianMicros(() => { x.MaxPool2d(2).Backward(gy); x.Grad = null; }, 20, 9);
                Measure.Json(("workload", "pool"), ("shape", s.Name), ("threads", 1), ("fwd_us", fwd), ("bwd_us", both - fwd), ("fwd_ns_per_window", fwd * 1e3 / windows),
                    ("bwd_kernel_ns_per_window", BackwardKernelMicros(s.C, s.H) * 1e3 / windows));
            }
        }
        finally { Threads.Count = saved; }
        return 0;
    }

    /// <summary>The backward kernel alone (dx cleared and written from dy and the argmax), without autograd's allocation
    /// and the leaf gradient's copy that the <c>bwd_us</c> figure includes.</summary>
    static unsafe double BackwardKernelMicros(int c, int h)
    {
        var geo = new ConvGeometry(1, h, h, 2, 2, 2, 2, 0, 0, 1, 1, h / 2, h / 2);
        int planes = 64 * c, outPlane = geo.OH * geo.OW;
        var dy = new float[planes * outPlane];
        var dx = new float[planes * h * h];
        var argmax = new int[dy.Length];
        var g = new Generator(2);
        for (int i = 0; i < argmax.Length; i++)
        {
            int o = i % outPlane, oh = o / geo.OW, ow = o % geo.OW;
            argmax[i] = (2 * oh + (int)g.NextInt(2)) * h + 2 * ow + (int)g.NextInt(2);
            dy[i] = 1;
        }
        fixed (float* pdy = dy, pdx = dx)
        fixed (int* pa = argmax)
        {
            float* y = pdy, x = pdx;
            int* a = pa;
            return Measure.MedianMicros(() => Pool.MaxBackward(y, a, x, planes, in geo), 20, 9);
        }
    }
}
