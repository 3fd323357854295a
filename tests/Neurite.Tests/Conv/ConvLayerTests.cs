using Neurite.Nn;
using static Neurite.Tests.Check;

namespace Neurite.Tests.Conv;

public class ConvLayerTests
{
    [Fact]
    public void DescribeAndParameterCount()
    {
        var conv = new Conv2d(3, 16, 5, padding: 2);
        Assert.Equal("Conv2d(3 → 16, k=5, s=1, p=2)", conv.Describe());
        Assert.Equal("Conv2d(3 → 16, k=5, s=1, p=2)  # 1,216 params", conv.ToString()); // 16·3·25 + 16
        Assert.Equal("Conv2d(8 → 8, k=3×1, s=2, p=same, groups=4, bias=False)",
            new Conv2d(8, 8, (3, 1), (2, 2), Padding.Same, groups: 4, bias: false).Describe());
        Assert.Equal("MaxPool2d(k=2, s=2)", new MaxPool2d(2).Describe());
        Assert.Equal("AvgPool2d(k=3, s=2, p=1)", new AvgPool2d(3, 2, 1).Describe());
        Assert.Equal("Conv1d(4 → 6, k=3, s=1, p=same)  # 78 params", new Conv1d(4, 6, 3, padding: Padding.Same).ToString());
    }

