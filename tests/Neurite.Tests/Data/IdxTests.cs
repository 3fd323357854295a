using System.Diagnostics;
using System.IO.Compression;
using Neurite.Data;

namespace Neurite.Tests.Data;

public class IdxTests
{
    static byte[] Pixels(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 7 % 256)).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_ubyte_images_plain_and_gzip(bool gzip)
    {
        using var dir = new TempDir();
        string path = dir.File("imgs");
        var px = Pixels(3 * 4 * 5);
        Idx.WriteBytes(path, px, [3, 4, 5], gzip);
        var t = Idx.Read(path, DType.Float32, scale: 1.0 / 255);
        Assert.Equal([3, 4, 5], t.Shape.ToArray());
        Assert.Equal(px.Select(b => b * (float)(1.0 / 255)), t.ToFloatArray());
        Assert.Equal(px.Select(b => (long)b), Idx.Read(path, DType.Int64).ToLongArray());
    }

    [Fact]
    public void Reads_big_endian_int32_and_float64()
    {
        using var dir = new TempDir();
        // int32 [2]: 0x00000102 = 258, 0xFFFFFFFF = −1
        string ints = dir.File("ints");
        File.WriteAllBytes(ints, [0, 0, 0x0C, 1, 0, 0, 0, 2, 0, 0, 1, 2, 0xFF, 0xFF, 0xFF, 0xFF]);
        Assert.Equal([258L, -1L], Idx.Read(ints, DType.Int64).ToLongArray());
        // float64 [1]: 0x3FF8000000000000 = 1.5
        string dbl = dir.File("dbl");
        File.WriteAllBytes(dbl, [0, 0, 0x0E, 1, 0, 0, 0, 1, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0]);
        Assert.Equal([1.5], Idx.Read(dbl, DType.Float64).ToDoubleArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_file_is_rejected_naming_the_file(bool gzip)
    {
        using var dir = new TempDir();
        string full = dir.File("full"), cut = dir.File("cut");
        Idx.WriteBytes(full, Pixels(100), [10, 10]);
        var bytes = File.ReadAllBytes(full)[..^7];
        if (gzip)
        {
            using var f = File.Create(cut);
            using var z = new GZipStream(f, CompressionLevel.Fastest);
            z.Write(bytes);
        }
        else File.WriteAllBytes(cut, bytes);
        var e = Assert.Throws<DataFormatException>(() => Idx.Read(cut));
        Assert.Equal(cut, e.File);
        Assert.Contains(cut, e.Message);
        Assert.Contains("112 bytes", e.Message);   // 4 + 2·4 header + 100 data
    }

    [Fact]
    public void Huge_header_with_tiny_file_fails_fast_without_allocating()
    {
        using var dir = new TempDir();
        // "over": [65536, 32768] ubyte = 2³¹ elements, more than a tensor can hold, in a 12-byte file.
        // "big": [40000, 40000] = 1.6·10⁹ elements, a legal shape, but the file has 3 bytes of data.
        string over = dir.File("over"), big = dir.File("big"), bigz = dir.File("big.gz");
        File.WriteAllBytes(over, [0, 0, 8, 2, 0, 1, 0, 0, 0, 0, 0x80, 0]);
        File.WriteAllBytes(big, [0, 0, 8, 2, 0, 0, 0x9C, 0x40, 0, 0, 0x9C, 0x40, 1, 2, 3]);
        using (var f = File.Create(bigz))
        using (var z = new GZipStream(f, CompressionLevel.Fastest))
            z.Write(File.ReadAllBytes(big));
        // Per-thread: the process-wide count includes whatever tests run in parallel (a CI failure).
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        Assert.Contains("more than 2147483647 elements", Assert.Throws<DataFormatException>(() => Idx.Read(over)).Message);
        var e = Assert.Throws<DataFormatException>(() => Idx.Read(big));
        Assert.Contains("needs 1600000012 bytes, but the file has 15", e.Message);
        Assert.Contains("[40000, 40000]", e.Message);
        var g = Assert.Throws<DataFormatException>(() => Idx.Read(bigz));
        Assert.Contains("gzip trailer says 15", g.Message);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 10_000_000, $"allocated {allocated} bytes");
        Assert.True(sw.ElapsedMilliseconds < 2000);
    }

    [Fact]
    public void Bad_magic_type_and_rank_are_named()
    {
        using var dir = new TempDir();
        string p = dir.File("x");
        File.WriteAllBytes(p, [0x50, 0x4B, 3, 4, 0, 0, 0, 0]);
        Assert.Contains("not an IDX file: magic number 0x504b0304", Assert.Throws<DataFormatException>(() => Idx.Read(p)).Message);
        File.WriteAllBytes(p, [0, 0, 0x07, 1, 0, 0, 0, 0]);
        Assert.Contains("unknown IDX element type 0x07", Assert.Throws<DataFormatException>(() => Idx.Read(p)).Message);
        File.WriteAllBytes(p, [0, 0, 0x08, 9, 0, 0, 0, 0]);
        Assert.Contains("rank 9", Assert.Throws<DataFormatException>(() => Idx.Read(p)).Message);
        File.WriteAllBytes(p, [0, 0]);
        Assert.Contains("shorter than the 4-byte", Assert.Throws<DataFormatException>(() => Idx.Read(p)).Message);
        Assert.Throws<FileNotFoundException>(() => Idx.Read(dir.File("absent")));
    }

    [Fact]
    public void Bit_flipped_gzip_is_rejected_cleanly()
    {
        using var dir = new TempDir();
        string p = dir.File("flip.gz");
        Idx.WriteBytes(p, Pixels(5000), [50, 100], gzip: true);
        var clean = File.ReadAllBytes(p);
        // Every position after the 10-byte gzip header (deflate body, CRC-32, ISIZE): zlib's CRC check
        // or the size checks notice, and the error is a DataFormatException naming the file. A flip that
        // leaves the decoded bytes unchanged (unused padding bits of the last deflate block) may load,
        // but then it must load the original values: never silently wrong data.
        var expected = Pixels(5000).Select(v => (long)v).ToArray();
        int rejected = 0;
        for (int at = 10; at < clean.Length; at += Math.Max(1, clean.Length / 40))
        {
            var bytes = (byte[])clean.Clone();
            bytes[at] ^= 0x10;
            File.WriteAllBytes(p, bytes);
            Tensor? loaded = null;
            var e = Record.Exception(() => loaded = Idx.Read(p, DType.Int64));
            if (e is null) { Assert.Equal(expected, loaded!.ToLongArray()); continue; }
            Assert.True(e is DataFormatException, $"flip at {at}: {e.GetType().Name}: {e.Message}");
            Assert.Contains(p, e.Message);
            rejected++;
        }
        Assert.True(rejected >= 30, $"only {rejected} of the flips were rejected");
    }

    [Fact]
    public void Bit_flipped_plain_header_is_rejected()
    {
        using var dir = new TempDir();
        string p = dir.File("flip");
        Idx.WriteBytes(p, Pixels(60), [3, 4, 5]);
        var clean = File.ReadAllBytes(p);
        for (int at = 0; at < 16; at++)   // magic, type, rank and all three dimensions
        {
            var bytes = (byte[])clean.Clone();
            bytes[at] ^= 0x04;
            File.WriteAllBytes(p, bytes);
            Assert.Throws<DataFormatException>(() => Idx.Read(p));
        }
    }
}
