using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurite.Kernels;

/// <summary>
/// The geometry of a 2-D convolution (or pooling) over one image plane: input C×H×W, kernel KH×KW,
/// stride (SH, SW), padding before the first row and column (PT, PL), dilation (DH, DW) and the output
/// size OH×OW. Padding after the last row and column is implied by OH, OW (it may differ from PT, PL,
/// as 'same' padding with an even kernel needs): every input position outside 0…H−1, 0…W−1 reads 0.
/// </summary>
/// <remarks>Output row oh reads input rows oh·SH − PT + i·DH for i = 0…KH−1 (columns likewise).</remarks>
internal readonly record struct ConvGeometry(int C, int H, int W, int KH, int KW, int SH, int SW, int PT, int PL, int DH, int DW, int OH, int OW)
{
    /// <summary>Rows of the column matrix: C·KH·KW.</summary>
    public int ColRows => C * KH * KW;

    /// <summary>Columns of the column matrix: OH·OW output positions.</summary>
    public int ColCols => OH * OW;

    /// <summary>True for a 1×1 kernel with stride 1 and no padding: the input plane already is the column matrix.</summary>
    public bool IsPointwise => KH == 1 && KW == 1 && SH == 1 && SW == 1 && PT == 0 && PL == 0 && OH == H && OW == W;

    /// <summary>The output size along one axis: ⌊(n + padBefore + padAfter − dilation·(k − 1) − 1) / stride⌋ + 1.</summary>
    public static int OutputSize(int n, int k, int stride, int padBefore, int padAfter, int dilation) =>
        (n + padBefore + padAfter - dilation * (k - 1) - 1) / stride + 1;
}

