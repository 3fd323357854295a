using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Neurite.Kernels;

// DGEMM: correct and reasonably fast rather than tuned — it serves float64 gradient checks, not training.
internal static unsafe partial class Gemm
{
    // A DKC×DNC block of B (256 KiB) stays in L2 while every row of A passes over it.
    const int DKC = 256, DNC = 128;

    /// <summary>
    /// For each DNC-wide, DKC-deep block of op(B): copy it row-major into a buffer padded to whole groups of 8
    /// columns (this is where transB is handled), then compute 4×8 tiles of C with 4×2 Vector256 accumulators,
    /// reading op(A) in place through its two strides.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void DgemmBlocked(bool transA, bool transB, int m, int n, int k, double alpha, double* a, int lda, double* b, int ldb, double beta, double* c, int ldc)
    {
        long sai = transA ? 1 : lda, sak = transA ? lda : 1;
        long sbk = transB ? 1 : ldb, sbj = transB ? ldb : 1;
        double* bp = (double*)NativeMemory.AlignedAlloc((nuint)(DKC * DNC) * sizeof(double), 64);
        double* tile = stackalloc double[4 * 8];
        try
        {
            for (int jc = 0; jc < n; jc += DNC)
            {
                int nc = Math.Min(DNC, n - jc);
                int ncp = (nc + 7) & ~7;
                for (int pc = 0; pc < k; pc += DKC)
                {
                    int kc = Math.Min(DKC, k - pc);
                    double betaK = pc == 0 ? beta : 1d;
                    for (int p = 0; p < kc; p++)
                    {
                        double* src = b + (pc + p) * sbk + jc * sbj;
                        double* dst = bp + (long)p * ncp;
                        int j = 0;
                        for (; j < nc; j++) dst[j] = src[j * sbj];
                        for (; j < ncp; j++) dst[j] = 0d;
                    }
                    for (int i = 0; i < m; i += 4)
                    {
                        int rows = Math.Min(4, m - i);
                        // Rows past m repeat the last row: computed, never written.
                        double* a0 = a + i * sai + pc * sak;
                        double* a1 = a + Math.Min(i + 1, m - 1) * sai + pc * sak;
                        double* a2 = a + Math.Min(i + 2, m - 1) * sai + pc * sak;
                        double* a3 = a + Math.Min(i + 3, m - 1) * sai + pc * sak;
                        for (int j = 0; j < ncp; j += 8)
                        {
                            DTile4x8(kc, a0, a1, a2, a3, sak, bp + j, ncp, tile);
                            int cols = Math.Min(8, nc - j);
                            for (int r = 0; r < rows; r++)
                            {
                                double* crow = c + (long)(i + r) * ldc + jc + j;
                                for (int q = 0; q < cols; q++)
                                    crow[q] = betaK == 0d ? alpha * tile[r * 8 + q] : alpha * tile[r * 8 + q] + betaK * crow[q];
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(bp);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void DTile4x8(int kc, double* a0, double* a1, double* a2, double* a3, long sak, double* b, int ldb, double* tile)
    {
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<double> c20 = default, c21 = default, c30 = default, c31 = default;
        long off = 0;
        for (int p = 0; p < kc; p++, off += sak, b += ldb)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 4);
            var x = Vector256.Create(a0[off]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[off]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[off]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[off]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
        }
        c00.Store(tile); c01.Store(tile + 4);
        c10.Store(tile + 8); c11.Store(tile + 12);
        c20.Store(tile + 16); c21.Store(tile + 20);
        c30.Store(tile + 24); c31.Store(tile + 28);
    }
}
