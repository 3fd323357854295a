using System.Diagnostics;
using System.Text;
using Neurite.Data;
using Neurite.Data.Vision;
using static Neurite.Tests.Vision.PngBuilder;

namespace Neurite.Tests.Vision;

public class ImageDecodeTests
{
    static byte[] Random(int n, int seed)
    {
        var bytes = new byte[n];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    static void Same(byte[] pixels, int width, int height, int channels, (byte[] Pixels, int Width, int Height, int Channels) got)
    {
        Assert.Equal((width, height, channels), (got.Width, got.Height, got.Channels));
        Assert.Equal(pixels, got.Pixels);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 3, 1)]
    [InlineData(1, 9, 3)]
    [InlineData(31, 17, 3)]
    public void Encoders_round_trip(int width, int height, int channels)
    {
        var pixels = Random(width * height * channels, width * 100 + height);
        Same(pixels, width, height, channels, Png.Decode(Png.Encode(pixels, width, height, channels), "x.png"));
        Same(pixels, width, height, channels, Pnm.Decode(Pnm.Encode(pixels, width, height, channels), "x.pnm"));
    }

    [Fact]
    public void Each_filter_type_by_hand()
    {
        // Grey 3×2, image [10 20 30; 15 25 50].
        byte[] expected = [10, 20, 30, 15, 25, 50];
        // Sub: Raw − left → [10 10 10]; Up: Raw − above → [5 5 20].
        Assert.Equal(expected, Png.Decode(Image(3, 2, 8, 0, [1, 10, 10, 10, 2, 5, 5, 20]), "sub-up.png").Pixels);
        // Average: Raw − ⌊(left + above)/2⌋. Row 0 (above = 0): 10 − 0, 20 − 5, 30 − 10 → [10 15 20];
        // row 1: 15 − ⌊(0+10)/2⌋ = 10, 25 − ⌊(15+20)/2⌋ = 8, 50 − ⌊(25+30)/2⌋ = 23.
        Assert.Equal(expected, Png.Decode(Image(3, 2, 8, 0, [3, 10, 15, 20, 3, 10, 8, 23]), "avg.png").Pixels);
        // None + Sub in one file: rows filtered differently.
        Assert.Equal(expected, Png.Decode(Image(3, 2, 8, 0, [0, 10, 20, 30, 1, 15, 10, 25]), "mixed.png").Pixels);

        // Paeth on [15 20 20; 40 … ] picks each neighbour once. Image [15 20 20; 10 40 50].
        // Row 0 (b = c = 0) predicts a: [15, 5, 0]. Row 1, x0: a=0 b=15 c=0 → p=15, b wins: 10−15 = −5 = 251;
        // x1: a=10 b=20 c=15 → p=15, pc=0, c wins: 40−15 = 25; x2: a=40 b=20 c=20 → p=40, pa=0, a wins: 50−40 = 10.
        Assert.Equal(new byte[] { 15, 20, 20, 10, 40, 50 },
            Png.Decode(Image(3, 2, 8, 0, [4, 15, 5, 0, 4, 251, 25, 10]), "paeth.png").Pixels);
        // Ties go a, then b, then c (a = b ties are invisible: same value). [20 40; 10 45], row 1 x1: a=10 b=40 c=20 →
        // p=30, pa=20, pb=pc=10 → b: 45−40 = 5 (c would give 25). Row 0 is [20, 20]; row 1 x0 predicts b: 10−20 = 246.
        Assert.Equal(new byte[] { 20, 40, 10, 45 }, Png.Decode(Image(2, 2, 8, 0, [4, 20, 20, 4, 246, 5]), "tie-bc.png").Pixels);
        // [20 10; 40 41], row 1 x1: a=40 b=10 c=20 → p=30, pa=pc=10, pb=20 → a: 41−40 = 1. Row 0 is [20, 246]; x0: 40−20 = 20.
        Assert.Equal(new byte[] { 20, 10, 40, 41 }, Png.Decode(Image(2, 2, 8, 0, [4, 20, 246, 4, 20, 1]), "tie-ac.png").Pixels);
    }