/// <summary>
/// im2col and its adjoint col2im: unfold the receptive fields of one image into a matrix so a convolution
/// becomes one GEMM (Chellapilla et al. 2006). Row (c·KH + i)·KW + j of the column matrix holds, for every
/// output position (oh, ow), the input value x[c, oh·SH − PT + i·DH, ow·SW − PL + j·DW] (0 outside the image).
/// </summary>
internal static unsafe class Im2Col
{
    /// <summary>col[C·KH·KW, OH·OW] ← the receptive fields of x[C, H, W].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unfold<T>(T* x, in ConvGeometry g, T* col) where T : unmanaged, INumberBase<T>
    {
        int plane = g.H * g.W, cols = g.OH * g.OW;
        for (int c = 0; c < g.C; c++)
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++)
                {
                    T* dst = col + (long)((c * g.KH + i) * g.KW + j) * cols;
                    T* src = x + (long)c * plane;
                    int dw = j * g.DW - g.PL;
                    var (ow0, ow1) = ValidRange(dw, g.SW, g.W, g.OW);
                    for (int oh = 0; oh < g.OH; oh++, dst += g.OW)
                    {
                        int ih = oh * g.SH - g.PT + i * g.DH;
                        if ((uint)ih >= (uint)g.H) { new Span<T>(dst, g.OW).Clear(); continue; }
                        T* row = src + (long)ih * g.W + dw;
                        for (int ow = 0; ow < ow0; ow++) dst[ow] = T.Zero;
                        if (g.SW == 1) CopyRow(row + ow0, dst + ow0, ow1 - ow0);
                        else
                        {
                            int ow = ow0;
                            if (g.SW == 2 && typeof(T) == typeof(float)) ow = GatherEven((float*)row, (float*)dst, ow0, ow1, g.W - dw);
                            for (; ow < ow1; ow++) dst[ow] = row[ow * g.SW];
                        }
                        for (int ow = ow1; ow < g.OW; ow++) dst[ow] = T.Zero;
                    }
                }
    }

    /// <summary>dx[C, H, W] += the column matrix folded back: each entry of col is added to the input position it was read from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fold<T>(T* col, in ConvGeometry g, T* dx) where T : unmanaged, INumberBase<T>
    {
        int plane = g.H * g.W, cols = g.OH * g.OW;
        for (int c = 0; c < g.C; c++)
            for (int i = 0; i < g.KH; i++)
                for (int j = 0; j < g.KW; j++)
                {
                    T* src = col + (long)((c * g.KH + i) * g.KW + j) * cols;
                    T* dst = dx + (long)c * plane;
                    int dw = j * g.DW - g.PL;
                    var (ow0, ow1) = ValidRange(dw, g.SW, g.W, g.OW);
                    for (int oh = 0; oh < g.OH; oh++, src += g.OW)
                    {
                        int ih = oh * g.SH - g.PT + i * g.DH;
                        if ((uint)ih >= (uint)g.H) continue;
                        T* row = dst + (long)ih * g.W + dw;
                        if (g.SW == 1) AddRow(src + ow0, row + ow0, ow1 - ow0);
                        else
                        {
                            int ow = ow0;
                            if (g.SW == 2 && typeof(T) == typeof(float)) ow = ScatterAddEven((float*)src, (float*)row, ow0, ow1, g.W - dw);
                            for (; ow < ow1; ow++) row[ow * g.SW] += src[ow];
                        }
                    }
                }
    }

    // Rows of a small image are a few dozen elements: a call to Memmove or TensorPrimitives per row cost more
    // than the copy (measured: Memmove was 8 % of a ResNet-20 step). These inline loops have no call overhead.

    /// <summary>dst[0:n] = src[0:n]; the last vector may overlap the previous one (copying twice is harmless).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void CopyRow<T>(T* src, T* dst, int n) where T : unmanaged
    {
        int w = Vector512<T>.Count;
        if (Vector512.IsHardwareAccelerated && n >= w)
        {
            int i = 0;
            for (; i + w <= n; i += w) Vector512.Store(Vector512.Load(src + i), dst + i);
            if (i < n) Vector512.Store(Vector512.Load(src + n - w), dst + n - w);
            return;
        }
        int h = Vector256<T>.Count;
        if (Vector256.IsHardwareAccelerated && n >= h)
        {
            int i = 0;
            for (; i + h <= n; i += h) Vector256.Store(Vector256.Load(src + i), dst + i);
            if (i < n) Vector256.Store(Vector256.Load(src + n - h), dst + n - h);
            return;
        }
        for (int i = 0; i < n; i++) dst[i] = src[i];
    }

    // Stride 2 (ResNet's downsampling layers): eight outputs per step, one 16-float load or store per row, with
    // the even elements picked out (or spread back) by a permute. Only where all 16 floats lie inside the row
    // (limit = elements from row to the row's end); the caller finishes the rest element by element.

    /// <summary>dst[ow] = row[2·ow] for ow from ow0 while 16 floats fit; returns the first ow not done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int GatherEven(float* row, float* dst, int ow0, int ow1, int limit)
    {
        if (!Avx512F.IsSupported) return ow0;
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 0, 0, 0, 0, 0, 0, 0);
        int ow = ow0;
        for (; ow + 8 <= ow1 && 2 * ow + 16 <= limit; ow += 8)
            Avx512F.PermuteVar16x32(Vector512.Load(row + 2 * ow), even).GetLower().Store(dst + ow);
        return ow;
    }

    /// <summary>row[2·ow] += src[ow] for ow from ow0 while 16 floats fit; returns the first ow not done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int ScatterAddEven(float* src, float* row, int ow0, int ow1, int limit)
    {
        if (!Avx512F.IsSupported) return ow0;
        // lanes 8…15 of the widened source are zero: odd positions get + 0
        var spread = Vector512.Create(0, 8, 1, 8, 2, 8, 3, 8, 4, 8, 5, 8, 6, 8, 7, 8);
        int ow = ow0;
        for (; ow + 8 <= ow1 && 2 * ow + 16 <= limit; ow += 8)
        {
            var add = Avx512F.PermuteVar16x32(Vector512.Create(Vector256.Load(src + ow), Vector256<float>.Zero), spread);
            Vector512.Store(Vector512.Load(row + 2 * ow) + add, row + 2 * ow);
        }
        return ow;
    }

    /// <summary>dst[0:n] += src[0:n].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddRow<T>(T* src, T* dst, int n) where T : unmanaged, INumberBase<T>
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (int w = Vector512<T>.Count; i + w <= n; i += w) Vector512.Store(Vector512.Load(dst + i) + Vector512.Load(src + i), dst + i);
        if (Vector256.IsHardwareAccelerated)
            for (int h = Vector256<T>.Count; i + h <= n; i += h) Vector256.Store(Vector256.Load(dst + i) + Vector256.Load(src + i), dst + i);
        for (; i < n; i++) dst[i] += src[i];
    }

    /// <summary>The output columns [ow0, ow1) whose input column ow·stride + shift lies inside 0…w−1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (int, int) ValidRange(int shift, int stride, int w, int ow)
    {
        // ow·stride + shift ≥ 0 ⇔ ow ≥ ⌈−shift/stride⌉;  ow·stride + shift ≤ w − 1 ⇔ ow ≤ ⌊(w − 1 − shift)/stride⌋
        int lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
        int hi = w - 1 - shift < 0 ? 0 : (w - 1 - shift) / stride + 1;
        lo = Math.Min(lo, ow);
        return (lo, Math.Max(lo, Math.Min(hi, ow))); // an empty range when no column is inside
    }
}
