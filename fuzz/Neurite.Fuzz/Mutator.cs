using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Neurite.Fuzz;

/// <summary>
/// Corrupts a seed's files the ways a disk, a network or an attacker would: byte-level (truncation, bit flips,
/// insertions, deletions, the header-length field), structural on the safetensors header (data_offsets, shapes,
/// dtypes, duplicate names and keys, lone surrogates, deep nesting, wrong types, missing fields), on the
/// architecture JSON (huge layers, negative, NaN and infinite numbers, wrong types, missing fields, bad padding)
/// and on checkpoint metadata. Each case is reproducible from its <see cref="Random"/>.
/// </summary>
public sealed class Mutator(Random rng)
{
    /// <summary>The mutated files (a file may be missing) and a one-line description of what was done.</summary>
    public (Dictionary<string, byte[]> Files, string Description) Mutate(Seed seed)
    {
        var files = seed.Files.ToDictionary(kv => kv.Key, kv => (byte[])kv.Value.Clone());
        var names = files.Keys.Order(StringComparer.Ordinal).ToArray();
        string file = rng.Next(3) == 0 ? names[rng.Next(names.Length)] : seed.LoadFile;
        if (!files.ContainsKey(file)) file = names[0];
        if (rng.Next(100) == 0)
        {
            files.Remove(file);
            return (files, $"{file}: deleted");
        }
        var bytes = files[file];
        string what;
        int rounds = rng.Next(8) == 0 ? 2 + rng.Next(3) : 1;  // sometimes stack a few mutations
        var parts = new List<string>();
        for (int r = 0; r < rounds; r++)
        {
            try { (bytes, what) = file.EndsWith(".json", StringComparison.Ordinal) ? MutateJsonFile(bytes) : MutateSafeTensors(bytes); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IndexOutOfRangeException or NullReferenceException)
            {
                // a structural edit met a structure an earlier round broke (e.g. data_offsets of one element): bytes instead
                (bytes, what) = MutateBytes(bytes, bytes.Length);
            }
            parts.Add(what);
        }
        files[file] = bytes;
        return (files, $"{file}: {string.Join(" + ", parts)}");
    }

    // ---------------------------------------------------------------- byte level

    (byte[], string) MutateBytes(byte[] b, int focus)
    {
        // focus: the header's end, where most of the structure is; positions are drawn mostly below it
        int Pos(int max) => max <= 0 ? 0 : rng.Next(2) == 0 ? rng.Next(Math.Min(max, Math.Max(focus, 1))) : rng.Next(max);
        switch (rng.Next(8))
        {
            case 0:
            {
                int at = Pos(b.Length);
                return (b[..at], $"truncated to {at} of {b.Length} bytes");
            }
            case 1:
            {
                int flips = 1 + rng.Next(8);
                var c = (byte[])b.Clone();
                var at = new List<string>();
                for (int i = 0; i < flips && c.Length > 0; i++)
                {
                    int p = Pos(c.Length), bit = rng.Next(8);
                    c[p] ^= (byte)(1 << bit);
                    at.Add($"{p}.{bit}");
                }
                return (c, $"bit flips at {string.Join(",", at)}");
            }
            case 2:
            {
                int at = Pos(b.Length + 1), n = 1 + rng.Next(rng.Next(4) == 0 ? 4096 : 16);
                var ins = new byte[n];
                if (rng.Next(2) == 0) rng.NextBytes(ins); else Array.Fill(ins, Interesting());
                return ([.. b[..at], .. ins, .. b[at..]], $"{n} bytes inserted at {at}");
            }
            case 3:
            {
                if (b.Length == 0) return (b, "nothing to delete");
                int at = Pos(b.Length), n = Math.Min(b.Length - at, 1 + rng.Next(rng.Next(4) == 0 ? 1024 : 16));
                return ([.. b[..at], .. b[(at + n)..]], $"{n} bytes deleted at {at}");
            }
            case 4:
            {
                var c = (byte[])b.Clone();
                int n = 1 + rng.Next(4), p = 0;
                for (int i = 0; i < n && c.Length > 0; i++) c[p = Pos(c.Length)] = Interesting();
                return (c, $"{n} bytes overwritten with special values (last at {p})");
            }
            case 5:
            {
                if (b.Length < 2) return (b, "too short to splice");
                int from = Pos(b.Length), n = Math.Min(b.Length - from, 1 + rng.Next(256)), to = Pos(b.Length);
                return ([.. b[..to], .. b.AsSpan(from, n).ToArray(), .. b[to..]], $"{n} bytes from {from} duplicated at {to}");
            }
            case 6:
                return (b.Length > 0 ? [.. b, .. b[..Math.Min(b.Length, 1 + rng.Next(64))]] : b, "bytes appended");
            default:
            {
                var c = (byte[])b.Clone();
                if (c.Length >= 8)
                {
                    int p = Pos(c.Length - 7);
                    BinaryPrimitives.WriteInt64LittleEndian(c.AsSpan(p), BitConverter.DoubleToInt64Bits(Pick(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, -1, 9.3e18)));
                    return (c, $"8 bytes at {p} overwritten with a special double");
                }
                return (c, "too short for a double");
            }
        }
    }

