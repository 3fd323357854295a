using Google.Protobuf;
using Neurite.Onnx;
using P = global::Onnx;

namespace Neurite.Tests.Onnx;

/// <summary>Builds small ONNX graphs in code for the operator tests: <c>new ImportGraph().Input("x", 2, 3).Node("Relu", ["x"], ["y"]).Output("y")</c>.</summary>
internal sealed class ImportGraph
{
    public P.ModelProto Model { get; } = new() { IrVersion = 8, ProducerName = "neurite-test", Graph = new P.GraphProto { Name = "g" } };
    P.GraphProto Graph => Model.Graph;

    public ImportGraph(int opset = 17) => Model.OpsetImport.Add(new P.OperatorSetIdProto { Domain = "", Version = opset });

    /// <summary>A float (or int64) input; a negative dim is a symbolic one named "n".</summary>
    public ImportGraph Input(string name, params long[] dims) => Input(name, P.TensorProto.Types.DataType.Float, dims);

    public ImportGraph Input(string name, P.TensorProto.Types.DataType type, params long[] dims)
    {
        Graph.Input.Add(Value(name, type, dims));
        return this;
    }

    public ImportGraph Output(string name)
    {
        Graph.Output.Add(new P.ValueInfoProto { Name = name });
        return this;
    }

    public ImportGraph Init(string name, float[] values, params long[] dims)
    {
        var t = new P.TensorProto { Name = name, DataType = (int)P.TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        Graph.Initializer.Add(t);
        return this;
    }

    public ImportGraph Ints(string name, params long[] values)
    {
        var t = new P.TensorProto { Name = name, DataType = (int)P.TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        Graph.Initializer.Add(t);
        return this;
    }

    public ImportGraph Node(string op, string[] inputs, string[] outputs, params P.AttributeProto[] attributes)
    {
        var n = new P.NodeProto { OpType = op, Name = op.ToLowerInvariant() + Graph.Node.Count };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        Graph.Node.Add(n);
        return this;
    }

    public OnnxModel Load() => OnnxModel.Load(Model.ToByteArray(), "test.onnx");

    public byte[] Bytes() => Model.ToByteArray();

    public static P.AttributeProto Attr(string name, long v) => new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Int, I = v };
    public static P.AttributeProto Attr(string name, float v) => new() { Name = name, Type = P.AttributeProto.Types.AttributeType.Float, F = v };
    public static P.AttributeProto Attr(string name, string v) => new() { Name = name, Type = P.AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };
    public static P.AttributeProto Attr(string name, long[] v)
    {
        var a = new P.AttributeProto { Name = name, Type = P.AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }

    static P.ValueInfoProto Value(string name, P.TensorProto.Types.DataType type, long[] dims)
    {
        var shape = new P.TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d < 0 ? new P.TensorShapeProto.Types.Dimension { DimParam = "n" } : new P.TensorShapeProto.Types.Dimension { DimValue = d });
        return new P.ValueInfoProto
        {
            Name = name,
            Type = new P.TypeProto { TensorType = new P.TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    /// <summary>Runs a one-output model on named inputs.</summary>
    public Tensor Run(params (string Name, Tensor Value)[] inputs)
    {
        var model = Load();
        return model.Run(inputs.ToDictionary(i => i.Name, i => i.Value))[model.OutputNames[0]];
    }
}
