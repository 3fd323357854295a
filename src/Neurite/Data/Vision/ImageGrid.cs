using Neurite.Serialization;

namespace Neurite.Data.Vision;

/// <summary>An 8-bit image: rows top to bottom, each pixel's <see cref="Channels"/> bytes together.</summary>
/// <param name="Pixels">Width × Height × Channels bytes.</param>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
/// <param name="Channels">1 (greyscale) or 3 (RGB).</param>
public sealed record GridImage(byte[] Pixels, int Width, int Height, int Channels);

/// <summary>
/// Lays a batch of images out as one picture, to look at samples, augmentations or filters
/// (like <c>torchvision.utils.save_image</c>).
/// </summary>
/// <remarks>
/// Tile i sits at row i / columns, column i % columns; tiles are separated by <c>padding</c> black pixels
/// and each pixel is repeated <c>scale</c> × <c>scale</c> times. Values in [0, 1] map to 0…255
/// (round(255·v), clipped); with <c>normalize</c> the batch's minimum and maximum map to 0 and 255 instead.
/// <code>
/// ImageGrid.Save("samples.png", train.Features.Narrow(0, 0, 64), columns: 8, scale: 4);
/// </code>
/// </remarks>
public static class ImageGrid
{
    /// <summary>The grid of <paramref name="images"/> [N, C, H, W] (C = 1 or 3) as 8-bit pixels.</summary>
    /// <exception cref="ShapeException">The batch is not [N, 1 or 3, H, W] with N ≥ 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">columns or scale &lt; 1, or padding &lt; 0.</exception>
    public static GridImage Render(Tensor images, int columns = 8, int scale = 1, int padding = 1, bool normalize = false)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank != 4 || images.Size(0) == 0 || images.Size(1) is not (1 or 3))
            throw new ShapeException($"ImageGrid expects images [N ≥ 1, C = 1 or 3, H, W], got {Shape.Format(images.Shape)}");
        Vision.Options.Require(columns >= 1, "ImageGrid", nameof(columns), columns, "must be at least 1");
        Vision.Options.Require(scale >= 1, "ImageGrid", nameof(scale), scale, "must be at least 1");
        Vision.Options.Require(padding >= 0, "ImageGrid", nameof(padding), padding, "must be 0 or more");
        var b = ImageBatch.Of(images.DType == DType.Float32 ? images : images.To(DType.Float32), "ImageGrid");
        int cols = Math.Min(columns, b.N), rows = (b.N + cols - 1) / cols;
        int tileW = b.W * scale, tileH = b.H * scale;
        int width = cols * tileW + (cols + 1) * padding, height = rows * tileH + (rows + 1) * padding;
        var pixels = new byte[(long)width * height * b.C];
        var src = b.Span;

        float lo = 0, hi = 1;
        if (normalize)
        {
            (lo, hi) = (float.PositiveInfinity, float.NegativeInfinity);
            foreach (float v in src) { if (v < lo) lo = v; if (v > hi) hi = v; }
            if (!(hi > lo)) hi = lo + 1;   // a constant batch maps to black
        }
        float gain = 255 / (hi - lo);

        for (int i = 0; i < b.N; i++)
        {
            int x0 = padding + (i % cols) * (tileW + padding), y0 = padding + (i / cols) * (tileH + padding);
            var sample = src.Slice(i * b.Sample, b.Sample);
            for (int y = 0; y < tileH; y++)
            {
                int sy = y / scale, row = ((y0 + y) * width + x0) * b.C;
                for (int x = 0; x < tileW; x++)
                    for (int c = 0; c < b.C; c++)
                    {
                        float v = (sample[c * b.Plane + sy * b.W + x / scale] - lo) * gain;
                        pixels[row + x * b.C + c] = (byte)Math.Clamp(MathF.Round(v), 0, 255);   // NaN → 0
                    }
            }
        }
        return new GridImage(pixels, width, height, b.C);
    }

    /// <summary>
    /// Writes the grid of <paramref name="images"/> to <paramref name="path"/>, atomically; the extension picks
    /// the format: <c>.png</c>, <c>.pgm</c> (greyscale only) or <c>.ppm</c> (greyscale is written as grey RGB).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown extension, or RGB images to a <c>.pgm</c>.</exception>
    public static void Save(string path, Tensor images, int columns = 8, int scale = 1, int padding = 1, bool normalize = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is not (".png" or ".pgm" or ".ppm"))
            throw new ArgumentException($"ImageGrid.Save: unknown image format '{ext}' in {path}; use .png, .pgm or .ppm", nameof(path));
        var grid = Render(images, columns, scale, padding, normalize);
        byte[] file = ext switch
        {
            ".png" => Png.Encode(grid.Pixels, grid.Width, grid.Height, grid.Channels),
            ".pgm" when grid.Channels == 3 => throw new ArgumentException($"ImageGrid.Save: {path} is greyscale PGM but the images are RGB; use .ppm or .png", nameof(path)),
            ".ppm" when grid.Channels == 1 => Pnm.Encode(GreyToRgb(grid.Pixels), grid.Width, grid.Height, 3),
            _ => Pnm.Encode(grid.Pixels, grid.Width, grid.Height, grid.Channels),
        };
        AtomicFile.Write(path, s => s.Write(file));
    }

    static byte[] GreyToRgb(byte[] grey)
    {
        var rgb = new byte[grey.Length * 3];
        for (int i = 0; i < grey.Length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = grey[i];
        return rgb;
    }
}
