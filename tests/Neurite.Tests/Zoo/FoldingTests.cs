using Neurite.Nn;
using Neurite.Nn.Zoo;
using Neurite.Tests.Onnx;

namespace Neurite.Tests.Zoo;

/// <summary>In evaluation mode without a graph, batch norm is folded into the convolution before it (Nn/Folding.cs):
/// the outputs equal the unfolded ops' (run with a graph being recorded, which takes the ordinary path).</summary>
public class FoldingTests
{
    static void FoldedEqualsUnfolded(Module model, int[] input)
    {
        model.Eval();
        var x = Tensor.Uniform(input, -1, 1, new Generator(12)).RequireGrad();   // recorded: the unfolded ops
        var unfolded = model.Forward(x).ToFloatArray();
        float[] folded;
        using (Autograd.NoGrad()) folded = model.Forward(x).ToFloatArray();
        Assert.Equal(unfolded.Length, folded.Length);
        double worst = unfolded.Zip(folded).Max(p => Math.Abs(p.First - p.Second) / Math.Max(1, Math.Abs(p.First)));
        Assert.True(worst < 1e-4, $"folded and unfolded differ by {worst:G3}");
    }

    [Fact]
    public void ResNet20BasicBlocksAndTheStem() =>
        FoldedEqualsUnfolded(ExportCheck.WithStatistics(ResNet.ResNet20(new VisionOptions(InChannels: 3, Classes: 10, InputSize: 32))), [2, 3, 32, 32]);

    [Fact]
    public void BottleneckBlocks() =>
        FoldedEqualsUnfolded(ExportCheck.WithStatistics(new Sequential(new Bottleneck(8, 4, stride: 2), new Bottleneck(16, 4))), [2, 8, 9, 9]);

    [Fact]
    public void AConvBatchNormSequenceWithoutReluAndWithABias()
    {
        var g = new Generator(13);
        FoldedEqualsUnfolded(ExportCheck.WithStatistics(new Sequential(new Conv2d(3, 5, 3, padding: 1, generator: g), new BatchNorm2d(5), new Conv2d(5, 4, 3, stride: 2, generator: g), new BatchNorm2d(4), new ReLU(), new Flatten())), [2, 3, 8, 8]);
    }

    sealed class Keeper : Module
    {
        public Tensor? Seen;
        public override Tensor Forward(Tensor x) { Seen = x; return x.Mul(1.0); }
    }

    [Fact]
    public void RecycledIntermediatesNeverReachWhatTheCallerOrAUsersModuleHolds()
    {
        var keeper = new Keeper();
        var model = ExportCheck.WithStatistics(new Sequential(ResNet.ResNet20(new VisionOptions(InChannels: 3, Classes: 4, InputSize: 16)).Layers.Take(4)
            .Append(keeper).Append(new BasicBlock(16, 16)).Append(new GlobalAvgPool2d()).Append(new Linear(16, 4)).ToArray()));
        model.Eval();
        var x1 = Tensor.Uniform([8, 3, 16, 16], -1, 1, new Generator(15));
        var x2 = Tensor.Uniform([8, 3, 16, 16], -1, 1, new Generator(16));
        using var _ = Autograd.NoGrad();
        var out1 = model.Forward(x1);
        var seenTensor = keeper.Seen!;
        var seen1 = seenTensor.ToFloatArray();
        var copy1 = out1.ToFloatArray();
        var x1Copy = x1.ToFloatArray();
        for (int i = 0; i < 3; i++) model.Forward(x2);   // reuses the pool's arrays
        Assert.Equal(copy1, out1.ToFloatArray());        // the caller's output is untouched
        Assert.Equal(x1Copy, x1.ToFloatArray());         // and the input
        Assert.Equal(seen1, seenTensor.ToFloatArray());   // what the user's module was given and kept is as it was
        Assert.Equal(copy1, model.Forward(x1).ToFloatArray());
    }

    [Fact]
    public void TrainingModeIsNotFolded()
    {
        var model = ExportCheck.WithStatistics(ResNet.ResNet20(new VisionOptions(InChannels: 3, Classes: 10, InputSize: 32)));
        model.Train();
        var x = Tensor.Uniform([4, 3, 32, 32], -1, 1, new Generator(14));
        var before = model.NamedBuffers().First(b => b.Name.EndsWith("running_mean")).Buffer.ToFloatArray();
        using (Autograd.NoGrad()) model.Forward(x);   // training mode: batch statistics, running stats updated
        Assert.NotEqual(before, model.NamedBuffers().First(b => b.Name.EndsWith("running_mean")).Buffer.ToFloatArray());
    }
}
