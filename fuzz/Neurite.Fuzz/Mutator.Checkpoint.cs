using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Neurite.Fuzz;

public sealed partial class Mutator
{
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
}
