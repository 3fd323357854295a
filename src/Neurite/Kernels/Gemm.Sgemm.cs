using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Neurite.Kernels;

// The SGEMM driver: the BLIS loop nest (NC → KC → MC → NR → MR), the split over threads and the tiny path.
internal static unsafe partial class Gemm
{
    // Cache blocking. On this machine (AMD EPYC Zen 5: 48 KiB L1d, 1 MiB L2 per core, 32 MiB L3) the MC×KC
    // block of A (0.7 MiB) stays in L2 and the KC×NC block of B (4 MiB) in L3. Measured at n = 256…2048,
    // 1 thread: KC 256…768, MC 240…480 and NC 2048…4096 were all within noise of these; NC = 1024 was worse.
    // MC and NC are multiples of every MR / NR used.
    const int KC = 512, MC = 336, NC = 2048;

    /// <summary>Up to this m·n·k a plain loop is as fast as packing (≈ 40 ns either way at 4×4×4); already at
    /// 8×8×8 the packed path is 4× faster, so the tiny path only saves the packing of near-empty products.</summary>
    const long TinyVolume = 256;

    /// <summary>Above this m·n·k (≈ 144³, ~25 µs on one core) a second thread pays for its hand-off
    /// (measured on this shared 2-core machine: 128³ gained nothing from 2 threads, 160³ up to 1.8×; when
    /// another process holds the second core, no split pays).</summary>
    const long ParallelVolume = 3_000_000;

    /// <summary>Elements of B above which the few-rows path is split over threads.</summary>
    const long FewRowsParallelElements = 4 << 20;

    /// <summary>One SGEMM call's operands, passed by reference through the loop nest and to worker threads.</summary>
    readonly struct SgemmArgs(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        public readonly bool TransA = transA, TransB = transB;
        public readonly int M = m, N = n, K = k, Lda = lda, Ldb = ldb, Ldc = ldc;
        public readonly float Alpha = alpha, Beta = beta;
        public readonly float* A = a, B = b, C = c;

        /// <summary>Applied to each finished tile of C: + ColumnBias[j] (when not null), then max(·, 0) when Relu.</summary>
        public float* ColumnBias { get; init; }
        public bool Relu { get; init; }
        public bool HasEpilogue => ColumnBias != null || Relu;
    }

    /// <summary>Per-thread packing buffers, 64-byte aligned, allocated on a thread's first large SGEMM and kept.</summary>
    sealed class Workspace
    {
        [ThreadStatic] static Workspace? current;
        public static Workspace Current => current ??= new Workspace();

        public readonly float* PackA, PackB, Tile;

        Workspace()
        {
            // Slack after each buffer: the packers may write a full vector past a panel's last row.
            PackA = (float*)NativeMemory.AlignedAlloc((nuint)(MC * KC + 64) * sizeof(float), 64);
            PackB = (float*)NativeMemory.AlignedAlloc((nuint)(KC * NC + 64) * sizeof(float), 64);
            Tile = (float*)NativeMemory.AlignedAlloc(16 * 64 * sizeof(float), 64);
        }

        // The buffers are plain memory with no other owner, so returning them when the thread dies is all
        // this finalizer does; nothing depends on when it runs.
        ~Workspace()
        {
            NativeMemory.AlignedFree(PackA);
            NativeMemory.AlignedFree(PackB);
            NativeMemory.AlignedFree(Tile);
        }
    }

    /// <summary>A rectangle of C that one thread computes in full (all of k), so threads never synchronise.</summary>
    readonly struct SgemmPart(SgemmArgs args, bool splitN, bool fewRows, int parts)
    {
        public readonly SgemmArgs Args = args;
        public readonly bool SplitN = splitN, FewRows = fewRows;
        public readonly int Parts = parts;

        public void Run(int part)
        {
            if (FewRows)
            {
                var (j0, j1) = Slice(Args.N, Parts, part, 64);
                if (j0 < j1) SgemmFewRows(in Args, j0, j1);
            }
            else if (SplitN)
            {
                var (j0, j1) = Slice(Args.N, Parts, part, MicroKernel.NR);
                if (j0 < j1) SgemmBlocked(in Args, 0, Args.M, j0, j1);
            }
            else
            {
                var (i0, i1) = Slice(Args.M, Parts, part, MicroKernel.MR);
                if (i0 < i1) SgemmBlocked(in Args, i0, i1, 0, Args.N);
            }
        }
    }