    byte Interesting() => Pick<byte>(0, 0xFF, 0x7F, 0x80, (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)',', (byte)':', (byte)'-', (byte)'9', 0xC0, 0xED);

    T Pick<T>(params T[] options) => options[rng.Next(options.Length)];

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

    // ---------------------------------------------------------------- checkpoint metadata

    (JsonObject, string, Func<string, string>?) CheckpointField(JsonObject header, JsonObject meta)
    {
        var tensorNames = header.Where(kv => kv.Key != "__metadata__").Select(kv => kv.Key).ToArray();
        int kind = rng.Next(10);
        if (kind < 7 || tensorNames.Length == 0)
        {
            string field = Pick("epoch", "step_count", "lr", "rng", "scheduler", "format", "optimizer", "epoch", "lr", "rng");
            if (rng.Next(8) == 0) { meta.Remove(field); return (header, $"checkpoint field '{field}' removed", null); }
            string value = Pick("Infinity", "-Infinity", "NaN", "-1", "1e999", "", " 3", "3 ", "\u0663", "0x10", "2147483648", "9223372036854775808",
                "1,2", "1,,2", new string(',', 100_000), new string('9', 10_000), "1e-320", "-0", "0", "0,0,0,0,0,0", "1,2,3,4,5", "1,2,3,4,5,6,7",
                "1,2,3,4,5,18446744073709551616", "Sgd", "Adam", "neurite", "3.5", "+3", "1_000", "∞");
            if (rng.Next(20) == 0) return (header, $"checkpoint field '{field}' → a lone surrogate", t => t.Replace("\"" + field + "\":\"", "\"" + field + "\":\"\\ud800", StringComparison.Ordinal));
            meta[field] = value;
            return (header, $"checkpoint field '{field}' → {Short(JsonSerializer.Serialize(value))}", null);
        }
        string name = tensorNames[rng.Next(tensorNames.Length)];
        if (header[name] is not JsonObject entry) return (header, "no tensor entry", null);
        string q = JsonSerializer.Serialize(name);
        if (kind == 7)
        {
            string newName = Pick(name + ".extra", "model.nope", "optim.9.9.exp_avg", "optim.0.0.step", "optim.0.0", "optim.-1.0.x", "optim.0.99999999999.x", "model.", name.Replace("model.", "optim.0.0.", StringComparison.Ordinal));
            header.Remove(name);
            if (header.ContainsKey(newName)) header.Remove(newName);
            header[newName] = entry;
            return (header, $"checkpoint tensor {q} renamed to {newName}", null);
        }
        // same byte count, other shape or dtype: passes the safetensors checks, must fail the checkpoint's
        var shape = entry["shape"]!.AsArray();
        long count = shape.Aggregate(1L, (p, x) => p * L(x));
        if (kind == 8 && shape.Count >= 1)
        {
            shape.Clear();
            if (rng.Next(2) == 0 || count < 2) shape.Add(count); else { shape.Add(1); shape.Add(count); }
            return (header, $"checkpoint tensor {q} reshaped to [{string.Join(", ", shape.Select(x => L(x)))}]", null);
        }
        string dtype = (string)entry["dtype"]!;
        if (dtype == "F64") { entry["dtype"] = "I64"; return (header, $"checkpoint tensor {q} dtype F64 → I64", null); }
        if (dtype == "I64") { entry["dtype"] = "F64"; return (header, $"checkpoint tensor {q} dtype I64 → F64", null); }
        if (count % 2 == 0 && count > 0) { entry["dtype"] = "F64"; shape.Clear(); shape.Add(count / 2); return (header, $"checkpoint tensor {q} F32 [{count}] → F64 [{count / 2}]", null); }
        return (header, "no same-size retyping", null);
    }

