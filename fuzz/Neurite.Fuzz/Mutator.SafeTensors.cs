using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Neurite.Fuzz;

public sealed partial class Mutator
{
    // ---------------------------------------------------------------- safetensors

    (byte[], string) MutateSafeTensors(byte[] b)
    {
        if (b.Length < 8) return MutateBytes(b, b.Length);
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(b);
        int headerEnd = declared > (ulong)(b.Length - 8) ? b.Length : 8 + (int)declared;
        int kind = rng.Next(100);
        if (kind < 30) return MutateBytes(b, headerEnd);
        if (kind < 40) return HeaderLength(b);
        var header = ParseObject(b.AsSpan(8, headerEnd - 8));
        if (header is null) return MutateBytes(b, headerEnd);
        var data = b[headerEnd..];
        var meta = header["__metadata__"] as JsonObject;
        // checkpoint metadata and an architecture kept in the metadata get their own mutations
        if (kind < 55 && meta?["format"]?.GetValueKind() == JsonValueKind.String && (string?)meta["format"] == "neurite-checkpoint")
            return Rebuild(b, headerEnd, data, CheckpointField(header, meta));
        if (kind < 55 && meta is not null)
        {
            foreach (var (key, value) in meta.ToArray())
            {
                if (value?.GetValueKind() != JsonValueKind.String) continue;
                var arch = ParseObject(Encoding.UTF8.GetBytes((string)value!));
                if (arch is null) continue;
                var (text, what) = MutateArchitecture(arch);
                meta[key] = text;
                return Rebuild(b, headerEnd, data, (header, $"metadata '{key}' (architecture): {what}", null));
            }
        }
        return Rebuild(b, headerEnd, data, Structural(header));
    }

    (byte[], string) HeaderLength(byte[] b)
    {
        if (b.Length < 8) return MutateBytes(b, b.Length);
        var c = (byte[])b.Clone();
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(c);
        ulong v = rng.Next(12) switch
        {
            0 => 0, 1 => n - 1, 2 => n + 1, 3 => n + 8, 4 => n - 8, 5 => (ulong)b.Length, 6 => (ulong)b.Length - 8,
            7 => ulong.MaxValue, 8 => 1UL << 63, 9 => (100UL << 20) + 1, 10 => n * 2, _ => (ulong)rng.NextInt64(),
        };
        BinaryPrimitives.WriteUInt64LittleEndian(c, v);
        return (c, $"header length {n} → {v}");
    }

