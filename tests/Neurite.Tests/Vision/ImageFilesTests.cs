using Neurite.Data;
using Neurite.Data.Vision;
using Neurite.Tests.Data;
using static Neurite.Tests.Vision.PngBuilder;

namespace Neurite.Tests.Vision;

public class ImageFilesTests
{
    const float Byte = (float)(1 / 255.0);

    [Fact]
    public void Folder_loads_images_in_ordinal_order_and_ignores_other_files()
    {
        using var dir = new TempDir();
        // Ordinal: "B" (0x42) < "a" (0x61) < "b"; the text file, the dot-file and the subfolder are skipped.
        File.WriteAllBytes(dir.File("b.png"), Png.Encode([30, 40], 2, 1, 1));
        File.WriteAllBytes(dir.File("a.pgm"), Pnm.Encode([10, 20], 2, 1, 1));
        File.WriteAllBytes(dir.File("B.PNG"), Png.Encode([5, 6], 2, 1, 1));
        File.WriteAllBytes(dir.File("c.pnm"), Pnm.Encode([50, 60], 2, 1, 1));
        File.WriteAllText(dir.File("notes.txt"), "not an image");
        File.WriteAllText(dir.File("._a.png"), "AppleDouble junk");
        Directory.CreateDirectory(dir.File("sub"));
        File.WriteAllBytes(Path.Combine(dir.File("sub"), "z.png"), Png.Encode([1, 1], 2, 1, 1));

        var (images, names) = ImageFiles.Load(dir.Path, channels: 1, height: 1, width: 2);
        Assert.Equal(["B.PNG", "a.pgm", "b.png", "c.pnm"], names);
        Assert.Equal([4, 1, 1, 2], images.Shape);
        Assert.Equal(new float[] { 5, 6, 10, 20, 30, 40, 50, 60 }.Select(v => v * Byte), images.ToFloatArray());
    }

    [Fact]
    public void Rgb_becomes_BT601_luma_grey_becomes_rgb_and_alpha_is_dropped()
    {
        using var dir = new TempDir();
        // Pure red, green, blue, and (100, 150, 200) whose luma is 0.299·100 + 0.587·150 + 0.114·200 = 140.75.
        string rgb = dir.File("rgb.ppm");
        File.WriteAllBytes(rgb, Pnm.Encode([255, 0, 0, 0, 255, 0, 0, 0, 255, 100, 150, 200], 4, 1, 3));
        var grey = ImageFiles.Load(rgb, 1, 1, 4).Images.ToFloatArray();
        Assert.Equal(new[] { 0.299f, 0.587f, 0.114f, 140.75f / 255 }, grey, (a, b) => Math.Abs(a - b) < 1e-6f);

        string g = dir.File("g.png");
        File.WriteAllBytes(g, Png.Encode([0, 51, 255], 3, 1, 1));
        var (three, _) = ImageFiles.Load(g, 3, 1, 3);
        Assert.Equal([1, 3, 1, 3], three.Shape);
        float[] row = [0, 51 * Byte, 255 * Byte];
        Assert.Equal([.. row, .. row, .. row], three.ToFloatArray());

        // RGBA (1, 2, 3, 4), (250, 251, 252, 0): alpha is ignored, even 0. Grey + alpha (9, 200) → grey 9.
        string rgba = dir.File("rgba.png"), ga = dir.File("ga.png");
        File.WriteAllBytes(rgba, Image(2, 1, 8, 6, [0, 1, 2, 3, 4, 250, 251, 252, 0]));
        File.WriteAllBytes(ga, Image(1, 1, 8, 4, [0, 9, 200]));
        Assert.Equal(new float[] { 1, 250, 2, 251, 3, 252 }.Select(v => v * Byte), ImageFiles.Load(rgba, 3, 1, 2).Images.ToFloatArray());
        Assert.Equal([9 * Byte, 9 * Byte, 9 * Byte], ImageFiles.Load(ga, 3, 1, 1).Images.ToFloatArray());
        // A palette image is RGB.
        File.WriteAllBytes(dir.File("p.png"), Image(1, 1, 8, 3, [0, 0], [10, 20, 30]));
        Assert.Equal(new float[] { 10, 20, 30 }.Select(v => v * Byte), ImageFiles.Load(dir.File("p.png"), 3, 1, 1).Images.ToFloatArray());
    }

    [Fact]
    public void Pixels_match_the_Idx_reader_bit_for_bit()
    {
        using var dir = new TempDir();
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        Idx.WriteBytes(dir.File("all-ubyte"), bytes, [1, 16, 16]);
        File.WriteAllBytes(dir.File("all.png"), Png.Encode(bytes, 16, 16, 1));
        Assert.Equal(Idx.Read(dir.File("all-ubyte"), scale: 1 / 255.0).ToFloatArray(), ImageFiles.Load(dir.File("all.png"), 1, 16, 16).Images.ToFloatArray());
    }

