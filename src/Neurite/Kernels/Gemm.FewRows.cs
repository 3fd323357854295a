using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Neurite.Kernels;

// Products with only a few rows (m ≤ 4: one or a few samples through a layer). Packing would copy all of B
// to use it at most 4 times, and pad A's panel to 8 rows, so instead B is read in place, once.
internal static unsafe partial class Gemm
{
    const int FewRows = 4;

    /// <summary>Whether <see cref="SgemmFewRows"/> takes this product: AVX-512 only (it uses Vector512), m ≤ 4
    /// and a whole vector of columns; with B transposed only m = 1 (measured: at 4×512×784 the dot products,
    /// which re-read B per row, ran at half the speed of the packed path).</summary>
    static bool TakesFewRows(in SgemmArgs p) =>
        MicroKernel.Selected == MicroKernel.Kind.Avx512 && (p.TransB ? p.M == 1 && p.K >= 16 : p.M <= FewRows && p.N >= 16);

    /// <summary>C[0:m, j0:j1] for m ≤ 4, B read in place: rows of B stream past 4×4 accumulators
    /// (B not transposed) or each row of op(A) is dotted with four stored rows of B at a time (B transposed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SgemmFewRows(in SgemmArgs p, int j0, int j1)
    {
        // Rows past m repeat the last row: computed alongside, never stored.
        long sai = p.TransA ? 1 : p.Lda, sak = p.TransA ? p.Lda : 1;
        float* a0 = p.A, a1 = p.A + Math.Min(1, p.M - 1) * sai, a2 = p.A + Math.Min(2, p.M - 1) * sai, a3 = p.A + Math.Min(3, p.M - 1) * sai;
        float* tile = stackalloc float[FewRows * 16];
        if (p.TransB)
        {
            // Each C element is a dot product of a row of op(A) with a stored row of B; four columns at once
            // give four independent FMA chains (one chain would wait on the FMA latency every step).
            for (int r = 0; r < p.M; r++)
            {
                float* ar = p.A + r * sai;
                float* crow = p.C + (long)r * p.Ldc;
                for (int j = j0; j < j1; j += 4)
                {
                    int cols = Math.Min(4, j1 - j);
                    // Columns past j1 repeat the last one: computed, never stored.
                    float* b0 = p.B + (long)j * p.Ldb, b1 = p.B + (long)(j + Math.Min(1, cols - 1)) * p.Ldb;
                    float* b2 = p.B + (long)(j + Math.Min(2, cols - 1)) * p.Ldb, b3 = p.B + (long)(j + Math.Min(3, cols - 1)) * p.Ldb;
                    Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
                    int kk = 0;
                    if (sak == 1)
                    {
                        for (; kk + 16 <= p.K; kk += 16)
                        {
                            var av = Vector512.Load(ar + kk);
                            s0 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b0 + kk), s0);
                            s1 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b1 + kk), s1);
                            s2 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b2 + kk), s2);
                            s3 = Vector512.FusedMultiplyAdd(av, Vector512.Load(b3 + kk), s3);
                        }
                    }
                    tile[0] = Vector512.Sum(s0); tile[1] = Vector512.Sum(s1); tile[2] = Vector512.Sum(s2); tile[3] = Vector512.Sum(s3);
                    for (; kk < p.K; kk++)
                    {
                        float av = ar[kk * sak];
                        tile[0] += av * b0[kk]; tile[1] += av * b1[kk]; tile[2] += av * b2[kk]; tile[3] += av * b3[kk];
                    }
                    for (int q = 0; q < cols; q++)
                        crow[j + q] = p.Beta == 0f ? p.Alpha * tile[q] : p.Alpha * tile[q] + p.Beta * crow[j + q];
                }
            }
            return;
        }
        int jj = j0;
        for (; jj + 64 <= j1; jj += 64) FewRowsBlock64(in p, a0, a1, a2, a3, sak, jj);
        // The last < 64 columns, 16 at a time; the final window ends at j1 and may overlap columns already
        // done, so it goes through a temporary and only its new columns are stored (beta must apply once).
        for (; jj < j1; jj += 16)
        {
            int start = Math.Min(jj, j1 - 16);
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
            float* b = p.B + start;
            long o = 0;
            for (int kk = 0; kk < p.K; kk++, o += sak, b += p.Ldb)
            {
                var bv = Vector512.Load(b);
                c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[o]), bv, c0);
                c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[o]), bv, c1);
                c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[o]), bv, c2);
                c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[o]), bv, c3);
            }
            c0.Store(tile); c1.Store(tile + 16); c2.Store(tile + 32); c3.Store(tile + 48);
            for (int r = 0; r < p.M; r++)
            {
                float* crow = p.C + (long)r * p.Ldc;
                for (int j = jj; j < Math.Min(jj + 16, j1); j++)
                {
                    float t = tile[r * 16 + j - start];
                    crow[j] = p.Beta == 0f ? p.Alpha * t : p.Alpha * t + p.Beta * crow[j];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void FewRowsBlock64(in SgemmArgs p, float* a0, float* a1, float* a2, float* a3, long sak, int j)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
        float* b = p.B + j;
        long o = 0;
        for (int kk = 0; kk < p.K; kk++, o += sak, b += p.Ldb)
        {
            var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 16); var b2 = Vector512.Load(b + 32); var b3 = Vector512.Load(b + 48);
            var x = Vector512.Create(a0[o]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01); c02 = Vector512.FusedMultiplyAdd(x, b2, c02); c03 = Vector512.FusedMultiplyAdd(x, b3, c03);
            x = Vector512.Create(a1[o]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11); c12 = Vector512.FusedMultiplyAdd(x, b2, c12); c13 = Vector512.FusedMultiplyAdd(x, b3, c13);
            x = Vector512.Create(a2[o]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21); c22 = Vector512.FusedMultiplyAdd(x, b2, c22); c23 = Vector512.FusedMultiplyAdd(x, b3, c23);
            x = Vector512.Create(a3[o]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31); c32 = Vector512.FusedMultiplyAdd(x, b2, c32); c33 = Vector512.FusedMultiplyAdd(x, b3, c33);
        }
        float* c = p.C + j;
        FewRowsStore(in p, c, c00, c01, c02, c03);
        if (p.M > 1) FewRowsStore(in p, c + p.Ldc, c10, c11, c12, c13);
        if (p.M > 2) FewRowsStore(in p, c + 2L * p.Ldc, c20, c21, c22, c23);
        if (p.M > 3) FewRowsStore(in p, c + 3L * p.Ldc, c30, c31, c32, c33);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void FewRowsStore(in SgemmArgs p, float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, Vector512<float> x3)
    {
        var va = Vector512.Create(p.Alpha);
        if (p.Beta == 0f)
        {
            (x0 * va).Store(c); (x1 * va).Store(c + 16); (x2 * va).Store(c + 32); (x3 * va).Store(c + 48);
        }
        else
        {
            var vb = Vector512.Create(p.Beta);
            Vector512.FusedMultiplyAdd(x0, va, Vector512.Load(c) * vb).Store(c);
            Vector512.FusedMultiplyAdd(x1, va, Vector512.Load(c + 16) * vb).Store(c + 16);
            Vector512.FusedMultiplyAdd(x2, va, Vector512.Load(c + 32) * vb).Store(c + 32);
            Vector512.FusedMultiplyAdd(x3, va, Vector512.Load(c + 48) * vb).Store(c + 48);
        }
    }
}
