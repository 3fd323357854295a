using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;
using Xunit.Abstractions;

namespace Neurite.Tests.Vision;

public class TransferTests(ITestOutputHelper output)
{
    static Sequential Mlp(int classes, ulong seed)
    {
        var g = new Generator(seed);
        return new Sequential(new Flatten(), new Linear(64, 64, generator: g), new ReLU(), new Linear(64, 64, generator: g), new ReLU(),
            new Linear(64, classes, generator: g));
    }

    [Fact]
    public void PrefixesMatchWholeNameParts()
    {
        Assert.True(Transfer.MatchesPrefix("1.weight", "1"));
        Assert.True(Transfer.MatchesPrefix("1", "1"));
        Assert.False(Transfer.MatchesPrefix("10.weight", "1"));
        Assert.True(Transfer.MatchesPrefix("10.weight", "1"[..0]));
        Assert.True(Transfer.MatchesPrefix("backbone.0.weight", "backbone."));
    }

    [Fact]
    public void LoadMatchingSkipsTheReplacedHeadAndReports()
    {
        var source = Mlp(5, 1);
        var target = Transfer.ReplaceHead(Mlp(5, 2), new Linear(64, 3, generator: new Generator(3)));
        var headBefore = ((Linear)target[5]).Weight.ToFloatArray();
        var state = source.StateDict();
        state["extra"] = Tensor.Zeros(1);
        var report = Transfer.LoadMatching(target, state);
        Assert.Empty(report.Missing);
        Assert.Equal(["extra"], report.Unexpected);
        Assert.Equal(2, report.ShapeMismatches.Count);                  // 5.weight and 5.bias
        Assert.Contains(report.ShapeMismatches, m => m.StartsWith("5.weight", StringComparison.Ordinal));
        Assert.Equal(((Linear)source[1]).Weight.ToFloatArray(), ((Linear)target[1]).Weight.ToFloatArray());
        Assert.Equal(((Linear)source[3]).Bias!.ToFloatArray(), ((Linear)target[3]).Bias!.ToFloatArray());
        Assert.Equal(headBefore, ((Linear)target[5]).Weight.ToFloatArray());   // untouched
    }

    [Fact]
    public void LoadMatchingRenamesPrefixes()
    {
        var source = new Sequential(new Linear(2, 2, generator: new Generator(1)));
        var state = source.StateDict().ToDictionary(kv => "backbone." + kv.Key, kv => kv.Value);
        var target = new Sequential(new Linear(2, 2, generator: new Generator(2)));
        var report = Transfer.LoadMatching(target, state, new Dictionary<string, string> { ["backbone"] = "" });
        Assert.True(report.IsExact);
        Assert.Equal(source.StateDict()["0.weight"].ToFloatArray(), target.StateDict()["0.weight"].ToFloatArray());
    }

    [Fact]
    public void ReplaceHeadSharesTheBackbone()
    {
        var model = Mlp(5, 1);
        var head = new Linear(64, 2);
        var replaced = Transfer.ReplaceHead(model, head);
        Assert.Equal(model.Count, replaced.Count);
        for (int i = 0; i < model.Count - 1; i++) Assert.Same(model[i], replaced[i]);
        Assert.Same(head, replaced[5]);
        Assert.Equal([1, 2], replaced.Forward(Tensor.Zeros(1, 1, 8, 8)).Shape.ToArray());
    }

    [Fact]
    public void GroupsGiveTheBackboneAScaledRate()
    {
        var model = Mlp(5, 1);
        var groups = Transfer.BackboneAndHead(model, learningRate: 0.1, backboneScale: 0.25);
        var sgd = new Sgd(groups, learningRate: 1);
        Assert.Equal(0.025, sgd.Groups[0].LearningRate, 12);
        Assert.Equal(0.1, sgd.Groups[1].LearningRate, 12);
        Assert.Equal(4, groups[0].Parameters.Count);
        Assert.Equal([((Linear)model[5]).Weight, ((Linear)model[5]).Bias!], groups[1].Parameters);
        Assert.Throws<ArgumentException>(() => Transfer.BackboneAndHead(model, "9", 0.1));

        // One SGD step moves each group by its own rate: Δw = −η·g.
        var x = Tensor.Randn([4, 1, 8, 8], new Generator(2));
        var y = Tensor.FromArray(new long[] { 0, 1, 2, 3 });
        var w1 = ((Linear)model[1]).Weight;
        var w5 = ((Linear)model[5]).Weight;
        var (before1, before5) = (w1.ToFloatArray(), w5.ToFloatArray());
        sgd.ZeroGrad();
        Tensor.CrossEntropy(model.Forward(x), y).Mean().Backward();
        var (g1, g5) = (w1.Grad!.ToFloatArray(), w5.Grad!.ToFloatArray());
        sgd.Step();
        Assert.Equal(before1[7] - 0.025f * g1[7], w1.ToFloatArray()[7], 6);
        Assert.Equal(before5[7] - 0.1f * g5[7], w5.ToFloatArray()[7], 6);
    }

