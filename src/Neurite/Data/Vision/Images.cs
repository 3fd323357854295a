namespace Neurite.Data.Vision;

/// <summary>
/// Deterministic geometric operations on float32 image batches [N, C, H, W] (flips, pad-and-crop,
/// rotation with translation), the building blocks of the random transforms and of test-time augmentation.
/// Each returns a new tensor and never records autograd history (these prepare data, they are not layers).
/// </summary>
public static class Images
{
    /// <summary>Mirrors every image left–right: out[n, c, y, x] = in[n, c, y, W − 1 − x].</summary>
    public static Tensor FlipHorizontal(Tensor images)
    {
        var b = ImageBatch.Of(images, "FlipHorizontal");
        var dst = ImageBatch.New(b.N, b.C, b.H, b.W);
        var s = b.Span;
        var d = dst.Span<float>();
        for (int i = 0; i < b.N; i++) FlipHorizontal(s.Slice(i * b.Sample, b.Sample), d.Slice(i * b.Sample, b.Sample), b.W);
        return dst;
    }

    /// <summary>Mirrors every image top–bottom: out[n, c, y, x] = in[n, c, H − 1 − y, x].</summary>
    public static Tensor FlipVertical(Tensor images)
    {
        var b = ImageBatch.Of(images, "FlipVertical");
        var dst = ImageBatch.New(b.N, b.C, b.H, b.W);
        var s = b.Span;
        var d = dst.Span<float>();
        for (int i = 0; i < b.N; i++) FlipVertical(s.Slice(i * b.Sample, b.Sample), d.Slice(i * b.Sample, b.Sample), b.C, b.H, b.W);
        return dst;
    }

