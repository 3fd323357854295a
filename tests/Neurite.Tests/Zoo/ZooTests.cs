using Neurite.Nn;
using Neurite.Nn.Zoo;

namespace Neurite.Tests.Zoo;

public class ZooTests
{
    // Published parameter counts at 3×224×224 with 1000 classes (torchvision's definitions).
    [Theory]
    [InlineData("vgg16", 138_357_544L)]
    [InlineData("vgg11", 132_863_336L)]
    [InlineData("resnet18", 11_689_512L)]
    [InlineData("resnet50", 25_557_032L)]
    [InlineData("alexnet", 61_100_840L)]
    public void ParameterCountsMatchThePublishedArchitectures(string name, long expected)
    {
        var model = Neurite.Nn.Zoo.Zoo.Create(name, new VisionOptions());
        Assert.Equal(expected, model.ParameterCount());
    }

    [Fact]
    public void Vgg16SummaryAt224HasThePublishedShapesAndTotal()
    {
        var summary = ModelSummary.Of(Vgg.Create(Vgg.Vgg16), 3, 224, 224);
        Assert.Equal(138_357_544L, summary.TotalParameters);
        Assert.Contains(summary.Rows, r => r.OutputShape.SequenceEqual([1, 512, 7, 7]));
        Assert.Equal([1, 1000], summary.Rows[^1].OutputShape);
    }

    [Fact]
    public void LeNet5MatchesTheBenchmarkDefinition()
    {
        // conv(1→6, 5×5, pad 2) 156 + conv(6→16, 5×5) 2,416 + 400·120+120 48,120 + 120·84+84 10,164 + 84·10+10 850 = 61,706
        var model = LeNet.Create();
        Assert.Equal(61_706, model.ParameterCount());
        var summary = ModelSummary.Of(model, 1, 28, 28);
        Assert.Contains(summary.Rows, r => r.OutputShape.SequenceEqual([1, 16, 5, 5]));
    }

    [Fact]
    public void ResNet20IsTheCifarNetwork()
    {
        var model = ResNet.ResNet20();
        var summary = ModelSummary.Of(model, 3, 32, 32);
        Assert.Equal(9, summary.Rows.Count(r => r.Layer.StartsWith("BasicBlock", StringComparison.Ordinal)));
        Assert.Contains(summary.Rows, r => r.OutputShape.SequenceEqual([1, 64, 8, 8]));
        // ≈ 0.27 M parameters in the paper (zero-padding shortcuts); 1×1 projections add a few thousand
        Assert.InRange(model.ParameterCount(), 270_000, 280_000);
    }

    /// <summary>Every zoo network at a small input: one forward and backward pass gives class scores and gradients for every parameter.</summary>
    [Theory]
    [InlineData("lenet5", 1, 28)]
    [InlineData("alexnet", 3, 32)]
    [InlineData("vgg11", 1, 28)]
    [InlineData("vgg16", 3, 32)]
    [InlineData("resnet18", 1, 28)]
    [InlineData("resnet20", 3, 32)]
    [InlineData("resnet50", 3, 32)]
    [InlineData("nin", 1, 28)]
    [InlineData("inception", 3, 32)]
    public void SmallInputsTrainEndToEnd(string name, int channels, int size)
    {
        var options = new VisionOptions(InChannels: channels, Classes: 10, InputSize: size, Width: 0.25, BatchNorm: true, Dropout: 0.2);
        var model = Neurite.Nn.Zoo.Zoo.Create(name, options);
        var x = Tensor.Randn([2, channels, size, size], new Generator(1));
        var logits = model.Forward(x);
        Assert.Equal([2, 10], logits.Shape.ToArray());
        new CrossEntropyLoss().Forward(logits, Tensor.FromArray(new long[] { 3, 7 })).Backward();
        foreach (var (pname, p) in model.NamedParameters())
            Assert.True(p.Grad is not null, $"{name}: no gradient for {pname}");
    }

    [Fact]
    public void UnknownNamesAreListed()
    {
        var e = Assert.Throws<ArgumentException>(() => Neurite.Nn.Zoo.Zoo.Create("resnet34", new VisionOptions()));
        Assert.Contains("resnet20", e.Message);
    }
}
