using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Training;

namespace Neurite.Tests.Training;

public class MaxNormTests
{
    [Fact]
    public void RowsAboveTheLimitAreScaledOntoItAndOthersAreUntouched()
    {
        var linear = new Linear(2, 3);
        // rows: (3, 4) norm 5; (0.6, 0.8) norm 1; (0, -10) norm 10
        new float[] { 3, 4, 0.6f, 0.8f, 0, -10 }.CopyTo(linear.Weight.Span<float>());
        var biasBefore = linear.Bias!.ToFloatArray();
        Assert.Equal(2, MaxNorm.Apply(linear, 2));
        var w = linear.Weight.ToFloatArray();
        Assert.Equal(new[] { 1.2f, 1.6f, 0.6f, 0.8f, 0, -2 }, w.Select(v => MathF.Round(v, 5)).ToArray());
        Assert.Equal(biasBefore, linear.Bias.ToFloatArray());
    }

    [Fact]
    public void ConvolutionFiltersAreUnitsToo()
    {
        var conv = new Conv2d(2, 4, 3, generator: new Generator(1));
        conv.Weight.Span<float>().Fill(1);   // each filter: 18 ones, norm √18
        MaxNorm.Apply(new Sequential(conv, new ReLU()), 3);
        var w = conv.Weight.ToFloatArray();
        for (int u = 0; u < 4; u++)
            Assert.Equal(3.0, Math.Sqrt(w.Skip(18 * u).Take(18).Sum(v => (double)v * v)), 5);
    }

    [Fact]
    public void TrainingWithTheCallbackKeepsEveryUnitInsideTheBall()
    {
        var (train, _) = Split.TrainTest(Datasets.Digits(), testFraction: 0.2, seed: 1, stratified: true);
        var model = new Sequential(new Linear(64, 32, generator: new Generator(2)), new ReLU(), new Linear(32, 10, generator: new Generator(3)));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), learningRate: 0.5));
        trainer.Fit(new DataLoader(train, 32, shuffle: true, seed: 1), epochs: 2, callbacks: new MaxNorm(1.5));
        foreach (var layer in model.Layers.OfType<Linear>())
        {
            var w = layer.Weight.ToFloatArray();
            int fanIn = layer.InFeatures;
            double largest = Enumerable.Range(0, layer.OutFeatures).Max(u => Math.Sqrt(w.Skip(u * fanIn).Take(fanIn).Sum(v => (double)v * v)));
            Assert.True(largest <= 1.5 + 1e-5, $"a unit of {layer.Describe()} has norm {largest}");
            Assert.True(largest > 1.0, "with lr 0.5 some unit should reach the limit");   // the constraint was active
        }
    }

    [Fact]
    public void TheTrainCommandAppliesItAndRefusesABadLimit()
    {
        var dir = Directory.CreateTempSubdirectory("neurite-maxnorm-");
        try
        {
            string stem = Path.Combine(dir.FullName, "digits");
            Assert.Equal(0, Neurite.Cli.Commands.TrainCommand.Run(new Neurite.Cli.Commands.TrainCommand.Settings(
                Epochs: 2, LearningRate: 0.05, Optimizer: "sgd", Model: "mlp:32", Output: stem, Plain: true, MaxNorm: 0.8), TextWriter.Null));
            var model = Neurite.Serialization.ModelFile.Read(stem + ".safetensors").Model;
            foreach (var (name, w) in model.NamedParameters().Where(p => p.Name.EndsWith("weight") && p.Parameter.Rank == 2))
            {
                var v = w.ToFloatArray();
                int fanIn = w.Shape[1];
                double largest = Enumerable.Range(0, w.Shape[0]).Max(u => Math.Sqrt(v.Skip(u * fanIn).Take(fanIn).Sum(x => (double)x * x)));
                Assert.True(largest <= 0.8 + 1e-5, $"{name}: a unit has norm {largest}");
            }
            Assert.Throws<Neurite.Cli.UsageException>(() => Neurite.Cli.Commands.TrainCommand.Run(new Neurite.Cli.Commands.TrainCommand.Settings(MaxNorm: 0), TextWriter.Null));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void ALimitThatIsNotPositiveIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaxNorm(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MaxNorm.Apply(new Linear(1, 1), double.NaN));
    }
}
