using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Neurite.Onnx;
using static Neurite.Tests.Onnx.ImportGraph;
using P = global::Onnx;

namespace Neurite.Tests.Onnx;

/// <summary>
/// Each operator on hand-built graphs: against values computed by hand (the math in a comment), and against ONNX Runtime
/// for the attribute combinations (padding, strides, groups, broadcasting, gate orders, directions) a wrong
/// implementation would get wrong.
/// </summary>
public class ImportOperatorTests
{
    static Tensor R(int seed, params int[] shape) => Tensor.Randn(shape, new Generator((ulong)seed));

    /// <summary>Runs the graph in Neurite and in ONNX Runtime on the same inputs; every output must agree to 1e-5.</summary>
    static void SameAsOnnxRuntime(ImportGraph g, params (string Name, Tensor Value)[] inputs)
    {
        var model = g.Load();
        var ours = model.Run(inputs.ToDictionary(i => i.Name, i => i.Value));
        using var session = new InferenceSession(g.Bytes());
        var feeds = inputs.Select(i => i.Value.DType == DType.Int64
            ? NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<long>(i.Value.ToLongArray(), i.Value.Shape.ToArray()))
            : NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<float>(i.Value.ToFloatArray(), i.Value.Shape.ToArray()))).ToList();
        using var results = session.Run(feeds);
        foreach (var r in results)
        {
            var mine = ours[r.Name];
            var theirs = r.AsTensor<float>();
            Assert.Equal(theirs.Dimensions.ToArray(), mine.Shape.ToArray());
            var (a, b) = (theirs.ToArray(), mine.ToFloatArray());
            for (int i = 0; i < a.Length; i++)
                Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5 + 1e-5 * Math.Abs(a[i]), $"{r.Name}[{i}]: ONNX Runtime {a[i]}, Neurite {b[i]}");
        }
    }

    static float[] Floats(int seed, int n) => R(seed, n).ToFloatArray();

    [Fact]
    public void Gemm_with_alpha_beta_and_transposes()
    {
        // Y = α·Aᵀ·B + β·C: A [3, 2] → Aᵀ [2, 3]; B [3, 4]; C [4] broadcast over rows
        var g = new ImportGraph().Input("a", 3, 2).Init("b", Floats(1, 12), 3, 4).Init("c", Floats(2, 4), 4)
            .Node("Gemm", ["a", "b", "c"], ["y"], Attr("alpha", 0.5f), Attr("beta", 2f), Attr("transA", 1L)).Output("y");
        SameAsOnnxRuntime(g, ("a", R(3, 3, 2)));
        var linear = new ImportGraph().Input("a", 2, 3).Init("b", Floats(4, 12), 4, 3).Init("c", Floats(5, 4), 4)
            .Node("Gemm", ["a", "b", "c"], ["y"], Attr("transB", 1L)).Output("y");
        SameAsOnnxRuntime(linear, ("a", R(6, 2, 3)));
        // by hand: [1 2]·[[1 0] [0 1]]ᵀ·2 + 3·[1] = [2 4] + 3 = [5 7]
        var hand = new ImportGraph().Input("a", 1, 2).Init("b", [1, 0, 0, 1], 2, 2).Init("c", [1], 1)
            .Node("Gemm", ["a", "b", "c"], ["y"], Attr("alpha", 2f), Attr("beta", 3f), Attr("transB", 1L)).Output("y");
        Assert.Equal([5f, 7f], hand.Run(("a", Tensor.FromArray([1f, 2f], 1, 2))).ToFloatArray());
    }

    [Fact]
    public void Arithmetic_broadcasts_like_numpy()
    {
        foreach (var op in new[] { "Add", "Sub", "Mul", "Div" })
        {
            var g = new ImportGraph().Input("a", 2, 1, 4).Input("b", 3, 1).Node(op, ["a", "b"], ["y"]).Output("y");
            SameAsOnnxRuntime(g, ("a", R(1, 2, 1, 4)), ("b", R(2, 3, 1).Abs().Add(0.5)));
        }
        var mm = new ImportGraph().Input("a", 2, 3, 4).Init("b", Floats(3, 20), 4, 5).Node("MatMul", ["a", "b"], ["y"]).Output("y");
        SameAsOnnxRuntime(mm, ("a", R(4, 2, 3, 4)));
    }

    [Fact]
    public void Activations_and_elementwise_functions()
    {
        var x = Tensor.FromArray([-2f, -0.5f, 0f, 0.5f, 3f], 1, 5);
        foreach (var (op, attrs) in new (string, P.AttributeProto[])[]
        {
            ("Relu", []), ("Sigmoid", []), ("Tanh", []), ("LeakyRelu", [Attr("alpha", 0.2f)]), ("Elu", [Attr("alpha", 0.7f)]),
            ("Erf", []), ("Exp", []), ("Neg", []), ("Abs", []),
        })
            SameAsOnnxRuntime(new ImportGraph().Input("x", 1, 5).Node(op, ["x"], ["y"], attrs).Output("y"), ("x", x));
        // LeakyRelu by hand: x < 0 → 0.2·x
        var leaky = new ImportGraph().Input("x", 1, 5).Node("LeakyRelu", ["x"], ["y"], Attr("alpha", 0.2f)).Output("y");
        Assert.Equal([-0.4f, -0.1f, 0f, 0.5f, 3f], leaky.Run(("x", x)).ToFloatArray());
        var pos = Tensor.FromArray([0.25f, 1f, 4f], 1, 3);
        SameAsOnnxRuntime(new ImportGraph().Input("x", 1, 3).Node("Sqrt", ["x"], ["y"]).Output("y"), ("x", pos));
        SameAsOnnxRuntime(new ImportGraph().Input("x", 1, 3).Init("e", [3f], 1).Node("Pow", ["x", "e"], ["y"]).Output("y"), ("x", pos));
    }

    [Fact]
    public void Softmax_axis_follows_the_opset()
    {
        // opset 13: along the axis; opset 11: the input as a matrix [∏ dims before axis, ∏ the rest], normalised by rows
        foreach (var op in new[] { "Softmax", "LogSoftmax" })
        {
            SameAsOnnxRuntime(new ImportGraph(13).Input("x", 2, 3, 4).Node(op, ["x"], ["y"], Attr("axis", 1L)).Output("y"), ("x", R(1, 2, 3, 4)));
            SameAsOnnxRuntime(new ImportGraph(11).Input("x", 2, 3, 4).Node(op, ["x"], ["y"], Attr("axis", 1L)).Output("y"), ("x", R(2, 2, 3, 4)));
            SameAsOnnxRuntime(new ImportGraph(11).Input("x", 2, 3, 4).Node(op, ["x"], ["y"]).Output("y"), ("x", R(3, 2, 3, 4)));
        }
        // by hand: softmax([0, ln 3]) = [1/4, 3/4]
        var y = new ImportGraph().Input("x", 1, 2).Node("Softmax", ["x"], ["y"]).Output("y").Run(("x", Tensor.FromArray([0f, MathF.Log(3)], 1, 2)));
        Assert.Equal([0.25f, 0.75f], y.ToFloatArray(), new Close(1e-6f));
    }

    [Fact]
    public void Conv_pads_strides_dilations_groups_and_auto_pad()
    {
        var x = R(1, 2, 4, 7, 6);
        var w = Floats(2, 6 * 2 * 3 * 3);
        var b = Floats(3, 6);
        var cases = new P.AttributeProto[][]
        {
            [Attr("pads", new long[] { 1, 0, 2, 1 }), Attr("strides", new long[] { 2, 1 })],
            [Attr("dilations", new long[] { 2, 1 }), Attr("group", 2L)],
            [Attr("auto_pad", "SAME_UPPER"), Attr("strides", new long[] { 2, 2 })],
            [Attr("auto_pad", "SAME_LOWER"), Attr("strides", new long[] { 2, 2 }), Attr("group", 2L)],
            [Attr("auto_pad", "VALID"), Attr("kernel_shape", new long[] { 3, 3 })],
        };
        foreach (var attrs in cases)
        {
            bool grouped = attrs.Any(a => a.Name == "group");
            var g = new ImportGraph().Input("x", 2, 4, 7, 6).Init("w", grouped ? w : Floats(4, 6 * 4 * 9), 6, grouped ? 2 : 4, 3, 3).Init("b", b, 6)
                .Node("Conv", ["x", "w", "b"], ["y"], attrs).Output("y");
            SameAsOnnxRuntime(g, ("x", x));
        }
        var conv1d = new ImportGraph().Input("x", 2, 3, 9).Init("w", Floats(5, 4 * 3 * 3), 4, 3, 3)
            .Node("Conv", ["x", "w"], ["y"], Attr("pads", new long[] { 2, 1 }), Attr("strides", new long[] { 2 })).Output("y");
        SameAsOnnxRuntime(conv1d, ("x", R(6, 2, 3, 9)));
    }

    [Fact]
    public void Pooling_with_padding_ceil_mode_and_count_include_pad()
    {
        var x = R(1, 2, 3, 7, 6);
        var cases = new (string Op, P.AttributeProto[] Attrs)[]
        {
            ("MaxPool", [Attr("kernel_shape", new long[] { 2, 2 })]),
            ("MaxPool", [Attr("kernel_shape", new long[] { 3, 3 }), Attr("strides", new long[] { 2, 2 }), Attr("pads", new long[] { 1, 1, 1, 1 })]),
            ("MaxPool", [Attr("kernel_shape", new long[] { 3, 2 }), Attr("strides", new long[] { 2, 2 }), Attr("ceil_mode", 1L)]),
            ("MaxPool", [Attr("kernel_shape", new long[] { 2, 2 }), Attr("pads", new long[] { 0, 1, 1, 0 })]),
            ("MaxPool", [Attr("kernel_shape", new long[] { 3, 3 }), Attr("auto_pad", "SAME_UPPER")]),
            ("AveragePool", [Attr("kernel_shape", new long[] { 3, 3 }), Attr("strides", new long[] { 2, 2 }), Attr("pads", new long[] { 1, 1, 1, 1 })]),
            ("AveragePool", [Attr("kernel_shape", new long[] { 3, 3 }), Attr("strides", new long[] { 2, 2 }), Attr("pads", new long[] { 1, 1, 1, 1 }), Attr("count_include_pad", 1L)]),
            ("AveragePool", [Attr("kernel_shape", new long[] { 2, 3 }), Attr("pads", new long[] { 1, 0, 0, 2 })]),
            ("AveragePool", [Attr("kernel_shape", new long[] { 2, 3 }), Attr("pads", new long[] { 1, 0, 0, 2 }), Attr("count_include_pad", 1L)]),
        };
        foreach (var (op, attrs) in cases)
            SameAsOnnxRuntime(new ImportGraph().Input("x", 2, 3, 7, 6).Node(op, ["x"], ["y"], attrs).Output("y"), ("x", x));
        SameAsOnnxRuntime(new ImportGraph().Input("x", 2, 3, 7, 6).Node("GlobalAveragePool", ["x"], ["y"]).Output("y"), ("x", x));
        // by hand, count_include_pad = 0: the corner window of [[1 2] [3 4]] with one row and column of padding
        // covers only the 1, so its average is 1 (with the padding counted it would be 1/4)
        var corner = new ImportGraph().Input("x", 1, 1, 2, 2)
            .Node("AveragePool", ["x"], ["y"], Attr("kernel_shape", new long[] { 2, 2 }), Attr("pads", new long[] { 1, 1, 1, 1 })).Output("y")
            .Run(("x", Tensor.FromArray([1f, 2, 3, 4], 1, 1, 2, 2)));
        Assert.Equal([1f, 1.5f, 2f, 2f, 2.5f, 3f, 3f, 3.5f, 4f], corner.ToFloatArray());
    }

    [Fact]
    public void BatchNormalization_and_LayerNormalization()
    {
        var g = new ImportGraph().Input("x", 2, 3, 4, 4).Init("s", [1f, 2f, 0.5f], 3).Init("b", [0f, 1f, -1f], 3)
            .Init("m", [0.1f, -0.2f, 0.3f], 3).Init("v", [1f, 0.5f, 2f], 3)
            .Node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], Attr("epsilon", 1e-3f)).Output("y");
        SameAsOnnxRuntime(g, ("x", R(1, 2, 3, 4, 4)));
        // by hand: (1 − 0.1)/√(1 + 0.001)·1 + 0
        var one = g.Run(("x", Tensor.Ones(2, 3, 4, 4)));
        Assert.Equal(0.9 / Math.Sqrt(1.001), one[0, 0, 0, 0], 5);
        var ln = new ImportGraph().Input("x", 2, 3, 4).Init("s", Floats(2, 12), 3, 4).Init("b", Floats(3, 12), 3, 4)
            .Node("LayerNormalization", ["x", "s", "b"], ["y"], Attr("axis", -2L), Attr("epsilon", 1e-4f)).Output("y");
        SameAsOnnxRuntime(ln, ("x", R(4, 2, 3, 4)));
    }

    [Fact]
    public void Clip_Max_Min_Expand_Reciprocal_Softplus()
    {
        var x = R(1, 2, 3);
        // Clip with bounds as inputs (opset ≥ 11) and as attributes (opset 6–10): ReLU6 is Clip(0, 6)
        SameAsOnnxRuntime(new ImportGraph().Input("x", 2, 3).Init("lo", [-0.5f]).Init("hi", [0.3f]).Node("Clip", ["x", "lo", "hi"], ["y"]).Output("y"), ("x", x));
        SameAsOnnxRuntime(new ImportGraph().Input("x", 2, 3).Init("hi", [0.3f]).Node("Clip", ["x", "", "hi"], ["y"]).Output("y"), ("x", x));
        var six = new ImportGraph(10).Input("x", 1, 3).Node("Clip", ["x"], ["y"], Attr("min", 0f), Attr("max", 6f)).Output("y");
        Assert.Equal([0f, 2f, 6f], six.Run(("x", Tensor.FromArray([-1f, 2f, 9f], 1, 3))).ToFloatArray());
        SameAsOnnxRuntime(new ImportGraph().Input("a", 2, 3).Input("b", 3).Input("c", 2, 1).Node("Max", ["a", "b", "c"], ["y"]).Output("y"),
            ("a", x), ("b", R(2, 3)), ("c", R(3, 2, 1)));
        SameAsOnnxRuntime(new ImportGraph().Input("a", 2, 3).Input("b", 3).Node("Min", ["a", "b"], ["y"]).Output("y"), ("a", x), ("b", R(2, 3)));
        // Expand broadcasts both ways: [3, 1] with shape [2, 1, 4] → [2, 3, 4]
        SameAsOnnxRuntime(new ImportGraph().Input("x", 3, 1).Ints("s", 2, 1, 4).Node("Expand", ["x", "s"], ["y"]).Output("y"), ("x", R(4, 3, 1)));
        SameAsOnnxRuntime(new ImportGraph().Input("x", 2, 3).Node("Reciprocal", ["x"], ["y"]).Output("y"), ("x", x.Abs().Add(0.5)));
        SameAsOnnxRuntime(new ImportGraph().Input("x", 2, 3).Node("Softplus", ["x"], ["y"]).Output("y"), ("x", x));
    }

    [Fact]
    public void Run_records_no_graph_even_for_inputs_that_require_grad()
    {
        var model = OnnxModel.Load(ImportFixtureTests.PathOf("mlp"));
        var x = R(1, 2, 8).RequireGrad();
        var y = model.Run(x);
        Assert.False(y.RequiresGrad);
        Assert.True(Autograd.IsEnabled);
    }

    [Fact]
    public void Relu_after_Gemm_or_Conv_is_fused_unless_something_else_reads_the_pre_activation()
    {
        // the exported MLP: Gemm, Relu, Gemm, Softmax → three steps (LinearRelu, Linear, Softmax)
        Assert.Equal(3, OnnxModel.Load(ImportFixtureTests.PathOf("mlp")).StepCount);
        var gemm = new ImportGraph().Input("x", 3, 4).Init("w", Floats(1, 20), 5, 4).Init("b", Floats(2, 5), 5)
            .Node("Gemm", ["x", "w", "b"], ["h"], Attr("transB", 1L)).Node("Relu", ["h"], ["y"]).Output("y");
        SameAsOnnxRuntime(gemm, ("x", R(3, 3, 4)));
        var conv = new ImportGraph().Input("x", 2, 3, 6, 6).Init("w", Floats(4, 4 * 3 * 9), 4, 3, 3, 3).Init("b", Floats(5, 4), 4)
            .Node("Conv", ["x", "w", "b"], ["h"], Attr("pads", new long[] { 1, 1, 1, 1 })).Node("Relu", ["h"], ["y"]).Output("y");
        Assert.Equal(1, conv.Load().StepCount);
        SameAsOnnxRuntime(conv, ("x", R(6, 2, 3, 6, 6)));
        // the pre-activation is a graph output too: no fusion, and it keeps its negative values
        var both = new ImportGraph().Input("x", 3, 4).Init("w", Floats(1, 20), 5, 4).Init("b", Floats(2, 5), 5)
            .Node("Gemm", ["x", "w", "b"], ["h"], Attr("transB", 1L)).Node("Relu", ["h"], ["y"]).Output("h").Output("y");
        Assert.Equal(2, both.Load().StepCount);
        SameAsOnnxRuntime(both, ("x", R(3, 3, 4)));
        Assert.Contains(both.Load().Run(new Dictionary<string, Tensor> { ["x"] = R(3, 3, 4) })["h"].ToFloatArray(), v => v < 0);
    }

    sealed class Close(float eps) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(float v) => 0;
    }
}