    /// <summary>Writes the edited header back: usually with its true length (so the structure is what is tested),
    /// sometimes with the old one; the raw edit changes the JSON text after serialisation.</summary>
    (byte[], string) Rebuild(byte[] b, int headerEnd, byte[] data, (JsonObject header, string what, Func<string, string>? raw) edit)
    {
        string text = edit.header.ToJsonString();
        if (edit.raw is not null) text = edit.raw(text);
        var json = Encoding.UTF8.GetBytes(text);
        ulong length = (ulong)json.Length;
        string how = "";
        if (rng.Next(10) == 0) { length = BinaryPrimitives.ReadUInt64LittleEndian(b); how = " (old header length kept)"; }
        var result = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, length);
        json.CopyTo(result, 8);
        data.CopyTo(result, 8 + json.Length);
        return (result, edit.what + how);
    }

    (JsonObject, string, Func<string, string>?) Structural(JsonObject header)
    {
        var tensors = header.Where(kv => kv.Key != "__metadata__" && kv.Value is JsonObject).Select(kv => kv.Key).ToArray();
        if (tensors.Length == 0) return (header, "header without tensors left as is", null);
        string name = tensors[rng.Next(tensors.Length)];
        var entry = (JsonObject)header[name]!;
        string q = JsonSerializer.Serialize(name);  // the name as it appears in the JSON text
        switch (rng.Next(16))
        {
            case 0:
            {
                var off = entry["data_offsets"]!.AsArray();
                long begin = L(off[0]), end = L(off[1]);
                int i = rng.Next(2);
                long v = rng.Next(8) switch { 0 => -1, 1 => end + 1, 2 => begin - 1, 3 => long.MaxValue, 4 => 1L << 53, 5 => end - begin, 6 => 0, _ => rng.NextInt64() };
                off[i] = v;
                return (header, $"tensor {q} data_offsets[{i}] → {v}", null);
            }
            case 1:
            {
                var other = (JsonObject)header[tensors[rng.Next(tensors.Length)]]!;
                entry["data_offsets"] = other["data_offsets"]!.DeepClone();
                return (header, $"tensor {q} data_offsets copied from another tensor (overlap)", null);
            }
            case 2:
            {
                string token = Pick("[0]", "[0,4,8]", "[]", "\"0,4\"", "null", "[-0,1e999]", "[0.5,4]", "[1e20,1e21]", "[\"0\",4]", "{\"0\":0}");
                return Raw(header, entry, "data_offsets", token, $"tensor {q} data_offsets → {token}");
            }
            case 3:
            {
                var shape = entry["shape"]!.AsArray();
                int dim = shape.Count == 0 ? -1 : rng.Next(shape.Count);
                long v = Pick(0L, -1L, int.MaxValue, 1L << 31, 100_000L, 10_000_000_000L, 65536L);
                if (dim < 0) shape.Add(v); else shape[dim] = v;
                return (header, $"tensor {q} shape[{dim}] → {v}", null);
            }
            case 4:
            {
                var shape = entry["shape"]!.AsArray();
                string what = rng.Next(4) switch
                {
                    0 => Do(() => shape.Add(1), "a dimension of 1 added"),
                    1 => Do(() => { if (shape.Count > 0) shape.RemoveAt(0); }, "first dimension removed"),
                    2 => Do(() => { var d = shape.Select(x => L(x)).Reverse().ToArray(); shape.Clear(); foreach (var x in d) shape.Add(x); }, "dimensions reversed"),
                    _ => Do(() => { long n = shape.Aggregate(1L, (p, x) => p * L(x)); shape.Clear(); shape.Add(n); }, "flattened"),
                };
                return (header, $"tensor {q} shape {what}", null);
            }
            case 5:
            {
                string token = Pick("[1.5]", "[\"3\"]", "[null]", "3", "[[2]]", "[2147483648]", "[-0]", "[1e999]", Deep('[', ']', 100), "[" + string.Join(",", Enumerable.Repeat("1", 100_000)) + "]", "[65536,65536,0]");
                return Raw(header, entry, "shape", token, $"tensor {q} shape → {Short(token)}");
            }
            case 6:
            {
                string token = Pick("\"F16\"", "\"BF16\"", "\"I32\"", "\"U8\"", "\"f32\"", "\"\"", "7", "null", "\"F32\\u0000\"", "\"\\ud800\"", "[\"F32\"]");
                return Raw(header, entry, "dtype", token, $"tensor {q} dtype → {token}");
            }
            case 7:
            {
                string key = Pick("dtype", "shape", "data_offsets");
                entry.Remove(key);
                return (header, $"tensor {q} field {key} removed", null);
            }
            case 8:
            {
                string token = Pick("null", "1", "\"x\"", "[]", "true", "{}", Deep('{', '}', 20, "\"a\":"));
                return (header, $"tensor {q} entry → {Short(token)}", t => ReplaceValue(t, q, entry.ToJsonString(), token));
            }
            case 9:
            {
                // two tensors of one name: the JSON object is written twice
                string copy = entry.ToJsonString();
                return (header, $"tensor {q} duplicated", t => t[..^1] + "," + q + ":" + copy + "}");
            }
            case 10:
            {
                string key = Pick("dtype", "shape", "data_offsets");
                string value = entry[key]!.ToJsonString();
                return (header, $"tensor {q} key {key} duplicated", t => t.Replace(q + ":{", q + ":{\"" + key + "\":" + value + ",", StringComparison.Ordinal));
            }
            case 11:
            {
                string surrogate = Pick("\\ud800", "\\udfff", "\\ud83d\\u0041", "\\u0000");
                return (header, $"tensor {q} name gets {surrogate}", t => t.Replace(q + ":", q[..^1] + surrogate + "\":", StringComparison.Ordinal));
            }
            case 12:
            {
                string newName = Pick("", "__metadata__", new string('x', 100_000), "model.", "a.b.c.d.e", "\u00e9", "optim.0.0.exp_avg", "optim.999.0.x");
                header.Remove(name);
                if (header.ContainsKey(newName)) header.Remove(newName);
                header[newName] = entry;
                return (header, $"tensor {q} renamed to {Short(JsonSerializer.Serialize(newName))}", null);
            }
            case 13:
            {
                var meta = header["__metadata__"] as JsonObject;
                string token = Pick("1", "null", "[]", "{\"k\":1}", "{\"k\":\"\\ud800\"}", "{\"\\udc00\":\"v\"}", "{\"k\":\"v\",\"k\":\"w\"}", "\"x\"",
                    Deep('{', '}', 50, "\"a\":"), "{" + string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"\"k{i}\":\"v\"")) + "}");
                string current = meta?.ToJsonString() ?? "";
                return (header, $"__metadata__ → {Short(token)}", t => meta is null ? "{\"__metadata__\":" + token + "," + t[1..] : ReplaceValue(t, "\"__metadata__\"", current, token));
            }
            case 14:
            {
                header.Remove(name);
                return (header, $"tensor {q} removed from the header", null);
            }
            default:
            {
                string token = Pick("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", "{\"dtype\":\"F64\",\"shape\":[0],\"data_offsets\":[0,0]}",
                    "{\"dtype\":\"F32\",\"shape\":[100000,20000],\"data_offsets\":[0,8000000000]}", "{\"dtype\":\"I64\",\"shape\":[2147483647],\"data_offsets\":[0,4]}");
                return (header, $"extra tensor \"zz\" → {token}", t => t[..^1] + ",\"zz\":" + token + "}");
            }
        }
    }

    /// <summary>A JSON object to edit, or null if the text is not one (invalid, duplicate keys, lone surrogates: the
    /// byte mutations handle those). JsonNode parses lazily, so the whole tree is materialised here.</summary>
    static JsonObject? ParseObject(ReadOnlySpan<byte> utf8)
    {
        try
        {
            if (!System.Text.Unicode.Utf8.IsValid(utf8)) return null;
            var node = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject;
            Materialize(node);
            return node;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException) { return null; }
    }

    static void Materialize(JsonNode? n)
    {
        if (n is JsonObject o) foreach (var (_, v) in o) Materialize(v);
        else if (n is JsonArray a) foreach (var v in a) Materialize(v);
        else if (n is JsonValue v && v.GetValueKind() == JsonValueKind.String) v.GetValue<string>();
    }

    /// <summary>An integer node, whether parsed (JsonElement) or added here (int or long).</summary>
    static long L(JsonNode? x) => x is not null && long.TryParse(x.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : 0;

    static string Do(Action a, string what) { a(); return what; }

    /// <summary>Sets a field to a raw JSON token (which may be invalid JSON, deep or huge).</summary>
    static (JsonObject, string, Func<string, string>?) Raw(JsonObject header, JsonObject entry, string key, string token, string what)
    {
        const string Placeholder = "\"@@raw@@\"";
        entry[key] = "@@raw@@";
        return (header, what, t => t.Replace(Placeholder, token, StringComparison.Ordinal));
    }

    static string ReplaceValue(string text, string key, string value, string token)
    {
        int at = text.IndexOf(key + ":" + value, StringComparison.Ordinal);
        return at < 0 ? text : text[..(at + key.Length + 1)] + token + text[(at + key.Length + 1 + value.Length)..];
    }

    static string Deep(char open, char close, int depth, string inner = "") =>
        string.Concat(Enumerable.Repeat(open + inner, depth)) + (inner.Length > 0 ? "1" : "") + new string(close, depth);

    static string Short(string s) => s.Length <= 60 ? s : s[..57] + $"… ({s.Length} chars)";
}
