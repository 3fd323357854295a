using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurite.Kernels;

// SGEMM micro-kernels: C[MR×NR] = alpha · Ap · Bp + beta · C for one packed MR×kc panel of A (column by
// column, MR floats per k) and one packed kc×NR panel of B (row by row, NR floats per k).
internal static unsafe partial class Gemm
{
    /// <summary>The micro-kernel for this CPU, chosen once. The JIT folds the static readonly fields into
    /// constants, so the switch in <see cref="Run"/> costs nothing after tier-up.</summary>
    internal static class MicroKernel
    {
        public enum Kind { Avx512, Avx2, Portable }

        // Vector512 silently runs in software when not accelerated, and Avx512F.* throws when unsupported
        // (e.g. under DOTNET_EnableAVX512=0), so check both before choosing the 512-bit kernel.
        public static readonly Kind Selected =
            Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? Kind.Avx512
            : Fma.IsSupported && Avx2.IsSupported ? Kind.Avx2
            : Kind.Portable;

        // Zen 4 splits a 512-bit FMA into two 256-bit halves, so there 8×32 and 6×16 reach the same peak; this
        // machine's Zen 5 has full-width 512-bit FMA units: 8×32 (16 zmm accumulators) measured ≈ 230 GFLOP/s
        // per core against ≈ 110 for 6×16 (12 ymm accumulators, DOTNET_EnableAVX512=0). MR = 8 also lets A be
        // packed with 8×8 transposes.
        public static readonly int MR = Selected == Kind.Avx512 ? 8 : 6;
        public static readonly int NR = Selected == Kind.Avx512 ? 32 : 16;

        /// <summary>The panel width for a product with n columns: narrow products (a layer with ≤ 16 units)
        /// use 16-wide panels on AVX-512, where 32 would be half padding.</summary>
        public static int PanelWidth(int n) => Selected == Kind.Avx512 && n <= 16 ? 16 : NR;

