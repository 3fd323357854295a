using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurite.Kernels;

/// <summary>
/// 2-D pooling over independent planes (N·C of them in NCHW), forward and backward, split over
/// <see cref="Threads.Count"/> threads by planes when the work is large. The window of output (oh, ow) covers
/// input rows oh·SH − PT … oh·SH − PT + KH − 1 (columns likewise); positions outside the image are padding.
/// </summary>
/// <remarks>
/// Max pooling skips padding (as if −∞) and records the argmax (the flat index ih·W + iw within the plane, the
/// first one on ties; NaN wins, as in PyTorch) so backward routes each gradient to it. Average pooling divides
/// by KH·KW, counting padding (PyTorch's default <c>count_include_pad=True</c>). Adaptive average pooling uses
/// windows ⌊i·H/OH⌋ … ⌈(i + 1)·H/OH⌉ − 1.
/// </remarks>
internal static unsafe class Pool
{
    /// <summary>Plane-window reads below which pooling runs on the calling thread.</summary>
    const long ParallelWork = 1 << 18;

    enum Kind { MaxForward, MaxBackward, AvgForward, AvgBackward, AdaptiveForward, AdaptiveBackward }

    /// <summary>y[planes, OH, OW] = max over each window of x[planes, H, W]; argmax[planes, OH, OW] = its flat index in the plane.</summary>
    public static void MaxForward<T>(T* x, T* y, int* argmax, int planes, in ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(new Job<T>(Kind.MaxForward, x, y, argmax, planes, g));

    /// <summary>dx[planes, H, W] (overwritten) = Σ of dy over the outputs whose argmax it is.</summary>
    public static void MaxBackward<T>(T* dy, int* argmax, T* dx, int planes, in ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(new Job<T>(Kind.MaxBackward, dy, dx, argmax, planes, g));

    /// <summary>y = Σ over each window / (KH·KW), padding counted as zeros.</summary>
    public static void AvgForward<T>(T* x, T* y, int planes, in ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(new Job<T>(Kind.AvgForward, x, y, null, planes, g));

    /// <summary>dx (overwritten) = Σ over the windows containing each position of dy / (KH·KW).</summary>
    public static void AvgBackward<T>(T* dy, T* dx, int planes, in ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(new Job<T>(Kind.AvgBackward, dy, dx, null, planes, g));

    /// <summary>y[planes, OH, OW] = mean of x over the adaptive windows (KH, KW, strides and padding are ignored).</summary>
    public static void AdaptiveForward<T>(T* x, T* y, int planes, in ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(new Job<T>(Kind.AdaptiveForward, x, y, null, planes, g));

    /// <summary>dx (overwritten) = Σ over the adaptive windows containing each position of dy / window area.</summary>
    public static void AdaptiveBackward<T>(T* dy, T* dx, int planes, in ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(new Job<T>(Kind.AdaptiveBackward, dy, dx, null, planes, g));

    static void Run<T>(Job<T> job) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = job.Geo;
        long work = (long)job.Planes * Math.Max(g.H * g.W, g.OH * g.OW * g.KH * g.KW);
        int parts = work >= ParallelWork ? Math.Min(Threads.Count, job.Planes) : 1;
        if (parts == 1) job.Planes0To(0, job.Planes);
        else Threads.For(parts, job with { Parts = parts }, static (part, s) =>
            s.Planes0To((int)((long)s.Planes * part / s.Parts), (int)((long)s.Planes * (part + 1) / s.Parts)));
    }

    readonly struct Job<T>(Kind kind, T* src, T* dst, int* argmax, int planes, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly Kind Kind = kind;
        public readonly T* Src = src, Dst = dst;   // forward: x → y; backward: dy → dx
        public readonly int* Argmax = argmax;
        public readonly int Planes = planes;
        public readonly ConvGeometry Geo = g;
        public int Parts { get; init; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Planes0To(int p0, int p1)
        {
            int inPlane = Geo.H * Geo.W, outPlane = Geo.OH * Geo.OW;
            for (int p = p0; p < p1; p++)
            {
                bool forward = Kind is Kind.MaxForward or Kind.AvgForward or Kind.AdaptiveForward;
                T* s = Src + (long)p * (forward ? inPlane : outPlane);
                T* d = Dst + (long)p * (forward ? outPlane : inPlane);
                int* a = Argmax + (long)p * outPlane;
                if (!forward) new Span<T>(d, inPlane).Clear();
                switch (Kind)
                {
                    case Kind.MaxForward: MaxPlane(s, d, a); break;
                    case Kind.MaxBackward: for (int o = 0; o < outPlane; o++) d[a[o]] += s[o]; break;
                    case Kind.AvgForward: AvgPlane(s, d, false); break;
                    case Kind.AvgBackward: AvgPlane(d, s, true); break;
                    case Kind.AdaptiveForward: AdaptivePlane(s, d, false); break;
                    default: AdaptivePlane(d, s, true); break;
                }
            }
        }

        void MaxPlane(T* x, T* y, int* argmax)
        {
            var g = Geo;
            if (typeof(T) == typeof(float) && g is { KH: 2, KW: 2, SH: 2, SW: 2, PT: 0, PL: 0 } && 2 * g.OH <= g.H && 2 * g.OW <= g.W)
            {
                MaxPlane2x2((float*)x, (float*)y, argmax, in g);
                return;
            }
            for (int oh = 0; oh < g.OH; oh++)
            {
                int h0 = oh * g.SH - g.PT, h1 = Math.Min(h0 + g.KH, g.H);
                h0 = Math.Max(h0, 0);
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int w0 = ow * g.SW - g.PL, w1 = Math.Min(w0 + g.KW, g.W);
                    w0 = Math.Max(w0, 0);
                    T best = T.NegativeInfinity;
                    int at = h0 * g.W + w0;
                    for (int ih = h0; ih < h1; ih++)
                    {
                        T* row = x + ih * g.W;
                        for (int iw = w0; iw < w1; iw++)
                            if (row[iw] > best || T.IsNaN(row[iw]) && !T.IsNaN(best)) { best = row[iw]; at = ih * g.W + iw; }
                    }
                    y[oh * g.OW + ow] = best;
                    argmax[oh * g.OW + ow] = at;
                }
            }
        }

        /// <summary>
        /// 2×2 windows with stride 2 and no padding (LeNet's and VGG's pooling), float32: every window lies inside
        /// the plane, so there are no bounds to clip. Eight windows at a time: one 16-float load per input row,
        /// even and odd columns separated with a permute, the four candidates compared in window order (a later
        /// one wins only if greater, or NaN over a number, as in the general loop). The general loop ran LeNet-5's
        /// pooling at ~9 ns per output (21 % of a training step).
        /// </summary>
        static void MaxPlane2x2(float* x, float* y, int* argmax, in ConvGeometry g)
        {
            if (g.OW % 8 != 0 && (g.OW < 8 || !Avx512F.IsSupported) && Avx2.IsSupported)
            {
                MaxPlane2x2Gathered(x, y, argmax, in g);
                return;
            }
            // windows done 8 at a time (16 floats read per row); a row whose width is not a multiple of 8 windows
            // (LeNet's 14) ends with one block that overlaps the one before it and recomputes a few windows alike
            int w = g.W, ow8 = Avx512F.IsSupported ? g.OW / 8 * 8 : 0;
            bool overlap = ow8 > 0 && ow8 < g.OW;
            var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 0, 0, 0, 0, 0, 0, 0);
            var odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 0, 0, 0, 0, 0, 0, 0, 0);
            var twos = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
            for (int oh = 0; oh < g.OH; oh++)
            {
                float* r0 = x + 2 * oh * w, r1 = r0 + w;
                float* yr = y + oh * g.OW;
                int* ar = argmax + oh * g.OW;
                int ow = 0;
                for (int block = 0, blocks = ow8 / 8 + (overlap ? 1 : 0); block < blocks; block++)
                {
                    ow = Math.Min(8 * block, g.OW - 8);
                    int c = 2 * ow;
                    var top = Vector512.Load(r0 + c);
                    var bottom = Vector512.Load(r1 + c);
                    var at = Vector256.Create(2 * oh * w + c) + twos;
                    var best = Avx512F.PermuteVar16x32(top, even).GetLower();
                    var bestAt = at;
                    Take(ref best, ref bestAt, Avx512F.PermuteVar16x32(top, odd).GetLower(), at + Vector256.Create(1));
                    Take(ref best, ref bestAt, Avx512F.PermuteVar16x32(bottom, even).GetLower(), at + Vector256.Create(w));
                    Take(ref best, ref bestAt, Avx512F.PermuteVar16x32(bottom, odd).GetLower(), at + Vector256.Create(w + 1));
                    best.Store(yr + ow);
                    bestAt.Store(ar + ow);
                }
                if (ow8 > 0) ow = g.OW;
                for (; ow < g.OW; ow++) Window2x2(x, 2 * oh * w + 2 * ow, w, out yr[ow], out ar[ow]);
            }
        }

        /// <summary>
        /// <see cref="MaxPlane2x2"/> for rows that are not a multiple of 8 windows wide (LeNet's 14- and 5-wide outputs):
        /// the plane's windows are taken 8 at a time in flat order with gathers, so short rows do not fall back to
        /// the scalar loop, whose unpredictable branches cost ~4 ns a window.
        /// </summary>
        static void MaxPlane2x2Gathered(float* x, float* y, int* argmax, in ConvGeometry g)
        {
            int w = g.W, count = g.OH * g.OW, q = 0, oh = 0, ow = 0; // (oh, ow) of window q
            Span<int> first = stackalloc int[8];
            for (; q + 8 <= count; q += 8)
            {
                for (int l = 0; l < 8; l++)
                {
                    first[l] = 2 * oh * w + 2 * ow;
                    if (++ow == g.OW) { ow = 0; oh++; }
                }
                var at = Vector256.Create<int>(first);
                var best = Avx2.GatherVector256(x, at, 4);
                var bestAt = at;
                var next = at + Vector256.Create(1);
                Take(ref best, ref bestAt, Avx2.GatherVector256(x, next, 4), next);
                next = at + Vector256.Create(w);
                Take(ref best, ref bestAt, Avx2.GatherVector256(x, next, 4), next);
                next = at + Vector256.Create(w + 1);
                Take(ref best, ref bestAt, Avx2.GatherVector256(x, next, 4), next);
                best.Store(y + q);
                bestAt.Store(argmax + q);
            }
            for (; q < count; q++)
            {
                Window2x2(x, 2 * oh * w + 2 * ow, w, out y[q], out argmax[q]);
                if (++ow == g.OW) { ow = 0; oh++; }
            }
        }

        /// <summary>One 2×2 window whose top-left element is x[at], in window order with the same rule as <see cref="Take"/>.</summary>
        static void Window2x2(float* x, int at, int w, out float best, out int bestAt)
        {
            best = x[at];
            bestAt = at;
            foreach (int k in (ReadOnlySpan<int>)[at + 1, at + w, at + w + 1])
                if (x[k] > best || float.IsNaN(x[k]) && !float.IsNaN(best)) { best = x[k]; bestAt = k; }
        }

        /// <summary>Where v is greater than best, or NaN while best is not, take v and its index.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Take(ref Vector256<float> best, ref Vector256<int> bestAt, Vector256<float> v, Vector256<int> at)
        {
            var take = Vector256.GreaterThan(v, best) | (Vector256.IsNaN(v) & ~Vector256.IsNaN(best));
            best = Vector256.ConditionalSelect(take, v, best);
            bestAt = Vector256.ConditionalSelect(take.AsInt32(), at, bestAt);
        }

        /// <summary>Forward: out = Σ window of x / KH·KW. Backward (<paramref name="adjoint"/>): x[window] += out / KH·KW.</summary>
        void AvgPlane(T* x, T* y, bool adjoint)
        {
            var g = Geo;
            T scale = T.One / T.CreateChecked(g.KH * g.KW);
            for (int oh = 0; oh < g.OH; oh++)
            {
                int h0 = oh * g.SH - g.PT, h1 = Math.Min(h0 + g.KH, g.H);
                h0 = Math.Max(h0, 0);
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int w0 = ow * g.SW - g.PL, w1 = Math.Min(w0 + g.KW, g.W);
                    w0 = Math.Max(w0, 0);
                    Window(x, g.W, h0, h1, w0, w1, ref y[oh * g.OW + ow], scale, adjoint);
                }
            }
        }

        void AdaptivePlane(T* x, T* y, bool adjoint)
        {
            var g = Geo;
            for (int oh = 0; oh < g.OH; oh++)
            {
                int h0 = oh * g.H / g.OH, h1 = ((oh + 1) * g.H + g.OH - 1) / g.OH;
                for (int ow = 0; ow < g.OW; ow++)
                {
                    int w0 = ow * g.W / g.OW, w1 = ((ow + 1) * g.W + g.OW - 1) / g.OW;
                    Window(x, g.W, h0, h1, w0, w1, ref y[oh * g.OW + ow], T.One / T.CreateChecked((h1 - h0) * (w1 - w0)), adjoint);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Window(T* x, int w, int h0, int h1, int w0, int w1, ref T y, T scale, bool adjoint)
        {
            if (w1 <= w0) { if (!adjoint) y = T.Zero; return; }
            if (adjoint)
            {
                T v = y * scale;
                for (int ih = h0; ih < h1; ih++)
                {
                    var row = new Span<T>(x + (long)ih * w + w0, w1 - w0);
                    TensorPrimitives.Add(row, v, row);
                }
                return;
            }
            T sum = T.Zero;
            for (int ih = h0; ih < h1; ih++) sum += TensorPrimitives.Sum(new ReadOnlySpan<T>(x + (long)ih * w + w0, w1 - w0));
            y = sum * scale;
        }
    }
}
