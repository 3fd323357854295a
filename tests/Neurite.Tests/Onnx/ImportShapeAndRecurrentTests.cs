using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static Neurite.Tests.Onnx.ImportGraph;
using P = global::Onnx;

namespace Neurite.Tests.Onnx;

/// <summary>Shape operators (hand-computed) and LSTM/GRU in every direction, with lengths and initial states, against ONNX Runtime.</summary>
public class ImportShapeAndRecurrentTests
{
    static Tensor R(int seed, params int[] shape) => Tensor.Randn(shape, new Generator((ulong)seed));
    static float[] Floats(int seed, int n) => R(seed, n).ToFloatArray();
    static Tensor Iota(params int[] shape) => Tensor.Arange(0, shape.Aggregate(1, (a, b) => a * b)).Reshape(shape);

    [Fact]
    public void Reshape_copies_zeros_and_infers_minus_one()
    {
        // [2, 3, 4] with shape [0, -1]: 0 keeps the 2, −1 becomes 12
        var g = new ImportGraph().Input("x", 2, 3, 4).Ints("s", 0, -1).Node("Reshape", ["x", "s"], ["y"]).Output("y");
        var y = g.Run(("x", Iota(2, 3, 4)));
        Assert.Equal([2, 12], y.Shape.ToArray());
        Assert.Equal(Iota(2, 3, 4).ToFloatArray(), y.ToFloatArray());
        // the shape from a Constant node instead of an initializer
        var c = new ImportGraph().Input("x", 2, 3, 4)
            .Node("Constant", [], ["s"], new P.AttributeProto { Name = "value_ints", Type = P.AttributeProto.Types.AttributeType.Ints, Ints = { 4, 0, -1 } })
            .Node("Reshape", ["x", "s"], ["y"]).Output("y");
        Assert.Equal([4, 3, 2], c.Run(("x", Iota(2, 3, 4))).Shape.ToArray());
    }

    [Fact]
    public void Transpose_Flatten_Concat_and_Gather()
    {
        var t = new ImportGraph().Input("x", 2, 3, 4).Node("Transpose", ["x"], ["y"], Attr("perm", new long[] { 2, 0, 1 })).Output("y").Run(("x", Iota(2, 3, 4)));
        Assert.Equal([4, 2, 3], t.Shape.ToArray());
        Assert.Equal(13, t[1, 1, 0]); // y[k, i, j] = x[i, j, k] = 12i + 4j + k
        var f = new ImportGraph().Input("x", 2, 3, 4).Node("Flatten", ["x"], ["y"], Attr("axis", 2L)).Output("y").Run(("x", Iota(2, 3, 4)));
        Assert.Equal([6, 4], f.Shape.ToArray());
        var cat = new ImportGraph().Input("a", 2, 1).Input("b", 2, 2).Node("Concat", ["a", "b"], ["y"], Attr("axis", -1L)).Output("y")
            .Run(("a", Tensor.FromArray([1f, 2], 2, 1)), ("b", Tensor.FromArray([3f, 4, 5, 6], 2, 2)));
        Assert.Equal([1f, 3, 4, 2, 5, 6], cat.ToFloatArray());
        // Gather along axis 1 with 2-D indices (−1 is the last): out [2, 2, 2] = x[:, idx]
        var gather = new ImportGraph().Input("x", 2, 3).Input("i", P.TensorProto.Types.DataType.Int64, 2, 2).Node("Gather", ["x", "i"], ["y"], Attr("axis", 1L)).Output("y")
            .Run(("x", Iota(2, 3)), ("i", Tensor.FromArray([2L, 0, -1, 1], 2, 2)));
        Assert.Equal([2, 2, 2], gather.Shape.ToArray());
        Assert.Equal([2f, 0, 2, 1, 5, 3, 5, 4], gather.ToFloatArray());
    }

    [Fact]
    public void Squeeze_and_Unsqueeze_take_axes_as_attribute_before_13_and_as_input_after()
    {
        var u11 = new ImportGraph(11).Input("x", 3).Node("Unsqueeze", ["x"], ["y"], Attr("axes", new long[] { 0, 2 })).Output("y").Run(("x", Iota(3)));
        Assert.Equal([1, 3, 1], u11.Shape.ToArray());
        var u13 = new ImportGraph(13).Input("x", 3).Ints("a", -1, 0).Node("Unsqueeze", ["x", "a"], ["y"]).Output("y").Run(("x", Iota(3)));
        Assert.Equal([1, 3, 1], u13.Shape.ToArray());
        var s11 = new ImportGraph(11).Input("x", 1, 3, 1).Node("Squeeze", ["x"], ["y"], Attr("axes", new long[] { 2 })).Output("y").Run(("x", Iota(1, 3, 1)));
        Assert.Equal([1, 3], s11.Shape.ToArray());
        var s13 = new ImportGraph(13).Input("x", 1, 3, 1).Node("Squeeze", ["x"], ["y"]).Output("y").Run(("x", Iota(1, 3, 1)));
        Assert.Equal([3], s13.Shape.ToArray());
        var e = Assert.Throws<global::Neurite.Serialization.ModelFormatException>(() =>
            new ImportGraph(13).Input("x", 3).Node("Unsqueeze", ["x"], ["y"], Attr("axes", new long[] { 0 })).Output("y").Run(("x", Iota(3))));
        Assert.Contains("node 'unsqueeze0' (Unsqueeze, opset 13): axes are an input from opset 13", e.Message);
    }

