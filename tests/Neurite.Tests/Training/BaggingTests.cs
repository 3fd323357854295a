using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Serialization;
using Neurite.Training;

namespace Neurite.Tests.Training;

public class BaggingTests
{
    [Fact]
    public void BootstrapSamplesWithReplacementAbout63PercentDistinct()
    {
        var rows = Bagging.Bootstrap(10_000, 3);
        double distinct = rows.Distinct().Count() / 10_000.0;
        Assert.InRange(distinct, 0.62, 0.645);                 // 1 − 1/e = 0.632
        Assert.Equal(rows, Bagging.Bootstrap(10_000, 3));
        Assert.NotEqual(rows, Bagging.Bootstrap(10_000, 4));
    }

    [Fact]
    public void ABaggedEnsembleOfDigitClassifiersIsNoWorseThanItsAverageMemberAndRoundTripsThroughTheModelFile()
    {
        var (train, test) = Split.TrainTest(Datasets.Digits(), testFraction: 0.3, seed: 2, stratified: true);
        var ensemble = Bagging.Fit(i => new Sequential(new Linear(64, 16, activation: Activation.ReLU, generator: new Generator(10 + (ulong)i)), new Linear(16, 10, generator: new Generator(20 + (ulong)i))),
            m => new Trainer(m, new CrossEntropyLoss(), new Adam(m.Parameters(), learningRate: 0.01)), train, members: 5, epochs: 4, seed: 7);
        var loader = new DataLoader(test, 1000);
        double Accuracy(Module m) => new Trainer(m, new CrossEntropyLoss(), new Sgd(m.Parameters(), 0.1)).Evaluate(loader).Accuracy!.Value;
        double members = ensemble.Members.Average(Accuracy), together = Accuracy(ensemble);
        Assert.True(together >= members, $"ensemble {together:P2} < mean member {members:P2}");
        Assert.True(together > 0.85, $"ensemble accuracy {together:P2}");

        var dir = Directory.CreateTempSubdirectory("neurite-bagging-");
        try
        {
            string path = Path.Combine(dir.FullName, "bag.safetensors");
            ModelFile.Save(ensemble, path);
            var back = ModelFile.Read(path).Model;
            Assert.IsType<Ensemble>(back);
            Assert.Equal(together, Accuracy(back), 12);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        var data = Datasets.Iris();
        Assert.Throws<ArgumentOutOfRangeException>(() => Bagging.Fit(_ => new Linear(4, 3), m => new Trainer(m, new CrossEntropyLoss(), new Sgd(m.Parameters(), 0.1)), data, members: 0, epochs: 1, seed: 1));
    }
}
