using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Neurite.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation, as in PyTorch) over NCHW batches, forward and backward, as GEMMs on
/// im2col column matrices. Per image n and group g (Cg = C/G input and Og = O/G output channels, K = Cg·KH·KW,
/// P = OH·OW):
/// <code>
/// forward   Y[n, g]  = W[g] · col(X[n, g])                  [Og×K]·[K×P]
/// input     dX[n, g] = col2im(W[g]ᵀ · dY[n, g])             [K×Og]·[Og×P]
/// weight    dW[g]   += dY[n, g] · col(X[n, g])ᵀ  (Σ over n)  [Og×P]·[P×K]
/// bias      db[o]    = Σ_{n, p} dY[n, o, p]
/// </code>
/// </summary>
/// <remarks>
/// <para>The batch is split into contiguous slices when the work is large enough: <see cref="Threads.Count"/>
/// of them for the forward pass and the input gradient, which have no sum over images, and for the weight
/// gradient, a sum over the batch, <see cref="ReductionChunks"/> cut by the batch size alone, whose partials are
/// added in chunk order (the same bits at any thread count). Each thread unfolds into its own column buffer,
/// kept between calls (no allocation per image), and its GEMMs run single-threaded inside the split.
/// A 1×1 kernel with stride 1 and no padding skips im2col: X[n, g] already is the [K×P] matrix.</para>
/// <para>Choice measured (bench `conv`, LeNet and ResNet-20 layers, see docs in the benchmark file): explicit
/// im2col per image feeding the packed SGEMM.</para>
/// </remarks>
internal static unsafe class Conv2dKernel
{
    /// <summary>Multiply-adds below which the batch is not split over threads (the GEMMs may still split).</summary>
    const long ParallelWork = 1 << 20;