    [Fact]
    public void DefaultInitIsUniformWithinOneOverSqrtFanIn()
    {
        var conv = new Conv2d(4, 32, 3, generator: new Generator(1));
        double bound = 1 / Math.Sqrt(4 * 9);
        var w = conv.Weight.ToDoubleArray();
        Assert.All(w, v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.True(w.Max() > 0.9 * bound && w.Min() < -0.9 * bound);
        Assert.All(conv.Bias!.ToDoubleArray(), v => Assert.InRange(Math.Abs(v), 0, bound));
    }

    [Theory]
    [InlineData(28, 1, 3)]
    [InlineData(28, 2, 3)]
    [InlineData(27, 2, 4)]
    [InlineData(32, 3, 5)]
    [InlineData(7, 4, 2)]
    [InlineData(5, 1, 4)]
    public void SamePaddingGivesCeilOfInputOverStride(int size, int stride, int kernel)
    {
        var conv = new Conv2d(1, 2, kernel, stride, Padding.Same);
        var y = conv.Forward(Tensor.Zeros(1, 1, size, size + 1));
        Shape([1, 2, (size + stride - 1) / stride, (size + 1 + stride - 1) / stride], y);
    }

    [Fact]
    public void SamePaddingGrad()
    {
        var conv = new Conv2d(2, 3, 4, padding: Padding.Same, generator: new Generator(3));
        var w = conv.Weight.To(DType.Float64).Detach().RequireGrad();
        Grad(t => Tensor.Conv2d(t[0], t[1], null, (1, 1), (1, 2, 1, 2), (1, 1)), Input([1, 2, 5, 5], 1), w);
        Shape([1, 3, 5, 5], conv.Forward(Tensor.Zeros(1, 2, 5, 5)));
    }

    [Fact]
    public void PaddingParsesNamesAndNumbers()
    {
        Assert.Equal(Padding.Same, Padding.Parse("SAME"));
        Assert.Equal(Padding.Valid, Padding.Parse("valid"));
        Assert.Equal(Padding.Of(2), Padding.Parse("2"));
        Assert.Equal(Padding.Of(1, 2), Padding.Parse("1,2"));
        Assert.Equal(Padding.Of(0), Padding.Valid);
        Padding p = 3;
        Assert.Equal("3", p.ToString());
        Assert.Throws<FormatException>(() => Padding.Parse("full"));
    }

    [Fact]
    public void ChannelMismatchNamesTheLayerAndShapes()
    {
        var e = Assert.Throws<ShapeException>(() => new Conv2d(3, 16, 5).Forward(Tensor.Zeros(8, 1, 28, 28)));
        Assert.Equal("Conv2d(3 → 16, k=5) expects [N, 3, H, W] with H, W ≥ 5, got [8, 1, 28, 28]", e.Message);
    }

    [Fact]
    public void KernelLargerThanPaddedInputFails()
    {
        var e = Assert.Throws<ShapeException>(() => new Conv2d(3, 16, 5, padding: 1).Forward(Tensor.Zeros(2, 3, 2, 9)));
        Assert.Equal("Conv2d(3 → 16, k=5) expects [N, 3, H, W] with H, W ≥ 3, got [2, 3, 2, 9]", e.Message);
        e = Assert.Throws<ShapeException>(() => new Conv2d(3, 4, 3).Forward(Tensor.Zeros(3, 8, 8)));
        Assert.Contains("got [3, 8, 8]", e.Message);
        e = Assert.Throws<ShapeException>(() => new MaxPool2d(3).Forward(Tensor.Zeros(1, 2, 2, 8)));
        Assert.Equal("MaxPool2d(k=3, s=3) expects [N, C, H, W] with H, W ≥ 3, got [1, 2, 2, 8]", e.Message);
        e = Assert.Throws<ShapeException>(() => new Conv1d(2, 4, 5).Forward(Tensor.Zeros(1, 2, 3)));
        Assert.Equal("Conv1d(2 → 4, k=5) expects [N, 2, L] with L ≥ 5, got [1, 2, 3]", e.Message);
    }

    [Fact]
    public void ImpossibleSettingsFailAtConstruction()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(3, 16, 3, stride: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(3, 16, 0));
        Assert.Throws<ArgumentException>(() => new Conv2d(3, 16, 3, groups: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(3, 16, 3, padding: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(2, 2, 2));
    }

    [Fact]
    public void PointwiseConvolutionIsALinearLayerOverChannels()
    {
        // seed 003 (Network in Network): a 1×1 convolution applies the same C → O matrix at every pixel
        var g = new Generator(4);
        var conv = new Conv2d(3, 5, 1, generator: g);
        var x = Tensor.Uniform([2, 3, 4, 4], -1, 1, g);
        var y = conv.Forward(x);
        var viaMatmul = x.Permute(0, 2, 3, 1).MatMul(conv.Weight.Reshape(5, 3).T).Add(conv.Bias!).Permute(0, 3, 1, 2);
        Near.Close(viaMatmul.ToDoubleArray(), y, 1e-5);
    }

    [Fact]
    public void Conv1dLayerShapes()
    {
        var conv = new Conv1d(4, 6, 3, stride: 2, padding: 1);
        Shape([2, 6, 5], conv.Forward(Tensor.Zeros(2, 4, 10)));
        Shape([2, 6, 10], new Conv1d(4, 6, 4, padding: Padding.Same).Forward(Tensor.Zeros(2, 4, 10)));
    }

    [Fact]
    public void Dropout2dDropsWholeChannels()
    {
        var drop = new Dropout2d(0.5, new Generator(9));
        var y = drop.Forward(Tensor.Ones(4, 8, 3, 3));
        var v = y.ToFloatArray();
        int kept = 0;
        for (int plane = 0; plane < 32; plane++)
        {
            var values = v.Skip(plane * 9).Take(9).Distinct().ToArray();
            Assert.Single(values);                     // one decision per (sample, channel)
            Assert.Contains(values[0], new[] { 0f, 2f }); // dropped, or kept and scaled by 1/(1 − p)
            if (values[0] == 2f) kept++;
        }
        Assert.InRange(kept, 8, 24);
        drop.Eval();
        Assert.Equal(Tensor.Ones(4, 8, 3, 3).ToFloatArray(), drop.Forward(Tensor.Ones(4, 8, 3, 3)).ToFloatArray());
    }

    [Fact]
    public void PoolingLayersShapes()
    {
        var x = Tensor.Zeros(2, 3, 9, 8);
        Shape([2, 3, 4, 4], new MaxPool2d(2).Forward(x));
        Shape([2, 3, 5, 4], new AvgPool2d(3, 2, 1).Forward(x));
        Shape([2, 3, 2, 3], new AdaptiveAvgPool2d(2, 3).Forward(x));
        Shape([2, 3], new GlobalAvgPool2d().Forward(x));
    }
}

public class ConvModelJsonTests
{
    [Fact]
    public void ConvolutionalLayersRoundTripThroughModelJson()
    {
        var model = new Sequential(
            new Conv2d(1, 4, (3, 5), (1, 2), Padding.Same, (2, 1), bias: false), new BatchNorm2d(4), new ReLU(), new Dropout2d(0.25),
            new MaxPool2d(3, 2, 1), new AvgPool2d((2, 1)), new AdaptiveAvgPool2d(2, 3), new Conv2d(4, 6, 1, groups: 2), new GlobalAvgPool2d());
        string json = Neurite.Serialization.ModelJson.ToJson(model);
        var back = (Sequential)Neurite.Serialization.ModelJson.FromJson(json, "test");
        Assert.Equal(json, Neurite.Serialization.ModelJson.ToJson(back));
        Assert.Equal(model.Layers.Select(l => l.Describe()), back.Layers.Select(l => l.Describe()));
        var conv1d = new Conv1d(3, 5, 4, 2, Padding.Same, 1, bias: true);
        var json1 = Neurite.Serialization.ModelJson.ToJson(new Sequential(conv1d));
        Assert.Equal(conv1d.Describe(), ((Sequential)Neurite.Serialization.ModelJson.FromJson(json1, "test")).Layers[0].Describe());
    }
}
