using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Neurite.Tests.Onnx;

/// <summary>The generated ONNX protobuf classes write a model that ONNX Runtime loads and runs.</summary>
public class OnnxRuntimeSmokeTests
{
    [Fact]
    public void HandBuiltReluGraphRunsInOnnxRuntime()
    {
        var graph = new global::Onnx.GraphProto { Name = "g" };
        graph.Node.Add(new global::Onnx.NodeProto { OpType = "Relu", Input = { "x" }, Output = { "y" }, Name = "relu" });
        graph.Input.Add(Value("x"));
        graph.Output.Add(Value("y"));
        var model = new global::Onnx.ModelProto { IrVersion = 8, Graph = graph, ProducerName = "neurite-test" };
        model.OpsetImport.Add(new global::Onnx.OperatorSetIdProto { Domain = "", Version = 17 });

        using var session = new InferenceSession(model.ToByteArray());
        var x = new DenseTensor<float>(new[] { -1f, 2f, -3f, 4f }, new[] { 1, 4 });
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", x)]);
        Assert.Equal(new[] { 0f, 2f, 0f, 4f }, results.First().AsEnumerable<float>().ToArray());
    }

    static global::Onnx.ValueInfoProto Value(string name)
    {
        var shape = new global::Onnx.TensorShapeProto();
        shape.Dim.Add(new global::Onnx.TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new global::Onnx.TensorShapeProto.Types.Dimension { DimValue = 4 });
        return new global::Onnx.ValueInfoProto
        {
            Name = name,
            Type = new global::Onnx.TypeProto { TensorType = new global::Onnx.TypeProto.Types.Tensor { ElemType = (int)global::Onnx.TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
