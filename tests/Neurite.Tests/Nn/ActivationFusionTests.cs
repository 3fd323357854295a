using Neurite.Nn;
using Neurite.Serialization;
using static Neurite.Tests.Check;

namespace Neurite.Tests.Nn;

/// <summary>A layer holds an <see cref="Activation"/> and applies it (fused into its kernel for ReLU); Sequential fuses a
/// following activation module into the layer through <see cref="IActivatable"/>. Every path must give the values and
/// gradients of the layer's op followed by the activation's op.</summary>
public class ActivationFusionTests
{
    /// <summary>Text form → the activation module that stands for it.</summary>
    static readonly Dictionary<string, Func<Module>> Modules = new()
    {
        ["none"] = () => new Identity(),
        ["relu"] = () => new ReLU(),
        ["leaky_relu:0.2"] = () => new LeakyReLU(0.2),
        ["elu:0.7"] = () => new ELU(0.7),
        ["sigmoid"] = () => new Sigmoid(),
        ["tanh"] = () => new Tanh(),
        ["softplus"] = () => new Softplus(),
        ["gelu"] = () => new GELU(),
        ["step"] = () => new Step(),
    };

    public static TheoryData<string> Names => new(Modules.Keys);

    /// <summary>Output, then the gradients of <paramref name="inputs"/> for the upstream gradient <paramref name="gy"/>.</summary>
    static double[][] Run(Func<Tensor> f, Tensor gy, params Tensor[] inputs)
    {
        foreach (var t in inputs) t.Grad = null;
        var y = f();
        if (y.RequiresGrad) y.Backward(gy);
        return [y.ToDoubleArray(), .. inputs.Select(t => t.Grad?.ToDoubleArray() ?? new double[t.NumEl])];
    }

