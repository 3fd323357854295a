using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Neurite.Kernels;

namespace Neurite.Bench;

/// <summary>
/// SGEMM throughput: C[n×n] = A · B for square n, one JSON line per (n, threads), GFLOP/s = 2n³ / median time.
/// Options: <c>--n 256,1024</c>, <c>--threads 1</c>, <c>--shape m,n,k</c> (a single non-square case),
/// <c>--reps R</c>, <c>--ta</c>/<c>--tb</c> (transposed operands).
/// </summary>
public static class GemmBench
{
    public static int Run(string[] args)
    {
        int[] sizes = [256, 512, 1024, 2048];
        int[] threadCounts = [1, 2];
        (int M, int N, int K)? shape = null;
        int reps = 0;
        bool ta = false, tb = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--n": sizes = ParseList(args[++i]); break;
                case "--threads": threadCounts = ParseList(args[++i]); break;
                case "--shape": var s = ParseList(args[++i]); shape = (s[0], s[1], s[2]); break;
                case "--reps": reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--ta": ta = true; break;
                case "--tb": tb = true; break;
                default: Console.Error.WriteLine($"gemm: unknown option '{args[i]}'"); return 2;
            }
        }
        Console.Error.WriteLine($"gemm: micro-kernel {Gemm.MicroKernel.Selected} ({Gemm.MicroKernel.MR}×{Gemm.MicroKernel.NR})");
        int saved = Threads.Count;
        try
        {
            var shapes = shape is { } one ? [one] : Array.ConvertAll(sizes, n => (n, n, n));
            foreach (var (m, n, k) in shapes)
                foreach (int t in threadCounts)
                {
                    Threads.Count = t;
                    Measure(m, n, k, t, ta, tb, reps, shape is null);
                }
        }
        finally
        {
            Threads.Count = saved;
        }
        return 0;
    }

    static unsafe void Measure(int m, int n, int k, int threads, bool ta, bool tb, int reps, bool square)
    {
        float* a = Alloc((long)m * k, 1), b = Alloc((long)k * n, 2), c = Alloc((long)m * n, 3);
        try
        {
            double flops = 2.0 * m * n * k;
            // Aim for ≈ 1 s of timed work, at least 5 and at most 200 repetitions; batch tiny calls so the
            // timer's resolution does not dominate.
            int inner = (int)Math.Clamp(2e6 / flops, 1, 100_000);
            void Once() { for (int r = 0; r < inner; r++) Gemm.Sgemm(ta, tb, m, n, k, 1f, a, ta ? m : k, b, tb ? k : n, 0f, c, n); }
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < 300) Once(); // warm-up: tier-up to optimised code, buffers, pages
            sw.Restart(); Once();
            double one = Math.Max(sw.Elapsed.TotalSeconds, 1e-7);
            int count = reps > 0 ? reps : (int)Math.Clamp(1.0 / one, 5, 200);
            var times = new double[count];
            for (int r = 0; r < count; r++)
            {
                sw.Restart(); Once();
                times[r] = sw.Elapsed.TotalSeconds / inner;
            }
            Array.Sort(times);
            double median = times[count / 2];
            var inv = CultureInfo.InvariantCulture;
            string size = square ? $"\"n\":{n}" : $"\"m\":{m},\"n\":{n},\"k\":{k}";
            Console.WriteLine(string.Format(inv, "{{\"workload\":\"gemm\",\"impl\":\"neurite\",{0},\"threads\":{1},\"gflops\":{2:F1},\"median_ms\":{3:F4},\"reps\":{4}}}",
                size, threads, flops / median / 1e9, median * 1e3, count));
        }
        finally
        {
            NativeMemory.AlignedFree(a); NativeMemory.AlignedFree(b); NativeMemory.AlignedFree(c);
        }
    }

    static unsafe float* Alloc(long length, int seed)
    {
        var p = (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(length, 1) * sizeof(float), 64);
        var rng = new Random(seed);
        for (long i = 0; i < length; i++) p[i] = (float)(rng.NextDouble() * 2 - 1);
        return p;
    }

    static int[] ParseList(string s) => Array.ConvertAll(s.Split(','), x => int.Parse(x, CultureInfo.InvariantCulture));
}
