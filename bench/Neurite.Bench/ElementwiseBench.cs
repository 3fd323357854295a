using Neurite.Kernels;
using Neurite.Kernels.Operators;

namespace Neurite.Bench;

/// <summary>
/// Throughput of elementwise ops on 1M floats through the tensor API (output allocation included),
/// at 1 and 2 threads: Gelem/s and GB/s (bytes read + written).
/// </summary>
internal static class ElementwiseBench
{
    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0]) : 1 << 20;
        int reps = args.Length > 1 ? int.Parse(args[1]) : 21;
        var g = new Generator(1);
        var x = Tensor.Uniform([n], -2, 2, g);
        var y = Tensor.Uniform([n], -2, 2, g);
        var cases = new (string name, int streams, Func<Tensor> f)[]
        {
            ("add", 3, () => x.Add(y)),
            ("mul", 3, () => x.Mul(y)),
            ("exp", 2, () => x.Exp()),
            ("sigmoid", 2, () => x.Sigmoid()),
            ("tanh", 2, () => x.Tanh()),
            ("relu", 2, () => x.Relu()),
            ("relu_backward", 3, () => Tensor.Zip(new Vectorized<ReluGradOp>(), x, y, "relu")),
        };
        int saved = Threads.Count;
        foreach (int threads in new[] { 1, 2 })
        {
            Threads.Count = threads;
            // threads = 2 measures the split at 256K elements and up (off by default, see Chunks)
            Chunks.MinParallelElements = threads == 1 ? int.MaxValue : 1 << 18;
            foreach (var (name, streams, f) in cases)
            {
                using var _ = Autograd.NoGrad();
                double us = Measure.MedianMicros(() => f(), Math.Max(1, (1 << 24) / n / 8), reps, warmup: 20);
                double gelem = n / us / 1e3;
                Measure.Json(("workload", "elementwise"), ("impl", "neurite"), ("case", name), ("n", n), ("threads", threads),
                    ("median_us", us), ("gelem_per_s", gelem), ("gb_per_s", gelem * 4 * streams));
            }
        }
        Threads.Count = saved;
        Chunks.MinParallelElements = int.MaxValue;
        // The kernels alone, into a preallocated output: isolates the split from allocation and page faults.
        var xa = x.ToFloatArray(); var ya = y.ToFloatArray(); var da = new float[n];
        foreach (int parts in new[] { 1, 2, 1, 2 })
        {
            double add = Measure.MedianMicros(() => Chunks.For(n, parts, (s, len) => new AddOp().Invoke<float>(xa.AsSpan(s, len), ya.AsSpan(s, len), da.AsSpan(s, len))), 8, reps);
            double exp = Measure.MedianMicros(() => Chunks.For(n, parts, (s, len) => new ExpOp().Invoke<float>(xa.AsSpan(s, len), da.AsSpan(s, len))), 8, reps);
            Measure.Json(("workload", "elementwise"), ("impl", "neurite"), ("case", "add_kernel_prealloc"), ("n", n), ("threads", parts),
                ("median_us", add), ("gb_per_s", n * 12.0 / add / 1e3));
            Measure.Json(("workload", "elementwise"), ("impl", "neurite"), ("case", "exp_kernel_prealloc"), ("n", n), ("threads", parts),
                ("median_us", exp), ("gb_per_s", n * 8.0 / exp / 1e3));
        }
        return 0;
    }
}
