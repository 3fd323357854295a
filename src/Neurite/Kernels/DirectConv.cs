using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurite.Kernels;

/// <summary>
/// Direct float32 convolution for stride 1 and dilation 1 (the 3×3 layers of CIFAR-sized networks, LeNet's 5×5
/// ones): no column matrix. Each tile of 8 output channels × 32 output positions lives in 16
/// AVX-512 registers; for every tap k = (c, i, j) it loads two 16-wide rows of the (zero-padded) input, shifted
/// by (i, j), broadcasts the 8 weights of that tap and does 16 FMAs — the GEMM micro-kernel's arithmetic, with B
/// read straight from the image instead of from an im2col matrix that was written, read and packed again.
/// </summary>
/// <remarks>
/// Measured (bench `conv`, batch 64, 1 thread): im2col + SGEMM ran ResNet-20's 16-channel 32×32 layer at 61–70
/// GFLOP/s, a third of the SGEMM's speed: with only 16 output channels, each column element is used 16 times,
/// so unfolding and packing the 9× larger column matrix cost more than the multiply-adds. Used for the forward
/// pass and, through <see cref="Conv2dKernel"/>'s input-gradient-as-convolution, for the input gradient.
/// </remarks>
internal static unsafe partial class DirectConv
{
    const int Rows = 8, Width = 16;

    /// <summary>Off sends every convolution through im2col + GEMM (tests compare the two routes).</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>True when the direct kernel computes this convolution (else im2col + GEMM does).</summary>
    public static bool Applies(in ConvGeometry g) =>
        Enabled && Avx512F.IsSupported && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1 && !g.IsPointwise
        && (long)g.C * g.KH * g.KW <= 1 << 16 && (g.OW % Width == 0 || g.OW >= MinExtendedWidth);

    /// <summary>Narrower rows than this go through im2col: on ResNet's 8×8 maps the direct kernel measured slower
    /// (few positions per image, so tiles are short and the weight-gradient partial sums dominate).</summary>
    const int MinExtendedWidth = 10;

    /// <summary>
    /// How output positions are cut into 16-wide segments. When rows are a multiple of 16 wide, a segment is part
    /// of one row and both its input taps and its outputs are contiguous. Otherwise the kernel computes an
    /// "extended grid": position q = oh·PW + ow for ow up to the padded width PW, so segment s reads the padded
    /// input at s·16 + tap offset — contiguous for any width — and the KW − 1 extra columns per row are computed
    /// and dropped (outputs go to a scratch plane and the valid columns are copied out; output gradients are
    /// copied in with zeros there, so the extra columns add nothing to the weight gradient).
    /// </summary>
    readonly struct Plan
    {
        public readonly int PH, PW, Segments, Stride;   // Stride: floats between channels in the segment layout
        public readonly bool Extended;

        public Plan(in ConvGeometry g)
        {
            PH = g.OH + g.KH - 1;
            PW = g.OW + g.KW - 1;
            Extended = g.OW % Width != 0;
            Segments = Extended ? ((g.OH - 1) * PW + g.OW + Width - 1) / Width : g.ColCols / Width;
            Stride = Extended ? Segments * Width : g.ColCols;
        }

        /// <summary>Where segment s's taps start in the padded input (tap offsets are added to it).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Start(int s, int ow) => Extended ? s * Width : s * Width / ow * PW + s * Width % ow;

        /// <summary>offsets[t] = where tap t = (c, i, j) reads in the padded input, relative to a segment's start.</summary>
        public void FillOffsets(int* offsets, in ConvGeometry g)
        {
            for (int c = 0, t = 0; c < g.C; c++)
                for (int i = 0; i < g.KH; i++)
                    for (int j = 0; j < g.KW; j++, t++) offsets[t] = (c * PH + i) * PW + j;
        }

        /// <summary>starts[s] = Start(s) for every segment (a table: Start divides).</summary>
        public void FillStarts(int* starts, int ow)
        {
            for (int s = 0; s < Segments; s++) starts[s] = Start(s, ow);
        }

        /// <summary>The padded input is needed (an extended grid always reads it: its last segment runs past the image).</summary>
        public bool NeedsPadding(in ConvGeometry g) => Extended || g.PT != 0 || g.PL != 0 || g.H != PH || g.W != PW;

        /// <summary>Floats of padded input, with slack for the last extended segment (≤ 15 past the planes).</summary>
        public long PaddedLength(in ConvGeometry g) => (long)g.C * PH * PW + Width;
    }

