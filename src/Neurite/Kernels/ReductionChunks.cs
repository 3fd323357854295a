namespace Neurite.Kernels;

/// <summary>
/// How a kernel cuts a sum over many items (the images of a batch) into chunks that threads share: by the number
/// of items only, never by <see cref="Threads.Count"/>. Each chunk adds its own items in order into its own
/// partial, and the partials are added in chunk order, so the rounding, and with it every bit of the result, is
/// the same at 1, 2 or 16 threads (docs/ARCHITECTURE.md, "Determinism"). Threads take whole chunks.
/// </summary>
/// <example><code>
/// int chunks = ReductionChunks.Count(n, work >= 1 &lt;&lt; 20);
/// Threads.For(chunks, job, static (chunk, s) => s.Sum(ReductionChunks.Range(s.N, s.Chunks, chunk)));
/// // then: total = partial[0] + partial[1] + … + partial[chunks − 1], left to right
/// </code></example>
internal static class ReductionChunks
{
    /// <summary>The most chunks a large sum is cut into: enough for 2 or 4 threads to share evenly, few enough that
    /// finishing each chunk's partial stays cheap.</summary>
    /// <remarks>Measured (`Neurite.Bench wgrad`, 1 thread, minimum of 81 calls, three rounds): the direct weight
    /// gradient sums each chunk's 16 lanes per weight, which cost LeNet-5's conv2 (100 positions an image)
    /// 531–548 → 587–620 µs with 8 chunks and 548–557 µs with 4; the wider layers did not move beyond noise.</remarks>
    public const int Max = 4;

    /// <summary>How many chunks to cut <paramref name="items"/> into: 1 when the sum is too small to be worth
    /// splitting (<paramref name="large"/> false; decided by the problem size too), else min(items, <see cref="Max"/>).
    /// Every chunk gets at least one item.</summary>
    public static int Count(int items, bool large) => large ? Math.Clamp(items, 1, Max) : 1;

    /// <summary>The items [Start, End) of chunk <paramref name="chunk"/> of <paramref name="chunks"/>: equal shares, the
    /// larger ones last.</summary>
    public static (int Start, int End) Range(int items, int chunks, int chunk) =>
        ((int)((long)items * chunk / chunks), (int)((long)items * (chunk + 1) / chunks));
}