    [Fact]
    public void Idx_files_load_with_row_names_and_channel_conversion()
    {
        using var dir = new TempDir();
        var bytes = Enumerable.Range(0, 3 * 2 * 2).Select(i => (byte)(i * 20)).ToArray();
        foreach (string name in new[] { "x.idx", "t10k-images-idx3-ubyte", "x.gz" })
        {
            string p = dir.File(name);
            Idx.WriteBytes(p, bytes, [3, 2, 2], gzip: name.EndsWith(".gz"));
            var (images, names) = ImageFiles.Load(p, 1, 2, 2);
            Assert.Equal([3, 1, 2, 2], images.Shape);
            Assert.Equal(["IDX row 0", "IDX row 1", "IDX row 2"], names);
            Assert.Equal(bytes.Select(b => b * Byte), images.ToFloatArray());
        }
        // [N, 3, H, W] to grey: each pixel's luma. One image, 1×1: (100, 150, 200) → 140.75.
        Idx.WriteBytes(dir.File("rgb.idx"), [100, 150, 200], [1, 3, 1, 1]);
        Assert.Equal(140.75f / 255, ImageFiles.Load(dir.File("rgb.idx"), 1, 1, 1).Images.ToFloatArray()[0], 1e-6f);
        // [H, W] is one image; [N, H, W] to RGB replicates.
        Idx.WriteBytes(dir.File("one.idx"), [7, 8], [1, 2]);
        Assert.Equal([7 * Byte, 8 * Byte, 7 * Byte, 8 * Byte, 7 * Byte, 8 * Byte], ImageFiles.Load(dir.File("one.idx"), 3, 1, 2).Images.ToFloatArray());
        Idx.WriteBytes(dir.File("c2.idx"), new byte[8], [1, 2, 2, 2]);
        Assert.Contains("has 2 channels, expected 1 or 3", Assert.Throws<DataFormatException>(() => ImageFiles.Load(dir.File("c2.idx"), 1, 2, 2)).Message);
        Idx.WriteBytes(dir.File("v.idx"), new byte[4], [4]);
        Assert.Contains("is not images", Assert.Throws<DataFormatException>(() => ImageFiles.Load(dir.File("v.idx"), 1, 2, 2)).Message);
        Assert.Contains("IDX row 0: the image is 2×2 (width×height), but the model takes 28×28",
            Assert.Throws<DataFormatException>(() => ImageFiles.Load(dir.File("x.idx"), 1, 28, 28)).Message);
    }

    [Fact]
    public void Wrong_size_is_refused_unless_resize_is_asked_for()
    {
        using var dir = new TempDir();
        string p = dir.File("small.pgm");
        File.WriteAllBytes(p, Pnm.Encode([0, 255, 255, 0], 2, 2, 1));
        var e = Assert.Throws<DataFormatException>(() => ImageFiles.Load(p, 1, 4, 3));
        Assert.Equal($"{p}: the image is 2×2 (width×height), but the model takes 3×4; images are resized only when resizing is asked for", e.Message);
        Assert.Equal("--input: the image is 2×2 (width×height), but the model takes 3×4; images are resized only when resizing is asked for",
            Assert.Throws<DataFormatException>(() => ImageFiles.Load(p, 1, 4, 3, source: "--input")).Message);

        // 2 → 4 with half-pixel centres: output x reads the source at (x + ½)/2 − ½ = −¼ (clamped to 0), ¼, ¾, 1¼ (→ 1),
        // so a row [a, b] becomes [a, ¾a + ¼b, ¼a + ¾b, b]. [0, 1; 1, 0] → rows 0 and 3 are the source rows, rows 1 and 2 mix them.
        var up = ImageFiles.Load(p, 1, 4, 4, resize: true).Images.ToFloatArray();
        float[] r0 = [0, 0.25f, 0.75f, 1], r3 = [1, 0.75f, 0.25f, 0];
        float[] r1 = r0.Zip(r3, (a, b) => 0.75f * a + 0.25f * b).ToArray(), r2 = r0.Zip(r3, (a, b) => 0.25f * a + 0.75f * b).ToArray();
        Assert.Equal([.. r0, .. r1, .. r2, .. r3], up, (a, b) => Math.Abs(a - b) < 1e-6f);
        // 4 → 2 averages each 2×2 block: source at (x + ½)·2 − ½ = ½, 2½.
        string big = dir.File("big.pgm");
        File.WriteAllBytes(big, Pnm.Encode([0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60], 4, 4, 1));
        Assert.Equal(new[] { 10f, 18, 42, 50 }.Select(v => v * Byte), ImageFiles.Load(big, 1, 2, 2, resize: true).Images.ToFloatArray(),
            (a, b) => Math.Abs(a - b) < 1e-6f);
        // The right size is copied exactly, with or without resize.
        Assert.Equal(ImageFiles.Load(p, 1, 2, 2).Images.ToFloatArray(), ImageFiles.Load(p, 1, 2, 2, resize: true).Images.ToFloatArray());
    }

    [Fact]
    public void Bad_inputs_are_named()
    {
        using var dir = new TempDir();
        Assert.Contains("the folder has no image files", Assert.Throws<DataFormatException>(() => ImageFiles.Load(dir.Path, 1, 2, 2)).Message);
        File.WriteAllText(dir.File("a.jpg"), "x");
        Assert.Contains("unknown image file type '.jpg'", Assert.Throws<DataFormatException>(() => ImageFiles.Load(dir.File("a.jpg"), 1, 2, 2)).Message);
        Assert.Contains("the folder has no image files", Assert.Throws<DataFormatException>(() => ImageFiles.Load(dir.Path, 1, 2, 2)).Message);
        Assert.Throws<FileNotFoundException>(() => ImageFiles.Load(dir.File("absent.png"), 1, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFiles.Load(dir.Path, 2, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageFiles.Load(dir.Path, 1, 0, 2));
        // A corrupt file in a folder is named as folder/file.
        File.WriteAllBytes(dir.File("bad.png"), Png.Encode([1, 2, 3, 4], 2, 2, 1)[..40]);
        var e = Assert.Throws<DataFormatException>(() => ImageFiles.Load(dir.Path, 1, 2, 2, source: "imgs"));
        Assert.Equal(Path.Join("imgs", "bad.png"), e.File);
        Assert.StartsWith($"{Path.Join("imgs", "bad.png")}: PNG: truncated", e.Message);
    }
}
