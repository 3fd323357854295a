namespace Neurite.Data.Vision;

/// <summary>
/// Loads image files as a model input batch: float32 [N, C, H, W] with pixels in [0, 1], for
/// <c>neurite predict</c> and for anyone with a folder of PNGs.
/// </summary>
/// <remarks>
/// <para>Accepted inputs: one <c>.png</c>, <c>.pgm</c>, <c>.ppm</c> or <c>.pnm</c> file (see <see cref="Png.Decode"/>
/// and <see cref="Pnm.Decode"/>); one IDX file (<c>.idx</c>, <c>.gz</c>, or a name ending in <c>-ubyte</c> such
/// as <c>t10k-images-idx3-ubyte</c>) of shape [H, W], [N, H, W] or [N, C, H, W], read by <see cref="Idx.Read"/>; or a
/// folder, whose image files (by the extensions above, any case; not subfolders, not names starting with
/// <c>.</c>) are loaded in ordinal order of their names; other files are ignored.</para>
/// <para>Pixels: byte b becomes b · (1/255), the same float32 as <c>Idx.Read(path, scale: 1 / 255.0)</c> gives the
/// training data. IDX elements of any type are scaled by the same 1/255, so an IDX file should hold bytes.</para>
/// <para>Channels: alpha is dropped; RGB becomes grey by the ITU-R BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B when
/// <c>channels</c> is 1; grey is replicated to R = G = B when it is 3.</para>
/// <para>Size: an image that is not <c>width</c>×<c>height</c> is refused, naming the file and both sizes, unless
/// <c>resize</c> is true: then it is resized bilinearly with half-pixel centres (as
/// <c>torch.nn.functional.interpolate(mode="bilinear", align_corners=False)</c>, no antialiasing, so shrinking by
/// more than 2× aliases). Nothing is cropped or padded.</para>
/// </remarks>
/// <example><code>
/// var (images, names) = ImageFiles.Load("digits/", channels: 1, height: 28, width: 28);
/// var logits = model.Forward(images);   // row i is names[i]
/// </code></example>
public static class ImageFiles
{
    /// <summary>The most bytes one decoded image may take (width × height × channels, 2²⁸ = 256 MiB); a header
    /// claiming more is refused before anything is allocated.</summary>
    public const long MaxDecodedBytes = 1L << 28;

    /// <summary>The largest image file read (1 GiB); a PNG or Netpbm file that decodes within
    /// <see cref="MaxDecodedBytes"/> is far smaller.</summary>
    const long MaxFileBytes = 1L << 30;

    static readonly string[] Extensions = [".png", ".pgm", ".ppm", ".pnm"];