    /// <summary>y[N, O, OH, OW] = conv(x[N, G·C, H, W], w[O, C, KH, KW]) + bias (may be null); requires <see cref="Applies"/>.</summary>
    public static void Forward(float* x, float* w, float* bias, float* y, int n, int outChannels, int groups, in ConvGeometry g, bool relu = false)
    {
        int og = outChannels / groups, k = g.ColRows, blocks = (og + Rows - 1) / Rows;
        long packedWeights = (long)groups * blocks * k * Rows;
        var plan = new Plan(in g);
        float* wp = (float*)NativeMemory.AlignedAlloc((nuint)(packedWeights * sizeof(float) + (k + plan.Segments) * sizeof(int)), 64);
        try
        {
            int* offsets = (int*)(wp + packedWeights);
            PackWeights(w, wp, groups, og, k, blocks);
            plan.FillOffsets(offsets, in g);
            plan.FillStarts(offsets + k, g.OW);
            var job = new Job(x, wp, offsets, offsets + k, bias, y, n, outChannels, groups, blocks, g) { Relu = relu };
            long work = (long)n * outChannels * k * g.ColCols;
            int parts = work >= 1 << 20 ? Math.Min(Threads.Count, n) : 1;
            if (parts == 1) job.Images(0, n);
            else Threads.For(parts, job with { Parts = parts }, static (part, s) => s.Images((int)((long)s.N * part / s.Parts), (int)((long)s.N * (part + 1) / s.Parts)));
        }
        finally
        {
            NativeMemory.AlignedFree(wp);
        }
    }

    /// <summary>y[c, oh, ow] = grid[c, oh·PW + ow]: the valid columns of an extended-grid output.</summary>
    static void FromGrid(float* grid, float* y, int channels, in ConvGeometry g, in Plan plan)
    {
        for (int c = 0; c < channels; c++)
            for (int oh = 0; oh < g.OH; oh++)
                new ReadOnlySpan<float>(grid + (long)c * plan.Stride + oh * plan.PW, g.OW).CopyTo(new Span<float>(y + ((long)c * g.OH + oh) * g.OW, g.OW));
    }

    /// <summary>wp[g][block][k][r] = w[g·og + block·8 + r][k], zero past the group's last channel.</summary>
    static void PackWeights(float* w, float* wp, int groups, int og, int k, int blocks)
    {
        for (int gr = 0; gr < groups; gr++)
            for (int b = 0; b < blocks; b++)
            {
                float* dst = wp + ((long)gr * blocks + b) * k * Rows;
                for (int r = 0; r < Rows; r++)
                {
                    int o = b * Rows + r;
                    float* src = w + ((long)gr * og + o) * k;
                    for (int t = 0; t < k; t++) dst[t * Rows + r] = o < og ? src[t] : 0f;
                }
            }
    }

    readonly struct Job(float* x, float* wp, int* offsets, int* starts, float* bias, float* y, int n, int o, int groups, int blocks, ConvGeometry geo)
    {
        readonly float* X = x, Wp = wp, Bias = bias, Y = y;
        readonly int* Offsets = offsets, Starts = starts;
        readonly int O = o, G = groups, Blocks = blocks;
        readonly ConvGeometry Geo = geo;
        public readonly int N = n;
        public int Parts { get; init; } = 1;
        public bool Relu { get; init; }

        public void Images(int n0, int n1)
        {
            var g = Geo;
            int og = O / G, k = g.ColRows, p = g.ColCols;
            var plan = new Plan(in g);
            bool pad = plan.NeedsPadding(in g);
            long paddedLength = plan.PaddedLength(in g);
            int segments = plan.Segments, stride = plan.Stride;
            // Scratch (this thread's, reused): the padded input, then (extended grid) the output of one group on the grid.
            float* scratch = Workspace<float>.Columns(paddedLength + (plan.Extended ? (long)Blocks * Rows * stride : 0));
            float* padded = scratch, grid = scratch + paddedLength;
            for (int i = n0; i < n1; i++)
                for (int gr = 0; gr < G; gr++)
                {
                    float* xg = X + ((long)i * G + gr) * g.C * g.H * g.W;
                    float* src = xg;
                    if (pad) { Pad(xg, padded, in g, plan.PH, plan.PW); src = padded; }
                    float* yg = plan.Extended ? grid : Y + ((long)i * O + gr * og) * p;
                    for (int b = 0; b < Blocks; b++)
                    {
                        int rows = Math.Min(Rows, og - b * Rows);
                        float* wk = Wp + ((long)gr * Blocks + b) * k * Rows;
                        float* yb = yg + (long)b * Rows * stride;
                        float* bias = Bias == null ? null : Bias + gr * og + b * Rows;
                        for (int s = 0; s < segments; s += 2)
                        {
                            int in0 = Starts[s];
                            if (s + 1 < segments)
                                Tile2(src, Offsets, k, wk, in0, Starts[s + 1], yb + s * Width, yb + (s + 1) * Width, stride, rows, bias, Relu);
                            else Tile2(src, Offsets, k, wk, in0, in0, yb + s * Width, null, stride, rows, bias, Relu); // an odd last segment: computed twice, stored once
                        }
                    }
                    if (plan.Extended) FromGrid(grid, Y + ((long)i * O + gr * og) * p, og, in g, in plan);
                }
        }
    }