        /// <summary>One MR×nr tile, nr being <see cref="NR"/> or the <see cref="PanelWidth"/> of the product.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, int nr)
        {
            if (Selected == Kind.Avx512)
            {
                if (nr == 32) Kernel8x32(kc, a, b, c, ldc, alpha, beta);
                else Kernel8x16(kc, a, b, c, ldc, alpha, beta);
            }
            else if (Selected == Kind.Avx2) Kernel6x16(kc, a, b, c, ldc, alpha, beta);
            else KernelPortable(kc, a, b, c, ldc, alpha, beta);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Kernel8x32(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
        {
            Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
            Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
            for (int p = 0; p < kc; p++)
            {
                var b0 = Vector512.LoadAligned(b);
                var b1 = Vector512.LoadAligned(b + 16);
                Vector512<float> ai = Vector512.Create(a[0]);
                c00 = Avx512F.FusedMultiplyAdd(ai, b0, c00); c01 = Avx512F.FusedMultiplyAdd(ai, b1, c01);
                ai = Vector512.Create(a[1]);
                c10 = Avx512F.FusedMultiplyAdd(ai, b0, c10); c11 = Avx512F.FusedMultiplyAdd(ai, b1, c11);
                ai = Vector512.Create(a[2]);
                c20 = Avx512F.FusedMultiplyAdd(ai, b0, c20); c21 = Avx512F.FusedMultiplyAdd(ai, b1, c21);
                ai = Vector512.Create(a[3]);
                c30 = Avx512F.FusedMultiplyAdd(ai, b0, c30); c31 = Avx512F.FusedMultiplyAdd(ai, b1, c31);
                ai = Vector512.Create(a[4]);
                c40 = Avx512F.FusedMultiplyAdd(ai, b0, c40); c41 = Avx512F.FusedMultiplyAdd(ai, b1, c41);
                ai = Vector512.Create(a[5]);
                c50 = Avx512F.FusedMultiplyAdd(ai, b0, c50); c51 = Avx512F.FusedMultiplyAdd(ai, b1, c51);
                ai = Vector512.Create(a[6]);
                c60 = Avx512F.FusedMultiplyAdd(ai, b0, c60); c61 = Avx512F.FusedMultiplyAdd(ai, b1, c61);
                ai = Vector512.Create(a[7]);
                c70 = Avx512F.FusedMultiplyAdd(ai, b0, c70); c71 = Avx512F.FusedMultiplyAdd(ai, b1, c71);
                a += 8;
                b += 32;
            }
            var va = Vector512.Create(alpha);
            var vb = Vector512.Create(beta);
            Store512(c, c00, c01, va, vb, beta); c += ldc;
            Store512(c, c10, c11, va, vb, beta); c += ldc;
            Store512(c, c20, c21, va, vb, beta); c += ldc;
            Store512(c, c30, c31, va, vb, beta); c += ldc;
            Store512(c, c40, c41, va, vb, beta); c += ldc;
            Store512(c, c50, c51, va, vb, beta); c += ldc;
            Store512(c, c60, c61, va, vb, beta); c += ldc;
            Store512(c, c70, c71, va, vb, beta);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Store512(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> va, Vector512<float> vb, float beta)
        {
            if (beta == 0f)
            {
                Vector512.Store(x0 * va, c);
                Vector512.Store(x1 * va, c + 16);
            }
            else
            {
                Vector512.Store(Avx512F.FusedMultiplyAdd(x0, va, Vector512.Load(c) * vb), c);
                Vector512.Store(Avx512F.FusedMultiplyAdd(x1, va, Vector512.Load(c + 16) * vb), c + 16);
            }
        }

        /// <summary>8×16 for narrow products: 8 accumulators still cover the FMA latency (4 cycles × 2 pipes).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Kernel8x16(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
        {
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            for (int p = 0; p < kc; p++)
            {
                var b0 = Vector512.LoadAligned(b);
                c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
                c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1);
                c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2);
                c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3);
                c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c4);
                c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c5);
                c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c6);
                c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c7);
                a += 8;
                b += 16;
            }
            var va = Vector512.Create(alpha);
            var vb = Vector512.Create(beta);
            Store512(c, c0, va, vb, beta); c += ldc;
            Store512(c, c1, va, vb, beta); c += ldc;
            Store512(c, c2, va, vb, beta); c += ldc;
            Store512(c, c3, va, vb, beta); c += ldc;
            Store512(c, c4, va, vb, beta); c += ldc;
            Store512(c, c5, va, vb, beta); c += ldc;
            Store512(c, c6, va, vb, beta); c += ldc;
            Store512(c, c7, va, vb, beta);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Store512(float* c, Vector512<float> x, Vector512<float> va, Vector512<float> vb, float beta)
        {
            if (beta == 0f) Vector512.Store(x * va, c);
            else Vector512.Store(Avx512F.FusedMultiplyAdd(x, va, Vector512.Load(c) * vb), c);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Kernel6x16(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
        {
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            for (int p = 0; p < kc; p++)
            {
                var b0 = Vector256.LoadAligned(b);
                var b1 = Vector256.LoadAligned(b + 8);
                Vector256<float> ai = Vector256.Create(a[0]);
                c00 = Fma.MultiplyAdd(ai, b0, c00); c01 = Fma.MultiplyAdd(ai, b1, c01);
                ai = Vector256.Create(a[1]);
                c10 = Fma.MultiplyAdd(ai, b0, c10); c11 = Fma.MultiplyAdd(ai, b1, c11);
                ai = Vector256.Create(a[2]);
                c20 = Fma.MultiplyAdd(ai, b0, c20); c21 = Fma.MultiplyAdd(ai, b1, c21);
                ai = Vector256.Create(a[3]);
                c30 = Fma.MultiplyAdd(ai, b0, c30); c31 = Fma.MultiplyAdd(ai, b1, c31);
                ai = Vector256.Create(a[4]);
                c40 = Fma.MultiplyAdd(ai, b0, c40); c41 = Fma.MultiplyAdd(ai, b1, c41);
                ai = Vector256.Create(a[5]);
                c50 = Fma.MultiplyAdd(ai, b0, c50); c51 = Fma.MultiplyAdd(ai, b1, c51);
                a += 6;
                b += 16;
            }
            var va = Vector256.Create(alpha);
            var vb = Vector256.Create(beta);
            Store256(c, c00, c01, va, vb, beta); c += ldc;
            Store256(c, c10, c11, va, vb, beta); c += ldc;
            Store256(c, c20, c21, va, vb, beta); c += ldc;
            Store256(c, c30, c31, va, vb, beta); c += ldc;
            Store256(c, c40, c41, va, vb, beta); c += ldc;
            Store256(c, c50, c51, va, vb, beta);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Store256(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> va, Vector256<float> vb, float beta)
        {
            if (beta == 0f)
            {
                Vector256.Store(x0 * va, c);
                Vector256.Store(x1 * va, c + 8);
            }
            else
            {
                Vector256.Store(Fma.MultiplyAdd(x0, va, Vector256.Load(c) * vb), c);
                Vector256.Store(Fma.MultiplyAdd(x1, va, Vector256.Load(c + 8) * vb), c + 8);
            }
        }

        static void KernelScalar(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
        {
            const int mr = 6, nr = 16;
            float* acc = stackalloc float[mr * nr];
            new Span<float>(acc, mr * nr).Clear();
            for (int p = 0; p < kc; p++, a += mr, b += nr)
                for (int i = 0; i < mr; i++)
                {
                    float ai = a[i];
                    for (int j = 0; j < nr; j++) acc[i * nr + j] += ai * b[j];
                }
            for (int i = 0; i < mr; i++)
                for (int j = 0; j < nr; j++)
                    c[i * ldc + j] = beta == 0f ? alpha * acc[i * nr + j] : alpha * acc[i * nr + j] + beta * c[i * ldc + j];
        }

        /// <summary>Any CPU: the 6×16 tile as 6×4 Vector128 accumulators (NEON and SSE both have ≥ 16 registers
        /// of 128 bits; on ARM64 the JIT keeps all 24 in registers).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void KernelPortable(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
        {
            const int mr = 6, nr = 16;
            if (!Vector128.IsHardwareAccelerated)
            {
                // Without SIMD, Vector128 is emulated element by element and 100× slower than plain floats.
                KernelScalar(kc, a, b, c, ldc, alpha, beta);
                return;
            }
            var acc = stackalloc Vector128<float>[mr * nr / 4];
            for (int i = 0; i < mr * nr / 4; i++) acc[i] = default;
            for (int p = 0; p < kc; p++)
            {
                var b0 = Vector128.Load(b); var b1 = Vector128.Load(b + 4); var b2 = Vector128.Load(b + 8); var b3 = Vector128.Load(b + 12);
                for (int i = 0; i < mr; i++)
                {
                    var ai = Vector128.Create(a[i]);
                    var row = acc + 4 * i;
                    row[0] += ai * b0; row[1] += ai * b1; row[2] += ai * b2; row[3] += ai * b3;
                }
                a += mr;
                b += nr;
            }
            for (int i = 0; i < mr; i++)
            {
                float* crow = c + i * ldc;
                for (int v = 0; v < 4; v++)
                {
                    var x = acc[4 * i + v] * alpha;
                    if (beta != 0f) x += Vector128.Load(crow + 4 * v) * beta;
                    Vector128.Store(x, crow + 4 * v);
                }
            }
        }
    }
}
