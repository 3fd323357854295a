using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Neurite.Data.Vision;
using Neurite.Tests.Data;

namespace Neurite.Tests.Vision;

public class ImageGridTests
{
    // An independent bit-at-a-time CRC-32, to check the encoder's table-driven one.
    static uint Crc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
        }
        return ~c;
    }

    /// <summary>Parses a PNG with filter-0 rows: checks signature, chunk order and every CRC; returns the pixels.</summary>
    static (int Width, int Height, int ColourType, byte[] Pixels) Decode(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int at = 8, width = 0, height = 0, colour = -1;
        var idat = new MemoryStream();
        var types = new List<string>();
        while (at < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            var body = png.AsSpan(at + 8, length);
            Assert.Equal(Crc(png.AsSpan(at + 4, length + 4)), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)));
            types.Add(type);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(body);
                height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                Assert.Equal(8, body[8]);
                colour = body[9];
            }
            else if (type == "IDAT") idat.Write(body);
            at += 12 + length;
        }
        Assert.Equal(["IHDR", "IDAT", "IEND"], types);
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(inflated);
        int channels = colour == 0 ? 1 : 3, row = width * channels;
        var raw = inflated.ToArray();
        Assert.Equal(height * (row + 1), raw.Length);
        var pixels = new byte[height * row];
        for (int y = 0; y < height; y++)
        {
            Assert.Equal(0, raw[y * (row + 1)]);   // filter None
            Array.Copy(raw, y * (row + 1) + 1, pixels, y * row, row);
        }
        return (width, height, colour, pixels);
    }

    [Fact]
    public void Crc32MatchesTheKnownCheckValue() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));   // the standard check value of CRC-32

    [Fact]
    public void GreyscaleGridRoundTripsThroughPng()
    {
        // Two 2×3 images, values 0, 0.2, …, 1 and their reverse; grid of 2 columns, scale 2, padding 1.
        var a = new float[] { 0, 0.2f, 0.4f, 0.6f, 0.8f, 1 };
        var x = Tensor.FromArray([.. a, .. a.Reverse()], 2, 1, 2, 3);
        using var dir = new TempDir();
        string path = dir.File("grid.png");
        ImageGrid.Save(path, x, columns: 2, scale: 2, padding: 1);
        var (w, h, colour, pixels) = Decode(File.ReadAllBytes(path));
        Assert.Equal((2 * 6 + 3, 4 + 2, 0), (w, h, colour));
        byte[] values = [0, 51, 102, 153, 204, 255];
        for (int y = 0; y < 4; y++)
            for (int xx = 0; xx < 6; xx++)
            {
                int src = (y / 2) * 3 + xx / 2;
                Assert.Equal(values[src], pixels[(1 + y) * w + 1 + xx]);           // first tile
                Assert.Equal(values[5 - src], pixels[(1 + y) * w + 8 + xx]);       // second tile after 1 padding column
            }
        Assert.Equal(0, pixels[0]);                                                // padding is black
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));                       // written atomically, no leftovers
    }

    [Fact]
    public void RgbGridRoundTripsThroughPngAndPpm()
    {
        var x = Tensor.Zeros(3, 3, 1, 1);   // three 1×1 images: red, green, blue
        for (int i = 0; i < 3; i++) x[i, i, 0, 0] = 1;
        using var dir = new TempDir();
        ImageGrid.Save(dir.File("rgb.png"), x, columns: 3, padding: 0);
        var (w, h, colour, pixels) = Decode(File.ReadAllBytes(dir.File("rgb.png")));
        Assert.Equal((3, 1, 2), (w, h, colour));
        Assert.Equal(new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255 }, pixels);

        ImageGrid.Save(dir.File("rgb.ppm"), x, columns: 1, padding: 0);
        var ppm = File.ReadAllBytes(dir.File("rgb.ppm"));
        Assert.Equal("P6\n1 3\n255\n", Encoding.ASCII.GetString(ppm, 0, 11));
        Assert.Equal(new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255 }, ppm[11..]);
        Assert.Throws<ArgumentException>(() => ImageGrid.Save(dir.File("rgb.pgm"), x));
    }

    [Fact]
    public void PgmAndNormalizeAndValidation()
    {
        var x = Tensor.FromArray(new float[] { -1, 0, 1, 3 }, 1, 1, 2, 2);
        using var dir = new TempDir();
        ImageGrid.Save(dir.File("g.pgm"), x, padding: 0, normalize: true);
        var pgm = File.ReadAllBytes(dir.File("g.pgm"));
        Assert.Equal("P5\n2 2\n255\n", Encoding.ASCII.GetString(pgm, 0, 11));
        Assert.Equal(new byte[] { 0, 64, 128, 255 }, pgm[11..]);   // (v + 1)/4 · 255, rounded
        Assert.Equal(new byte[] { 0, 0, 255, 255 }, ImageGrid.Render(x, padding: 0).Pixels);   // clipped without normalize
        Assert.Throws<ShapeException>(() => ImageGrid.Render(Tensor.Zeros(1, 2, 2, 2)));
        Assert.Throws<ArgumentException>(() => ImageGrid.Save(dir.File("g.jpg"), x));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.Render(x, columns: 0));
    }

    [Fact]
    public void SavesAGridOfDigits()
    {
        var digits = Neurite.Data.Datasets.Digits(images: true, scale: 1.0 / 16);
        using var dir = new TempDir();
        ImageGrid.Save(dir.File("digits.png"), digits.Features.Narrow(0, 0, 20), columns: 10, scale: 3);
        var (w, h, _, pixels) = Decode(File.ReadAllBytes(dir.File("digits.png")));
        Assert.Equal((10 * 24 + 11, 2 * 24 + 3), (w, h));
        Assert.Contains(pixels, p => p == 255);
    }
}