    [Fact]
    public void Shape_Slice_ConstantOfShape_ReduceMean_Cast_Identity_Dropout()
    {
        // the subgraph exporters emit for a zero initial state: zeros of [1, Shape(x)[0], 6]
        var g = new ImportGraph().Input("x", -1, 5).Ints("one", 1).Ints("six", 6).Ints("zero", 0)
            .Node("Shape", ["x"], ["s"]).Node("Gather", ["s", "zero"], ["n"]).Node("Concat", ["one", "n", "six"], ["shape"], Attr("axis", 0L))
            .Node("ConstantOfShape", ["shape"], ["y"]).Output("y");
        var zeros = g.Run(("x", Tensor.Zeros(4, 5)));
        Assert.Equal([1, 4, 6], zeros.Shape.ToArray());
        Assert.All(zeros.ToFloatArray(), v => Assert.Equal(0f, v));
        // x[1:100, ::2] on [3, 5]: rows 1–2, columns 0, 2, 4 (an end past the size clamps)
        var slice = new ImportGraph().Input("x", 3, 5).Ints("b", 1, 0).Ints("e", 100, 5).Ints("a", 0, 1).Ints("st", 1, 2)
            .Node("Slice", ["x", "b", "e", "a", "st"], ["y"]).Output("y").Run(("x", Iota(3, 5)));
        Assert.Equal([5f, 7, 9, 10, 12, 14], slice.ToFloatArray());
        // mean over axis 1 of [[0 1 2] [3 4 5]] = [1, 4]
        var mean = new ImportGraph().Input("x", 2, 3).Node("ReduceMean", ["x"], ["y"], Attr("axes", new long[] { 1 }), Attr("keepdims", 0L)).Output("y").Run(("x", Iota(2, 3)));
        Assert.Equal([1f, 4f], mean.ToFloatArray());
        var cast = new ImportGraph().Input("x", 3).Node("Cast", ["x"], ["y"], Attr("to", 7L)).Output("y").Run(("x", Tensor.FromArray([1.7f, -2.2f, 3f], 3)));
        Assert.Equal([1L, -2L, 3L], cast.ToLongArray());
        var chain = new ImportGraph().Input("x", 3).Node("Dropout", ["x"], ["d"], Attr("ratio", 0.5f)).Node("Identity", ["d"], ["y"]).Output("y").Run(("x", Iota(3)));
        Assert.Equal([0f, 1, 2], chain.ToFloatArray());
    }

    [Fact]
    public void Split_and_Pad()
    {
        // Split [2, 5] along axis 1 into [2, 3] by an input, and into equal halves of [2, 4]
        var g = new ImportGraph().Input("x", 2, 5).Ints("sizes", 2, 3).Node("Split", ["x", "sizes"], ["a", "b"], Attr("axis", 1L)).Output("a").Output("b");
        var parts = g.Load().Run(new Dictionary<string, Tensor> { ["x"] = Iota(2, 5) });
        Assert.Equal([0f, 1, 5, 6], parts["a"].ToFloatArray());
        Assert.Equal([2f, 3, 4, 7, 8, 9], parts["b"].ToFloatArray());
        var halves = new ImportGraph().Input("x", 2, 4).Node("Split", ["x"], ["a", "b"], Attr("axis", -1L)).Output("a").Output("b").Load()
            .Run(new Dictionary<string, Tensor> { ["x"] = Iota(2, 4) });
        Assert.Equal([2f, 3, 6, 7], halves["b"].ToFloatArray());
        // Pad [2, 2] by pads [begin0, begin1, end0, end1] = [0, 1, 1, -1] with 9: a column of 9s in front, a row of 9s
        // below, the last column cropped
        var pad = new ImportGraph().Input("x", 2, 2).Ints("p", 0, 1, 1, -1).Init("v", [9f]).Node("Pad", ["x", "p", "v"], ["y"]).Output("y")
            .Run(("x", Tensor.FromArray([1f, 2, 3, 4], 2, 2)));
        Assert.Equal([3, 2], pad.Shape.ToArray());
        Assert.Equal([9f, 1, 9, 3, 9, 9], pad.ToFloatArray());
        var reflect = new ImportGraph().Input("x", 2, 2).Ints("p", 0, 1, 1, 0).Node("Pad", ["x", "p"], ["y"], Attr("mode", "reflect")).Output("y");
        Assert.Contains("node 'pad0' (Pad, opset 17): mode 'reflect' is not supported", Assert.Throws<global::Neurite.Serialization.ModelFormatException>(() => reflect.Load()).Message);
    }

