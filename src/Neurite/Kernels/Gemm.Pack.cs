using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurite.Kernels;

// Packing: copy a block of op(A) or op(B) into the micro-kernel's order, zero-padded to whole panels.
// Transposed operands are handled here, so no transposed copy of a matrix is ever made.
internal static unsafe partial class Gemm
{
    /// <summary>
    /// Packs op(A)[ic:ic+mc, pc:pc+kc] into panels of mr rows: panel r holds, for each k, the mr values of
    /// rows ic+r·mr …, so the micro-kernel reads A as one contiguous stream. Rows past mc are zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PackA(bool transA, float* a, int lda, int ic, int mc, int pc, int kc, float* dst, int mr)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = dst + (long)ir * kc;
            if (transA)
            {
                // A stored k×m: the mr values for one k are contiguous in memory.
                float* src = a + (long)pc * lda + ic + ir;
                if (rows == 8 && mr == 8)
                {
                    for (int p = 0; p < kc; p++) Vector256.Store(Vector256.Load(src + (long)p * lda), panel + p * 8);
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* s = src + (long)p * lda;
                        float* d = panel + p * mr;
                        int r = 0;
                        for (; r < rows; r++) d[r] = s[r];
                        for (; r < mr; r++) d[r] = 0f;
                    }
                }
            }
            else
            {
                // A stored m×k: one k's values are a column, so transpose. Packing A was the measured
                // bottleneck at n = 256 with a scalar gather; 8×8 in-register transposes fix it.
                float* src = a + (long)(ic + ir) * lda + pc;
                int p = 0;
                if (rows == 8 && mr == 8 && Avx.IsSupported)
                {
                    for (; p + 8 <= kc; p += 8) Transpose8x8(src + p, lda, panel + p * 8, 8);
                }
                for (; p < kc; p++)
                {
                    float* d = panel + p * mr;
                    int r = 0;
                    for (; r < rows; r++) d[r] = src[(long)r * lda + p];
                    for (; r < mr; r++) d[r] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[pc:pc+kc, jc:jc+nc] into panels of nr columns: panel j holds, for each k, the nr values
    /// of columns jc+j·nr …, so the micro-kernel loads them as whole vectors. Columns past nc are zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PackB(bool transB, float* b, int ldb, int pc, int kc, int jc, int nc, float* dst, int nr)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = dst + (long)jr * kc;
            if (!transB)
            {
                // B stored k×n: the nr values for one k are contiguous.
                float* src = b + (long)pc * ldb + jc + jr;
                if (cols == nr && nr % 16 == 0 && Vector512.IsHardwareAccelerated)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* s = src + (long)p * ldb;
                        float* d = panel + p * nr;
                        for (int j = 0; j < nr; j += 16) Vector512.Store(Vector512.Load(s + j), d + j);
                    }
                }
                else if (cols == nr && nr % 8 == 0 && Vector256.IsHardwareAccelerated)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* s = src + (long)p * ldb;
                        float* d = panel + p * nr;
                        for (int j = 0; j < nr; j += 8) Vector256.Store(Vector256.Load(s + j), d + j);
                    }
                }
                else if (Vector256.IsHardwareAccelerated)
                {
                    // The right-hand edge panel (or a product narrower than a panel): zero the row with whole
                    // vectors, then copy the columns that exist, 8 at a time where possible.
                    for (int p = 0; p < kc; p++)
                    {
                        float* s = src + (long)p * ldb;
                        float* d = panel + p * nr;
                        for (int j = 0; j < nr; j += 8) Vector256.Store(Vector256<float>.Zero, d + j);
                        int jj = 0;
                        for (; jj + 8 <= cols; jj += 8) Vector256.Store(Vector256.Load(s + jj), d + jj);
                        for (; jj < cols; jj++) d[jj] = s[jj];
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* s = src + (long)p * ldb;
                        float* d = panel + p * nr;
                        int j = 0;
                        for (; j < cols; j++) d[j] = s[j];
                        for (; j < nr; j++) d[j] = 0f;
                    }
                }
            }
            else
            {
                // B stored n×k: column j of op(B) is row j of B, so transpose 8 columns × 8 k at a time.
                float* src = b + (long)(jc + jr) * ldb + pc;
                int j0 = 0;
                if (Avx.IsSupported)
                {
                    for (; j0 + 8 <= cols; j0 += 8)
                    {
                        int p = 0;
                        for (; p + 8 <= kc; p += 8) Transpose8x8(src + (long)j0 * ldb + p, ldb, panel + p * nr + j0, nr);
                        for (; p < kc; p++)
                            for (int j = j0; j < j0 + 8; j++) panel[p * nr + j] = src[(long)j * ldb + p];
                    }
                }
                for (int p = 0; p < kc; p++)
                {
                    float* d = panel + p * nr;
                    int j = j0;
                    for (; j < cols; j++) d[j] = src[(long)j * ldb + p];
                    for (; j < nr; j++) d[j] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// dst[c·dstStride + r] = src[r·srcStride + c] for an 8×8 block: unpack pairs of rows, shuffle to groups
    /// of four, then swap 128-bit halves; 24 register operations instead of 64 scalar loads and stores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(float* src, long srcStride, float* dst, int dstStride)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + srcStride);
        var r2 = Avx.LoadVector256(src + 2 * srcStride);
        var r3 = Avx.LoadVector256(src + 3 * srcStride);
        var r4 = Avx.LoadVector256(src + 4 * srcStride);
        var r5 = Avx.LoadVector256(src + 5 * srcStride);
        var r6 = Avx.LoadVector256(src + 6 * srcStride);
        var r7 = Avx.LoadVector256(src + 7 * srcStride);
        // t0 = a0 b0 a1 b1 | a4 b4 a5 b5, t1 = a2 b2 a3 b3 | a6 b6 a7 b7, …
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        // s0 = a0 b0 c0 d0 | a4 b4 c4 d4, s1 = a1 … d1 | a5 … d5, …
        var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44); var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44); var s7 = Avx.Shuffle(t5, t7, 0xEE);
        // Low halves of s and s+4 give columns 0…3, high halves columns 4…7.
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(s3, s7, 0x31));
    }
}
