using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Neurite.Fuzz;

public sealed partial class Mutator
{
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
