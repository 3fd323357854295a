using Neurite.Examples;

namespace Neurite.Tests.Examples;

/// <summary>Each example teaches a lesson of the seed notes; these tests hold it to that lesson.</summary>
[Collection(GlobalStateCollection.Name)]
public class ExampleTests
{
    [Fact]
    public void XorNeedsAHiddenLayer()
    {
        var r = XorExample.Run(TextWriter.Null);
        Assert.True(r.SingleNeuronAccuracy <= 0.75, $"a single neuron cannot separate XOR, got {r.SingleNeuronAccuracy}");
        Assert.Equal(1.0, r.HiddenLayerAccuracy);
        Assert.True(r.HiddenLayerLoss < 0.05, $"loss {r.HiddenLayerLoss}");
    }

    [Fact]
    public void SpiralsNeedANonLinearModel()
    {
        var r = SpiralsExample.Run(TextWriter.Null);
        Assert.True(r.LinearTestAccuracy < 0.7, $"linear {r.LinearTestAccuracy}");
        Assert.True(r.MlpTestAccuracy >= 0.95, $"mlp {r.MlpTestAccuracy}");
    }

    [Fact]
    public void L2GivesASmootherFitThatGeneralisesBetter()
    {
        var r = RegressionExample.Run(TextWriter.Null);
        Assert.True(r.TrainMsePlain < r.TrainMseL2, "the unpenalised fit follows the training noise more closely");
        Assert.True(r.TestMseL2 < r.TestMsePlain, $"L2 test MSE {r.TestMseL2} vs {r.TestMsePlain}");
        Assert.True(r.WeightNormL2 < 0.5 * r.WeightNormPlain, $"|w|² {r.WeightNormL2} vs {r.WeightNormPlain}");
    }

    [Fact]
    public void ReluTrainsFasterThanSigmoid()
    {
        var r = ActivationsExample.Run(TextWriter.Null);
        Assert.True(r.ReluLoss[^1] < 0.5 * r.SigmoidLoss[^1], $"relu {r.ReluLoss[^1]} vs sigmoid {r.SigmoidLoss[^1]}");
        Assert.True(r.ReluAccuracy > 0.85 && r.ReluAccuracy > r.SigmoidAccuracy + 0.3, $"relu {r.ReluAccuracy} vs sigmoid {r.SigmoidAccuracy}");
    }

    [Fact]
    public void ReadmeCodeRunsAndLearns()
    {
        var (_, accuracy, grad) = ReadmeExample.Run(TextWriter.Null);
        Assert.True(accuracy > 0.93, $"accuracy {accuracy}");
        Assert.Equal("tensor([ 7.,  9., 11.], dtype=float64)", grad);
    }

    [Fact]
    public void TransferLearningBeatsTrainingFromScratchOnFewImages()
    {
        // Needs Debian's dataset-fashion-mnist, which .ci/run installs. On a machine without it the example
        // must fail with the error that says how to get it.
        if (!Directory.Exists(Neurite.Data.FashionMnist.DefaultFolder))
        {
            var e = Assert.ThrowsAny<IOException>(() => TransferExample.Run(TextWriter.Null));
            Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
            return;
        }
        var r = TransferExample.Run(TextWriter.Null);
        Assert.True(r.SourceAccuracy > 0.85, $"source {r.SourceAccuracy}");
        Assert.True(r.FineTunedAccuracy > r.ScratchAccuracy + 0.03, $"fine-tuned {r.FineTunedAccuracy} vs scratch {r.ScratchAccuracy}");
    }
}