    /// <summary>
    /// Pads every image with <paramref name="padding"/> zeros on each side, then takes the
    /// <paramref name="height"/>×<paramref name="width"/> window whose top-left corner is at
    /// (<paramref name="top"/>, <paramref name="left"/>) of the padded image:
    /// out[n, c, y, x] = in[n, c, y + top − padding, x + left − padding], or 0 outside the image.
    /// </summary>
    /// <example>Padding 4 and window (4, 4) is the identity; (0, 0) shifts the content 4 pixels right and down.</example>
    public static Tensor PadCrop(Tensor images, int padding, int top, int left, int? height = null, int? width = null)
    {
        var b = ImageBatch.Of(images, "PadCrop");
        int oh = height ?? b.H, ow = width ?? b.W;
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "PadCrop: padding must be ≥ 0");
        if (oh <= 0 || ow <= 0 || top < 0 || left < 0 || top + oh > b.H + 2 * padding || left + ow > b.W + 2 * padding)
            throw new ArgumentOutOfRangeException(nameof(top),
                $"PadCrop: window {oh}×{ow} at ({top}, {left}) does not fit the padded image {b.H + 2 * padding}×{b.W + 2 * padding}");
        var dst = ImageBatch.New(b.N, b.C, oh, ow);
        var s = b.Span;
        var d = dst.Span<float>();
        int outSample = b.C * oh * ow;
        for (int i = 0; i < b.N; i++)
            Crop(s.Slice(i * b.Sample, b.Sample), d.Slice(i * outSample, outSample), b.C, b.H, b.W, oh, ow, top - padding, left - padding);
        return dst;
    }

    /// <summary>
    /// Rotates every image by <paramref name="degrees"/> counter-clockwise (as displayed, y pointing down)
    /// about its centre ((W − 1)/2, (H − 1)/2), then shifts it by (<paramref name="translateX"/>,
    /// <paramref name="translateY"/>) pixels; bilinear interpolation, zeros where the source falls outside.
    /// </summary>
    /// <remarks>
    /// Output pixel (x, y) reads the source at x_s = c_x + cos θ·(x − t_x − c_x) − sin θ·(y − t_y − c_y),
    /// y_s = c_y + sin θ·(x − t_x − c_x) + cos θ·(y − t_y − c_y). Sines and cosines within 1e-12 of an
    /// integer, and source coordinates within 1e-6 of one, are snapped, so multiples of 90° and integer
    /// shifts are exact permutations (90° on a square image is <c>np.rot90</c>: transpose, then flip vertically).
    /// </remarks>
    public static Tensor Rotate(Tensor images, double degrees, double translateX = 0, double translateY = 0)
    {
        var b = ImageBatch.Of(images, "Rotate");
        var dst = ImageBatch.New(b.N, b.C, b.H, b.W);
        var s = b.Span;
        var d = dst.Span<float>();
        for (int i = 0; i < b.N; i++)
            Affine(s.Slice(i * b.Sample, b.Sample), d.Slice(i * b.Sample, b.Sample), b.C, b.H, b.W, degrees, translateX, translateY);
        return dst;
    }

    // ---- per-sample kernels: one sample's C planes of H×W, row-major -------------------------------

    internal static void FlipHorizontal(ReadOnlySpan<float> src, Span<float> dst, int w)
    {
        for (int row = 0; row < src.Length; row += w)
        {
            src.Slice(row, w).CopyTo(dst.Slice(row, w));
            dst.Slice(row, w).Reverse();
        }
    }

    internal static void FlipVertical(ReadOnlySpan<float> src, Span<float> dst, int c, int h, int w)
    {
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++)
                src.Slice((ch * h + y) * w, w).CopyTo(dst.Slice((ch * h + h - 1 - y) * w, w));
    }

    /// <summary>dst[c, y, x] = src[c, y + top, x + left] (0 outside), for a window oh×ow; top/left may be negative.</summary>
    internal static void Crop(ReadOnlySpan<float> src, Span<float> dst, int c, int h, int w, int oh, int ow, int top, int left)
    {
        int x0 = Math.Max(0, -left), x1 = Math.Min(ow, w - left);   // output columns that read inside the image
        dst.Clear();
        if (x1 <= x0) return;
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < oh; y++)
            {
                int sy = y + top;
                if ((uint)sy >= (uint)h) continue;
                src.Slice((ch * h + sy) * w + left + x0, x1 - x0).CopyTo(dst.Slice((ch * oh + y) * ow + x0, x1 - x0));
            }
    }

    internal static void Affine(ReadOnlySpan<float> src, Span<float> dst, int c, int h, int w, double degrees, double tx, double ty)
    {
        double theta = degrees * Math.PI / 180;
        double cos = Snap(Math.Cos(theta), 1e-12), sin = Snap(Math.Sin(theta), 1e-12);
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        int plane = h * w;
        dst.Clear();
        for (int y = 0; y < h; y++)
        {
            double dy = y - ty - cy;
            for (int x = 0; x < w; x++)
            {
                double dx = x - tx - cx;
                double xs = Snap(cx + cos * dx - sin * dy, 1e-6), ys = Snap(cy + sin * dx + cos * dy, 1e-6);
                if (xs <= -1 || ys <= -1 || xs >= w || ys >= h) continue;   // all four neighbours outside
                int xf = (int)Math.Floor(xs), yf = (int)Math.Floor(ys);
                float fx = (float)(xs - xf), fy = (float)(ys - yf);
                // Bilinear weights of the four neighbours; a neighbour outside the image reads 0.
                float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
                bool in0 = (uint)yf < (uint)h, in1 = (uint)(yf + 1) < (uint)h && fy != 0;
                bool inL = (uint)xf < (uint)w, inR = (uint)(xf + 1) < (uint)w && fx != 0;
                int at = y * w + x, s00 = yf * w + xf;
                for (int ch = 0; ch < c; ch++)
                {
                    var p = src.Slice(ch * plane, plane);
                    float v = 0;
                    if (in0 && inL) v += w00 * p[s00];
                    if (in0 && inR) v += w01 * p[s00 + 1];
                    if (in1 && inL) v += w10 * p[s00 + w];
                    if (in1 && inR) v += w11 * p[s00 + w + 1];
                    dst[ch * plane + at] = v;
                }
            }
        }
    }

    static double Snap(double v, double tolerance)
    {
        double r = Math.Round(v);
        return Math.Abs(v - r) < tolerance ? r : v;
    }
}
