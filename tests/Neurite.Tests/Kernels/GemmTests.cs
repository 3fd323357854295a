using Neurite.Kernels;

namespace Neurite.Tests.Kernels;

/// <summary>
/// Sgemm and Dgemm against the definition, C[i,j] = alpha · Σ_p op(A)[i,p] · op(B)[p,j] + beta · C[i,j],
/// evaluated in double. Sizes straddle the micro-tile (MR, NR), the cache blocks (KC, MC, NC), the
/// tiny-product path and the threaded path; strides are padded with NaNs so a read of the wrong column shows.
/// </summary>
public class GemmTests
{
    static readonly int[] OddSizes = [0, 1, 2, 3, 5, 7, 13, 17, 31, 33, 63, 65, 100, 129, 257];
    static readonly int[] Partners = [1, 6, 33, 100];

    public static TheoryData<bool, bool> Transposes => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    [Theory, MemberData(nameof(Transposes))]
    public void Sgemm_OddSizes_MatchReference(bool transA, bool transB)
    {
        int seed = 1;
        foreach (int s in OddSizes)
            foreach (int t in Partners)
            {
                CheckSingle(transA, transB, s, t, 17, 1f, 0f, 0, 0, 0, seed++);
                CheckSingle(transA, transB, t, s, 9, 1f, 0f, 0, 0, 0, seed++);
                CheckSingle(transA, transB, t, 13, s, 1f, 0f, 0, 0, 0, seed++);
            }
    }

    [Theory, MemberData(nameof(Transposes))]
    public void Sgemm_BlockBoundaries_MatchReference(bool transA, bool transB)
    {
        // MR ∈ {6, 8}, NR ∈ {16, 32}, KC = 512, MC = 336, NC = 2048.
        (int m, int n, int k)[] cases =
        [
            (5, 15, 40), (6, 16, 40), (7, 17, 40), (8, 32, 40), (9, 33, 40), (48, 96, 64),
            (20, 40, 511), (20, 40, 512), (20, 40, 513), (9, 31, 1025),
            (335, 20, 30), (336, 20, 30), (337, 33, 30), (673, 17, 9),
            (3, 2047, 7), (3, 2048, 7), (5, 2049, 9),
        ];
        int seed = 100;
        foreach (var (m, n, k) in cases) CheckSingle(transA, transB, m, n, k, 1f, 0f, 0, 0, 0, seed++);
    }

    [Theory, MemberData(nameof(Transposes))]
    public void Sgemm_StridedViewsAlphaBeta_MatchReference(bool transA, bool transB)
    {
        int seed = 200;
        foreach (var (alpha, beta) in new[] { (0.5f, 2f), (-1.5f, 1f), (2f, -0.25f), (1f, 0f) })
        {
            CheckSingle(transA, transB, 3, 5, 7, alpha, beta, 2, 3, 1, seed++);
            CheckSingle(transA, transB, 37, 45, 70, alpha, beta, 5, 1, 7, seed++);
            CheckSingle(transA, transB, 130, 70, 600, alpha, beta, 3, 4, 5, seed++);
        }
    }

