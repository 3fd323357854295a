using Google.Protobuf;
using Neurite.Nn;
using Neurite.Serialization;
using Onnx;

namespace Neurite.Onnx;

/// <summary>A module that ONNX export cannot express, named with its path in the model (e.g. "layers.3 (MyBlock)").</summary>
public sealed class OnnxExportException(string message) : NotSupportedException(message);

/// <summary>
/// Writes a Neurite model as an ONNX file (opset 17, IR version 8) that ONNX Runtime and other engines run:
/// the model in evaluation form (dropout is the identity, batch norm uses its running statistics), its parameters
/// as float32 initializers, one graph input "input" [batch, …sample shape] with a symbolic batch dimension and one
/// output "output". Modules are translated by one table of emitters (<see cref="OnnxWriter"/>'s <c>Emitters</c>).
/// </summary>
public static partial class OnnxExport
{
    /// <summary>The opset the exporter writes.</summary>
    public const int Opset = 17;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (atomically: a temporary file, then a rename).
    /// <paramref name="sampleShape"/> is one sample's shape without the batch dimension, e.g. [1, 28, 28] or [784].</summary>
    /// <exception cref="OnnxExportException">A module ONNX export cannot express; nothing is written.</exception>
    public static void ExportOnnx(this Module model, string path, int[] sampleShape)
    {
        var bytes = ToOnnx(model, sampleShape);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The ONNX model as protobuf bytes.</summary>
    public static byte[] ToOnnx(Module model, int[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (sampleShape.Length == 0 || sampleShape.Any(d => d <= 0))
            throw new ArgumentException($"onnx export: the sample shape must have positive dimensions, got [{string.Join(", ", sampleShape)}]", nameof(sampleShape));
        var w = new OnnxWriter();
        string output = w.Emit(model, "input", "model");
        w.Graph.Node.Add(new NodeProto { OpType = "Identity", Input = { output }, Output = { "output" }, Name = "output" });
        w.Graph.Input.Add(OnnxWriter.Value("input", [-1, .. sampleShape]));
        w.Graph.Output.Add(OnnxWriter.Value("output", [-1, .. OutputSample(model, sampleShape)]));
        var proto = new ModelProto { IrVersion = 8, ProducerName = "neurite", ProducerVersion = typeof(Tensor).Assembly.GetName().Version?.ToString() ?? "", Graph = w.Graph };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return proto.ToByteArray();
    }

    /// <summary>One sample's output shape: the model run once in evaluation mode on zeros (its mode is restored).</summary>
    static int[] OutputSample(Module model, int[] sampleShape)
    {
        bool training = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            var y = model.Forward(Tensor.Zeros([1, .. sampleShape], model.Parameters().FirstOrDefault()?.DType ?? DType.Float32));
            return y.Shape[1..].ToArray();
        }
        catch (Exception e) when (e is ArgumentException or ShapeException)
        {
            throw new ArgumentException($"onnx export: the model does not accept samples of shape [{string.Join(", ", sampleShape)}]: {e.Message}", nameof(sampleShape), e);
        }
        finally { model.Train(training); }
    }
}

/// <summary>Builds one ONNX graph: unique value names, nodes, initializers.</summary>
internal sealed partial class OnnxWriter
{
    public GraphProto Graph { get; } = new() { Name = "neurite" };
    int counter;

    /// <summary>A fresh value name.</summary>
    public string Fresh(string hint) => $"{hint}_{counter++}";

    /// <summary>Adds a node; returns its (single) output's name.</summary>
    public string Node(string op, string path, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string y = Fresh(op.ToLowerInvariant());
        var node = new NodeProto { OpType = op, Name = $"{path}/{op}_{counter}", Output = { y } };
        node.Input.AddRange(inputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return y;
    }

    /// <summary>A float32 initializer with the tensor's values (converted from float64 if need be).</summary>
    public string Initializer(string name, Tensor t)
    {
        var values = t.Contiguous().ToFloatArray();
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        proto.Dims.AddRange(t.Shape.ToArray().Select(d => (long)d));
        Graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>An int64 initializer (shapes, axes).</summary>
    public string Ints(string name, params long[] values)
    {
        var proto = new TensorProto { Name = Fresh(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.Add(values.Length);
        proto.Int64Data.AddRange(values);
        Graph.Initializer.Add(proto);
        return proto.Name;
    }

    public static AttributeProto Attr(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Attr(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A float tensor's value info; −1 is the symbolic batch dimension, a null shape leaves it to inference.</summary>
    public static ValueInfoProto Value(string name, int[]? shape)
    {
        var type = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float };
        if (shape is not null)
        {
            type.Shape = new TensorShapeProto();
            foreach (int d in shape)
                type.Shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "batch" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = type } };
    }

    /// <summary>Emits <paramref name="module"/> applied to the value <paramref name="x"/>; returns the result's name.</summary>
    public string Emit(Module module, string x, string path)
    {
        if (!Emitters.TryGetValue(module.GetType(), out var emit))
            throw new OnnxExportException($"onnx export: {path} ({module.GetType().Name}) has no ONNX form; exportable: {string.Join(", ", Emitters.Keys.Select(t => t.Name).Order())}");
        return emit(this, module, x, path);
    }

    /// <summary>The child of <paramref name="module"/> registered as <paramref name="name"/>, or null.</summary>
    public static Module? Child(Module module, string name) => module.NamedChildren().FirstOrDefault(c => c.Name == name).Module;
}