    // ---- recurrent layers --------------------------------------------------------------------------

    static ImportGraph Recurrent(string op, int gates, string direction, bool lengths, bool initial, bool linearBeforeReset = true)
    {
        const int T = 4, N = 3, I = 2, H = 3;
        int d = direction == "bidirectional" ? 2 : 1;
        var g = new ImportGraph().Input("x", T, N, I)
            .Init("w", Floats(1, d * gates * H * I), d, gates * H, I).Init("r", Floats(2, d * gates * H * H), d, gates * H, H)
            .Init("b", Floats(3, d * 2 * gates * H), d, 2 * gates * H);
        var inputs = new List<string> { "x", "w", "r", "b", lengths ? "lens" : "" };
        if (lengths)
        {
            var t = new P.TensorProto { Name = "lens", DataType = (int)P.TensorProto.Types.DataType.Int32, Dims = { N } };
            t.Int32Data.AddRange([4, 2, 3]);
            g.Model.Graph.Initializer.Add(t);
        }
        if (initial)
        {
            g.Init("h0", Floats(4, d * N * H), d, N, H);
            inputs.Add("h0");
            if (op == "LSTM") { g.Init("c0", Floats(5, d * N * H), d, N, H); inputs.Add("c0"); }
        }
        var attrs = new List<P.AttributeProto> { Attr("hidden_size", (long)H), Attr("direction", direction) };
        if (op == "GRU") attrs.Add(Attr("linear_before_reset", linearBeforeReset ? 1L : 0L));
        var outputs = op == "LSTM" ? new[] { "y", "yh", "yc" } : ["y", "yh"];
        g.Node(op, [.. inputs], outputs, [.. attrs]);
        foreach (var o in outputs) g.Output(o);
        return g;
    }

    public static TheoryData<string, string, bool, bool> RecurrentCases()
    {
        var data = new TheoryData<string, string, bool, bool>();
        foreach (var op in new[] { "LSTM", "GRU", "GRU-reset-first" })
            foreach (var dir in new[] { "forward", "reverse", "bidirectional" })
            {
                data.Add(op, dir, false, false);
                data.Add(op, dir, true, true);
            }
        return data;
    }

    [Theory, MemberData(nameof(RecurrentCases))]
    public void Recurrent_layers_match_ONNX_Runtime(string op, string direction, bool lengths, bool initial)
    {
        // ONNX Runtime computes the ONNX gate orders (LSTM i, o, f, c; GRU z, r, h) itself, so a wrong reordering,
        // direction, length or initial-state handling shows up in Y, Y_h or Y_c. "GRU-reset-first" is
        // linear_before_reset = 0 (ONNX's default), which runs step by step instead of in the fused layer.
        bool resetFirst = op == "GRU-reset-first";
        if (resetFirst) op = "GRU";
        var g = Recurrent(op, op == "LSTM" ? 4 : 3, direction, lengths, initial, linearBeforeReset: !resetFirst);
        var x = R(7, 4, 3, 2);
        var ours = g.Load().Run(new Dictionary<string, Tensor> { ["x"] = x });
        using var session = new InferenceSession(g.Bytes());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(x.ToFloatArray(), [4, 3, 2]))]);
        foreach (var r in results)
        {
            var theirs = r.AsTensor<float>();
            Assert.Equal(theirs.Dimensions.ToArray(), ours[r.Name].Shape.ToArray());
            var (a, b) = (theirs.ToArray(), ours[r.Name].ToFloatArray());
            for (int i = 0; i < a.Length; i++)
                Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5, $"{op} {direction} {r.Name}[{i}]: ONNX Runtime {a[i]}, Neurite {b[i]}");
        }
    }

    [Fact]
    public void Layout_1_is_the_batch_first_form_of_layout_0()
    {
        // the same LSTM with layout = 1 takes X [N, T, I] and returns Y [N, T, D, H], Y_h [N, D, H]
        var x = R(8, 4, 3, 2);
        var timeFirst = Recurrent("LSTM", 4, "bidirectional", lengths: false, initial: false).Load().Run(new Dictionary<string, Tensor> { ["x"] = x });
        var g = Recurrent("LSTM", 4, "bidirectional", lengths: false, initial: false);
        g.Model.Graph.Node[0].Attribute.Add(Attr("layout", 1L));
        g.Model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimValue = 3;
        g.Model.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue = 4;
        var batchFirst = g.Load().Run(new Dictionary<string, Tensor> { ["x"] = x.Transpose(0, 1).Contiguous() });
        Assert.Equal(timeFirst["y"].Permute(2, 0, 1, 3).ToFloatArray(), batchFirst["y"].ToFloatArray());
        Assert.Equal(timeFirst["yh"].Transpose(0, 1).ToFloatArray(), batchFirst["yh"].ToFloatArray());
        Assert.Equal(timeFirst["yc"].Transpose(0, 1).ToFloatArray(), batchFirst["yc"].ToFloatArray());
    }
}