    [Theory]
    [InlineData(0, 8, 1)]    // grey: filter distance 1 byte
    [InlineData(4, 8, 2)]    // grey + alpha: 2
    [InlineData(2, 8, 3)]    // RGB: 3
    [InlineData(6, 8, 4)]    // RGBA: 4
    [InlineData(0, 16, 1)]   // 16-bit grey: 2
    [InlineData(6, 16, 4)]   // 16-bit RGBA: 8
    public void Every_filter_on_random_rows_for_every_pixel_width(int colour, int depth, int channels)
    {
        const int width = 9, height = 7;
        int bpp = channels * depth / 8, rowBytes = width * bpp;
        var samples = Random(rowBytes * height, colour * 31 + depth);
        var filtered = new List<byte>();
        for (int y = 0; y < height; y++)
        {
            byte[] row = samples[(y * rowBytes)..((y + 1) * rowBytes)], prior = y == 0 ? null! : samples[((y - 1) * rowBytes)..(y * rowBytes)];
            filtered.AddRange(Filter(y % 5, row, prior, bpp));   // rows use filters 0 1 2 3 4 0 1
        }
        var (pixels, w, h, c) = Png.Decode(Image(width, height, depth, colour, [.. filtered]), "rand.png");
        Assert.Equal((width, height, channels), (w, h, c));
        // 16-bit samples keep their high byte: every other byte of the raw samples.
        var expected = depth == 8 ? samples : samples.Where((_, i) => i % 2 == 0).ToArray();
        Assert.Equal(expected, pixels);
    }

    [Fact]
    public void Palette_and_low_bit_depths_by_hand()
    {
        byte[] palette = [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 8, 7];   // red, green, blue, (9, 8, 7)
        // 2-bit indices, width 5: row 0 = 0 1 2 3 1 → 00 01 10 11 | 01 000000 → 0x1B 0x40 (last byte padded);
        // row 1 = 3 3 0 0 2 → 0xF0 0x80.
        var (px, w, h, c) = Png.Decode(Image(5, 2, 2, 3, [0, 0x1B, 0x40, 0, 0xF0, 0x80], palette), "pal2.png");
        Assert.Equal((5, 2, 3), (w, h, c));
        int[] indices = [0, 1, 2, 3, 1, 3, 3, 0, 0, 2];
        Assert.Equal(indices.SelectMany(i => palette[(3 * i)..(3 * i + 3)]).ToArray(), px);

        // 8-bit palette.
        Assert.Equal(new byte[] { 9, 8, 7, 0, 0, 255 }, Png.Decode(Image(2, 1, 8, 3, [0, 3, 2], palette), "pal8.png").Pixels);
        // An index past the 4-entry palette.
        Assert.Contains("palette index 4 is past the 4-entry PLTE",
            Assert.Throws<DataFormatException>(() => Png.Decode(Image(2, 1, 8, 3, [0, 3, 4], palette), "bad.png")).Message);
        Assert.Contains("without a PLTE", Assert.Throws<DataFormatException>(() => Png.Decode(Image(2, 1, 8, 3, [0, 0, 0]), "nopal.png")).Message);

        // 1-bit grey, width 10: 1011001110 → bytes 0xB3 0x80 → 0 or 255.
        Assert.Equal(new byte[] { 255, 0, 255, 255, 0, 0, 255, 255, 255, 0 },
            Png.Decode(Image(10, 1, 1, 0, [0, 0xB3, 0x80]), "bits1.png").Pixels);
        // 4-bit grey: v·255/15 → 0x0 → 0, 0x8 → 136, 0xF → 255.
        Assert.Equal(new byte[] { 0, 136, 255 }, Png.Decode(Image(3, 1, 4, 0, [0, 0x08, 0xF0]), "bits4.png").Pixels);
        // 2-bit grey with Sub: filtering is on bytes, so a 2-bit row's filter distance is 1 byte.
        // Pixels 1 2 3 0 | 3 3 3 3 → bytes 0x6C 0xFF; Sub → 0x6C, 0xFF − 0x6C = 0x93. Values ·85.
        Assert.Equal(new byte[] { 85, 170, 255, 0, 255, 255, 255, 255 }, Png.Decode(Image(8, 1, 2, 0, [1, 0x6C, 0x93]), "bits2.png").Pixels);
    }

