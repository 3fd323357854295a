using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Neurite.Serialization;

/// <summary>Thrown when a model or checkpoint file is malformed; the message names the file and the problem.</summary>
public sealed class ModelFormatException(string message) : Exception(message);

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of
/// JSON mapping each tensor name to its dtype, shape and data_offsets (relative to the data section),
/// optional "__metadata__" strings, then the raw little-endian tensor bytes. Files are data, never code.
/// </summary>
/// <remarks>
/// The reader checks every header field against the file's length before allocating anything, so a
/// truncated, corrupt or hostile file gives a <see cref="ModelFormatException"/>, never a crash, a hang
/// or a huge allocation.
/// </remarks>
public static class SafeTensors
{
    const long MaxHeaderBytes = 100L << 20;

    /// <summary>Writes <paramref name="tensors"/> (in name order) and <paramref name="metadata"/> atomically.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) w.WriteString(key, value);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var name in names)
            {
                var t = tensors[name];
                long bytes = (long)t.NumEl * t.DType.Size();
                w.WriteStartObject(name);
                w.WriteString("dtype", Code(t.DType));
                w.WriteStartArray("shape");
                foreach (int d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        var json = buffer.WrittenMemory;
        int padded = (json.Length + 7) / 8 * 8;  // the data section starts 8-byte aligned
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json.Span);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var name in names)
            {
                var t = tensors[name].Contiguous();
                // Storage is little-endian on every platform .NET runs Neurite on; the bytes go out as they are.
                switch (t.DType)
                {
                    case DType.Float32: stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Span<float>())); break;
                    case DType.Float64: stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Span<double>())); break;
                    default: stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Span<long>())); break;
                }
            }
        });
    }

    /// <summary>Reads every tensor and the metadata of a safetensors file, validating it fully first.</summary>
    /// <remarks>
    /// Refused with a <see cref="ModelFormatException"/> naming the file and the field: a header length beyond the
    /// file or over 100 MB, invalid UTF-8 or JSON, a key that appears twice in any object (two tensors of one name
    /// would otherwise silently keep the last), a name or string with a lone surrogate (<c>"\ud800"</c>), an
    /// unknown dtype, a negative or non-integer dimension, more than 2³¹ − 1 elements, data_offsets that are not
    /// two integers, leave the data section, disagree with the shape, or do not tile the data section exactly.
    /// What is allocated is the header plus the tensors the file really holds, so at most a small multiple of
    /// the file's size.
    /// </remarks>
    public static (Dictionary<string, Tensor> tensors, Dictionary<string, string> metadata) Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors: file not found: {path}", path);
        using var stream = File.OpenRead(path);
        long fileLength = stream.Length;
        if (fileLength < 8) throw Bad(path, $"the file is {fileLength} bytes, shorter than the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8)) throw Bad(path, $"the header claims {headerLength} bytes but only {fileLength - 8} follow");
        if ((long)headerLength > MaxHeaderBytes) throw Bad(path, $"the header of {headerLength} bytes exceeds the {MaxHeaderBytes} byte limit");
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        long dataStart = 8 + (long)headerLength, dataLength = fileLength - dataStart;

        // JsonDocument accepts invalid UTF-8 inside strings and fails only when a name or value is read
        // (with InvalidOperationException), so the header is validated up front.
        if (!System.Text.Unicode.Utf8.IsValid(json)) throw Bad(path, "the header is not valid UTF-8");
        JsonDocument doc;
        // AllowDuplicateProperties = false compares names after unescaping ("a" and "\u0061" are one key), in every
        // object of the header; comparing needs the unescaped name, so a lone surrogate in a name fails here already.
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8, AllowDuplicateProperties = false }); }
        catch (JsonException e) { throw Bad(path, $"the header is not valid JSON or repeats a key ({e.Message})"); }
        catch (InvalidOperationException) { throw Bad(path, "a name in the header is not valid Unicode (a lone surrogate escape such as \\ud800)"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(path, "the header is not a JSON object");
            var entries = new List<(string name, DType dtype, int[] shape, long begin, long end)>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                string name = NameOf(path, prop, "a tensor name");
                if (name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad(path, "__metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        string key = NameOf(path, m, "a __metadata__ key");
                        if (m.Value.ValueKind != JsonValueKind.String) throw Bad(path, $"metadata '{Quote(key)}' is not a string");
                        metadata[key] = StringOf(path, m.Value, $"metadata '{Quote(key)}'");
                    }
                    continue;
                }
                entries.Add(ParseEntry(path, name, prop.Value, dataLength));
            }
            // The data section must be covered exactly, without overlaps or gaps.
            long expected = 0;
            foreach (var e in entries.OrderBy(e => e.begin).ThenBy(e => e.end))
            {
                if (e.begin != expected) throw Bad(path, $"tensor '{Quote(e.name)}' field data_offsets starts at byte {e.begin} of the data section, expected {expected} (overlap or gap)");
                expected = e.end;
            }
            if (expected != dataLength) throw Bad(path, $"the tensors cover {expected} bytes but the data section has {dataLength}");

            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var e in entries)
            {
                var t = Tensor.Zeros(e.shape, e.dtype);
                stream.Position = dataStart + e.begin;
                var bytes = e.dtype switch
                {
                    DType.Float32 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Span<float>()),
                    DType.Float64 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Span<double>()),
                    _ => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Span<long>()),
                };
                stream.ReadExactly(bytes);
                tensors[e.name] = t;
            }
            return (tensors, metadata);
        }
    }

    static (string, DType, int[], long, long) ParseEntry(string path, string name, JsonElement e, long dataLength)
    {
        string tensor = $"tensor '{Quote(name)}'";
        if (e.ValueKind != JsonValueKind.Object) throw Bad(path, $"entry '{Quote(name)}' is not an object");
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw Bad(path, $"{tensor} has no dtype (a string)");
        DType dtype = StringOf(path, dt, $"{tensor} field dtype") switch
        {
            "F32" => DType.Float32,
            "F64" => DType.Float64,
            "I64" => DType.Int64,
            var other => throw Bad(path, $"{tensor} has unsupported dtype '{Quote(other)}' (supported: F32, F64, I64)"),
        };
        if (!e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw Bad(path, $"{tensor} has no shape (an array)");
        var shape = new List<int>();
        long count = 1, nonZero = 1;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int v) || v < 0) throw Bad(path, $"{tensor} field shape has an invalid dimension {Quote(d.GetRawText())}");
            shape.Add(v);
            count *= v;
            // the product of the non-zero dimensions too: strides are ints even when a zero makes the tensor empty
            nonZero *= Math.Max(v, 1);
            if (count > int.MaxValue || nonZero > int.MaxValue) throw Bad(path, $"{tensor} field shape has too many elements (more than {int.MaxValue})");
        }
        if (!e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad(path, $"{tensor} has no data_offsets [begin, end]");
        // TryGetInt64 throws on a non-number, so the kind is checked first
        if (off[0].ValueKind != JsonValueKind.Number || off[1].ValueKind != JsonValueKind.Number
            || !off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw Bad(path, $"{tensor} has invalid data_offsets (two integers 0 ≤ begin ≤ end)");
        if (end > dataLength) throw Bad(path, $"{tensor} data_offsets [{begin}, {end}] exceed the data section of {dataLength} bytes (truncated file?)");
        if (end - begin != count * dtype.Size())
            throw Bad(path, $"{tensor} of shape [{string.Join(", ", shape)}] needs {count * dtype.Size()} bytes but data_offsets span {end - begin}");
        return (name, dtype, shape.ToArray(), begin, end);
    }

    /// <summary>A property's name; JsonDocument throws InvalidOperationException for a lone surrogate escape.</summary>
    static string NameOf(string path, JsonProperty p, string what)
    {
        try { return p.Name; }
        catch (InvalidOperationException) { throw Bad(path, $"{what} is not valid Unicode (a lone surrogate escape such as \\ud800)"); }
    }

    /// <summary>A string value; JsonDocument throws InvalidOperationException for a lone surrogate escape.</summary>
    static string StringOf(string path, JsonElement e, string what)
    {
        try { return e.GetString()!; }
        catch (InvalidOperationException) { throw Bad(path, $"{what} is not valid Unicode (a lone surrogate escape such as \\ud800)"); }
    }

    /// <summary>A name or value for a message, cut short: a hostile file must not make the message huge.</summary>
    internal static string Quote(string s) => s.Length <= 80 ? s : s[..77] + "…";

    static string Code(DType dtype) => dtype switch { DType.Float32 => "F32", DType.Float64 => "F64", _ => "I64" };

    static ModelFormatException Bad(string path, string problem) => new($"{path}: not a valid safetensors file: {problem}");
}
