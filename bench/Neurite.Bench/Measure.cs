using System.Diagnostics;
using System.Globalization;

namespace Neurite.Bench;

/// <summary>Timing helpers shared by the workloads: medians of repeated batches, GC counters, JSON lines.</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="body"/> untimed for at least <paramref name="warmup"/> calls and one second, then
    /// <paramref name="reps"/> batches of <paramref name="inner"/> calls; returns the median µs per call over the batches.</summary>
    /// <remarks>The second of warm-up matters: .NET first runs methods as quickly jitted tier-0 code and
    /// recompiles hot ones optimised (tier 1) in the background after ~100 ms; a warm-up of a few
    /// milliseconds measured the tiny workloads' tier-0 code, 10× slower.</remarks>
    public static double MedianMicros(Action body, int inner, int reps = 21, int warmup = 0)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Math.Max(warmup, inner) || clock.ElapsedMilliseconds < 1000; i++) body();
        var samples = new double[reps];
        var sw = new Stopwatch();
        for (int r = 0; r < reps; r++)
        {
            sw.Restart();
            for (int i = 0; i < inner; i++) body();
            sw.Stop();
            samples[r] = sw.Elapsed.TotalMicroseconds / inner;
        }
        Array.Sort(samples);
        return samples[reps / 2];
    }

    /// <summary>Allocated bytes and gen-0 collections per call over <paramref name="iterations"/> calls.</summary>
    public static (double bytesPerIter, double gcPerIter) Allocation(Action body, int iterations)
    {
        body();
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        int gc0 = GC.CollectionCount(0);
        for (int i = 0; i < iterations; i++) body();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
        int collections = GC.CollectionCount(0) - gc0;
        return ((double)allocated / iterations, (double)collections / iterations);
    }

    /// <summary>
    /// Times training steps (forward and loss, backward, optimiser step): untimed warm-up for at least
    /// <paramref name="warmup"/> steps and two seconds, then <paramref name="reps"/> batches of <paramref name="steps"/>;
    /// writes the JSON line of <paramref name="workload"/> with the median tokens/s, the last loss, GC collections and
    /// allocated bytes per step, and with <paramref name="profile"/> the µs per step of each phase to stderr.
    /// </summary>
    public static void TrainingSteps(string workload, int threads, Func<Tensor> loss, Optim.Optimizer optimizer, long tokensPerStep,
        int steps, int reps, int warmup, bool profile)
    {
        double lastLoss = 0;
        long fwd = 0, bwd = 0, upd = 0;
        void Step()
        {
            long t0 = Stopwatch.GetTimestamp();
            var l = loss();
            long t1 = Stopwatch.GetTimestamp();
            optimizer.ZeroGrad();
            l.Backward();
            long t2 = Stopwatch.GetTimestamp();
            optimizer.Step();
            lastLoss = l.Item();
            long t3 = Stopwatch.GetTimestamp();
            fwd += t1 - t0; bwd += t2 - t1; upd += t3 - t2;
        }
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < warmup || warm.ElapsedMilliseconds < 2000; i++) Step();
        fwd = bwd = upd = 0;
        int gc0 = GC.CollectionCount(0), gc1 = GC.CollectionCount(1), gc2 = GC.CollectionCount(2);
        long bytes = GC.GetTotalAllocatedBytes(precise: false);
        var seconds = new double[reps];
        var sw = new Stopwatch();
        for (int r = 0; r < reps; r++)
        {
            sw.Restart();
            for (int s = 0; s < steps; s++) Step();
            seconds[r] = sw.Elapsed.TotalSeconds;
        }
        double total = (double)reps * steps;
        if (profile)
        {
            double us = 1e6 / Stopwatch.Frequency / total;
            Console.Error.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0} profile (threads {1}, µs/step): forward+loss {2:F0}, backward {3:F0}, optimiser {4:F0}",
                workload, threads, fwd * us, bwd * us, upd * us));
        }
        Array.Sort(seconds);
        Json(("workload", workload), ("impl", "neurite"), ("threads", threads),
            ("train_tokens_per_s", tokensPerStep * steps / seconds[reps / 2]), ("final_loss", lastLoss), ("steps", steps), ("reps", reps),
            ("gc0_per_step", (GC.CollectionCount(0) - gc0) / total), ("gc1_per_step", (GC.CollectionCount(1) - gc1) / total),
            ("gc2_per_step", (GC.CollectionCount(2) - gc2) / total),
            ("alloc_bytes_per_step", (GC.GetTotalAllocatedBytes(precise: false) - bytes) / total),
            ("peak_working_set_mb", Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0));
    }

    public static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Writes one JSON object of name/value pairs; strings are quoted, numbers are not.</summary>
    public static void Json(params (string key, object value)[] fields)
    {
        var parts = new string[fields.Length];
        for (int i = 0; i < fields.Length; i++)
        {
            var (k, v) = fields[i];
            string s = v switch
            {
                string str => $"\"{str}\"",
                double d => F(d),
                float f => F(f),
                IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
                _ => $"\"{v}\"",
            };
            parts[i] = $"\"{k}\":{s}";
        }
        Console.WriteLine("{" + string.Join(",", parts) + "}");
    }
}