    // ---------------------------------------------------------------- architecture JSON

    (byte[], string) MutateJsonFile(byte[] b)
    {
        if (rng.Next(4) == 0) return MutateBytes(b, b.Length);
        var arch = ParseObject(b);
        if (arch is null) return MutateBytes(b, b.Length);
        var (text, what) = MutateArchitecture(arch);
        return (Encoding.UTF8.GetBytes(text), what);
    }

    /// <summary>The mutated architecture as JSON text (possibly invalid) and what was done.</summary>
    (string, string) MutateArchitecture(JsonObject arch)
    {
        var layers = new List<JsonObject>();
        void Walk(JsonNode? n)
        {
            if (n is JsonObject o) { if (o["type"] is not null) layers.Add(o); foreach (var (_, v) in o) Walk(v); }
            else if (n is JsonArray a) foreach (var v in a) Walk(v);
        }
        Walk(arch);
        if (layers.Count == 0) return (arch.ToJsonString(), "no layers to mutate");
        var layer = layers[rng.Next(layers.Count)];
        string type = layer["type"]?.GetValueKind() == JsonValueKind.String ? (string)layer["type"]! : "?";
        var numeric = layer.Where(kv => kv.Value?.GetValueKind() == JsonValueKind.Number).Select(kv => kv.Key).ToArray();
        const string Placeholder = "\"@@raw@@\"";
        string Text() => arch.ToJsonString();
        switch (rng.Next(12))
        {
            case 0:
            case 1:
            {
                // huge declared sizes: a tiny file that asks for gigabytes
                const int Max = int.MaxValue;
                string what = type switch
                {
                    "Linear" => Set(("in", 100_000), ("out", 20_000)),
                    "Embedding" => Pick(Set(("num", Max)), Set(("num", 100_000), ("dim", 20_000))),
                    "BatchNorm1d" or "BatchNorm2d" or "Standardize" => Set(("features", Max)),
                    "Conv2d" => Pick(Set(("in", 65_536), ("out", 65_536)), Set(("kh", Max), ("kw", Max)), Set(("groups", 0)), Set(("in", 40_000), ("out", 40_000), ("kh", 1), ("kw", 1), ("groups", 1))),
                    "Conv1d" => Set(("in", 65_536), ("out", 65_536)),
                    "Lstm" or "Gru" or "Rnn" => Pick(Set(("hidden", 100_000)), Set(("layers", Max)), Set(("input", Max))),
                    "Zoo" => Pick(Set(("classes", Max)), Set(("input_size", Max)), Set(("in_channels", 100_000))),
                    "PReLU" => Set(("num", Max)),
                    "LayerNorm" => SetRaw("shape", "[2147483647]"),
                    _ => numeric.Length > 0 ? Set((numeric[rng.Next(numeric.Length)], Max)) : "no size to grow",
                };
                return (Text(), $"{type}: {what}");
            }
            case 2:
            case 3:
            {
                if (numeric.Length == 0) goto case 4;
                string key = numeric[rng.Next(numeric.Length)];
                string token = Pick("-1", "0", "NaN", "Infinity", "-Infinity", "1e999", "-0", "1.5", "2147483648", "9e18", "1e-400", "-2147483648", "\"NaN\"", "\"Infinity\"");
                layer[key] = "@@raw@@";
                return (Text().Replace(Placeholder, token, StringComparison.Ordinal), $"{type}: '{key}' → {token}");
            }
            case 4:
            {
                var keys = layer.Select(kv => kv.Key).ToArray();
                string key = keys[rng.Next(keys.Length)];
                string token = Pick("\"x\"", "true", "null", "[]", "{}", "1", "[null]", "\"\"", "\"\\ud800\"");
                layer[key] = "@@raw@@";
                return (Text().Replace(Placeholder, token, StringComparison.Ordinal), $"{type}: '{key}' → {token} (wrong type)");
            }
            case 5:
            {
                var keys = layer.Select(kv => kv.Key).ToArray();
                string key = keys[rng.Next(keys.Length)];
                layer.Remove(key);
                return (Text(), $"{type}: '{key}' removed");
            }
            case 6:
            {
                if (layer["padding"] is not null)
                {
                    string p = Pick("abc", "1,2,3", "-1,0", "", "same ", "99999999999", "1,", ",", "1,-5", "2147483647,2147483647", "SAME");
                    layer["padding"] = p;
                    return (Text(), $"{type}: padding → \"{p}\"");
                }
                if (layer["shape"] is JsonArray)
                {
                    string token = Pick("[null]", "[\"a\"]", "[]", "[-1]", "[0]", "[1.5]", "null", "[2147483647,2147483647]");
                    layer["shape"] = "@@raw@@";
                    return (Text().Replace(Placeholder, token, StringComparison.Ordinal), $"{type}: shape → {token}");
                }
                string a = Pick("nope", "", "relu(", "\\ud800");
                layer["activation"] = a;
                return (Text(), $"{type}: activation → \"{a}\"");
            }
            case 7:
            {
                string t = Pick("Conv9d", "", "Linear", "Conv2d", "LayerNorm", "Embedding", "Sequential", "Zoo", "Lstm", "CharLanguageModel", "BatchNorm2d", "Rnn");
                layer["type"] = t;
                return (Text(), $"{type}: type → \"{t}\"");
            }
            case 8:
            {
                // deep nesting, both within the JSON parser's depth limit (recursion in the builder) and beyond it
                int depth = Pick(30, 63, 65, 200, 5_000);
                string text = Text();
                string nested = string.Concat(Enumerable.Repeat("{\"type\":\"Sequential\",\"layers\":[", depth)) + "{\"type\":\"ReLU\"}" + string.Concat(Enumerable.Repeat("]}", depth));
                return (Pick(nested, Deep('[', ']', depth), text[..^1] + ",\"x\":" + Deep('[', ']', depth) + "}"), $"nesting of depth {depth}");
            }
            case 9:
            {
                // the same key twice, or a lone surrogate in a name or value
                string text = Text();
                return rng.Next(3) switch
                {
                    0 => (text.Replace("\"type\":", "\"type\":\"Conv9d\",\"type\":", StringComparison.Ordinal), "duplicate 'type' keys"),
                    1 => (text.Replace("\"type\":\"", "\"type\":\"\\ud800", StringComparison.Ordinal), "lone surrogate in 'type'"),
                    _ => (text.Replace("\"type\":", "\"ty\\udc00pe\":", StringComparison.Ordinal), "lone surrogate in a key"),
                };
            }
            case 10:
            {
                // many copies of a layer: the file stays small, the model does not
                if (arch["layers"] is not JsonArray list || list.Count == 0) return (Text() + " ", "no layers to repeat (trailing space)");
                int copies = Pick(50, 1_000, 20_000);
                var first = list[rng.Next(list.Count)]!;
                for (int i = 0; i < copies; i++) list.Add(first.DeepClone());
                if (first is JsonObject l && (string?)l["type"] == "Linear" && rng.Next(2) == 0) foreach (var x in list.OfType<JsonObject>().Where(x => (string?)x["type"] == "Linear")) { x["in"] = 2048; x["out"] = 2048; }
                return (Text(), $"layer repeated {copies} times");
            }
            default:
            {
                string text = Text();
                return (text + Pick("", " ", "x", "}", "\u0000"), "trailing garbage");
            }
        }

        string Set(params (string key, long value)[] values)
        {
            foreach (var (key, value) in values) layer[key] = value;
            return string.Join(", ", values.Select(v => $"{v.key} = {v.value}"));
        }
        string SetRaw(string key, string json)
        {
            layer[key] = JsonNode.Parse(json);
            return $"{key} = {json}";
        }
    }
}
