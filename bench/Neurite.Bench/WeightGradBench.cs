using System.Diagnostics;
using Neurite.Kernels;

namespace Neurite.Bench;

/// <summary>
/// `wgrad`: the convolution weight gradient alone (<see cref="Conv2dKernel.Backward{T}"/> with no input gradient),
/// batch 64, for the shapes of `conv`: lenet.conv1 takes the im2col path, the stride-1 layers with 8k output
/// channels the direct kernel. Prints the minimum and the median µs of single calls and the process CPU time per
/// call (at 1 thread the work itself: the steadiest figure when other processes load the machine). Options: --threads 1,2  --reps R (default 41).
/// </summary>
internal static unsafe class WeightGradBench
{
    static readonly (string Name, int C, int O, int H, int K, int S, int P)[] Shapes =
    [
        ("lenet.conv1", 1, 6, 28, 5, 1, 2), ("lenet.conv2", 6, 16, 14, 5, 1, 0),
        ("resnet.16", 16, 16, 32, 3, 1, 1), ("resnet.32s2", 16, 32, 32, 3, 2, 1), ("resnet.32", 32, 32, 16, 3, 1, 1),
        ("resnet.64", 64, 64, 8, 3, 1, 1), ("resnet.proj", 32, 64, 16, 1, 2, 0),
    ];

    public static int Run(string[] args)
    {
        int[] threads = [1, 2];
        int reps = 41;
        for (int i = 0; i < args.Length; i++)
            if (args[i] == "--threads") threads = Array.ConvertAll(args[++i].Split(','), int.Parse);
            else if (args[i] == "--reps") reps = int.Parse(args[++i]);
            else throw new ArgumentException($"unknown option '{args[i]}' (--threads 1,2  --reps R)");
        int saved = Threads.Count;
        try
        {
            foreach (int t in threads)
                foreach (var s in Shapes)
                {
                    Threads.Count = t;
                    const int n = 64;
                    int oh = (s.H + 2 * s.P - s.K) / s.S + 1;
                    var geo = new ConvGeometry(s.C, s.H, s.H, s.K, s.K, s.S, s.S, s.P, s.P, 1, 1, oh, oh);
                    var g = new Generator(1);
                    float[] x = Tensor.Uniform([n, s.C, s.H, s.H], -1, 1, g).ToFloatArray();
                    float[] w = Tensor.Uniform([s.O, s.C, s.K, s.K], -1, 1, g).ToFloatArray();
                    float[] dy = Tensor.Uniform([n, s.O, oh, oh], -1, 1, g).ToFloatArray();
                    float[] dw = new float[w.Length];
                    var samples = new double[reps];
                    double cpuMicros;
                    fixed (float* px = x, pw = w, pdy = dy, pdw = dw)
                    {
                        var clock = Stopwatch.StartNew();
                        while (clock.ElapsedMilliseconds < 1000) Conv2dKernel.Backward(px, pw, pdy, null, pdw, n, s.O, 1, in geo);
                        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                        for (int r = 0; r < reps; r++)
                        {
                            long start = Stopwatch.GetTimestamp();
                            Conv2dKernel.Backward(px, pw, pdy, null, pdw, n, s.O, 1, in geo);
                            samples[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                        }
                        cpuMicros = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / reps;
                    }
                    Array.Sort(samples);
                    Measure.Json(("workload", "wgrad"), ("shape", s.Name), ("threads", t), ("min_us", samples[0]), ("median_us", samples[reps / 2]), ("cpu_us", cpuMicros));
                }
        }
        finally { Threads.Count = saved; }
        return 0;
    }
}