    [Fact]
    public void Sixteen_bit_grey_and_alpha_channels_by_hand()
    {
        // 16-bit grey 0x1234 0xABCD → high bytes 0x12 0xAB.
        Assert.Equal(new byte[] { 0x12, 0xAB }, Png.Decode(Image(2, 1, 16, 0, [0, 0x12, 0x34, 0xAB, 0xCD]), "g16.png").Pixels);
        Same([200, 17], 1, 1, 2, Png.Decode(Image(1, 1, 8, 4, [0, 200, 17]), "ga.png"));
        Same([1, 2, 3, 4], 1, 1, 4, Png.Decode(Image(1, 1, 8, 6, [0, 1, 2, 3, 4]), "rgba.png"));
    }

    /// <summary>The Adam7 sub-images of spec § 8.2, written from the pass table, each row with filter None.</summary>
    static byte[] Interlace(byte[] grey, int width, int height)
    {
        (int X0, int Y0, int DX, int DY)[] passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
        var raw = new List<byte>();
        foreach (var (x0, y0, dx, dy) in passes)
        {
            if (x0 >= width) continue;   // an empty pass has no rows, not even filter bytes
            for (int y = y0; y < height; y += dy)
            {
                raw.Add(0);
                for (int x = x0; x < width; x += dx) raw.Add(grey[y * width + x]);
            }
        }
        return [.. raw];
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 6)]
    [InlineData(13, 11)]
    public void Adam7_interlaced_images_match_the_plain_image(int width, int height)
    {
        var grey = Random(width * height, width * height);
        Same(grey, width, height, 1, Png.Decode(Image(width, height, 8, 0, Interlace(grey, width, height), interlace: 1), "adam7.png"));
        Assert.Contains("unknown interlace method 2",
            Assert.Throws<DataFormatException>(() => Png.Decode(Image(1, 1, 8, 0, [0, 0], interlace: 2), "i2.png")).Message);
    }

    [Fact]
    public void Every_truncation_and_every_bit_flip_is_a_DataFormatException()
    {
        var good = Png.Encode(Random(5 * 4 * 3, 1), 5, 4, 3);
        for (int n = 0; n < good.Length; n++)
        {
            var e = Assert.Throws<DataFormatException>(() => Png.Decode(good.AsSpan(0, n), "cut.png"));
            Assert.Equal("cut.png", e.File);
        }
        // The CRCs cover each chunk's type and data, a length change misplaces the CRC, and the signature is
        // compared whole: no single-bit change can load.
        for (int at = 0; at < good.Length; at++)
            for (int bit = 0; bit < 8; bit++)
            {
                var bad = (byte[])good.Clone();
                bad[at] ^= (byte)(1 << bit);
                Assert.Throws<DataFormatException>(() => Png.Decode(bad, "flip.png"));
            }
        var idat = (byte[])good.Clone();
        idat[8 + 25 + 9] ^= 1;   // a byte of IDAT data (signature 8 + IHDR 25 + IDAT length and type 8)
        Assert.Matches("flip.png: PNG: chunk IDAT at byte 33 fails its CRC: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}",
            Assert.Throws<DataFormatException>(() => Png.Decode(idat, "flip.png")).Message);
        Assert.Contains("truncated: chunk IDAT at byte 33 declares",
            Assert.Throws<DataFormatException>(() => Png.Decode(good.AsSpan(0, 50), "cut.png")).Message);
    }

    [Fact]
    public void Missing_and_misplaced_chunks_are_named()
    {
        byte[] ihdr = Ihdr(1, 1, 8, 0), idat = Chunk("IDAT", Zlib([0, 7])), iend = Chunk("IEND", []);
        Assert.Equal(7, Png.Decode(PngFile(ihdr, idat, iend), "ok.png").Pixels[0]);
        Assert.Equal(7, Png.Decode(PngFile(ihdr, Chunk("tEXt", "a\0b"u8), idat, iend), "text.png").Pixels[0]);   // ancillary: ignored
        string Message(params byte[][] chunks) => Assert.Throws<DataFormatException>(() => Png.Decode(PngFile(chunks), "m.png")).Message;
        Assert.Contains("the first chunk is IDAT, expected IHDR", Message(idat, iend));
        Assert.Contains("no IHDR chunk", Message());
        Assert.Contains("no IDAT chunk", Message(ihdr, iend));
        Assert.Contains("no IEND chunk", Message(ihdr, idat));
        Assert.Contains("unknown critical chunk ABCD", Message(ihdr, Chunk("ABCD", []), idat, iend));
        Assert.Contains("IDAT chunks are not consecutive", Message(ihdr, Chunk("IDAT", [0x78]), Chunk("tEXt", "a\0b"u8), idat, iend));
        Assert.Contains("IHDR has 12 bytes, expected 13", Message(Chunk("IHDR", new byte[12]), idat, iend));
        Assert.Contains("bit depth 4 is invalid for colour type 2", Message(Ihdr(1, 1, 4, 2), idat, iend));
        Assert.Contains("unknown colour type 5", Message(Ihdr(1, 1, 8, 5), idat, iend));
        Assert.Contains("image size 0×1 is invalid", Message(Ihdr(0, 1, 8, 0), idat, iend));
        Assert.Contains("not a PNG file", Assert.Throws<DataFormatException>(() => Png.Decode("GIF89a.........."u8, "g.png")).Message);
        // An IDAT split over several chunks is one zlib stream.
        var z = Zlib([0, 7, 0, 8]);
        Assert.Equal(new byte[] { 7, 8 }, Png.Decode(PngFile(Ihdr(1, 2, 8, 0), Chunk("IDAT", z[..3]), Chunk("IDAT", z[3..]), iend), "split.png").Pixels);
    }

    [Fact]
    public void Decompressed_size_and_filter_type_are_checked()
    {
        string Message(byte[] raw) => Assert.Throws<DataFormatException>(() => Png.Decode(Image(2, 2, 8, 0, raw), "s.png")).Message;
        Assert.Contains("decompressed IDAT has 5 bytes, but the header implies 6", Message([0, 1, 2, 0, 3]));
        Assert.Contains("longer than the 6 bytes", Message([0, 1, 2, 0, 3, 4, 9]));
        Assert.Contains("unknown filter type 5 on row 1", Message([0, 1, 2, 5, 3, 4]));
        var garbage = PngFile(Ihdr(2, 2, 8, 0), Chunk("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), Chunk("IEND", []));
        var e = Assert.Throws<DataFormatException>(() => Png.Decode(garbage, "z.png"));
        Assert.Contains("z.png: PNG:", e.Message);
    }

    [Fact]
    public void Huge_declared_sizes_fail_fast_without_allocating()
    {
        var iend = Chunk("IEND", []);
        var idat = Chunk("IDAT", Zlib(new byte[100]));
        // 10⁶ × 10⁶ RGB: over the cap on IHDR. 16000 × 16000 grey = 2.56·10⁸ bytes is under the 2²⁸ cap, but
        // deflate cannot inflate a few bytes of IDAT to 256 MB, so the raw buffer is never allocated.
        var over = PngFile(Ihdr(1_000_000, 1_000_000, 8, 2), idat, iend);
        var under = PngFile(Ihdr(16_000, 16_000, 8, 0), idat, iend);
        var pnm = Encoding.ASCII.GetBytes("P6\n100000 100000\n255\n\0\0\0");
        var pnmUnder = Encoding.ASCII.GetBytes("P5\n16000 16000\n255\n\0\0\0");
        var plainUnder = Encoding.ASCII.GetBytes("P2\n16000 16000\n255\n0 0 0");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        Assert.Contains("1000000×1000000×3 decodes to 3000000000000 bytes, more than the 268435456-byte limit",
            Assert.Throws<DataFormatException>(() => Png.Decode(over, "over.png")).Message);
        Assert.Contains("cannot inflate", Assert.Throws<DataFormatException>(() => Png.Decode(under, "under.png")).Message);
        Assert.Contains("more than the 268435456-byte limit", Assert.Throws<DataFormatException>(() => Pnm.Decode(pnm, "over.ppm")).Message);
        Assert.Contains("needs 256000000 bytes of raster, but the file has 3",
            Assert.Throws<DataFormatException>(() => Pnm.Decode(pnmUnder, "under.pgm")).Message);
        Assert.Contains("truncated: 16000×16000×1 needs 256000000 samples",
            Assert.Throws<DataFormatException>(() => Pnm.Decode(plainUnder, "under.pgm")).Message);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
        Assert.True(sw.ElapsedMilliseconds < 2000, $"took {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Pnm_plain_and_binary_by_hand()
    {
        // P2 with comments in the header and between samples, maxval 15: v·255/15 = 17·v.
        Same([0, 17, 34, 221, 238, 255], 3, 2, 1, Pnm.Decode("P2\n# a comment\n3 2 # width height\n15\n0 1 2\n# mid-raster\n13 14 15\n"u8, "a.pgm"));
        Same([255, 0, 0, 1, 2, 3], 2, 1, 3, Pnm.Decode("P3 2 1 255  255 0 0   1 2 3"u8, "a.ppm"));
        Same([0, 1, 254, 255], 2, 2, 1, Pnm.Decode([.. "P5\n2 2\n255\n"u8, 0, 1, 254, 255], "b.pgm"));
        // 16-bit big-endian: 0xFFFF → 255, 0x8000 → round(32768·255/65535) = 128, 0x0101 = 257 → 1.
        Same([255, 128, 1], 1, 1, 3, Pnm.Decode([.. "P6 1 1 65535\n"u8, 0xFF, 0xFF, 0x80, 0x00, 0x01, 0x01], "b.ppm"));
        // maxval 1: 0 → 0, 1 → 255.
        Assert.Equal(new byte[] { 0, 255 }, Pnm.Decode([.. "P5 2 1 1\n"u8, 0, 1], "m1.pgm").Pixels);
    }

    [Fact]
    public void Pnm_errors_are_named_with_their_line()
    {
        DataFormatException E(string text) => Assert.Throws<DataFormatException>(() => Pnm.Decode(Encoding.ASCII.GetBytes(text), "e.pgm"));
        Assert.Contains("P1 (PBM, 1-bit bitmap) is not supported", E("P1 1 1 1").Message);
        Assert.Contains("P7 (PAM) is not supported", E("P7\nWIDTH 1").Message);
        Assert.Contains("unknown magic number P9", E("P9 1 1 1").Message);
        Assert.Contains("not a PGM/PPM file", E("GIF").Message);
        var e = E("P2\n2 2\n255\n1 2\n3 256\n");
        Assert.Equal(5, e.Line);
        Assert.Contains("sample 256 at pixel (1, 1) is above maxval 255", e.Message);
        var t = E("P2\n2 2\n255\n1 2 3\n\n\n\n");
        Assert.Contains("truncated: the file ends before sample 3", t.Message);
        Assert.Equal("e.pgm", t.File);
        Assert.Contains("expected the height as a decimal number, got 'x'", E("P2\n2 x\n255\n").Message);
        Assert.Contains("maxval 0 is invalid", E("P2 1 1 0 0").Message);
        Assert.Contains("maxval 70000 is invalid", E("P2 1 1 70000 0").Message);
        Assert.Contains("image size 0×1 is invalid", E("P5 0 1 255\n").Message);
        Assert.Contains("the width is more than 2147483647", E("P5 99999999999 1 255\n").Message);
        Assert.Contains("needs 4 bytes of raster, but the file has 3", E("P5 2 2 255\nabc").Message);
        Assert.Contains("sample 200 at pixel (0, 0) is above maxval 100", Assert.Throws<DataFormatException>(() => Pnm.Decode([.. "P5 1 1 100\n"u8, 200], "m.pgm")).Message);
    }
}
