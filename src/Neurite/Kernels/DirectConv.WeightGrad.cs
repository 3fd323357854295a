using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurite.Kernels;

// The weight gradient of the direct convolution: the same segments, taps and padded input as the forward pass
// (DirectConv.cs), with the output gradient streaming past lane-wise partial sums instead of weights.
internal static unsafe partial class DirectConv
{
    /// <summary>True when <see cref="WeightGrad"/> computes this convolution's weight gradient.</summary>
    public static bool AppliesToWeightGrad(in ConvGeometry g, int outChannels, int groups) =>
        Applies(in g) && outChannels / groups % Rows == 0;

    /// <summary>
    /// dw[O, C, KH, KW] = Σ_n Σ_p dy[n, o, p] · x[n, c, p shifted by (i, j)] (overwritten), for shapes where
    /// <see cref="AppliesToWeightGrad"/>: no column matrix. Each tile of 8 output channels × 2 taps keeps 16 vectors
    /// of 16 partial sums (one per position lane); per 16 positions it loads the two shifted input rows and the 8
    /// output-gradient rows and does 16 FMAs.
    /// </summary>
    /// <remarks>
    /// The sum over the batch is cut into <see cref="ReductionChunks"/> by the batch size, never by the thread count,
    /// so the result has the same bits at any thread count. A thread takes a chunk at a time: it accumulates the
    /// chunk's images into its own lane buffer, then drains the buffer (each weight's 16 lanes summed, the lanes
    /// zeroed for the next chunk) into the chunk's partial of dw; the partials are added in chunk order at the end.
    /// </remarks>
    public static void WeightGrad(float* x, float* dy, float* dw, int n, int outChannels, int groups, in ConvGeometry g)
    {
        int k = g.ColRows;
        var plan = new Plan(in g);
        long weights = (long)outChannels * k;
        long lanes = weights * Width;                          // one vector of partial sums per weight
        long work = (long)n * outChannels * k * g.ColCols;
        int chunks = ReductionChunks.Count(n, work >= 1 << 20);
        int slots = Math.Min(Threads.Count, chunks);           // lane buffers: one per thread taking chunks
        // slots lane buffers, the partials of chunks 1… (chunk 0 drains into dw), then the tap offsets and segment starts
        long floats = slots * lanes + (chunks - 1) * weights;
        var buffer = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float) + (k + plan.Segments) * sizeof(int)), 64);
        try
        {
            float* partials = buffer + slots * lanes;
            int* offsets = (int*)(buffer + floats);
            plan.FillOffsets(offsets, in g);
            new Span<float>(buffer, (int)(slots * lanes)).Clear();
            plan.FillStarts(offsets + k, g.OW);
            var job = new GradJob(x, dy, dw, buffer, partials, offsets, offsets + k, n, outChannels, groups, lanes, chunks, slots, g);
            if (slots == 1) job.Slot(0);
            else Threads.For(slots, job, static (slot, s) => s.Slot(slot));
            // dw = partial₀ + partial₁ + … + partial_{chunks−1}, in chunk order
            var total = new Span<float>(dw, (int)weights);
            for (int c = 1; c < chunks; c++) TensorPrimitives.Add(total, new ReadOnlySpan<float>(partials + (c - 1) * weights, (int)weights), total);
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    readonly struct GradJob(float* x, float* dy, float* dw, float* lanes, float* partials, int* offsets, int* starts, int n, int o, int groups, long laneCount, int chunks, int slots, ConvGeometry geo)
    {
        readonly float* X = x, Dy = dy, Dw = dw, Lanes = lanes, Partials = partials;
        readonly int* Offsets = offsets, Starts = starts;
        readonly int N = n, O = o, G = groups, Chunks = chunks, Slots = slots;
        readonly long LaneCount = laneCount;
        readonly ConvGeometry Geo = geo;

        /// <summary>Chunks slot, slot + Slots, … with lane buffer <paramref name="slot"/> (zero on entry and on return).</summary>
        public void Slot(int slot)
        {
            float* acc = Lanes + slot * LaneCount;
            long weights = LaneCount / Width;
            for (int c = slot; c < Chunks; c += Slots)
            {
                var (n0, n1) = ReductionChunks.Range(N, Chunks, c);
                Images(n0, n1, acc);
                Drain(acc, c == 0 ? Dw : Partials + (c - 1) * weights, weights);
            }
        }

        /// <summary>sum[w] = Σ of the 16 lanes of acc[w]; acc = 0.</summary>
        static void Drain(float* acc, float* sum, long weights)
        {
            for (long w = 0; w < weights; w++)
            {
                sum[w] = Vector512.Sum(Vector512.Load(acc + w * Width));
                Vector512.Store(Vector512<float>.Zero, acc + w * Width);
            }
        }

        void Images(int n0, int n1, float* acc)
        {
            var g = Geo;
            int og = O / G, k = g.ColRows, p = g.ColCols;
            var plan = new Plan(in g);
            bool pad = plan.NeedsPadding(in g);
            long paddedLength = plan.PaddedLength(in g);
            // Scratch (this thread's, reused): the padded input, then (extended grid) the output gradient of one group on the grid.
            float* scratch = Workspace<float>.Columns(paddedLength + (plan.Extended ? (long)og * plan.Stride : 0));
            float* padded = scratch, dyExt = scratch + paddedLength;
            for (int i = n0; i < n1; i++)
                for (int gr = 0; gr < G; gr++)
                {
                    float* xg = X + ((long)i * G + gr) * g.C * g.H * g.W;
                    float* src = xg;
                    if (pad) { Pad(xg, padded, in g, plan.PH, plan.PW); src = padded; }
                    float* dyg = Dy + ((long)i * O + gr * og) * p;
                    if (plan.Extended) { ToGrid(dyg, dyExt, og, in g, in plan); dyg = dyExt; }
                    for (int b = 0; b < og; b += Rows)
                    {
                        float* accBlock = acc + ((long)(gr * og + b) * k) * Width;
                        float* dyb = dyg + (long)b * plan.Stride;
                        int t = 0;
                        if (!plan.Extended)
                            for (; t + 2 <= k; t += 2) GradTile(src, Offsets[t], Offsets[t + 1], dyb, accBlock + t * Width, k, in g, plan.PW);
                        else
                            for (; t + 2 <= k; t += 2) GradTileGrid(src, Offsets[t], Offsets[t + 1], dyb, accBlock + t * Width, k, plan.Segments, plan.Stride);
                        if (t < k) GradTap(src, Offsets[t], dyb, accBlock + t * Width, k, Starts, plan.Segments, plan.Stride);
                    }
                }
        }
    }

    /// <summary><see cref="GradTile"/> on the extended grid, where segment s is at s·16 in both the padded input and
    /// the output gradient. (A table of segment starts used for both layouts measured ~20 % slower than the row
    /// loops of GradTile.)</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void GradTileGrid(float* x, int off0, int off1, float* dy, float* acc, int k, int segments, int p)
    {
        long stride = (long)k * Width;
        Vector512<float> a0 = Vector512.Load(acc), a1 = Vector512.Load(acc + stride), a2 = Vector512.Load(acc + 2 * stride), a3 = Vector512.Load(acc + 3 * stride);
        Vector512<float> a4 = Vector512.Load(acc + 4 * stride), a5 = Vector512.Load(acc + 5 * stride), a6 = Vector512.Load(acc + 6 * stride), a7 = Vector512.Load(acc + 7 * stride);
        Vector512<float> b0 = Vector512.Load(acc + Width), b1 = Vector512.Load(acc + stride + Width), b2 = Vector512.Load(acc + 2 * stride + Width), b3 = Vector512.Load(acc + 3 * stride + Width);
        Vector512<float> b4 = Vector512.Load(acc + 4 * stride + Width), b5 = Vector512.Load(acc + 5 * stride + Width), b6 = Vector512.Load(acc + 6 * stride + Width), b7 = Vector512.Load(acc + 7 * stride + Width);
        float* d0 = dy, d1 = dy + p, d2 = dy + 2L * p, d3 = dy + 3L * p, d4 = dy + 4L * p, d5 = dy + 5L * p, d6 = dy + 6L * p, d7 = dy + 7L * p;
        float* x0 = x + off0, x1 = x + off1;
        for (int s = 0; s < segments; s++)
        {
            long o = (long)s * Width; // on the extended grid, input taps and output gradients advance together
            var u = Vector512.Load(x0 + o);
            var v = Vector512.Load(x1 + o);
            var e = Vector512.Load(d0 + o); a0 = Avx512F.FusedMultiplyAdd(e, u, a0); b0 = Avx512F.FusedMultiplyAdd(e, v, b0);
            e = Vector512.Load(d1 + o); a1 = Avx512F.FusedMultiplyAdd(e, u, a1); b1 = Avx512F.FusedMultiplyAdd(e, v, b1);
            e = Vector512.Load(d2 + o); a2 = Avx512F.FusedMultiplyAdd(e, u, a2); b2 = Avx512F.FusedMultiplyAdd(e, v, b2);
            e = Vector512.Load(d3 + o); a3 = Avx512F.FusedMultiplyAdd(e, u, a3); b3 = Avx512F.FusedMultiplyAdd(e, v, b3);
            e = Vector512.Load(d4 + o); a4 = Avx512F.FusedMultiplyAdd(e, u, a4); b4 = Avx512F.FusedMultiplyAdd(e, v, b4);
            e = Vector512.Load(d5 + o); a5 = Avx512F.FusedMultiplyAdd(e, u, a5); b5 = Avx512F.FusedMultiplyAdd(e, v, b5);
            e = Vector512.Load(d6 + o); a6 = Avx512F.FusedMultiplyAdd(e, u, a6); b6 = Avx512F.FusedMultiplyAdd(e, v, b6);
            e = Vector512.Load(d7 + o); a7 = Avx512F.FusedMultiplyAdd(e, u, a7); b7 = Avx512F.FusedMultiplyAdd(e, v, b7);
        }
        Vector512.Store(a0, acc); Vector512.Store(a1, acc + stride); Vector512.Store(a2, acc + 2 * stride); Vector512.Store(a3, acc + 3 * stride);
        Vector512.Store(a4, acc + 4 * stride); Vector512.Store(a5, acc + 5 * stride); Vector512.Store(a6, acc + 6 * stride); Vector512.Store(a7, acc + 7 * stride);
        Vector512.Store(b0, acc + Width); Vector512.Store(b1, acc + stride + Width); Vector512.Store(b2, acc + 2 * stride + Width); Vector512.Store(b3, acc + 3 * stride + Width);
        Vector512.Store(b4, acc + 4 * stride + Width); Vector512.Store(b5, acc + 5 * stride + Width); Vector512.Store(b6, acc + 6 * stride + Width); Vector512.Store(b7, acc + 7 * stride + Width);
    }

    /// <summary>acc[r, t + s] += Σ_positions dy[r, ·] · x[off_s + ·] for 8 channels r and the taps s = 0, 1 at
    /// offsets off0, off1; acc rows (channels) are k·16 floats apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void GradTile(float* x, int off0, int off1, float* dy, float* acc, int k, in ConvGeometry g, int pw)
    {
        long stride = (long)k * Width;
        Vector512<float> a0 = Vector512.Load(acc), a1 = Vector512.Load(acc + stride), a2 = Vector512.Load(acc + 2 * stride), a3 = Vector512.Load(acc + 3 * stride);
        Vector512<float> a4 = Vector512.Load(acc + 4 * stride), a5 = Vector512.Load(acc + 5 * stride), a6 = Vector512.Load(acc + 6 * stride), a7 = Vector512.Load(acc + 7 * stride);
        Vector512<float> b0 = Vector512.Load(acc + Width), b1 = Vector512.Load(acc + stride + Width), b2 = Vector512.Load(acc + 2 * stride + Width), b3 = Vector512.Load(acc + 3 * stride + Width);
        Vector512<float> b4 = Vector512.Load(acc + 4 * stride + Width), b5 = Vector512.Load(acc + 5 * stride + Width), b6 = Vector512.Load(acc + 6 * stride + Width), b7 = Vector512.Load(acc + 7 * stride + Width);
        int p = g.ColCols;
        for (int oh = 0; oh < g.OH; oh++)
            for (int ow = 0; ow < g.OW; ow += Width)
            {
                float* xr = x + oh * pw + ow;
                float* d = dy + oh * g.OW + ow;
                var u = Vector512.Load(xr + off0);
                var v = Vector512.Load(xr + off1);
                var e = Vector512.Load(d); a0 = Avx512F.FusedMultiplyAdd(e, u, a0); b0 = Avx512F.FusedMultiplyAdd(e, v, b0);
                e = Vector512.Load(d + p); a1 = Avx512F.FusedMultiplyAdd(e, u, a1); b1 = Avx512F.FusedMultiplyAdd(e, v, b1);
                e = Vector512.Load(d + 2 * p); a2 = Avx512F.FusedMultiplyAdd(e, u, a2); b2 = Avx512F.FusedMultiplyAdd(e, v, b2);
                e = Vector512.Load(d + 3 * p); a3 = Avx512F.FusedMultiplyAdd(e, u, a3); b3 = Avx512F.FusedMultiplyAdd(e, v, b3);
                e = Vector512.Load(d + 4 * p); a4 = Avx512F.FusedMultiplyAdd(e, u, a4); b4 = Avx512F.FusedMultiplyAdd(e, v, b4);
                e = Vector512.Load(d + 5 * p); a5 = Avx512F.FusedMultiplyAdd(e, u, a5); b5 = Avx512F.FusedMultiplyAdd(e, v, b5);
                e = Vector512.Load(d + 6 * p); a6 = Avx512F.FusedMultiplyAdd(e, u, a6); b6 = Avx512F.FusedMultiplyAdd(e, v, b6);
                e = Vector512.Load(d + 7 * p); a7 = Avx512F.FusedMultiplyAdd(e, u, a7); b7 = Avx512F.FusedMultiplyAdd(e, v, b7);
            }
        Vector512.Store(a0, acc); Vector512.Store(a1, acc + stride); Vector512.Store(a2, acc + 2 * stride); Vector512.Store(a3, acc + 3 * stride);
        Vector512.Store(a4, acc + 4 * stride); Vector512.Store(a5, acc + 5 * stride); Vector512.Store(a6, acc + 6 * stride); Vector512.Store(a7, acc + 7 * stride);
        Vector512.Store(b0, acc + Width); Vector512.Store(b1, acc + stride + Width); Vector512.Store(b2, acc + 2 * stride + Width); Vector512.Store(b3, acc + 3 * stride + Width);
        Vector512.Store(b4, acc + 4 * stride + Width); Vector512.Store(b5, acc + 5 * stride + Width); Vector512.Store(b6, acc + 6 * stride + Width); Vector512.Store(b7, acc + 7 * stride + Width);
    }

    /// <summary>The last tap when the tap count is odd: acc[r, t] += Σ_positions dy[r, ·] · x[off + ·].</summary>
    static void GradTap(float* x, int off, float* dy, float* acc, int k, int* starts, int segments, int p)
    {
        for (int r = 0; r < Rows; r++)
        {
            float* a = acc + (long)r * k * Width;
            var sum = Vector512.Load(a);
            for (int s = 0; s < segments; s++)
                sum = Avx512F.FusedMultiplyAdd(Vector512.Load(dy + (long)r * p + s * Width), Vector512.Load(x + off + starts[s]), sum);
            Vector512.Store(sum, a);
        }
    }

    /// <summary>grid[c, oh·PW + ow] = dy[c, oh, ow] for ow &lt; OW, 0 in the extra columns and after the last row.</summary>
    static void ToGrid(float* dy, float* grid, int channels, in ConvGeometry g, in Plan plan)
    {
        new Span<float>(grid, channels * plan.Stride).Clear();
        for (int c = 0; c < channels; c++)
            for (int oh = 0; oh < g.OH; oh++)
                new ReadOnlySpan<float>(dy + ((long)c * g.OH + oh) * g.OW, g.OW).CopyTo(new Span<float>(grid + (long)c * plan.Stride + oh * plan.PW, g.OW));
    }
}