    /// <summary>The part-th of parts equal slices of 0…length, with inner boundaries on multiples of align.</summary>
    static (int Start, int End) Slice(int length, int parts, int part, int align)
    {
        int units = (length + align - 1) / align;
        int start = (int)Math.Min((long)units * part / parts * align, length);
        int end = (int)Math.Min((long)units * (part + 1) / parts * align, length);
        return (start, end);
    }

    static void SgemmDispatch(in SgemmArgs p)
    {
        int threads = Threads.Count;
        bool large = threads > 1 && (long)p.M * p.N * p.K >= ParallelVolume;
        if (TakesFewRows(in p))
        {
            // Reading B once is memory-bound: a second thread pays only once B is far beyond L2 (measured:
            // 3×1000×1000 ran slower on 2 threads, 2×4096×4096 1.8× faster).
            int chunks = (p.N + 63) / 64;
            if (large && (long)p.N * p.K >= FewRowsParallelElements && chunks >= 2) Threads.For(Math.Min(threads, chunks), new SgemmPart(p, true, true, Math.Min(threads, chunks)), static (part, s) => s.Run(part));
            else SgemmFewRows(in p, 0, p.N);
            return;
        }
        if (large)
        {
            // Each thread computes all of k for a slice of M (then it packs all of B itself) or of N (then
            // all of A). Pick the split with the smaller per-thread cost: the slice's flops, rounded up to
            // whole MR / NR units (160 columns split 64 + 96, 160 rows 80 + 80), plus the packing, where a
            // copied element is taken to cost about as much as 32 flops (a rough estimate, not a measurement).
            // A short, wide product (a batch through a large layer, a weight gradient) thus splits N and
            // packs the small A twice instead of the large B, which is what beat OpenBLAS in DESIGN.md.
            bool splitN = SplitCost(p.N, MicroKernel.NR, p.M, threads, p.K) < SplitCost(p.M, MicroKernel.MR, p.N, threads, p.K)
                && p.N >= threads * MicroKernel.NR;
            int span = splitN ? (p.N + MicroKernel.NR - 1) / MicroKernel.NR : (p.M + MicroKernel.MR - 1) / MicroKernel.MR;
            int parts = Math.Min(threads, span);
            if (parts > 1)
            {
                Threads.For(parts, new SgemmPart(p, splitN, false, parts), static (part, s) => s.Run(part));
                return;
            }
        }
        SgemmBlocked(in p, 0, p.M, 0, p.N);
    }

    /// <summary>One thread's cost, in flops, when <paramref name="split"/> (of granule <paramref name="unit"/>)
    /// is divided over <paramref name="threads"/> and <paramref name="other"/> is not.</summary>
    static double SplitCost(int split, int unit, int other, int threads, int k)
    {
        int units = (split + unit - 1) / unit;
        double share = Math.Min(split, (units + threads - 1) / threads * unit);
        const double PackedElementFlops = 32;
        return 2.0 * k * share * other + PackedElementFlops * k * (other + share);
    }

