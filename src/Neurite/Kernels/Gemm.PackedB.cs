using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Neurite.Kernels;

// A B operand packed once and multiplied many times: a recurrent layer multiplies the same Wₕₕ by a new
// [N, H] state at every step. Packing op(B) (1 MB for a 256-unit LSTM) on every call cost about a quarter of
// the step's recurrent GEMM.
internal static unsafe partial class Gemm
{
    /// <summary>op(B) [k × n] in the panel layout the micro-kernel reads, for repeated
    /// <see cref="SgemmPacked"/> calls with different A. Owns native memory: dispose it.</summary>
    internal sealed class PackedB : IDisposable
    {
        public readonly int K, N, Nr;
        float* data;

        public PackedB(bool transB, int k, int n, float* b, int ldb)
        {
            (K, N, Nr) = (k, n, MicroKernel.PanelWidth(n));
            long padded = (n + Nr - 1) / Nr * (long)Nr;
            data = (float*)NativeMemory.AlignedAlloc((nuint)(padded * k + 64) * sizeof(float), 64);
            // Blocks in memory order (column block, then k-slice), so a packer's write past a panel lands on
            // the next block before that block is packed.
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                for (int pc = 0; pc < k; pc += KC)
                    PackB(transB, b, ldb, pc, Math.Min(KC, k - pc), jc, nc, Block(jc, pc), Nr);
            }
        }

        /// <summary>The packed (column block jc, k-slice pc): panels of Nr columns × kc.</summary>
        public float* Block(int jc, int pc)
        {
            int ncp = (Math.Min(NC, N - jc) + Nr - 1) / Nr * Nr;
            return data + (long)jc * K + (long)pc * ncp;
        }

        public void Dispose()
        {
            if (data != null) NativeMemory.AlignedFree(data);
            data = null;
            GC.SuppressFinalize(this);
        }

        ~PackedB()
        {
            if (data != null) NativeMemory.AlignedFree(data);
        }
    }

    /// <summary>C = op(A)·B + beta·C with B packed by <see cref="PackedB"/> (m × B.K times B.K × B.N); large
    /// products split the columns over threads, each packing its own A.</summary>
    internal static void SgemmPacked(bool transA, int m, float* a, int lda, PackedB b, float beta, float* c, int ldc)
    {
        CheckShape(transA, false, m, b.N, b.K, lda, b.N, ldc);
        if (m == 0 || b.N == 0) return;
        if (b.K == 0)
        {
            ScaleC(m, b.N, beta, c, ldc);
            return;
        }
        var p = new PackedArgs(transA, m, a, lda, b, beta, c, ldc);
        int threads = Threads.Count;
        int parts = Math.Min(threads, (b.N + b.Nr - 1) / b.Nr);
        if (parts > 1 && (long)m * b.N * b.K >= ParallelVolume)
            Threads.For(parts, (p, parts), static (part, s) =>
            {
                var (j0, j1) = Slice(s.p.B.N, s.parts, part, s.p.B.Nr);
                if (j0 < j1) SgemmPackedPart(in s.p, j0, j1);
            });
        else SgemmPackedPart(in p, 0, b.N);
    }

    readonly struct PackedArgs(bool transA, int m, float* a, int lda, PackedB b, float beta, float* c, int ldc)
    {
        public readonly bool TransA = transA;
        public readonly int M = m, Lda = lda, Ldc = ldc;
        public readonly float* A = a, C = c;
        public readonly PackedB B = b;
        public readonly float Beta = beta;
    }

    /// <summary>Columns j0…j1 of C (j0 a multiple of the panel width): the BLIS loop nest without packing B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SgemmPackedPart(in PackedArgs p, int j0, int j1)
    {
        var ws = Workspace.Current;
        int mr = MicroKernel.MR, nr = p.B.Nr, k = p.B.K;
        for (int jb = j0 / NC * NC; jb < j1; jb += NC)
        {
            int cs = Math.Max(j0, jb), ce = Math.Min(j1, Math.Min(jb + NC, p.B.N));
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                float beta = pc == 0 ? p.Beta : 1f;
                float* block = p.B.Block(jb, pc);
                for (int ic = 0; ic < p.M; ic += MC)
                {
                    int mc = Math.Min(MC, p.M - ic);
                    PackA(p.TransA, p.A, p.Lda, ic, mc, pc, kc, ws.PackA, mr);
                    for (int jr = cs - jb; jr < ce - jb; jr += nr)
                    {
                        int nw = Math.Min(nr, ce - jb - jr);
                        float* bp = block + (long)jr * kc;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int mh = Math.Min(mr, mc - ir);
                            float* ap = ws.PackA + (long)ir * kc;
                            float* cp = p.C + (long)(ic + ir) * p.Ldc + jb + jr;
                            if (mh == mr && nw == nr) MicroKernel.Run(kc, ap, bp, cp, p.Ldc, 1f, beta, nr);
                            else EdgeTile(kc, ap, bp, cp, p.Ldc, mh, nw, nr, 1f, beta, ws.Tile);
                        }
                    }
                }
            }
        }
    }
}
