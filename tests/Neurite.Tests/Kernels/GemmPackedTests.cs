using Neurite.Kernels;

namespace Neurite.Tests.Kernels;

/// <summary>The pre-packed B operand gives the same product as the ordinary SGEMM, for every shape class the
/// blocking distinguishes (several k-slices, several column blocks, edge panels) and both layouts of B.</summary>
public unsafe class GemmPackedTests
{
    [Theory]
    [InlineData(32, 1024, 256, true, 1)]
    [InlineData(32, 256, 1024, false, 1)]
    [InlineData(7, 2100, 530, true, 1)]
    [InlineData(45, 37, 13, false, 1)]
    [InlineData(64, 2500, 600, false, 2)]
    [InlineData(1, 16, 3, true, 2)]
    public void Equals_sgemm(int m, int n, int k, bool transB, int threads)
    {
        var g = new Random(m * 7 + n);
        float[] a = new float[m * k], b = new float[k * n], c0 = new float[m * n], c1 = new float[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(g.NextDouble() - 0.5);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(g.NextDouble() - 0.5);
        for (int i = 0; i < c0.Length; i++) c0[i] = c1[i] = (float)g.NextDouble();
        float before = c1[m * n - 1];
        int ldb = transB ? k : n;
        int saved = Threads.Count;
        try
        {
            Threads.Count = threads;
            fixed (float* pa = a, pb = b, p0 = c0, p1 = c1)
            {
                Gemm.Sgemm(false, transB, m, n, k, 1f, pa, k, pb, ldb, 1f, p0, n);
                using var packed = new Gemm.PackedB(transB, k, n, pb, ldb);
                Gemm.SgemmPacked(false, m, pa, k, packed, 1f, p1, n);
            }
        }
        finally { Threads.Count = saved; }
        for (int i = 0; i < c0.Length; i++) Assert.Equal(c0[i], c1[i], 4);
        // and the product is right, not just equal: one element by its definition
        double expect = 0;
        for (int kk = 0; kk < k; kk++) expect += a[(m - 1) * k + kk] * (transB ? b[(n - 1) * k + kk] : b[kk * n + n - 1]);
        Assert.Equal(before + expect, c1[m * n - 1], 3);
    }
}