    /// <summary>
    /// C[i0:i1, j0:j1] = alpha · op(A)[i0:i1, :] · op(B)[:, j0:j1] + beta · C[i0:i1, j0:j1], single-threaded,
    /// in the BLIS order: for each NC-wide block of columns and KC-deep slice of k, pack that block of op(B)
    /// once; for each MC-tall block of rows pack op(A); then sweep MR×NR tiles with the micro-kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void SgemmBlocked(in SgemmArgs p, int i0, int i1, int j0, int j1)
    {
        var ws = Workspace.Current;
        int mr = MicroKernel.MR, nr = MicroKernel.PanelWidth(p.N);
        for (int jc = j0; jc < j1; jc += NC)
        {
            int nc = Math.Min(NC, j1 - jc);
            for (int pc = 0; pc < p.K; pc += KC)
            {
                int kc = Math.Min(KC, p.K - pc);
                // Only the first k-slice applies beta; the later ones accumulate onto it.
                float beta = pc == 0 ? p.Beta : 1f;
                PackB(p.TransB, p.B, p.Ldb, pc, kc, jc, nc, ws.PackB, nr);
                for (int ic = i0; ic < i1; ic += MC)
                {
                    int mc = Math.Min(MC, i1 - ic);
                    PackA(p.TransA, p.A, p.Lda, ic, mc, pc, kc, ws.PackA, mr);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nw = Math.Min(nr, nc - jr);
                        float* bp = ws.PackB + (long)jr * kc;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int mh = Math.Min(mr, mc - ir);
                            float* ap = ws.PackA + (long)ir * kc;
                            float* cp = p.C + (long)(ic + ir) * p.Ldc + jc + jr;
                            if (mh == mr && nw == nr)
                                MicroKernel.Run(kc, ap, bp, cp, p.Ldc, p.Alpha, beta, nr);
                            else
                                EdgeTile(kc, ap, bp, cp, p.Ldc, mh, nw, nr, p.Alpha, beta, ws.Tile);
                            // The tile is final after the last k-slice and still in L1: finish it there.
                            if (p.HasEpilogue && pc + kc == p.K)
                                Epilogue(cp, p.Ldc, mh, nw, p.ColumnBias == null ? null : p.ColumnBias + jc + jr, p.Relu);
                        }
                    }
                }
            }
        }
    }

    /// <summary>c[0:rows, 0:cols] += bias[0:cols] (when not null), then max(·, 0) when relu.</summary>
    static void Epilogue(float* c, int ldc, int rows, int cols, float* bias, bool relu)
    {
        for (int i = 0; i < rows; i++)
        {
            float* row = c + (long)i * ldc;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
                for (; j + 16 <= cols; j += 16)
                {
                    var v = Vector512.Load(row + j);
                    if (bias != null) v += Vector512.Load(bias + j);
                    if (relu) v = Vector512.Max(v, Vector512<float>.Zero);
                    Vector512.Store(v, row + j);
                }
            for (; j < cols; j++)
            {
                float v = row[j];
                if (bias != null) v += bias[j];
                if (relu) v = v > 0f || float.IsNaN(v) ? v : 0f; // NaN stays NaN, as in ReluOp
                row[j] = v;
            }
        }
    }

    /// <summary>A partial tile at the bottom or right edge: compute the full MR×NR tile into a temporary
    /// (the packed panels are zero-padded) and copy back only the rows and columns that exist.</summary>
    static void EdgeTile(int kc, float* ap, float* bp, float* c, int ldc, int rows, int cols, int nr, float alpha, float beta, float* tile)
    {
        MicroKernel.Run(kc, ap, bp, tile, nr, alpha, 0f, nr);
        for (int i = 0; i < rows; i++)
        {
            float* t = tile + i * nr;
            float* crow = c + (long)i * ldc;
            if (beta == 0f) for (int j = 0; j < cols; j++) crow[j] = t[j];
            else for (int j = 0; j < cols; j++) crow[j] = t[j] + beta * crow[j];
        }
    }

    /// <summary>
    /// The product by its definition, one dot product per element: for the smallest products the packing
    /// and the padded micro-tiles cost more than the arithmetic they save.
    /// </summary>
    static void SgemmTiny(in SgemmArgs p)
    {
        // Element (i, kk) of op(A) is A[i·sai + kk·sak]; likewise for op(B).
        long sai = p.TransA ? 1 : p.Lda, sak = p.TransA ? p.Lda : 1;
        long sbk = p.TransB ? 1 : p.Ldb, sbj = p.TransB ? p.Ldb : 1;
        for (int i = 0; i < p.M; i++)
        {
            float* crow = p.C + (long)i * p.Ldc;
            for (int j = 0; j < p.N; j++)
            {
                float* ai = p.A + i * sai;
                float* bj = p.B + j * sbj;
                float sum = 0f;
                for (int kk = 0; kk < p.K; kk++) sum += ai[kk * sak] * bj[kk * sbk];
                crow[j] = p.Beta == 0f ? p.Alpha * sum : p.Alpha * sum + p.Beta * crow[j];
            }
        }
    }
}
