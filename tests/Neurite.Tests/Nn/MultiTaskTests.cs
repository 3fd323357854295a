using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Serialization;

namespace Neurite.Tests.Nn;

/// <summary>A shared trunk with a digit head and a parity head, trained on the sum of their losses.</summary>
public class MultiTaskTests
{
    static MultiTask Build() => new(
        new Sequential(new Linear(64, 32, activation: Activation.ReLU, generator: new Generator(1))),
        new Linear(32, 10, generator: new Generator(2)),
        new Linear(32, 2, generator: new Generator(3)));

    static (double Digit, double Parity) TrainAndScore(MultiTask model, double parityWeight, TensorDataset train, TensorDataset test)
    {
        var loss = new MultiTaskLoss((new CrossEntropyLoss(), 1.0), (new CrossEntropyLoss(), parityWeight));
        var optimizer = new Adam(model.Parameters(), learningRate: 0.01);
        for (int epoch = 0; epoch < 6; epoch++)
            foreach (var (x, y) in new DataLoader(train, 64, shuffle: true, seed: (ulong)epoch))
            {
                optimizer.ZeroGrad();
                loss.Forward(model.ForwardAll(x), [y, Parity(y)]).Backward();
                optimizer.Step();
            }
        model.Eval();
        using var _ = Autograd.NoGrad();
        var outputs = model.ForwardAll(test.Features);
        return (Accuracy(outputs[0], test.Labels), Accuracy(outputs[1], Parity(test.Labels)));
    }

    static Tensor Parity(Tensor labels) => Tensor.FromArray(labels.ToLongArray().Select(v => v % 2).ToArray());

    static double Accuracy(Tensor logits, Tensor labels)
    {
        var predicted = logits.ArgMax(1).ToLongArray();
        var truth = labels.ToLongArray();
        return predicted.Zip(truth).Count(p => p.First == p.Second) / (double)truth.Length;
    }

    [Fact]
    public void BothHeadsLearnFromTheSharedTrunkAndAZeroWeightSilencesATask()
    {
        var (train, test) = Split.TrainTest(Datasets.Digits(), testFraction: 0.25, seed: 3, stratified: true);
        var (digit, parity) = TrainAndScore(Build(), 1.0, (TensorDataset)train, (TensorDataset)test);
        Assert.True(digit > 0.9, $"digit accuracy {digit:P1}");
        Assert.True(parity > 0.9, $"parity accuracy {parity:P1}");
        var (_, untaught) = TrainAndScore(Build(), 0.0, (TensorDataset)train, (TensorDataset)test);
        Assert.True(untaught < 0.75, $"a head with weight 0 should not learn its task: {untaught:P1}");
    }

    [Fact]
    public void ForwardConcatenatesTheHeadsAndTheModelFileRoundTrips()
    {
        var model = Build();
        model.Eval();
        var x = Tensor.Uniform([5, 64], 0, 16, new Generator(4));
        var all = model.ForwardAll(x);
        Assert.Equal(new[] { 5, 12 }, model.Forward(x).Shape.ToArray());
        Assert.Equal(all[1].ToFloatArray(), model.Forward(x).Narrow(1, 10, 2).Contiguous().ToFloatArray());
        var dir = Directory.CreateTempSubdirectory("neurite-multitask-");
        try
        {
            string path = Path.Combine(dir.FullName, "mt.safetensors");
            ModelFile.Save(model, path);
            var back = Assert.IsType<MultiTask>(ModelFile.Read(path).Model);
            back.Eval();
            Assert.Equal(model.Forward(x).ToFloatArray(), back.Forward(x).ToFloatArray());
            Assert.Contains("trunk.0.weight", back.StateDict().Keys);
            Assert.Contains("heads.1.bias", back.StateDict().Keys);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void BadUseIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new MultiTask(new ReLU()));
        Assert.Throws<ArgumentException>(() => new MultiTaskLoss((new MSELoss(), -1.0)));
        var loss = new MultiTaskLoss((new MSELoss(), 1.0), (new MSELoss(), 1.0));
        Assert.Contains("2 terms, but 1 outputs", Assert.Throws<ArgumentException>(() => loss.Forward([Tensor.Zeros(2)], [Tensor.Zeros(2)])).Message);
    }
}
