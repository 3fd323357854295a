using Google.Protobuf;
using Neurite.Nn;
using Neurite.Serialization;
using P = global::Onnx;

namespace Neurite.Onnx;

/// <summary>A module (or one inside a model) that ONNX export has no form for; the message names its path and type.</summary>
public sealed class OnnxExportException(string message) : NotSupportedException(message);

/// <summary>What <see cref="OnnxExport.ExportOnnx"/> wrote.</summary>
/// <param name="Path">The full path of the .onnx file.</param>
/// <param name="Input">The input's dimensions, "batch" for the dynamic one, e.g. <c>[batch, 1, 28, 28]</c>.</param>
/// <param name="InputType">"float" or "int64" (token ids).</param>
/// <param name="Output">The output's dimensions.</param>
/// <param name="Nodes">The graph's node count.</param>
/// <param name="Initializers">The initializer count (weights and constants).</param>
/// <param name="Bytes">The file's size.</param>
public sealed record OnnxExportReport(string Path, IReadOnlyList<string> Input, string InputType, IReadOnlyList<string> Output, int Nodes, int Initializers, long Bytes)
{
    /// <summary>E.g. <c>lenet.onnx: ONNX opset 17, input float [batch, 1, 28, 28] → output float [batch, 10], …</c>.</summary>
    public override string ToString() =>
        $"{Path}: ONNX opset {OnnxExport.Opset}, input {InputType} [{string.Join(", ", Input)}] → output float [{string.Join(", ", Output)}], " +
        $"{Nodes} nodes, {Initializers} initializers, {Bytes:N0} bytes";
}

/// <summary>
/// Writes a model as an ONNX file (opset 17, IR version 8, producer "neurite") that ONNX Runtime and other
/// ONNX tools run: the graph computes what <see cref="Module.Forward"/> computes in eval mode (dropout off, batch
/// norm with its running statistics), and its initializers hold the weights as float32.
/// </summary>
/// <remarks>
/// <para><c>inputShape</c> is the shape of one sample, without the batch dimension (<c>[1, 28, 28]</c> for LeNet,
/// <c>[64]</c> for an MLP, <c>[T, features]</c> for a recurrent layer); the batch dimension of the ONNX input is
/// dynamic, named <c>batch</c>. It is dimension 0, except for a model that starts with a time-first recurrent layer,
/// whose input is [T, batch, features] as in Neurite. A model that starts with an <see cref="Embedding"/> (or is a
/// <see cref="CharLanguageModel"/>) takes int64 ids; every other model takes float32.</para>
/// <para>Exportable: every layer type a model file holds (<see cref="LayerConfigs"/>) except Seq2Seq, and the zoo's
/// residual and Inception blocks. Each module type has one emitter in one table (OnnxExport.Layers.cs).</para>
/// <para>Only the batch dimension is dynamic: every other one, a sequence's length included, is the one given. A
/// recurrent layer exports its single-tensor <c>Forward(x)</c>: zero initial state, every sequence full length.</para>
/// <para>The file is written atomically (a temporary file, then a rename).</para>
/// </remarks>
/// <example><code>LeNet.Create().ExportOnnx("lenet.onnx", 1, 28, 28);</code></example>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int Opset = 17;

    /// <summary>The ONNX IR version of the file (that of ONNX 1.12, which defined opset 17).</summary>
    public const int IrVersion = 8;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> as ONNX; see the class remarks for the input.</summary>
    /// <exception cref="OnnxExportException">A module ONNX export cannot express, named by its path and type.</exception>
    /// <exception cref="ShapeException">The model does not accept input of <paramref name="inputShape"/>.</exception>
    public static OnnxExportReport ExportOnnx(this Module model, string path, params int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(path);
        var proto = ToOnnx(model, inputShape);
        byte[] bytes = proto.ToByteArray();
        AtomicFile.Write(path, s => s.Write(bytes));
        static string[] Dims(P.ValueInfoProto v) => [.. v.Type.TensorType.Shape.Dim.Select(d => d.DimParam is { Length: > 0 } p ? p : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        var input = proto.Graph.Input[0];
        return new OnnxExportReport(Path.GetFullPath(path), Dims(input),
            input.Type.TensorType.ElemType == (int)P.TensorProto.Types.DataType.Int64 ? "int64" : "float", Dims(proto.Graph.Output[0]),
            proto.Graph.Node.Count, proto.Graph.Initializer.Count, bytes.Length);
    }

    /// <summary>The ONNX model of <paramref name="model"/> in eval mode (its training flag is restored afterwards).</summary>
    internal static P.ModelProto ToOnnx(Module model, int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length == 0 || inputShape.Any(d => d <= 0))
            throw new ArgumentException($"ONNX export: the input shape (one sample, without the batch) must be non-empty and positive, got [{string.Join(", ", inputShape)}]", nameof(inputShape));
        bool training = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            var exporter = new OnnxExporter();
            int batchAxis = OnnxExporter.BatchAxisOf(model);
            int[] sampleShape = [.. inputShape[..batchAxis], 1, .. inputShape[batchAxis..]];
            var input = new OnnxValue("input", Tensor.Zeros(sampleShape, OnnxExporter.InputTypeOf(model)), batchAxis);
            exporter.Unique("input");
            var output = exporter.Emit(model, "model", input);
            exporter.Graph.Node.Add(new P.NodeProto { OpType = "Identity", Name = exporter.Unique("output"), Input = { output.Name }, Output = { "output" } });
            exporter.Graph.Input.Add(OnnxExporter.Describe("input", input));
            exporter.Graph.Output.Add(OnnxExporter.Describe("output", output));
            var proto = new P.ModelProto
            {
                IrVersion = IrVersion,
                ProducerName = "neurite",
                ProducerVersion = typeof(Tensor).Assembly.GetName().Version?.ToString() ?? "",
                Graph = exporter.Graph,
                DocString = model.Describe(),
            };
            proto.OpsetImport.Add(new P.OperatorSetIdProto { Domain = "", Version = Opset });
            return proto;
        }
        finally
        {
            if (training) model.Train();
        }
    }
}