    [Theory, MemberData(nameof(Transposes))]
    public void Sgemm_Threaded_MatchesReference_WithOneAndTwoThreads(bool transA, bool transB)
    {
        int saved = Threads.Count;
        try
        {
            foreach (int threads in new[] { 2, 1, 3 })
            {
                Threads.Count = threads;
                CheckSingle(transA, transB, 257, 129, 200, 1f, 0f, 0, 0, 0, 300);    // split over M
                CheckSingle(transA, transB, 64, 400, 150, 0.5f, 1.5f, 1, 2, 3, 301); // short and wide: split over N
                CheckSingle(transA, transB, 150, 170, 520, 1f, 1f, 0, 0, 0, 302);    // two k-slices per thread
            }
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    [Theory, MemberData(nameof(Transposes))]
    public void Sgemm_FewRows_MatchReference(bool transA, bool transB)
    {
        // m ≤ 4 reads B in place (AVX-512); n around the 16- and 64-column steps, k around 16.
        int seed = 500;
        foreach (int m in new[] { 1, 2, 3, 4, 5 })
            foreach (var (n, k) in new[] { (16, 15), (17, 16), (63, 33), (64, 64), (65, 100), (129, 7), (200, 300) })
            {
                CheckSingle(transA, transB, m, n, k, 1f, 0f, 0, 0, 0, seed++);
                CheckSingle(transA, transB, m, n, k, -2f, 0.5f, 3, 2, 1, seed++);
            }
        int saved = Threads.Count;
        try
        {
            Threads.Count = 2;
            CheckSingle(transA, transB, 2, 2100, 2000, 1f, 0f, 0, 0, 0, seed++); // B of 4.2 M elements: split over N
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    [Fact]
    public void Sgemm_BetaZero_OverwritesNaN_AndZeroAlphaOrK_ScalesC()
    {
        foreach (var (m, n, k) in new[] { (2, 3, 2), (40, 50, 60), (200, 100, 150) })
        {
            var a = Random(m * k, 1); var b = Random(k * n, 2);
            var c = new float[m * n]; Array.Fill(c, float.NaN);
            Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            Assert.All(c, x => Assert.False(float.IsNaN(x)));
        }
        // k == 0 and alpha == 0: C = beta · C without touching A or B (which may then be empty or NaN).
        var c2 = new float[] { 1, 2, 3, 4 };
        Gemm.Sgemm(false, false, 2, 2, 0, 1f, ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, 2, 3f, c2, 2);
        Assert.Equal(new float[] { 3, 6, 9, 12 }, c2);
        var nan = new float[] { float.NaN, float.NaN, float.NaN, float.NaN };
        Gemm.Sgemm(false, false, 2, 2, 2, 0f, nan, 2, nan, 2, 0.5f, c2, 2);
        Assert.Equal(new float[] { 1.5f, 3, 4.5f, 6 }, c2);
        var c3 = new float[] { float.NaN, 7 };
        Gemm.Sgemm(false, false, 1, 2, 0, 1f, ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, 2, 0f, c3, 2);
        Assert.Equal(new float[] { 0, 0 }, c3);
    }

    [Fact]
    public void Sgemm_HandComputed()
    {
        // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]; then 2·that + 1·[1 1; 1 1].
        float[] a = [1, 2, 3, 4], b = [5, 6, 7, 8], c = [1, 1, 1, 1];
        Gemm.Sgemm(false, false, 2, 2, 2, 2f, a, 2, b, 2, 1f, c, 2);
        Assert.Equal(new float[] { 39, 45, 87, 101 }, c);
        // Aᵀ · Bᵀ = [1 3; 2 4] · [5 7; 6 8] = [23 31; 34 46].
        Gemm.Sgemm(true, true, 2, 2, 2, 1f, a, 2, b, 2, 0f, c, 2);
        Assert.Equal(new float[] { 23, 31, 34, 46 }, c);
    }

    [Theory, MemberData(nameof(Transposes))]
    public void Dgemm_MatchesReference(bool transA, bool transB)
    {
        (int m, int n, int k)[] cases =
        [
            (1, 1, 1), (3, 5, 7), (4, 8, 9), (5, 9, 3), (17, 31, 33), (65, 13, 100), (129, 63, 257),
            (7, 517, 5), (9, 11, 600), (0, 3, 3), (3, 0, 3),
        ];
        int seed = 400;
        foreach (var (m, n, k) in cases)
        {
            CheckDouble(transA, transB, m, n, k, 1.0, 0.0, 0, 0, 0, seed++);
            CheckDouble(transA, transB, m, n, k, -0.5, 1.25, 2, 3, 1, seed++);
        }
        var c = new double[] { double.NaN, double.NaN };
        Gemm.Dgemm(transA, transB, 1, 2, 1, 1.0, new double[] { 2 }, 1, new double[] { 3, 4 }, transB ? 1 : 2, 0.0, c, 2);
        Assert.Equal(new double[] { 6, 8 }, c);
    }

    [Fact]
    public void BadArguments_ThrowWithGemmAndSizes()
    {
        var buf = new float[100];
        var ex = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, -1, 2, 3, 1f, buf, 3, buf, 2, 0f, buf, 2));
        Assert.Contains("gemm", ex.Message); Assert.Contains("m=-1", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 3, 4, 1f, buf, 3, buf, 3, 0f, buf, 3));
        Assert.Contains("lda", ex.Message); Assert.Contains("k=4", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(true, false, 5, 3, 4, 1f, buf, 4, buf, 3, 0f, buf, 3));
        Assert.Contains("lda", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, true, 2, 3, 4, 1f, buf, 4, buf, 3, 0f, buf, 3));
        Assert.Contains("ldb", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 3, 4, 1f, buf, 4, buf, 3, 0f, buf, 2));
        Assert.Contains("ldc", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 10, 10, 10, 1f, new float[99], 10, buf, 10, 0f, buf, 10));
        Assert.Contains("gemm", ex.Message); Assert.Contains("a has 99 elements, needs at least 100", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 10, 10, 10, 1f, buf, 10, buf, 10, 0f, new float[95], 10));
        Assert.Contains("c has 95", ex.Message);
        var dbuf = new double[8];
        ex = Assert.Throws<ArgumentException>(() => Gemm.Dgemm(false, false, 3, 3, 3, 1.0, dbuf, 3, dbuf, 3, 0.0, dbuf, 3));
        Assert.Contains("gemm", ex.Message); Assert.Contains("a has 8 elements, needs at least 9", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Gemm.Dgemm(false, false, 2, 2, -2, 1.0, dbuf, 2, dbuf, 2, 0.0, dbuf, 2));
        Assert.Contains("k=-2", ex.Message);
    }

    [Fact]
    public void Sgemm_SmallProducts_DoNotAllocate()
    {
        // A batch of 32 through a 16-unit layer and friends: after the first call (which creates this thread's
        // packing buffers) a call allocates nothing.
        (bool ta, bool tb, int m, int n, int k)[] shapes = [(false, true, 32, 16, 784), (true, false, 784, 16, 32), (false, false, 1, 128, 784), (false, false, 4, 4, 4), (false, false, 100, 100, 100)];
        foreach (var (ta, tb, m, n, k) in shapes)
        {
            float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
            int lda = ta ? m : k, ldb = tb ? k : n;
            Gemm.Sgemm(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) Gemm.Sgemm(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0.5f, c, n);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void ThreadsFor_RunsEveryPartOnce_NestsSequentially_AndRethrows()
    {
        int saved = Threads.Count;
        try
        {
            Threads.Count = 2;
            for (int round = 0; round < 200; round++)
            {
                var hits = new int[5];
                Threads.For(5, (Hits: hits, Unused: 0), static (part, s) =>
                {
                    Interlocked.Increment(ref s.Hits[part]);
                    // A nested call finds the workers busy and runs on this thread.
                    Threads.For(2, s, static (_, inner) => Interlocked.Add(ref inner.Hits[4], 0));
                });
                Assert.Equal(new[] { 1, 1, 1, 1, 1 }, hits);
            }
            var ex = Assert.Throws<InvalidOperationException>(() => Threads.For(2, 0, static (part, _) =>
            {
                if (part == 1) throw new InvalidOperationException("part 1");
            }));
            Assert.Equal("part 1", ex.Message);
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /// <summary>Runs one Sgemm on random operands (strides padded by padA/padB/padC, padding holds NaN)
    /// and checks every element of C, padding included, against the double-precision definition.</summary>
    [Theory, MemberData(nameof(Transposes))]
    public unsafe void SgemmBiasRelu_MatchesProductPlusBiasThenRelu(bool transA, bool transB)
    {
        // every path: tiny (m·n·k ≤ 256), few rows (m ≤ 4), blocked with edge tiles and two k-slices, and the
        // threaded split; the epilogue must see each finished tile exactly once (not once per k-slice)
        (int m, int n, int k)[] cases = [(2, 3, 4), (3, 40, 20), (1, 300, 70), (9, 33, 40), (37, 45, 1030), (1000, 256, 784)];
        int seed = 300;
        int saved = Threads.Count;
        try
        {
            foreach (int threads in new[] { 1, 2 })
                foreach (var (m, n, k) in cases)
                    foreach (var (withBias, relu) in new[] { (true, true), (true, false), (false, true) })
                    {
                        Threads.Count = threads;
                        int ra = transA ? k : m, ca = transA ? m : k, rb = transB ? n : k, cb = transB ? k : n;
                        float[] a = Strided(ra, ca, ca, seed++), b = Strided(rb, cb, cb, seed++), bias = Strided(1, n, n, seed++);
                        var c = new float[m * n];
                        Array.Fill(c, float.NaN); // overwritten, never read
                        fixed (float* pa = a, pb = b, pc = c, pbias = bias)
                            Gemm.SgemmBiasRelu(transA, transB, m, n, k, pa, ca, pb, cb, pc, n, withBias ? pbias : null, relu);
                        for (int i = 0; i < m; i++)
                            for (int j = 0; j < n; j++)
                            {
                                double sum = withBias ? bias[j] : 0, mag = Math.Abs(sum);
                                for (int p = 0; p < k; p++)
                                {
                                    double x = a[transA ? p * ca + i : i * ca + p], y = b[transB ? j * cb + p : p * cb + j];
                                    sum += x * y; mag += Math.Abs(x * y);
                                }
                                double want = relu ? Math.Max(sum, 0) : sum, tol = 4 * (k + 3) * 6e-8 * mag + 1e-30;
                                float got = c[i * n + j];
                                if (!(Math.Abs(got - want) <= tol))
                                    Assert.Fail($"sgemm+bias+relu(transA={transA}, transB={transB}, m={m}, n={n}, k={k}, bias={withBias}, relu={relu}, threads={threads}): C[{i},{j}] = {got}, want {want} ± {tol}");
                            }
                    }
        }
        finally { Threads.Count = saved; }
    }

    static void CheckSingle(bool transA, bool transB, int m, int n, int k, float alpha, float beta, int padA, int padB, int padC, int seed)
    {
        int ra = transA ? k : m, ca = transA ? m : k, rb = transB ? n : k, cb = transB ? k : n;
        int lda = ca + padA, ldb = cb + padB, ldc = n + padC;
        float[] a = Strided(ra, ca, lda, seed), b = Strided(rb, cb, ldb, seed + 7919);
        float[] c = Strided(m, n, ldc, seed + 104729);
        // beta == 0 must overwrite C, so make any read of it show; the padding between rows must survive.
        for (int i = 0; i < m; i++)
            for (int j = 0; j < ldc && i * ldc + j < c.Length; j++)
                if (j >= n) c[i * ldc + j] = 42f;
                else if (beta == 0) c[i * ldc + j] = float.NaN;
        float[] c0 = (float[])c.Clone();
        Gemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < ldc && i * ldc + j < c.Length; j++)
            {
                float got = c[i * ldc + j];
                if (j >= n) { Assert.Equal(c0[i * ldc + j], got); continue; }
                double sum = 0, mag = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = a[transA ? p * lda + i : i * lda + p], y = b[transB ? j * ldb + p : p * ldb + j];
                    sum += x * y; mag += Math.Abs(x * y);
                }
                double old = c0[i * ldc + j];
                double want = alpha * sum + (beta == 0 ? 0 : beta * old);
                double bound = Math.Abs(alpha) * mag + (beta == 0 ? 0 : Math.Abs(beta * old));
                double tol = 4 * (k + 2) * 6e-8 * bound + 1e-30;
                if (!(Math.Abs(got - want) <= tol))
                    Assert.Fail($"sgemm(transA={transA}, transB={transB}, m={m}, n={n}, k={k}, alpha={alpha}, beta={beta}, lda={lda}, ldb={ldb}, ldc={ldc}): C[{i},{j}] = {got}, want {want} ± {tol}");
            }
    }

    static void CheckDouble(bool transA, bool transB, int m, int n, int k, double alpha, double beta, int padA, int padB, int padC, int seed)
    {
        int ra = transA ? k : m, ca = transA ? m : k, rb = transB ? n : k, cb = transB ? k : n;
        int lda = ca + padA, ldb = cb + padB, ldc = n + padC;
        double[] a = ToDouble(Strided(ra, ca, lda, seed)), b = ToDouble(Strided(rb, cb, ldb, seed + 1));
        double[] c = ToDouble(Strided(m, n, ldc, seed + 2));
        if (beta == 0) Array.Fill(c, double.NaN);
        double[] c0 = (double[])c.Clone();
        Gemm.Dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, mag = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = a[transA ? p * lda + i : i * lda + p], y = b[transB ? j * ldb + p : p * ldb + j];
                    sum += x * y; mag += Math.Abs(x * y);
                }
                double old = c0[i * ldc + j];
                double want = alpha * sum + (beta == 0 ? 0 : beta * old);
                double tol = 4 * (k + 2) * 1.2e-16 * (Math.Abs(alpha) * mag + (beta == 0 ? 0 : Math.Abs(beta * old))) + 1e-300;
                Assert.True(Math.Abs(c[i * ldc + j] - want) <= tol, $"dgemm(transA={transA}, transB={transB}, m={m}, n={n}, k={k}): C[{i},{j}] = {c[i * ldc + j]}, want {want}");
            }
    }

    /// <summary>A rows×cols matrix with row stride ld, exactly as long as BLAS needs (the last row is not
    /// padded), values in [−1, 1) and NaN in the padding.</summary>
    static float[] Strided(int rows, int cols, int ld, int seed)
    {
        long length = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        var x = new float[length];
        var rng = new Random(seed);
        for (int i = 0; i < x.Length; i++) x[i] = i % ld < cols ? (float)(rng.NextDouble() * 2 - 1) : float.NaN;
        return x;
    }

    static float[] Random(int length, int seed) => Strided(1, length, length, seed);

    static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);
}