    static void Identical(double[][] expected, double[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i]);  // bitwise
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void LinearWithActivationEqualsLinearThenTheActivationModule(string name)
    {
        var activation = Activation.Parse(name);
        var g = new Generator(3);
        var layer = new Linear(37, 29, generator: g, activation: activation);
        var x = Tensor.Randn([70, 37], g).RequireGrad();
        var gy = Tensor.Randn([70, 29], g);
        var module = Modules[name]();

        var fused = Run(() => layer.Forward(x), gy, x, layer.Weight, layer.Bias!);
        var plain = Run(() => module.Forward(Tensor.Linear(x, layer.Weight, layer.Bias)), gy, x, layer.Weight, layer.Bias!);
        Identical(plain, fused);
        Assert.Equal(activation, layer.Activation);
        Assert.Equal(activation == Activation.ReLU ? "linear_relu" : activation.IsNone ? "linear" : activation.Name, layer.Forward(x).GradFn!.Op);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ConvolutionsWithActivationEqualTheConvolutionThenTheActivationModule(string name)
    {
        var activation = Activation.Parse(name);
        var g = new Generator(4);
        var module = Modules[name]();

        // 16 channels: the direct kernel (ReLU in its store); 3 channels with stride 2: im2col + GEMM, then a pass
        foreach (var (channels, stride) in new[] { (16, 1), (3, 2) })
        {
            var conv = new Conv2d(channels, 8, 3, stride: stride, padding: 1, generator: g, activation: activation);
            var x = Tensor.Uniform([2, channels, 6, 11], -1, 1, g).RequireGrad();
            var gy = Tensor.Randn(conv.Forward(x).Shape.ToArray(), g);
            var fused = Run(() => conv.Forward(x), gy, x, conv.Weight, conv.Bias!);
            var plain = Run(() => module.Forward(Tensor.Conv2d(x, conv.Weight, conv.Bias, (stride, stride), (1, 1), (1, 1))), gy, x, conv.Weight, conv.Bias!);
            Identical(plain, fused);
            if (activation == Activation.ReLU) Assert.Equal("conv2d_relu", conv.Forward(x).GradFn!.Op);
        }

        var conv1 = new Conv1d(4, 6, 3, padding: 1, generator: g, activation: activation);
        var x1 = Tensor.Uniform([3, 4, 10], -1, 1, g).RequireGrad();
        var gy1 = Tensor.Randn([3, 6, 10], g);
        Identical(Run(() => module.Forward(Tensor.Conv1d(x1, conv1.Weight, conv1.Bias, 1, 1)), gy1, x1, conv1.Weight, conv1.Bias!),
            Run(() => conv1.Forward(x1), gy1, x1, conv1.Weight, conv1.Bias!));
    }

    [Fact]
    public void LinearWithTanhAndReluPassesGradCheck()
    {
        // float64 through the layer's own path (Linear.Forward calls Linear.Affine with its parameters)
        foreach (var activation in new[] { Activation.Tanh, Activation.ReLU, Activation.LeakyReLU(0.1), Activation.GELU })
        {
            GradCheck.Assert(t => Linear.Affine(t[0], t[1], t[2], activation), Input([2, 3, 5], 1), Input([4, 5], 2), Input([4], 3));
            GradCheck.Assert(t => Linear.Affine(t[0], t[1], null, activation), Input([6, 5], 4), Input([7, 5], 5));
        }
    }

    [Fact]
    public void ConvWithReluAndTanhPassesGradCheck()
    {
        foreach (var activation in new[] { Activation.ReLU, Activation.Tanh })
            GradCheck.Assert(t => Conv2d.Convolve(t[0], t[1], t[2], (1, 1), (1, 1, 1, 1), (1, 1), 1, activation),
                Input([2, 3, 5, 4], 1), Input([4, 3, 3, 3], 2), Input([4], 3));
    }

    [Fact]
    public void SequentialStillFusesLinearAndConvWithAFollowingRelu()
    {
        var g = new Generator(5);
        Assert.Equal("linear_relu", new Sequential(new Linear(4, 3, generator: g), new ReLU()).Forward(Tensor.Randn([2, 4], g)).GradFn!.Op);
        Assert.Equal("conv2d_relu", new Sequential(new Conv2d(2, 3, 3, generator: g), new ReLU()).Forward(Tensor.Randn([1, 2, 5, 5], g)).GradFn!.Op);
        // conv1d runs conv2d_relu on a height-1 view, then squeezes it
        var y1 = new Sequential(new Conv1d(2, 3, 3, generator: g), new ReLU()).Forward(Tensor.Randn([1, 2, 5], g));
        Assert.Equal("conv2d_relu", y1.GradFn!.Input(0)!.GradFn!.Op);
        // an activation the kernel cannot apply stays its own op
        Assert.Equal("tanh", new Sequential(new Linear(4, 3, generator: g), new Tanh()).Forward(Tensor.Randn([2, 4], g)).GradFn!.Op);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(300)] // the blocked GEMM path, edge tiles
    public void SequentialFusionGivesTheLayerByLayerResult(int batch)
    {
        var g = new Generator(9);
        var layers = new Module[] { new Linear(50, 40, generator: g), new ReLU(), new Linear(40, 33, generator: g), new LeakyReLU(0.1), new Linear(33, 3, generator: g), new ReLU() };
        var model = new Sequential(layers);
        var x = Tensor.Randn([batch, 50], g);
        var gy = Tensor.Randn([batch, 3], g);
        var ps = model.Parameters().ToArray();
        var fused = Run(() => model.Forward(x), gy, ps);
        var plain = Run(() => layers.Aggregate(x, (h, l) => l.Forward(h)), gy, ps);
        Identical(plain, fused);
    }

    [Fact]
    public void ALayerWithItsOwnActivationIsNotFusedWithTheNextOne()
    {
        var g = new Generator(6);
        var linear = new Linear(4, 3, generator: g, activation: Activation.Tanh);
        var x = Tensor.Randn([5, 4], g);
        var y = new Sequential(linear, new ReLU()).Forward(x);
        Assert.Equal("relu", y.GradFn!.Op);
        Assert.Equal(Tensor.Linear(x, linear.Weight, linear.Bias).Tanh().Relu().ToFloatArray(), y.ToFloatArray());
        // Forward(x, then) applies the layer's own activation, then the extra one
        Assert.Equal(y.ToFloatArray(), linear.Forward(x, Activation.ReLU).ToFloatArray());
        // a ReLU layer after a ReLU layer: the first is fused, the second runs (and changes nothing)
        var relu = new Linear(4, 3, generator: g, activation: Activation.ReLU);
        var z = new Sequential(relu, new ReLU()).Forward(x);
        Assert.Equal("relu", z.GradFn!.Op);
        Assert.Equal("linear_relu", z.GradFn!.Input(0)!.GradFn!.Op);
    }

    /// <summary>A user's own container: no Sequential involved.</summary>
    sealed class TwoLayerNet : Module
    {
        public readonly Linear Hidden, Output;

        public TwoLayerNet(Generator g)
        {
            Hidden = RegisterModule("hidden", new Linear(6, 8, generator: g, activation: Activation.ReLU));
            Output = RegisterModule("output", new Linear(8, 2, generator: g));
        }

        public override Tensor Forward(Tensor x) => Output.Forward(Hidden.Forward(x));
    }

    [Fact]
    public void AUsersOwnModuleGetsTheFusedOpFromTheLayer()
    {
        var g = new Generator(7);
        var net = new TwoLayerNet(g);
        var x = Tensor.Randn([9, 6], g);
        Assert.Equal("linear_relu", net.Hidden.Forward(x).GradFn!.Op);
        var y = net.Forward(x);
        Assert.Equal("linear_relu", y.GradFn!.Input(0)!.GradFn!.Op);
        var plain = Tensor.Linear(Tensor.Linear(x, net.Hidden.Weight, net.Hidden.Bias).Relu(), net.Output.Weight, net.Output.Bias);
        Assert.Equal(plain.ToFloatArray(), y.ToFloatArray());
        // the activation is not a module: names and counts are those of two plain Linear layers
        Assert.Equal(["hidden.weight", "hidden.bias", "output.weight", "output.bias"], net.StateDict().Keys.ToArray());
        Assert.Equal(6 * 8 + 8 + 8 * 2 + 2, net.ParameterCount());
    }

    [Fact]
    public void DescribeShowsTheActivation()
    {
        Assert.Equal("Linear(784 → 128, relu)", new Linear(784, 128, activation: Activation.ReLU).Describe());
        Assert.Equal("Linear(784 → 128)", new Linear(784, 128).Describe());
        Assert.Equal("Linear(4 → 6, bias=False, leaky_relu:0.3)", new Linear(4, 6, bias: false, activation: Activation.LeakyReLU(0.3)).Describe());
        Assert.Equal("Conv2d(3 → 16, k=5, s=1, p=2, relu)", new Conv2d(3, 16, 5, padding: 2, activation: Activation.ReLU).Describe());
        Assert.Equal("Conv1d(3 → 4, k=3, s=1, p=0, tanh)", new Conv1d(3, 4, 3, activation: Activation.Tanh).Describe());
    }

    [Fact]
    public void ActivationValuesParsePrintAndCompare()
    {
        Assert.Equal(Activation.None, default(Activation));
        Assert.True(Activation.None.IsNone);
        Assert.Equal("none", Activation.None.ToString());
        Assert.True(Activation.ReLU.Fusable);
        Assert.False(Activation.Tanh.Fusable);
        Assert.False(Activation.None.Fusable);
        Assert.Equal(Activation.LeakyReLU(), Activation.Parse("Leaky_ReLU"));
        Assert.Equal(0.01, Activation.Parse("leaky_relu").Parameter);
        Assert.Null(Activation.ReLU.Parameter);
        Assert.Equal(Activation.ELU(0.5), Activation.Parse(" elu : 0.5 "));
        Assert.NotEqual(Activation.LeakyReLU(0.1), Activation.LeakyReLU(0.2));
        Assert.True(Activation.Sigmoid == Activation.Parse("sigmoid"));
        Assert.Equal(["none", "relu", "leaky_relu[:alpha]", "elu[:alpha]", "sigmoid", "tanh", "softplus", "gelu", "step"], Activation.Names);

        var x = Tensor.FromArray(new float[] { -1.5f, -0.2f, 0, 0.3f, 2 });
        foreach (var (name, make) in Modules)
        {
            var module = make();
            var a = Assert.IsAssignableFrom<IActivationModule>(module).Activation;
            Assert.Equal(Activation.Parse(name), a);
            Assert.Equal(a, Activation.Parse(a.ToString()));   // the text form round-trips
            Assert.Equal(module.Forward(x).ToFloatArray(), a.Apply(x).ToFloatArray());
        }
    }

    [Theory]
    [InlineData("swish", "unknown name 'swish'")]
    [InlineData("", "unknown name ''")]
    [InlineData("relu:2", "'relu' takes no parameter")]
    [InlineData("leaky_relu:x", "not a finite number")]
    [InlineData("elu:NaN", "not a finite number")]
    public void BadActivationTextIsAFormatError(string text, string because)
    {
        var e = Assert.Throws<FormatException>(() => Activation.Parse(text));
        Assert.Contains(because, e.Message);
        if (because.StartsWith("unknown", StringComparison.Ordinal))
            Assert.Contains("valid: none, relu, leaky_relu[:alpha], elu[:alpha], sigmoid, tanh, softplus, gelu, step", e.Message);
    }

    [Fact]
    public void ActivationsRoundTripThroughModelJson()
    {
        var g = new Generator(8);
        var model = new Sequential(
            new Conv1d(2, 3, 3, padding: 1, generator: g, activation: Activation.Tanh),
            new Flatten(),
            new Linear(15, 6, generator: g, activation: Activation.ReLU),
            new Linear(6, 4, generator: g, activation: Activation.LeakyReLU(0.25)),
            new Linear(4, 2, generator: g));
        string json = ModelJson.ToJson(model);
        Assert.Contains("\"activation\": \"relu\"", json);
        Assert.Contains("\"activation\": \"leaky_relu:0.25\"", json);
        Assert.Contains("\"activation\": \"tanh\"", json);
        Assert.Equal(3, json.Split("\"activation\"").Length - 1);   // none is not written

        var back = Assert.IsType<Sequential>(ModelJson.FromJson(json, "test"));
        Assert.Equal(model.Layers.Select(l => l.Describe()), back.Layers.Select(l => l.Describe()));
        Assert.Equal(Activation.LeakyReLU(0.25), ((Linear)back[3]).Activation);
        Assert.Equal(Activation.None, ((Linear)back[4]).Activation);
        back.LoadStateDict(model.StateDict());
        var x = Tensor.Randn([3, 2, 5], g);
        Assert.Equal(model.Forward(x).ToFloatArray(), back.Forward(x).ToFloatArray());

        var conv = new Sequential(new Conv2d(1, 2, 3, activation: Activation.ELU(0.5)));
        var conv2 = Assert.IsType<Conv2d>(((Sequential)ModelJson.FromJson(ModelJson.ToJson(conv), "test"))[0]);
        Assert.Equal(Activation.ELU(0.5), conv2.Activation);

        // written before layers had activations: absent means none
        var old = (Sequential)ModelJson.FromJson("""{"type":"Sequential","layers":[{"type":"Linear","in":2,"out":3,"bias":true}]}""", "old.json");
        Assert.True(((Linear)old[0]).Activation.IsNone);
    }

    [Theory]
    [InlineData("""{"type":"Linear","in":2,"out":3,"bias":true,"activation":"swish"}""", "unknown name 'swish'")]
    [InlineData("""{"type":"Conv2d","in":1,"out":2,"kh":3,"kw":3,"sh":1,"sw":1,"padding":"0,0","dh":1,"dw":1,"groups":1,"bias":true,"activation":"mish"}""", "unknown name 'mish'")]
    [InlineData("""{"type":"Linear","in":2,"out":3,"bias":true,"activation":3}""", "'activation' of Linear has the wrong type")]
    public void BadActivationInModelJsonIsAFormatError(string json, string because)
    {
        var e = Assert.Throws<ModelFormatException>(() => ModelJson.FromJson(json, "arch.json"));
        Assert.Contains("arch.json", e.Message);
        Assert.Contains(because, e.Message);
        if (because.StartsWith("unknown", StringComparison.Ordinal)) Assert.Contains("valid: none, relu, leaky_relu[:alpha]", e.Message);
    }
}