    [Fact]
    public void FreezeAndUnfreezeByPrefix()
    {
        var model = Mlp(5, 1);
        Assert.Equal(4, Transfer.Freeze(model, "1", "3"));
        Assert.False(((Linear)model[1]).Weight.RequiresGrad);
        Assert.True(((Linear)model[5]).Weight.RequiresGrad);
        var before = ((Linear)model[1]).Weight.ToFloatArray();
        var opt = new Sgd(model.Parameters(), 0.5);
        Tensor.CrossEntropy(model.Forward(Tensor.Ones(2, 1, 8, 8)), Tensor.FromArray(new long[] { 0, 1 })).Mean().Backward();
        opt.Step();
        Assert.Equal(before, ((Linear)model[1]).Weight.ToFloatArray());   // frozen: unchanged
        Assert.Equal(2, Transfer.Unfreeze(model, "1"));
        Assert.True(((Linear)model[1]).Weight.RequiresGrad);
        Assert.Throws<ArgumentException>(() => Transfer.Freeze(model, "7"));
    }

    static double Accuracy(Module model, TensorDataset data)
    {
        using var _ = Autograd.NoGrad();
        var predicted = model.Forward(data.Features).ArgMax(1).ToLongArray();
        var labels = data.Labels.ToLongArray();
        return predicted.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
    }

    static void Fit(Module model, Optimizer optimizer, TensorDataset data, int epochs, int batch, ulong seed)
    {
        var loader = new DataLoader(data, batch, shuffle: true, seed: seed, prefetch: 0);
        for (int e = 0; e < epochs; e++)
            foreach (var (x, y) in loader)
            {
                optimizer.ZeroGrad();
                Tensor.CrossEntropy(model.Forward(x), y).Mean().Backward();
                optimizer.Step();
            }
    }

    [Fact]
    public void FineTuningAPretrainedBackboneBeatsTrainingFromScratchOnFewExamples()
    {
        var digits = Datasets.Digits(images: true, scale: 1.0 / 16);
        var labels = digits.Labels.ToLongArray();
        // Source task: all digits 0–4. Target task: digits 5–9 relabelled 0–4, 5 training examples per class.
        var source = digits.Select(Enumerable.Range(0, labels.Length).Where(i => labels[i] < 5).ToArray());
        var targetIdx = Enumerable.Range(0, labels.Length).Where(i => labels[i] >= 5).ToArray();
        var fewIdx = Enumerable.Range(5, 5).SelectMany(c => targetIdx.Where(i => labels[i] == c).Take(5)).ToArray();
        var testIdx = targetIdx.Except(fewIdx).ToArray();
        TensorDataset Relabel(int[] idx) => new(digits.Select(idx).Features, Tensor.FromArray(idx.Select(i => labels[i] - 5).ToArray()));
        var few = Relabel(fewIdx);
        var test = Relabel(testIdx);

        var pretrained = Mlp(5, 10);
        Fit(pretrained, new Adam(pretrained.Parameters(), 3e-3), source, epochs: 10, batch: 32, seed: 1);
        Assert.True(Accuracy(pretrained, source) > 0.95);

        // Load the pretrained weights into a fresh copy of the architecture, then swap in a new head for the new classes.
        var loaded = Mlp(5, 20);
        Assert.True(Transfer.LoadMatching(loaded, pretrained.StateDict()).IsExact);
        var transferred = Transfer.ReplaceHead(loaded, new Linear(64, 5, generator: new Generator(30)));
        // Fine-tune everything at the same rate. Observed with these seeds: fine-tuned 83.0 %, scratch 76.2 %.
        // A lower backbone rate did worse here (×0.3: 78.1 %, ×0.1: 68.2 %, frozen: 47.2 %): the top hidden
        // layer learned features of 0–4 that describe 5–9 poorly, so the backbone has to move.
        Fit(transferred, new Adam(transferred.Parameters(), 1e-2), few, epochs: 60, batch: 25, seed: 2);

        var scratch = Transfer.ReplaceHead(Mlp(5, 20), new Linear(64, 5, generator: new Generator(30)));
        Fit(scratch, new Adam(scratch.Parameters(), 1e-2), few, epochs: 60, batch: 25, seed: 2);

        double accTransfer = Accuracy(transferred, test), accScratch = Accuracy(scratch, test);
        output.WriteLine($"5-shot digits 5–9 on {test.Count} test images: fine-tuned {accTransfer:P1}, from scratch {accScratch:P1}");
        Assert.True(accTransfer > accScratch + 0.03, $"fine-tuned {accTransfer:P1} vs scratch {accScratch:P1}");
    }
}
