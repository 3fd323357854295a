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