    /// <summary>Loads <paramref name="path"/> (an image file, an IDX file or a folder of images) as
    /// [N, <paramref name="channels"/>, <paramref name="height"/>, <paramref name="width"/>] float32 in [0, 1].</summary>
    /// <param name="path">A file or folder.</param>
    /// <param name="channels">What the model takes: 1 (greyscale) or 3 (RGB).</param>
    /// <param name="height">Rows the model takes.</param>
    /// <param name="width">Columns the model takes.</param>
    /// <param name="source">How to name <paramref name="path"/> in error messages (default: the path itself); files
    /// of a folder are named as <paramref name="source"/>/file.</param>
    /// <param name="resize">Resize images of another size bilinearly instead of refusing them.</param>
    /// <returns>The batch and, for each row, the file name (folder or single file) or <c>"IDX row k"</c> (k from 0).</returns>
    /// <exception cref="ArgumentOutOfRangeException">channels is not 1 or 3, or height or width is below 1.</exception>
    /// <exception cref="FileNotFoundException">Nothing at <paramref name="path"/>.</exception>
    /// <exception cref="DataFormatException">A malformed file, an unknown file type, a folder without images, an
    /// image of the wrong size (without <paramref name="resize"/>) or an IDX shape that is not images.</exception>
    public static (Tensor Images, string[] Names) Load(string path, int channels, int height, int width, string? source = null, bool resize = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "ImageFiles.Load: channels must be 1 (greyscale) or 3 (RGB)");
        if (height < 1) throw new ArgumentOutOfRangeException(nameof(height), height, "ImageFiles.Load: height must be at least 1");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "ImageFiles.Load: width must be at least 1");
        string name = source ?? path;
        var target = new Target(channels, height, width, resize);

        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path)
                .Select(f => Path.GetFileName(f))
                .Where(f => !f.StartsWith('.') && IsImage(f))
                .Order(StringComparer.Ordinal)
                .ToArray();
            if (files.Length == 0)
                throw new DataFormatException(name, 0, $"the folder has no image files ({string.Join(", ", Extensions)})");
            var images = Tensor.Zeros([files.Length, channels, height, width], DType.Float32);
            var dst = images.Span<float>();
            for (int i = 0; i < files.Length; i++)
                LoadImage(Path.Combine(path, files[i]), Path.Join(name, files[i]), target, dst.Slice(i * target.Sample, target.Sample));
            return (images, files);
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"ImageFiles: no such file or folder: {Path.GetFullPath(path)}", path);
        if (IsIdx(path)) return LoadIdx(path, name, target);
        if (!IsImage(path))
            throw new DataFormatException(name, 0, $"unknown image file type '{Path.GetExtension(path)}': expected {string.Join(", ", Extensions)}, an IDX file (.idx, .gz, *-ubyte) or a folder");
        var one = Tensor.Zeros([1, channels, height, width], DType.Float32);
        LoadImage(path, name, target, one.Span<float>());
        return (one, [Path.GetFileName(path)]);
    }

    /// <summary>What the model takes: channels, size, and whether another size may be resized to it.</summary>
    readonly record struct Target(int Channels, int Height, int Width, bool Resize)
    {
        public int Sample => Channels * Height * Width;
    }

    static bool IsImage(string file) => Extensions.Contains(Path.GetExtension(file).ToLowerInvariant());

    static bool IsIdx(string file)
    {
        string ext = Path.GetExtension(file).ToLowerInvariant();
        return ext is ".idx" or ".gz" || Path.GetFileName(file).EndsWith("-ubyte", StringComparison.OrdinalIgnoreCase);
    }

    static void LoadImage(string path, string name, Target target, Span<float> dst)
    {
        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes) throw new DataFormatException(name, 0, $"the file has {length} bytes, more than the {MaxFileBytes}-byte limit for one image");
        byte[] file = File.ReadAllBytes(path);
        var (pixels, w, h, c) = Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase)
            ? Png.Decode(file, name)
            : Pnm.Decode(file, name);
        Place(Planes(pixels, w, h, c), c >= 3 ? 3 : 1, h, w, target, name, dst);
    }

    /// <summary>Interleaved 8-bit pixels (1–4 channels) as float planes [C, H, W] of their colour channels (1 or 3;
    /// alpha dropped), each byte times 1/255.</summary>
    static float[] Planes(byte[] pixels, int w, int h, int c)
    {
        int colour = c >= 3 ? 3 : 1, plane = w * h;
        // float(1/255), as Idx.Read(scale: 1/255.0) multiplies, so a PNG of an MNIST digit equals its IDX row.
        float scale = (float)(1 / 255.0);
        var planes = new float[colour * plane];
        for (int i = 0; i < plane; i++)
            for (int k = 0; k < colour; k++) planes[k * plane + i] = pixels[i * c + k] * scale;
        return planes;
    }

    static (Tensor Images, string[] Names) LoadIdx(string path, string name, Target target)
    {
        var t = Idx.Read(path, DType.Float32, 1 / 255.0);
        var s = t.Shape;
        (int n, int c, int h, int w) = s.Length switch
        {
            2 => (1, 1, s[0], s[1]),
            3 => (s[0], 1, s[1], s[2]),
            4 => (s[0], s[1], s[2], s[3]),
            _ => throw new DataFormatException(name, 0, $"IDX shape {Shape.Format(s)} is not images: expected [H, W], [N, H, W] or [N, C, H, W]"),
        };
        if (c is not (1 or 3)) throw new DataFormatException(name, 0, $"IDX shape {Shape.Format(s)} has {c} channels, expected 1 or 3");
        if (n == 0 || h == 0 || w == 0) throw new DataFormatException(name, 0, $"IDX shape {Shape.Format(s)} holds no images");
        var names = new string[n];
        for (int i = 0; i < n; i++) names[i] = $"IDX row {i}";
        if (c == target.Channels && h == target.Height && w == target.Width)
            return (t.Reshape([n, c, h, w]), names);
        var images = Tensor.Zeros([n, target.Channels, target.Height, target.Width], DType.Float32);
        ReadOnlySpan<float> src = t.Span<float>();
        var dst = images.Span<float>();
        int sample = c * h * w;
        for (int i = 0; i < n; i++)
            Place(src.Slice(i * sample, sample), c, h, w, target, $"{name}, IDX row {i}", dst.Slice(i * target.Sample, target.Sample));
        return (images, names);
    }

    /// <summary>Writes one image's planes [c, h, w] (c = 1 or 3) into <paramref name="dst"/> [C, H, W] of the
    /// target: channels converted, then copied or (if allowed) resized.</summary>
    static void Place(ReadOnlySpan<float> planes, int c, int h, int w, Target target, string name, Span<float> dst)
    {
        if ((h != target.Height || w != target.Width) && !target.Resize)
            throw new DataFormatException(name, 0,
                $"the image is {w}×{h} (width×height), but the model takes {target.Width}×{target.Height}; images are resized only when resizing is asked for");
        int plane = h * w;
        float[]? converted = null;
        if (c != target.Channels)
        {
            converted = new float[target.Channels * plane];
            if (target.Channels == 1)
                for (int i = 0; i < plane; i++)   // ITU-R BT.601 luma
                    converted[i] = (float)(0.299 * planes[i] + 0.587 * planes[plane + i] + 0.114 * planes[2 * plane + i]);
            else
                for (int k = 0; k < 3; k++) planes.CopyTo(converted.AsSpan(k * plane, plane));
        }
        ReadOnlySpan<float> src = converted ?? planes;
        if (h == target.Height && w == target.Width) { src.CopyTo(dst); return; }
        for (int k = 0; k < target.Channels; k++)
            Bilinear(src.Slice(k * plane, plane), h, w, dst.Slice(k * target.Height * target.Width, target.Height * target.Width), target.Height, target.Width);
    }

    /// <summary>Bilinear resize of one plane with half-pixel centres: output pixel x reads the source at
    /// (x + ½)·w / W − ½, clamped to [0, w − 1] (PyTorch's align_corners=False).</summary>
    internal static void Bilinear(ReadOnlySpan<float> src, int h, int w, Span<float> dst, int oh, int ow)
    {
        Span<int> x0 = ow <= 1024 ? stackalloc int[ow] : new int[ow];
        Span<float> fx = ow <= 1024 ? stackalloc float[ow] : new float[ow];
        for (int x = 0; x < ow; x++) (x0[x], fx[x]) = Source(x, w, ow);
        for (int y = 0; y < oh; y++)
        {
            var (y0, fy) = Source(y, h, oh);
            int y1 = Math.Min(y0 + 1, h - 1);
            var top = src.Slice(y0 * w, w);
            var bottom = src.Slice(y1 * w, w);
            for (int x = 0; x < ow; x++)
            {
                int a = x0[x], b = Math.Min(a + 1, w - 1);
                float t = top[a] + fx[x] * (top[b] - top[a]), u = bottom[a] + fx[x] * (bottom[b] - bottom[a]);
                dst[y * ow + x] = t + fy * (u - t);
            }
        }
    }

    static (int Index, float Fraction) Source(int x, int size, int outSize)
    {
        double s = Math.Clamp((x + 0.5) * size / outSize - 0.5, 0, size - 1);
        int i = (int)s;
        return (i, (float)(s - i));
    }
}
