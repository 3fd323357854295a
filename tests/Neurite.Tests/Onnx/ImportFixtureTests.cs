using Neurite.Onnx;
using Neurite.Serialization;

namespace Neurite.Tests.Onnx;

/// <summary>
/// Models exported by torch.onnx.export (opset 17, batch axis dynamic) give PyTorch's outputs: the fixtures hold the
/// .onnx file, a seeded input and PyTorch's output (tests/fixtures-src/onnx/make_fixtures.py, Debian's python3-torch
/// 1.13). PyTorch is not needed to run these tests.
/// </summary>
public class ImportFixtureTests
{
    internal static string Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Neurite.Tests", "Fixtures", "onnx");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/Neurite.Tests/Fixtures/onnx not found above " + AppContext.BaseDirectory);
    }

    internal static string PathOf(string name) => Path.Combine(Folder(), name + ".onnx");

    static string[] Names() => Directory.GetFiles(Folder(), "*.onnx")
        .Select(f => Path.GetFileNameWithoutExtension(f)).OrderBy(f => f, StringComparer.Ordinal).ToArray();

    public static TheoryData<string> Cases() => new(Names());

    [Fact]
    public void Every_fixture_is_there()
    {
        Assert.Equal(["cnn", "embedding", "gru", "layernorm_gelu", "lstm", "mlp", "residual"], Names());
    }

    [Theory, MemberData(nameof(Cases))]
    public void Matches_PyTorch(string name)
    {
        var model = OnnxModel.Load(PathOf(name));
        var (t, _) = SafeTensors.Load(Path.Combine(Folder(), name + ".safetensors"));
        var y = model.Run(new Dictionary<string, Tensor> { ["input"] = t["input"] })["output"];
        var expected = t["output"];
        Assert.Equal(expected.Shape.ToArray(), y.Shape.ToArray());
        var (e, a) = (expected.ToFloatArray(), y.ToFloatArray());
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-4, $"{name}: element {i} is {a[i]}, PyTorch gives {e[i]}");
    }

    [Theory, MemberData(nameof(Cases))]
    public void The_batch_axis_is_dynamic(string name)
    {
        // each row alone gives that row of the batched run (the model was exported with a dynamic batch axis)
        var model = OnnxModel.Load(PathOf(name));
        var (t, _) = SafeTensors.Load(Path.Combine(Folder(), name + ".safetensors"));
        var x = t["input"];
        var full = model.Run(x);
        var one = model.Run(x.Narrow(0, 1, 1).Contiguous());
        Assert.Equal(full.Narrow(0, 1, 1).ToFloatArray(), one.ToFloatArray(), new Tolerance(1e-5f));
    }

    [Fact]
    public void Inputs_and_outputs_are_declared_with_the_symbolic_batch()
    {
        var model = OnnxModel.Load(PathOf("mlp"));
        Assert.Equal(["input"], model.InputNames);
        Assert.Equal(["output"], model.OutputNames);
        Assert.Equal(17, model.Opset);
        var dims = model.Inputs[0].Shape!;
        Assert.Equal(DType.Float32, model.Inputs[0].DType);
        Assert.Equal("batch", dims[0].Symbol);
        Assert.Null(dims[0].Value);
        Assert.Equal(8, dims[1].Value);
        Assert.Equal(DType.Int64, OnnxModel.Load(PathOf("embedding")).Inputs[0].DType);
    }

    [Fact]
    public void A_wrong_input_shape_names_the_input_and_both_shapes()
    {
        var model = OnnxModel.Load(PathOf("mlp"));
        var e = Assert.Throws<ArgumentException>(() => model.Run(Tensor.Zeros(3, 7)));
        Assert.Contains("input 'input' expects [batch, 8], got float32 [3, 7]", e.Message);
        var rank = Assert.Throws<ArgumentException>(() => model.Run(Tensor.Zeros(8)));
        Assert.Contains("got float32 [8]", rank.Message);
        var dtype = Assert.Throws<ArgumentException>(() => OnnxModel.Load(PathOf("embedding")).Run(Tensor.Zeros(2, 5)));
        Assert.Contains("input 'input' expects input: int64[batch, 5], got float32 [2, 5]", dtype.Message);
        var missing = Assert.Throws<ArgumentException>(() => model.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.Zeros(1, 8) }));
        Assert.Contains("no input 'x'", missing.Message);
    }

    [Fact]
    public void Loads_from_a_stream_and_from_bytes()
    {
        var bytes = File.ReadAllBytes(PathOf("mlp"));
        var x = Tensor.Randn([2, 8], new Generator(5));
        var fromPath = OnnxModel.Load(PathOf("mlp")).Run(x).ToFloatArray();
        using var stream = new MemoryStream(bytes);
        Assert.Equal(fromPath, OnnxModel.Load(stream, "mlp.onnx").Run(x).ToFloatArray());
        Assert.Equal(fromPath, OnnxModel.Load(bytes).Run(x).ToFloatArray());
    }

    sealed class Tolerance(float eps) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(float v) => 0;
    }
}
