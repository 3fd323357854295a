using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Neurite.Serialization;

namespace Neurite.Tests.Serialization;

public sealed class SafeTensorsTests : IDisposable
{
    readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("neurite-st-");

    public void Dispose() => dir.Delete(recursive: true);

    string PathOf(string name) => Path.Combine(dir.FullName, name);

    static Dictionary<string, Tensor> Sample() => new()
    {
        ["a.f32"] = Tensor.FromArray(new float[] { 1.5f, -0f, float.NaN, float.Epsilon, float.MaxValue, float.NegativeInfinity }, 2, 3),
        ["b.f64"] = Tensor.FromArray(new double[] { Math.PI, -0.0, double.Epsilon, 1e308 }, 4),
        ["c.i64"] = Tensor.FromArray(new long[] { long.MinValue, -1, 0, long.MaxValue }, 2, 1, 2),
        ["d.scalar"] = Tensor.Scalar(7, DType.Float64),
        ["e.empty"] = Tensor.Zeros([0, 3], DType.Float32),
    };

    static byte[] Bits(Tensor t) => t.DType switch
    {
        DType.Float32 => t.ToFloatArray().SelectMany(BitConverter.GetBytes).ToArray(),
        DType.Float64 => t.ToDoubleArray().SelectMany(BitConverter.GetBytes).ToArray(),
        _ => t.ToLongArray().SelectMany(BitConverter.GetBytes).ToArray(),
    };

    [Fact]
    public void RoundTripIsBitIdentical()
    {
        var path = PathOf("sample.safetensors");
        var sample = Sample();
        SafeTensors.Save(path, sample, new Dictionary<string, string> { ["format"] = "neurite", ["note"] = "ünïcode" });
        var (tensors, metadata) = SafeTensors.Load(path);
        Assert.Equal(sample.Keys.Order(), tensors.Keys.Order());
        foreach (var (name, t) in sample)
        {
            Assert.Equal(t.DType, tensors[name].DType);
            Assert.Equal(t.Shape.ToArray(), tensors[name].Shape.ToArray());
            Assert.Equal(Bits(t), Bits(tensors[name]));
        }
        Assert.Equal("neurite", metadata["format"]);
        Assert.Equal("ünïcode", metadata["note"]);
        Assert.Single(Directory.GetFiles(dir.FullName));  // no temp file left
    }

