using System.Buffers.Binary;
using Google.Protobuf;
using P = global::Onnx;

namespace Neurite.Onnx;

/// <summary>A value of the graph being built: its ONNX name, and what Neurite computes for it on a batch of one
/// (its shape and dtype stand for the value's; <see cref="BatchAxis"/> is the dimension that is dynamic in ONNX).</summary>
internal sealed record OnnxValue(string Name, Tensor Sample, int BatchAxis);

/// <summary>
/// The ONNX graph under construction: nodes, initializers (the weights, float32 little-endian raw data) and
/// unique names. Emitters add to it through these few methods; they never see the wire format.
/// </summary>
internal sealed partial class OnnxExporter
{
    readonly P.GraphProto graph = new() { Name = "neurite" };
    readonly HashSet<string> names = [];
    readonly Dictionary<float, string> scalars = [];

    public P.GraphProto Graph => graph;

    /// <summary>A name not used yet, from <paramref name="wanted"/> (with a counter when taken).</summary>
    public string Unique(string wanted)
    {
        if (names.Add(wanted)) return wanted;
        for (int i = 1; ; i++)
            if (names.Add($"{wanted}_{i}")) return $"{wanted}_{i}";
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string op, string path, IEnumerable<string> inputs, params P.AttributeProto[] attributes)
    {
        string name = Unique($"{path}/{op}");
        var node = new P.NodeProto { OpType = op, Name = name, Output = { name } };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return name;
    }

    /// <summary>A float32 initializer holding <paramref name="values"/> in <paramref name="shape"/>.</summary>
    public string Weight(string wanted, ReadOnlySpan<float> values, params int[] shape)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        var t = new P.TensorProto { Name = Unique(wanted), DataType = (int)P.TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(shape.Select(d => (long)d));
        graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>A tensor's values as a float32 initializer (float64 weights are rounded to float32), shape as given or its own.</summary>
    public string Weight(string wanted, Tensor t, params int[] shape) => Weight(wanted, t.ToFloatArray(), shape.Length > 0 ? shape : t.Shape.ToArray());

    /// <summary>An int64 initializer (shapes and axes of Reshape and friends).</summary>
    public string Int64s(string wanted, params long[] values)
    {
        var bytes = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        var t = new P.TensorProto { Name = Unique(wanted), DataType = (int)P.TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(bytes), Dims = { values.Length } };
        graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>A float32 scalar constant, shared by every node that uses the same value.</summary>
    public string Scalar(float value)
    {
        if (scalars.TryGetValue(value, out var name)) return name;
        name = Weight($"const_{value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", [value]);
        scalars[value] = name;
        return name;
    }

    public static P.AttributeProto Attr(string name, long value) => new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Int, I = value };

    public static P.AttributeProto Attr(string name, float value) => new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Float, F = value };

    public static P.AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = P.AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static P.AttributeProto Ints(string name, params long[] values)
    {
        var a = new P.AttributeProto { Name = name, Type = P.AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static P.AttributeProto Attr(string name, params string[] values)
    {
        var a = new P.AttributeProto { Name = name, Type = P.AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }

    /// <summary>The graph input or output description of <paramref name="v"/>: its sample's shape with the batch dimension named "batch".</summary>
    public static P.ValueInfoProto Describe(string name, OnnxValue v)
    {
        var shape = new P.TensorShapeProto();
        for (int i = 0; i < v.Sample.Rank; i++)
            shape.Dim.Add(i == v.BatchAxis ? new P.TensorShapeProto.Types.Dimension { DimParam = "batch" }
                                            : new P.TensorShapeProto.Types.Dimension { DimValue = v.Sample.Shape[i] });
        var type = v.Sample.DType == DType.Int64 ? P.TensorProto.Types.DataType.Int64 : P.TensorProto.Types.DataType.Float;
        return new P.ValueInfoProto { Name = name, Type = new P.TypeProto { TensorType = new P.TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