    /// <summary>dst[C, ph, pw] = x[C, H, W] placed at (PT, PL), zeros around it.</summary>
    static void Pad(float* x, float* dst, in ConvGeometry g, int ph, int pw)
    {
        new Span<float>(dst + (long)g.C * ph * pw, Width).Clear(); // the slack an extended grid's last segment reads
        int copy = Math.Min(g.W, pw - g.PL);
        for (int c = 0; c < g.C; c++)
            for (int r = 0; r < ph; r++)
            {
                float* row = dst + ((long)c * ph + r) * pw;
                int ih = r - g.PT;
                if ((uint)ih >= (uint)g.H || copy <= 0) { new Span<float>(row, pw).Clear(); continue; }
                for (int s = 0; s < g.PL; s++) row[s] = 0f;
                new ReadOnlySpan<float>(x + ((long)c * g.H + ih) * g.W, copy).CopyTo(new Span<float>(row + g.PL, copy));
                for (int s = g.PL + copy; s < pw; s++) row[s] = 0f;
            }
    }

    /// <summary>8 output channels (rows valid) × two 16-wide segments, over all k taps; y1 null stores only the first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Tile2(float* x, int* offsets, int k, float* wk, int in0, int in1, float* y0, float* y1, int p, int rows, float* bias, bool relu)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        float* x0 = x + in0, x1 = x + in1;
        for (int t = 0; t < k; t++, wk += Rows)
        {
            int off = offsets[t];
            var u = Vector512.Load(x0 + off);
            var v = Vector512.Load(x1 + off);
            var w = Vector512.Create(wk[0]); a0 = Avx512F.FusedMultiplyAdd(w, u, a0); b0 = Avx512F.FusedMultiplyAdd(w, v, b0);
            w = Vector512.Create(wk[1]); a1 = Avx512F.FusedMultiplyAdd(w, u, a1); b1 = Avx512F.FusedMultiplyAdd(w, v, b1);
            w = Vector512.Create(wk[2]); a2 = Avx512F.FusedMultiplyAdd(w, u, a2); b2 = Avx512F.FusedMultiplyAdd(w, v, b2);
            w = Vector512.Create(wk[3]); a3 = Avx512F.FusedMultiplyAdd(w, u, a3); b3 = Avx512F.FusedMultiplyAdd(w, v, b3);
            w = Vector512.Create(wk[4]); a4 = Avx512F.FusedMultiplyAdd(w, u, a4); b4 = Avx512F.FusedMultiplyAdd(w, v, b4);
            w = Vector512.Create(wk[5]); a5 = Avx512F.FusedMultiplyAdd(w, u, a5); b5 = Avx512F.FusedMultiplyAdd(w, v, b5);
            w = Vector512.Create(wk[6]); a6 = Avx512F.FusedMultiplyAdd(w, u, a6); b6 = Avx512F.FusedMultiplyAdd(w, v, b6);
            w = Vector512.Create(wk[7]); a7 = Avx512F.FusedMultiplyAdd(w, u, a7); b7 = Avx512F.FusedMultiplyAdd(w, v, b7);
        }
        Store(y0, y1, 0, p, rows, bias, relu, a0, b0);
        Store(y0, y1, 1, p, rows, bias, relu, a1, b1);
        Store(y0, y1, 2, p, rows, bias, relu, a2, b2);
        Store(y0, y1, 3, p, rows, bias, relu, a3, b3);
        Store(y0, y1, 4, p, rows, bias, relu, a4, b4);
        Store(y0, y1, 5, p, rows, bias, relu, a5, b5);
        Store(y0, y1, 6, p, rows, bias, relu, a6, b6);
        Store(y0, y1, 7, p, rows, bias, relu, a7, b7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* y0, float* y1, int r, int p, int rows, float* bias, bool relu, Vector512<float> u, Vector512<float> v)
    {
        if (r >= rows) return;
        if (bias != null)
        {
            var b = Vector512.Create(bias[r]);
            u += b;
            v += b;
        }
        if (relu)
        {
            // max(·, 0) keeping NaN, as ReluOp does
            u = Vector512.ConditionalSelect(Vector512.GreaterThan(u, Vector512<float>.Zero) | Vector512.IsNaN(u), u, Vector512<float>.Zero);
            v = Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero) | Vector512.IsNaN(v), v, Vector512<float>.Zero);
        }
        Vector512.Store(u, y0 + (long)r * p);
        if (y1 != null) Vector512.Store(v, y1 + (long)r * p);
    }
}