    /// <summary>y[N, O, OH, OW] = conv(x[N, C, H, W], w[O, C/G, KH, KW]) + bias[O] (bias may be null).</summary>
    /// <remarks>With <paramref name="relu"/>, y = max(y, 0) after the bias (NaN stays NaN).</remarks>
    public static void Forward<T>(T* x, T* w, T* bias, T* y, int n, int outChannels, int groups, in ConvGeometry g, bool relu = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && DirectConv.Applies(in g))
        {
            DirectConv.Forward((float*)x, (float*)w, (float*)bias, (float*)y, n, outChannels, groups, in g, relu);
            return;
        }
        var job = new Job<T>(x, w, bias, y, null, null, n, outChannels, groups, g, Mode.Forward);
        Run(ref job);
        if (relu)
        {
            var all = new Span<T>(y, checked((int)((long)n * outChannels * g.ColCols)));
            new Kernels.Operators.ReluOp().Invoke<T>(all, all);
        }
    }

    /// <summary>
    /// Gradients of a convolution: dx[N, C, H, W] (overwritten) from dy and w, and dw[O, C/G, KH, KW] (overwritten)
    /// from dy and x. Either output may be null to skip it. The bias gradient is <see cref="BiasGrad{T}"/>.
    /// </summary>
    public static void Backward<T>(T* x, T* w, T* dy, T* dx, T* dw, int n, int outChannels, int groups, in ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The transposed convolution has C/groups output channels: below 8 the direct kernel's 8-channel tiles run
        // mostly empty (LeNet-5's first layer, 1 channel: 0.61 vs 0.29 ms through col2im), so col2im stays.
        if (dx != null && InputGradViaConvolution && TransposedGeometry(in g) is { } back
            && (typeof(T) == typeof(float) && g.C >= 8 && DirectConv.Applies(back with { C = outChannels / groups }) || ForceInputGradViaConvolution))
        {
            InputGradByConvolution(w, dy, dx, n, outChannels, groups, in g, back);
            dx = null;
        }
        if (dw != null && typeof(T) == typeof(float) && DirectConv.AppliesToWeightGrad(in g, outChannels, groups))
        {
            DirectConv.WeightGrad((float*)x, (float*)dy, (float*)dw, n, outChannels, groups, in g);
            dw = null;
        }
        if (dx == null && dw == null) return;
        var job = new Job<T>(x, w, null, dy, dx, dw, n, outChannels, groups, g, Mode.Backward);
        Run(ref job);
    }

    /// <summary>
    /// Compute the input gradient of a stride-1 convolution as a forward convolution of dY with the flipped,
    /// channel-transposed kernel (a "full" convolution) instead of col2im(Wᵀ·dY), when <see cref="DirectConv"/>
    /// computes that convolution. Through im2col it was measured (bench `conv`, batch 64) no faster on ResNet-20's
    /// stage-1 layer (16→16, 32×32: 5.5 vs 5.9 ms at 1 thread) and 3–4× slower on LeNet-5's (its GEMM has only
    /// C/groups rows), so other shapes keep col2im. Switchable so the comparison can be repeated.
    /// </summary>
    internal static bool InputGradViaConvolution { get; set; } = true;

    /// <summary>Take the convolution route for the input gradient even where the direct kernel does not apply (tests).</summary>
    internal static bool ForceInputGradViaConvolution { get; set; }

    /// <summary>The geometry of dX = conv(dY, flip(W)ᵀ) for stride 1 when the padding allows it (pad ≤ dilation·(k − 1)), else null.</summary>
    static ConvGeometry? TransposedGeometry(in ConvGeometry g)
    {
        if (g.SH != 1 || g.SW != 1 || g.IsPointwise) return null;
        // dX[h] = Σ_i dY[h + PT − i·DH]·W[i] = Σ_i' dYpad[h + i'·DH]·W[KH − 1 − i'] with dY padded by DH·(KH − 1) − PT above
        int top = g.DH * (g.KH - 1) - g.PT, bottom = g.H - g.OH + g.PT;
        int left = g.DW * (g.KW - 1) - g.PL, right = g.W - g.OW + g.PL;
        if (top < 0 || bottom < 0 || left < 0 || right < 0) return null;
        return new ConvGeometry(0, g.OH, g.OW, g.KH, g.KW, 1, 1, top, left, g.DH, g.DW, g.H, g.W);
    }

    static void InputGradByConvolution<T>(T* w, T* dy, T* dx, int n, int outChannels, int groups, in ConvGeometry g, ConvGeometry back) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int og = outChannels / groups, cg = g.C, taps = g.KH * g.KW;
        long size = (long)outChannels * cg * taps;
        T* flipped = (T*)NativeMemory.AlignedAlloc((nuint)(size * sizeof(T)), 64);
        try
        {
            // W'[gr·Cg + c, o, i, j] = W[gr·Og + o, c, KH − 1 − i, KW − 1 − j]: per group [Cg, Og, kH, kW]
            for (int gr = 0; gr < groups; gr++)
                for (int o = 0; o < og; o++)
                    for (int c = 0; c < cg; c++)
                    {
                        T* src = w + ((long)(gr * og + o) * cg + c) * taps;
                        T* dst = flipped + ((long)(gr * cg + c) * og + o) * taps;
                        for (int t = 0; t < taps; t++) dst[t] = src[taps - 1 - t];
                    }
            Forward(dy, flipped, (T*)null, dx, n, cg * groups, groups, back with { C = og });
        }
        finally
        {
            NativeMemory.AlignedFree(flipped);
        }
    }

    /// <summary>db[o] = Σ_{n, p} dy[n, o, p] over dy[N, O, P].</summary>
    public static void BiasGrad<T>(T* dy, T* db, int n, int outChannels, int p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outChannels; o++) db[o] = T.Zero;
        for (int i = 0; i < n; i++)
            for (int o = 0; o < outChannels; o++)
                db[o] += TensorPrimitives.Sum(new ReadOnlySpan<T>(dy + ((long)i * outChannels + o) * p, p));
    }

    enum Mode { Forward, Backward }

    readonly struct Job<T>(T* x, T* w, T* bias, T* y, T* dx, T* dw, int n, int outChannels, int groups, ConvGeometry g, Mode mode) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // In Backward mode y holds dy.
        public readonly T* X = x, W = w, Bias = bias, Y = y, DX = dx, DW = dw;
        public readonly int N = n, O = outChannels, G = groups;
        public readonly ConvGeometry Geo = g;
        public readonly Mode Mode = mode;
        public T* Partials { get; init; }   // (parts − 1) weight-gradient partials for chunks 1…
        public int Parts { get; init; }

        public int Og => O / G;
        public int K => Geo.ColRows;        // Geo.C is the channels of one group
        public int P => Geo.ColCols;
        public long WeightSize => (long)O * K;

        public void RunPart(int part)
        {
            int n0 = (int)((long)N * part / Parts), n1 = (int)((long)N * (part + 1) / Parts);
            if (n0 == n1) return;
            T* col = Geo.IsPointwise ? null : Workspace<T>.Columns((long)K * P);
            if (Mode == Mode.Forward) ForwardImages(n0, n1, col);
            else BackwardImages(n0, n1, col, part == 0 ? DW : Partials + (part - 1) * WeightSize);
        }

        void ForwardImages(int n0, int n1, T* col)
        {
            int cin = Geo.C * G, og = Og, k = K, p = P;
            for (int i = n0; i < n1; i++)
                for (int gr = 0; gr < G; gr++)
                {
                    T* xg = X + ((long)i * cin + gr * Geo.C) * Geo.H * Geo.W;
                    T* b = xg;
                    if (col != null) { Im2Col.Unfold(xg, in Geo, col); b = col; }
                    T* yg = Y + ((long)i * O + gr * og) * p;
                    Gemm<T>(false, false, og, p, k, W + gr * og * (long)k, k, b, p, T.Zero, yg, p);
                    if (Bias != null)
                        for (int o = 0; o < og; o++)
                        {
                            var row = new Span<T>(yg + (long)o * p, p);
                            TensorPrimitives.Add(row, Bias[gr * og + o], row);
                        }
                }
        }

        void BackwardImages(int n0, int n1, T* col, T* dw)
        {
            int cin = Geo.C * G, og = Og, k = K, p = P;
            long plane = (long)Geo.H * Geo.W;
            for (int i = n0; i < n1; i++)
                for (int gr = 0; gr < G; gr++)
                {
                    T* xg = X + ((long)i * cin + gr * Geo.C) * plane;
                    T* dyg = Y + ((long)i * O + gr * og) * p;
                    T* wg = W + gr * og * (long)k;
                    if (dw != null)
                    {
                        // dW[g] (+)= dY · colᵀ: the first image of this slice overwrites, the rest accumulate
                        T* b = xg;
                        if (col != null) { Im2Col.Unfold(xg, in Geo, col); b = col; }
                        Gemm<T>(false, true, og, k, p, dyg, p, b, p, i == n0 ? T.Zero : T.One, dw + gr * og * (long)k, k);
                    }
                    if (DX != null)
                    {
                        T* dxg = DX + ((long)i * cin + gr * Geo.C) * plane;
                        if (col == null) { Gemm<T>(true, false, k, p, og, wg, k, dyg, p, T.Zero, dxg, p); continue; }
                        // dcol = Wᵀ · dY, folded back onto the input positions it came from
                        Gemm<T>(true, false, k, p, og, wg, k, dyg, p, T.Zero, col, p);
                        new Span<T>(dxg, (int)(Geo.C * plane)).Clear();
                        Im2Col.Fold(col, in Geo, dxg);
                    }
                }
        }
    }

    static void Run<T>(ref Job<T> job) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long work = (long)job.N * job.O * job.K * job.P;
        bool large = work >= ParallelWork, sumsImages = job.Mode == Mode.Backward && job.DW != null;
        // A slice per thread where images are independent; the weight gradient's sum over images is cut by the batch size only.
        int parts = sumsImages ? ReductionChunks.Count(job.N, large) : large ? Math.Min(Threads.Count, job.N) : 1;
        T* partials = null;
        bool needsPartials = sumsImages && parts > 1;
        if (needsPartials) partials = (T*)NativeMemory.AlignedAlloc((nuint)((parts - 1) * job.WeightSize * sizeof(T)), 64);
        try
        {
            var run = job with { Parts = parts, Partials = partials };
            if (parts == 1) run.RunPart(0);
            else Threads.For(parts, run, static (part, s) => s.RunPart(part));
            if (needsPartials)
            {
                // dW = partial₀ + partial₁ + … in chunk order (every chunk has an image)
                var total = new Span<T>(job.DW, (int)job.WeightSize);
                for (int q = 0; q < parts - 1; q++)
                    TensorPrimitives.Add(total, new ReadOnlySpan<T>(partials + q * job.WeightSize, (int)job.WeightSize), total);
            }
        }
        finally
        {
            if (partials != null) NativeMemory.AlignedFree(partials);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Gemm<T>(bool ta, bool tb, int m, int n, int k, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            Kernels.Gemm.Sgemm(ta, tb, m, n, k, 1f, (float*)a, lda, (float*)b, ldb, float.CreateTruncating(beta), (float*)c, ldc);
        else
            Kernels.Gemm.Dgemm(ta, tb, m, n, k, 1d, (double*)a, lda, (double*)b, ldb, double.CreateTruncating(beta), (double*)c, ldc);
    }
}

/// <summary>A per-thread, 64-byte aligned scratch buffer that grows to the largest size asked for and is then reused.</summary>
internal static unsafe class Workspace<T> where T : unmanaged
{
    [ThreadStatic] static Holder? holder;

    /// <summary>At least <paramref name="length"/> elements of this thread's column buffer (contents undefined).</summary>
    public static T* Columns(long length) => (holder ??= new Holder()).Get(length);

    sealed class Holder
    {
        T* buffer;
        long capacity;

        public T* Get(long length)
        {
            if (length > capacity)
            {
                if (buffer != null) NativeMemory.AlignedFree(buffer);
                capacity = Math.Max(length, capacity * 2);
                buffer = (T*)NativeMemory.AlignedAlloc((nuint)(capacity * sizeof(T)), 64);
            }
            return buffer;
        }

        // Plain memory with no other owner: freeing it when the thread dies is all this does.
        ~Holder()
        {
            if (buffer != null) NativeMemory.AlignedFree(buffer);
        }
    }
}
