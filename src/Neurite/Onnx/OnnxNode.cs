using System.Runtime.CompilerServices;
using Neurite.Serialization;
using OnnxPb = global::Onnx;

namespace Neurite.Onnx;

/// <summary>
/// A graph node as an operator sees it: typed access to its attributes (with ONNX's defaults supplied by the
/// caller), its inputs by position, and errors that name the file, the node, its op type and the opset.
/// </summary>
internal sealed class OnnxNode(OnnxPb.NodeProto proto, string source, int opset)
{
    public OnnxPb.NodeProto Proto { get; } = proto;
    public int Opset { get; } = opset;
    public string OpType => Proto.OpType;

    /// <summary>Set at load when the Relu that reads this node's only output was folded into it (Gemm, Conv).</summary>
    public bool FusedRelu { get; set; }

    /// <summary>Weights an operator prepared once from an initializer (e.g. recurrent gates reordered), by tensor.</summary>
    public ConditionalWeakTable<Tensor, object> Prepared { get; } = new();

    /// <summary>"file: node 'name' (OpType, opset N)" for messages.</summary>
    public string Where => $"{source}: node '{OnnxModel.Quote(Proto.Name)}' ({OnnxModel.Quote(Proto.OpType)}, opset {Opset})";

    public ModelFormatException Bad(string problem) => new($"{Where}: {problem}");

    /// <summary>Input <paramref name="i"/>, which the operator requires.</summary>
    public Tensor In(Tensor?[] inputs, int i) =>
        i < inputs.Length && inputs[i] is { } t ? t : throw Bad($"input {i} is required");

    /// <summary>Input <paramref name="i"/> if given.</summary>
    public static Tensor? Optional(Tensor?[] inputs, int i) => i < inputs.Length ? inputs[i] : null;

    OnnxPb.AttributeProto? Find(string name, OnnxPb.AttributeProto.Types.AttributeType type)
    {
        foreach (var a in Proto.Attribute)
        {
            if (a.Name != name) continue;
            // files written before IR 4 may leave type unset; the field that is filled in tells
            if (a.Type != type && a.Type != OnnxPb.AttributeProto.Types.AttributeType.Undefined)
                throw Bad($"attribute '{name}' is {a.Type}, expected {type}");
            return a;
        }
        return null;
    }

    public bool Has(string name) => Proto.Attribute.Any(a => a.Name == name);

    public long Int(string name, long fallback) => Find(name, OnnxPb.AttributeProto.Types.AttributeType.Int)?.I ?? fallback;

    public float Float(string name, float fallback) => Find(name, OnnxPb.AttributeProto.Types.AttributeType.Float)?.F ?? fallback;

    public string Str(string name, string fallback) => Find(name, OnnxPb.AttributeProto.Types.AttributeType.String)?.S.ToStringUtf8() ?? fallback;

    public long[]? Ints(string name) => Find(name, OnnxPb.AttributeProto.Types.AttributeType.Ints)?.Ints.ToArray();

    public float[]? Floats(string name) => Find(name, OnnxPb.AttributeProto.Types.AttributeType.Floats)?.Floats.ToArray();

    public string[]? Strings(string name) => Find(name, OnnxPb.AttributeProto.Types.AttributeType.Strings)?.Strings.Select(s => s.ToStringUtf8()).ToArray();

    public OnnxPb.TensorProto? TensorAttr(string name) => Find(name, OnnxPb.AttributeProto.Types.AttributeType.Tensor)?.T;

    /// <summary>An int attribute that must fit an <see cref="int"/> (sizes, axes, counts).</summary>
    public int SmallInt(string name, long fallback)
    {
        long v = Int(name, fallback);
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw Bad($"attribute '{name}' = {v} is out of range");
    }

    /// <summary>An ints attribute whose values must fit an <see cref="int"/>.</summary>
    public int[]? SmallInts(string name) => Ints(name) is { } v ? ToInts(v, $"attribute '{name}'") : null;

    public int[] ToInts(long[] values, string what)
    {
        var r = new int[values.Length];
        for (int i = 0; i < r.Length; i++)
            r[i] = values[i] is >= int.MinValue and <= int.MaxValue ? (int)values[i] : throw Bad($"{what} has value {values[i]}, out of range");
        return r;
    }

    /// <summary>An axis in [−rank, rank) made non-negative.</summary>
    public int Axis(long axis, int rank, string what = "axis")
    {
        long a = axis < 0 ? axis + rank : axis;
        return a >= 0 && a < Math.Max(rank, 1) ? (int)a : throw Bad($"{what} {axis} is out of range for rank {rank}");
    }

    /// <summary>The values of a small int64 (or int32) tensor input such as a shape or axes.</summary>
    public long[] Longs(Tensor t, string what)
    {
        if (t.DType != DType.Int64) throw Bad($"{what} must be an int64 tensor, got {t.DType.Name()}");
        return t.ToLongArray();
    }
}
