using System.Text.Json;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Training;
using static Neurite.Tests.Nn.Approx;

namespace Neurite.Tests.Training;

public class TrainerTests
{
    static readonly Tensor XorX = F([0, 0, 0, 1, 1, 0, 1, 1], 4, 2);
    static readonly Tensor XorY = Tensor.FromArray(new long[] { 0, 1, 1, 0 });
    static (Tensor, Tensor)[] Xor => [(XorX, XorY)];

    [Fact]
    public void LearnsXorWithAHiddenLayer()
    {
        var g = new Generator(1234);
        var model = new Sequential(new Linear(2, 8, generator: g), new Tanh(), new Linear(8, 2, generator: g));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), learningRate: 0.05));
        var history = trainer.Fit(Xor, epochs: 300);
        Assert.Equal(300, history.Epochs.Count);
        Assert.Null(history.StopReason);
        Assert.Equal(1.0, history.Epochs[^1].TrainAccuracy);
        Assert.True(history.Epochs[^1].TrainLoss < 0.05, $"final loss {history.Epochs[^1].TrainLoss}");
        Assert.True(history.Epochs[^1].TrainLoss < history.Epochs[0].TrainLoss / 10);
        Assert.Equal([0L, 1, 1, 0], trainer.Predict(XorX).ArgMax(1).ToLongArray());
        var (loss, accuracy, _) = trainer.Evaluate(Xor);
        Assert.Equal(1.0, accuracy);
        Assert.True(loss < 0.05);
    }

    [Fact]
    public void ASingleLinearLayerCannotLearnXor()
    {
        // XOR is not linearly separable: at most 3 of the 4 points can be right
        var model = new Sequential(new Linear(2, 2, generator: new Generator(1234)));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), learningRate: 0.05));
        var history = trainer.Fit(Xor, epochs: 300);
        Assert.True(history.Epochs[^1].TrainAccuracy <= 0.75);
        Assert.True(trainer.Evaluate(Xor).Accuracy <= 0.75);
    }

    [Fact]
    public void LossFallsOnARegressionProblemAndPenaltiesApply()
    {
        // y = 2x − 1 learned by a Linear(1, 1) with SGD
        var x = F([-1, 0, 1, 2], 4, 1);
        var y = F([-3, -1, 1, 3], 4, 1);
        var model = new Linear(1, 1, generator: new Generator(3));
        var trainer = new Trainer(model, new MSELoss(), new Sgd(model.Parameters(), learningRate: 0.1));
        var h = trainer.Fit([(x, y)], 200);
        for (int i = 1; i < h.Epochs.Count; i++) Assert.True(h.Epochs[i].TrainLoss <= h.Epochs[i - 1].TrainLoss + 1e-9);
        Assert.Null(h.Epochs[0].TrainAccuracy);  // regression: no accuracy
        Equal(2, model.Weight.Item(), 1e-3);
        Equal(-1, model.Bias!.Item(), 1e-3);

        // a strong L2 penalty on the weight (not the bias) shrinks it: minimise mean((wx + b − y)²) + λw²
        var shrunk = new Linear(1, 1, generator: new Generator(3));
        new Trainer(shrunk, new MSELoss(), new Sgd(shrunk.Parameters(), learningRate: 0.05)) { L2 = 1 }.Fit([(x, y)], 400);
        // ∂/∂w: mean(2(wx + b − y)x) + 2λw = 0 with b = mean(y − wx) = −1 − 0.5w … gives w = 5/(2.5 + 1.25 ·…); check direction only
        Assert.InRange(shrunk.Weight.Item(), 0.5, 1.9);
    }

    [Fact]
    public void EarlyStoppingStopsAndRestoresTheBestWeights()
    {
        // train y = x, validate on y = −x: starting from w = b = 0 every step towards the training
        // target makes the validation loss worse, so epoch 1 is the best.
        // Epoch 1 (SGD η = 0.05, MSE over x = [1, 2], y = [1, 2]): ∂/∂w = mean(2(−y)x) = −5, ∂/∂b = mean(−2y) = −3
        //   → w₁ = 0.25, b₁ = 0.15
        var model = new Linear(1, 1, init: Init.Zeros);
        var trainer = new Trainer(model, new MSELoss(), new Sgd(model.Parameters(), learningRate: 0.05));
        var x = F([1, 2], 2, 1);
        var stopping = new EarlyStopping(patience: 3);
        var h = trainer.Fit([(x, F([1, 2], 2, 1))], 50, validation: [(x, F([-1, -2], 2, 1))], stopping);
        Assert.Equal(4, h.Epochs.Count);      // best at 1, then 3 epochs without improvement
        Assert.Equal(1, stopping.BestEpoch);
        Assert.Contains("early stopping", h.StopReason);
        Assert.Contains("no improvement for 3 epochs", h.StopReason);
        Assert.True(h.Epochs[3].ValLoss > h.Epochs[0].ValLoss);
        Equal(0.25, model.Weight.Item(), 1e-6);
        Equal(0.15, model.Bias!.Item(), 1e-6);
    }

    [Fact]
    public void EarlyStoppingCanBeReusedForASecondFit()
    {
        // the first run reaches a near-zero loss; a reused callback must not compare the second run
        // against that best value (nor restore the first run's weights)
        var x = F([-1, 0, 1, 2], 4, 1);
        var y = F([-3, -1, 1, 3], 4, 1);
        var stopping = new EarlyStopping(patience: 3);
        var first = new Linear(1, 1, generator: new Generator(3));
        new Trainer(first, new MSELoss(), new Sgd(first.Parameters(), learningRate: 0.1)).Fit([(x, y)], 100, [(x, y)], stopping);
        var second = new Linear(1, 1, init: Init.Zeros);
        var h = new Trainer(second, new MSELoss(), new Sgd(second.Parameters(), learningRate: 0.01)).Fit([(x, y)], 10, [(x, y)], stopping);
        Assert.Equal(10, h.Epochs.Count);
        Assert.Null(h.StopReason);
        Assert.True(second.Weight.Item() < 1.5, $"the second model got weight {second.Weight.Item()}");
    }

    [Fact]
    public void NaNGuardStopsNamingEpochAndBatchAndKeepsFiniteWeights()
    {
        // η = 1e20 sends the weights to ~1e20 after one step; the next batch's loss overflows float32
        var model = new Linear(1, 1, generator: new Generator(5));
        var initial = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToDoubleArray());
        var trainer = new Trainer(model, new MSELoss(), new Sgd(model.Parameters(), learningRate: 1e20));
        var batch = (F([1, 2], 2, 1), F([3, 4], 2, 1));
        var h = trainer.Fit([batch, batch, batch], 5);
        Assert.NotNull(h.StopReason);
        Assert.Contains("epoch 1, batch 2", h.StopReason);
        Assert.Contains("last good", h.StopReason);
        Assert.All(model.Parameters(), p => Assert.All(p.ToDoubleArray(), v => Assert.True(double.IsFinite(v))));
        // no epoch finished, so the last good weights are the initial ones
        foreach (var (name, t) in model.StateDict()) Assert.Equal(initial[name], t.ToDoubleArray());
        Assert.True(h.Epochs.Count <= 1);
    }

    [Fact]
    public void NaNGuardKeepsTheLastGoodEpoch()
    {
        // a callback that raises the learning rate to 1e20 after epoch 2: epoch 3 diverges
        var model = new Linear(1, 1, generator: new Generator(5));
        var opt = new Sgd(model.Parameters(), learningRate: 0.01);
        var trainer = new Trainer(model, new MSELoss(), opt);
        var batch = (F([1, 2], 2, 1), F([3, 4], 2, 1));
        var snapshots = new List<double[]>();
        var h = trainer.Fit([batch, batch], 10, null, new Spy(snapshots, afterEpoch: 2, opt));
        Assert.Contains("epoch 3, batch 2", h.StopReason);
        Assert.Equal(snapshots[1], model.Weight.ToDoubleArray().Concat(model.Bias!.ToDoubleArray()).ToArray());
    }

    sealed class Spy(List<double[]> snapshots, int afterEpoch, Optimizer opt) : Callback
    {
        public override void OnEpochEnd(Trainer trainer, EpochResult result)
        {
            snapshots.Add(trainer.Model.Parameters().SelectMany(p => p.ToDoubleArray()).ToArray());
            if (result.Epoch == afterEpoch) opt.LearningRate = 1e20;
        }
    }

    [Fact]
    public void EvaluateAndPredictRunInEvalModeAndRestoreTheMode()
    {
        var g = new Generator(8);
        var model = new Sequential(new Linear(3, 4, generator: g), new Dropout(0.5, g), new Linear(4, 2, generator: g));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters()));
        var x = Tensor.Randn([10, 3], new Generator(9));
        var p1 = trainer.Predict(x, batchSize: 3).ToDoubleArray();
        var p2 = trainer.Predict(x).ToDoubleArray();
        Assert.Equal(p1, p2);   // dropout off, batching does not matter
        Assert.True(model.IsTraining);
        model.Eval();
        var reference = model.Forward(x).ToDoubleArray();
        model.Train();
        Equal(reference, p1, 1e-6);
        var y = Tensor.FromArray(new long[] { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 });
        var (loss, acc, _) = trainer.Evaluate([(x, y)]);
        Assert.Equal(loss, trainer.Evaluate([(x, y)]).Loss);  // deterministic
        Assert.Equal(new CrossEntropyLoss().Forward(Tensor.FromArray(reference, 10, 2), y).Item(), loss, 5);
        Assert.Equal(Metrics.Accuracy(Tensor.FromArray(reference, 10, 2), y), acc);
        Assert.True(model.IsTraining);
    }

    [Fact]
    public void HistoryAsCsvAndJson()
    {
        var model = new Linear(1, 1, generator: new Generator(1));
        var trainer = new Trainer(model, new MSELoss(), new Sgd(model.Parameters(), learningRate: 0.1));
        var x = F([1, 2], 2, 1);
        var h = trainer.Fit([(x, x)], 3, validation: [(x, x)]);
        var lines = h.ToCsv().TrimEnd('\n').Split('\n');
        Assert.Equal("epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds,samples_per_s", lines[0]);
        Assert.Equal(4, lines.Length);
        for (int i = 0; i < 3; i++)
        {
            var cells = lines[i + 1].Split(',');
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(h.Epochs[i].TrainLoss, double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("", cells[2]);
            Assert.Equal(h.Epochs[i].ValLoss, double.Parse(cells[3], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(0.1, double.Parse(cells[5], System.Globalization.CultureInfo.InvariantCulture));
        }
        using var doc = JsonDocument.Parse(h.ToJson());
        var epochs = doc.RootElement.GetProperty("epochs");
        Assert.Equal(3, epochs.GetArrayLength());
        Assert.Equal(h.Epochs[2].TrainLoss, epochs[2].GetProperty("TrainLoss").GetDouble());

        var dir = Directory.CreateTempSubdirectory("neurite-history-");
        try
        {
            var csv = Path.Combine(dir.FullName, "h.csv");
            var json = Path.Combine(dir.FullName, "h.json");
            trainer.Fit([(x, x)], 2, null, new HistoryWriter(csv), new HistoryWriter(json));
            Assert.Equal(trainer.History.ToCsv(), File.ReadAllText(csv));
            Assert.Equal(2, JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("epochs").GetArrayLength());
            Assert.Equal(2, Directory.GetFiles(dir.FullName).Length);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void HistoryJsonSurvivesNonFiniteValues()
    {
        // an empty validation set gives a NaN validation loss; the history must still be writable
        var model = new Linear(1, 1, generator: new Generator(1));
        var trainer = new Trainer(model, new MSELoss(), new Sgd(model.Parameters(), learningRate: 0.1));
        var x = F([1, 2], 2, 1);
        var h = trainer.Fit([(x, x)], 1, validation: []);
        Assert.True(double.IsNaN(h.Epochs[0].ValLoss!.Value));
        using var doc = JsonDocument.Parse(h.ToJson(), new JsonDocumentOptions());
        Assert.Equal(1, doc.RootElement.GetProperty("epochs").GetArrayLength());
        Assert.Equal("NaN", doc.RootElement.GetProperty("epochs")[0].GetProperty("ValLoss").GetString());
    }

    [Fact]
    public void SchedulerCallbackStepsPerEpochAndProgressPrints()
    {
        var model = new Linear(1, 1, generator: new Generator(1));
        var opt = new Sgd(model.Parameters(), learningRate: 0.1);
        var trainer = new Trainer(model, new MSELoss(), opt);
        var x = F([1, 2], 2, 1);
        var output = new StringWriter();
        var h = trainer.Fit([(x, x)], 3, null, new SchedulerCallback(new StepLR(opt, 1, 0.5)), new PlainProgress(output));
        // the rate is recorded before the scheduler steps: 0.1, 0.05, 0.025
        Equal([0.1, 0.05, 0.025], h.Epochs.Select(e => e.LearningRate).ToArray(), 1e-15);
        Assert.Equal(0.0125, opt.LearningRate, 15);
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("epoch 1/3  loss ", lines[0]);
    }

    [Fact]
    public void ClipGradNormOptionBoundsTheStep()
    {
        // with a clip of 1e-3 and SGD η = 1, no parameter moves by more than 1e-3 per batch
        var model = new Linear(2, 1, generator: new Generator(1));
        var before = model.Parameters().SelectMany(p => p.ToDoubleArray()).ToArray();
        var trainer = new Trainer(model, new MSELoss(), new Sgd(model.Parameters(), learningRate: 1)) { ClipGradNorm = 1e-3 };
        trainer.Fit([(F([10, -10], 1, 2), F([100], 1, 1))], 1);
        var after = model.Parameters().SelectMany(p => p.ToDoubleArray()).ToArray();
        double moved = Math.Sqrt(before.Zip(after, (a, b) => (a - b) * (a - b)).Sum());
        Assert.InRange(moved, 0.9e-3, 1.0001e-3);
    }

    [Fact]
    public void EarlyStoppingNeverKeepsNonFiniteWeightsAsTheBest()
    {
        // driven by hand: epoch 1 reports the best loss but its weights hold a NaN; epoch 2 is worse but finite.
        // The NaN weights must not be the "best" that OnTrainEnd restores.
        var model = new Linear(1, 1, init: Init.Zeros);
        var trainer = new Trainer(model, new MSELoss(), new Sgd(model.Parameters()));
        var stopping = new EarlyStopping(patience: 5);
        stopping.OnTrainBegin(trainer);
        model.Weight.CopyFrom(F([float.NaN], 1, 1));
        stopping.OnEpochEnd(trainer, new EpochResult(1, 0.1, null, null, null, 0.01, 1, 1));
        model.Weight.CopyFrom(F([2], 1, 1));
        stopping.OnEpochEnd(trainer, new EpochResult(2, 0.5, null, null, null, 0.01, 1, 1));
        // a NaN loss is no improvement either
        model.Weight.CopyFrom(F([3], 1, 1));
        stopping.OnEpochEnd(trainer, new EpochResult(3, double.NaN, null, double.NaN, null, 0.01, 1, 1));
        model.Weight.CopyFrom(F([4], 1, 1));
        stopping.OnTrainEnd(trainer, trainer.History);
        Assert.Equal(2, stopping.BestEpoch);
        Assert.Equal(2, model.Weight.Item());
    }

    [Fact]
    public void EvaluateNeverCountsANonFiniteRowAsCorrect()
    {
        // a NaN weight makes every output row NaN; ArgMax picks some class for it, which used to count as a hit
        // for the labels of that class
        var model = new Linear(2, 2, generator: new Generator(1));
        model.Weight.CopyFrom(F([float.NaN, 0, 0, 0], 2, 2));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters()));
        var x = F([1, 1, 1, 1], 2, 2);
        foreach (long label in new long[] { 0, 1 })
        {
            var (loss, accuracy, _) = trainer.Evaluate([(x, Tensor.FromArray(new long[] { label, label }))]);
            Assert.True(double.IsNaN(loss));
            Assert.Equal(0.0, accuracy);
        }
    }
}