    [Fact]
    public void NonContiguousTensorsAreWrittenInLogicalOrder()
    {
        var path = PathOf("t.safetensors");
        var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3).Transpose(0, 1);
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["t"] = t });
        var loaded = SafeTensors.Load(path).tensors["t"];
        Assert.Equal([3, 2], loaded.Shape.ToArray());
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, loaded.ToFloatArray());
    }

    [Fact]
    public void FileLayout()
    {
        var path = PathOf("layout.safetensors");
        SafeTensors.Save(path, Sample());
        var bytes = File.ReadAllBytes(path);
        // 8-byte little-endian header length, then that much JSON, then the data section
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        long dataLength = bytes.Length - 8 - n;
        var spans = new List<(long begin, long end)>();
        foreach (var entry in doc.RootElement.EnumerateObject())
        {
            var offsets = entry.Value.GetProperty("data_offsets");
            long begin = offsets[0].GetInt64(), end = offsets[1].GetInt64();
            long count = entry.Value.GetProperty("shape").EnumerateArray().Aggregate(1L, (p, d) => p * d.GetInt64());
            int size = entry.Value.GetProperty("dtype").GetString() == "F32" ? 4 : 8;
            Assert.Equal(count * size, end - begin);
            spans.Add((begin, end));
        }
        Assert.Equal("F32", doc.RootElement.GetProperty("a.f32").GetProperty("dtype").GetString());
        Assert.Equal("F64", doc.RootElement.GetProperty("b.f64").GetProperty("dtype").GetString());
        Assert.Equal("I64", doc.RootElement.GetProperty("c.i64").GetProperty("dtype").GetString());
        Assert.Equal([2, 1, 2], doc.RootElement.GetProperty("c.i64").GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray());
        // the spans tile the data section
        long at = 0;
        foreach (var (begin, end) in spans.OrderBy(s => s.begin)) { Assert.Equal(at, begin); at = end; }
        Assert.Equal(dataLength, at);
        // a.f32's bytes are the raw little-endian floats
        var a = doc.RootElement.GetProperty("a.f32").GetProperty("data_offsets");
        Assert.Equal(BitConverter.GetBytes(1.5f), bytes.AsSpan((int)(8 + n + a[0].GetInt64()), 4).ToArray());
    }

    /// <summary>Writes a file with the given header JSON (padded with spaces) and data bytes.</summary>
    string Craft(string header, int dataBytes, string name = "crafted.safetensors")
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        var path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    void Rejected(string path, string because)
    {
        var e = Assert.Throws<ModelFormatException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(because, e.Message);
    }

    [Fact]
    public void EveryTruncationIsRejectedNamingTheFile()
    {
        var full = PathOf("full.safetensors");
        SafeTensors.Save(full, new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray(new float[] { 1, 2, 3 }), ["b"] = Tensor.FromArray(new long[] { 4 }) });
        var bytes = File.ReadAllBytes(full);
        var cut = PathOf("cut.safetensors");
        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(cut, bytes[..length]);
            var e = Assert.Throws<ModelFormatException>(() => SafeTensors.Load(cut));
            Assert.Contains(cut, e.Message);
        }
    }

    [Fact]
    public void HeaderLongerThanTheFile()
    {
        var path = PathOf("long.safetensors");
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        File.WriteAllBytes(path, bytes);
        Rejected(path, "the header claims");
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 9);
        File.WriteAllBytes(path, bytes);
        Rejected(path, "the header claims 9 bytes but only 8 follow");
    }

    [Fact]
    public void HugeShapeClaimsInATinyFileAllocateNothing()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Rejected(Craft("""{"w":{"dtype":"F32","shape":[100000,100000],"data_offsets":[0,4]}}""", 4), "too many elements");
        Rejected(Craft("""{"w":{"dtype":"F64","shape":[40000,40000],"data_offsets":[0,12800000000]}}""", 4), "exceed the data section");
        Rejected(Craft("""{"w":{"dtype":"F64","shape":[40000,40000],"data_offsets":[0,8]}}""", 8), "needs 12800000000 bytes");
        Rejected(Craft("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}""", 4), "exceed the data section of 4 bytes");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000);
    }

    [Fact]
    public void OverlapsAndGapsAreRejected()
    {
        Rejected(Craft("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12), "overlap or gap");
        Rejected(Craft("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12), "overlap or gap");
        Rejected(Craft("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8), "cover 4 bytes but the data section has 8");
        Rejected(Craft("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", 4), "invalid data_offsets");
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}""", "unsupported dtype 'F16'")]
    [InlineData("""{"a":{"dtype":7,"shape":[1],"data_offsets":[0,4]}}""", "has no dtype")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", "invalid dimension")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", "invalid dimension")]
    [InlineData("""{"a":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}""", "has no shape")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":["0",4]}}""", "invalid data_offsets")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,null]}}""", "invalid data_offsets")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}""", "no data_offsets")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1]}}""", "no data_offsets")]
    [InlineData("""{"a":[1,2]}""", "is not an object")]
    [InlineData("""[1,2,3]""", "not a JSON object")]
    [InlineData("""{"a":{"dtype":"F32",""", "not valid JSON")]
    [InlineData("""{"__metadata__":{"k":1}}""", "is not a string")]
    [InlineData("""{"__metadata__":[]}""", "__metadata__ is not an object")]
    [InlineData("""[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]""", "not valid JSON")]
    public void MalformedHeadersAreRejected(string header, string because) => Rejected(Craft(header, 4), because);

    [Theory]
    // two tensors of one name: the first would silently be dropped
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}""", "'a'")]
    // the same name spelled with an escape is the same name
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\u0061":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}""", "'a'")]
    [InlineData("""{"__metadata__":{"k":"1","k":"2"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "'k'")]
    [InlineData("""{"a":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}}""", "'dtype'")]
    public void DuplicateKeysAnywhereAreRejected(string header, string name) => Rejected(Craft(header, 4), name);

    [Theory]
    [InlineData("""{"\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "lone surrogate")]
    [InlineData("""{"__metadata__":{"k":"\udc00x"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "metadata 'k' is not valid Unicode")]
    [InlineData("""{"__metadata__":{"\ud800":"v"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "lone surrogate")]
    [InlineData("""{"a":{"dtype":"\ud83d","shape":[1],"data_offsets":[0,4]}}""", "field dtype is not valid Unicode")]
    public void LoneSurrogatesAreAFormatError(string header, string because) => Rejected(Craft(header, 4), because);

    [Fact]
    public void EmptyTensorsWithHugeOtherDimensionsAreRejected()
    {
        // 0 elements, but the strides of [0, 65536, 65536] overflow an int
        Rejected(Craft("""{"a":{"dtype":"F32","shape":[0,65536,65536],"data_offsets":[0,0]}}""", 0), "field shape has too many elements");
        Assert.Equal([0, 3], SafeTensors.Load(Craft("""{"a":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]}}""", 0)).tensors["a"].Shape.ToArray());
    }

    [Fact]
    public void InvalidUtf8HeaderIsRejected()
    {
        var path = Craft("{\"a\":1}", 0);
        var bytes = File.ReadAllBytes(path);
        bytes[10] = 0xFF;
        File.WriteAllBytes(path, bytes);
        Assert.Throws<ModelFormatException>(() => SafeTensors.Load(path));
    }

    [Fact]
    public void BitFlipsGiveAFormatErrorOrALoadThatIsConsistent()
    {
        var good = PathOf("good.safetensors");
        SafeTensors.Save(good, new Dictionary<string, Tensor> { ["w"] = Tensor.FromArray(new float[] { 1, 2 }), ["n"] = Tensor.FromArray(new long[] { 3 }) }, new Dictionary<string, string> { ["m"] = "x" });
        var bytes = File.ReadAllBytes(good);
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var flipped = PathOf("flipped.safetensors");
        int loaded = 0, rejected = 0;
        for (int i = 0; i < headerEnd; i++)
            for (int bit = 0; bit < 8; bit++)
            {
                var copy = (byte[])bytes.Clone();
                copy[i] ^= (byte)(1 << bit);
                File.WriteAllBytes(flipped, copy);
                try
                {
                    var (a, _) = SafeTensors.Load(flipped);
                    var (b, _) = SafeTensors.Load(flipped);
                    // whatever loaded must be self-consistent: shapes agree with the data read, twice the same
                    Assert.Equal(a.Keys.Order(), b.Keys.Order());
                    foreach (var (name, t) in a)
                    {
                        Assert.Equal(t.Shape.ToArray().Aggregate(1, (p, d) => p * d), t.NumEl);
                        Assert.Equal(Bits(t), Bits(b[name]));
                    }
                    loaded++;
                }
                catch (ModelFormatException e)
                {
                    Assert.Contains(flipped, e.Message);
                    rejected++;
                }
            }
        Assert.True(rejected > 0);
        Assert.Equal(headerEnd * 8, loaded + rejected);
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        var e = Assert.Throws<FileNotFoundException>(() => SafeTensors.Load(PathOf("nope.safetensors")));
        Assert.Contains("nope.safetensors", e.Message);
    }
}
