namespace Neurite.Kernels;

/// <summary>
/// Splits a large flat elementwise loop across <see cref="Threads.Count"/> threads. Below
/// <see cref="MinParallelElements"/> elements the op runs on the calling thread.
/// </summary>
/// <remarks>
/// Off by default: on the 2-core Zen 4 development machine (shared, noisy) splitting 1M-element add and
/// exp over 2 threads measured slower than one thread, even into a preallocated output
/// (`bench elementwise`: add 231 → 296 µs, exp 521 → 873 µs, medians). Lower the threshold where
/// more, quieter cores make the split pay; `bench elementwise` measures both.
/// </remarks>
internal static class Chunks
{
    /// <summary>Elements from which a flat elementwise op is split across threads (default: never).</summary>
    public static int MinParallelElements { get; set; } = int.MaxValue;

    /// <summary>How many parts to split <paramref name="n"/> elements into (1: do not split); each part
    /// gets at least half of <see cref="MinParallelElements"/> elements.</summary>
    public static int Parts(int n) => n < MinParallelElements ? 1 : Math.Min(Threads.Count, Math.Max(1, n / Math.Max(1, MinParallelElements / 2)));

    /// <summary>The [start, start + length) range of part <paramref name="p"/> of <paramref name="parts"/>,
    /// boundaries rounded to 64 elements so each part starts on a cache line.</summary>
    public static (int start, int length) Range(int n, int parts, int p)
    {
        int size = (n / parts + 63) & ~63;
        int start = Math.Min(n, p * size);
        int end = p == parts - 1 ? n : Math.Min(n, start + size);
        return (start, end - start);
    }

    /// <summary>Runs body(start, length) for each part, the first on the calling thread.</summary>
    public static void For(int n, int parts, Action<int, int> body)
    {
        if (parts <= 1) { body(0, n); return; }
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            var (s, len) = Range(n, parts, p);
            if (len > 0) body(s, len);
        });
    }
}
