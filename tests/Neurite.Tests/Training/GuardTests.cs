using Neurite.Nn;
using Neurite.Optim;
using Neurite.Training;
using static Neurite.Tests.Nn.Approx;

namespace Neurite.Tests.Training;

/// <summary>The divergence guard of <c>Trainer.Fit</c> and cancellation: what is restored, what is recorded.</summary>
public class GuardTests
{
    // 4 batches of 8 rows of a random regression problem, for a 4 → 16 → 1 ReLU MLP
    static (Tensor, Tensor)[] Batches()
    {
        var g = new Generator(7);
        var x = Tensor.Randn([32, 4], g);
        var y = Tensor.Randn([32, 1], g);
        return Enumerable.Range(0, 4).Select(i => (x.Narrow(0, 8 * i, 8), y.Narrow(0, 8 * i, 8))).ToArray();
    }

    static Sequential Mlp() { var g = new Generator(8); return new Sequential(new Linear(4, 16, generator: g), new ReLU(), new Linear(16, 1, generator: g)); }

    static Dictionary<string, double[]> Weights(Module m) => m.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToDoubleArray());

    static List<double[]> AdamState(Optimizer opt) =>
        opt.Groups.SelectMany(g => g.Parameters).SelectMany(p => opt.StateOf(p).OrderBy(kv => kv.Key).Select(kv => kv.Value.ToDoubleArray())).ToList();

    static void SameWeights(Dictionary<string, double[]> expected, Module m)
    {
        foreach (var (name, t) in m.StateDict()) Assert.Equal(expected[name], t.ToDoubleArray());
    }

    /// <summary>Records the state at every epoch end and can change the learning rate or poison a weight at a given batch.</summary>
    sealed class Recorder(Optimizer opt) : Callback
    {
        public readonly List<(Dictionary<string, double[]> weights, List<double[]> state, long steps, double lr)> AtEpochEnd = [];
        public int TrainEnds;
        public (int epoch, int batch, double lr)? SetRate;
        public (int epoch, int batch)? Poison;
        public (int epoch, int batch, CancellationTokenSource cts)? Cancel;

        public override void OnBatchEnd(Trainer trainer, int epoch, int batch, double loss, int samples)
        {
            if (SetRate is { } r && r.epoch == epoch && r.batch == batch) opt.LearningRate = r.lr;
            if (Poison is { } p && p.epoch == epoch && p.batch == batch) trainer.Model.Parameters()[0].CopyFrom(Tensor.Full(trainer.Model.Parameters()[0].Shape.ToArray(), double.NaN));
            if (Cancel is { } c && c.epoch == epoch && c.batch == batch) c.cts.Cancel();
        }

        public override void OnEpochEnd(Trainer trainer, EpochResult result) =>
            AtEpochEnd.Add((Weights(trainer.Model), AdamState(opt), opt.StepCount, opt.LearningRate));

        public override void OnTrainEnd(Trainer trainer, History history) => TrainEnds++;
    }

    [Fact]
    public void AdamAtLearningRate1e6IsCaughtAsAnExplosion()
    {
        // Adam's first step moves every weight by ≈ η = 10⁶: the batch loss jumps from 1.5 to ~10²⁵ and stays
        // there, finite. Without the explosion test nothing stops it.
        var unguarded = Mlp();
        var h0 = new Trainer(unguarded, new MSELoss(), new Adam(unguarded.Parameters(), learningRate: 1e6)) { DivergenceFactor = null }.Fit(Batches(), 3);
        Assert.Null(h0.StopReason);
        Assert.All(h0.Epochs, e => Assert.InRange(e.TrainLoss, 1e20, double.MaxValue));

        var model = Mlp();
        var initial = Weights(model);
        var opt = new Adam(model.Parameters(), learningRate: 1e6);
        var spy = new Recorder(opt);
        var h = new Trainer(model, new MSELoss(), opt).Fit(Batches(), 3, null, spy);
        // epoch 1 (4 batches) ends inside the 5-batch warm-up, so its end tests batch 4's loss against the minimum
        // before it (batch 1's 1.5): exploded, and epoch 1 never counts as finished
        Assert.Equal(new Divergence(1, 4, h.Divergence!.Loss, DivergenceKind.Exploded), h.Divergence);
        Assert.InRange(h.Divergence.Loss, 1e20, 1e30);
        Assert.Contains("exploded", h.StopReason);
        Assert.Contains("epoch 1, batch 4", h.StopReason);
        Assert.Empty(h.Epochs);
        Assert.Empty(spy.AtEpochEnd);
        Assert.Equal(1, spy.TrainEnds);
        Assert.Equal(0, h.LastCompletedEpoch);
        SameWeights(initial, model);
        Assert.Equal(0, opt.StepCount);
        Assert.Empty(AdamState(opt));   // Adam's moments are back to "no step taken"
    }

    [Fact]
    public void AnExplosionAfterTheWarmUpRestoresWeightsAndOptimizerStateOfTheLastGoodEpoch()
    {
        // two healthy epochs at η = 0.01 (batch losses 0.64 … 1.6), then η = 10⁶ from the step of epoch 3, batch 2 on:
        // batch 3's loss is ~5·10²³
        var model = Mlp();
        var opt = new Adam(model.Parameters(), learningRate: 0.01);
        var spy = new Recorder(opt) { SetRate = (3, 1, 1e6) };
        var h = new Trainer(model, new MSELoss(), opt).Fit(Batches(), 10, null, spy);
        Assert.Equal(3, h.Divergence!.Epoch);
        Assert.Equal(3, h.Divergence.Batch);
        Assert.Equal(DivergenceKind.Exploded, h.Divergence.Kind);
        Assert.InRange(h.Divergence.Loss, 1e20, 1e30);
        Assert.Contains("epoch 3, batch 3", h.StopReason);
        Assert.Contains("last good epoch, 2", h.StopReason);
        // epoch 3 did not finish: not in the history, no OnEpochEnd
        Assert.Equal([1, 2], h.Epochs.Select(e => e.Epoch));
        Assert.Equal(2, spy.AtEpochEnd.Count);
        Assert.Equal(2, h.LastCompletedEpoch);
        var (weights, state, steps, lr) = spy.AtEpochEnd[1];
        SameWeights(weights, model);
        Assert.Equal(8, steps);
        Assert.Equal(steps, opt.StepCount);
        Assert.Equal(state, AdamState(opt));
        Assert.Equal(0.01, opt.LearningRate);
        Assert.Equal(lr, opt.LearningRate);
    }

    [Fact]
    public void ANaNLossRestoresTheOptimizerStateTooAndDropsThePartialEpoch()
    {
        // η = 10²⁰ from the step of epoch 3, batch 2 on: batch 3's loss overflows to ∞ (NaN)
        var model = Mlp();
        var opt = new Adam(model.Parameters(), learningRate: 0.01);
        var spy = new Recorder(opt) { SetRate = (3, 1, 1e20) };
        var h = new Trainer(model, new MSELoss(), opt).Fit(Batches(), 10, null, spy);
        Assert.Equal(DivergenceKind.NonFinite, h.Divergence!.Kind);
        Assert.False(double.IsFinite(h.Divergence.Loss));
        Assert.Contains("epoch 3, batch 3", h.StopReason);
        Assert.Equal(2, h.Epochs.Count);      // the old guard recorded the half-run epoch 3 as well
        Assert.Equal(2, spy.AtEpochEnd.Count);
        SameWeights(spy.AtEpochEnd[1].weights, model);
        Assert.Equal(8, opt.StepCount);       // not 10: the steps of epoch 3 are undone
        Assert.Equal(spy.AtEpochEnd[1].state, AdamState(opt));
        Assert.Equal(0.01, opt.LearningRate);
    }

    [Fact]
    public void NonFiniteWeightsAtAnEpochEndAreNeverSnapshotted()
    {
        // a weight turns NaN in the last batch of epoch 2 after its loss was computed: the loss looked fine, the
        // weights are not. The old guard kept them as "last good" and restored NaN weights at epoch 3.
        var model = Mlp();
        var opt = new Adam(model.Parameters(), learningRate: 0.01);
        var spy = new Recorder(opt) { Poison = (2, 4) };
        var h = new Trainer(model, new MSELoss(), opt).Fit(Batches(), 10, null, spy);
        Assert.Equal(new Divergence(2, 4, h.Divergence!.Loss, DivergenceKind.NonFiniteWeights), h.Divergence);
        Assert.True(double.IsFinite(h.Divergence.Loss));
        Assert.Contains("epoch 2, batch 4", h.StopReason);
        Assert.Single(h.Epochs);
        Assert.Single(spy.AtEpochEnd);
        Assert.All(model.Parameters(), p => Assert.All(p.ToDoubleArray(), v => Assert.True(double.IsFinite(v))));
        SameWeights(spy.AtEpochEnd[0].weights, model);
        Assert.Equal(4, opt.StepCount);
    }

    [Fact]
    public void NonFiniteStartingWeightsStopBeforeTheFirstBatch()
    {
        var model = Mlp();
        model.Parameters()[1].CopyFrom(Tensor.Full(model.Parameters()[1].Shape.ToArray(), double.PositiveInfinity));
        var opt = new Sgd(model.Parameters(), learningRate: 0.01);
        var spy = new Recorder(opt);
        var h = new Trainer(model, new MSELoss(), opt).Fit(Batches(), 3, null, spy);
        Assert.Equal(new Divergence(1, 0, double.NaN, DivergenceKind.NonFiniteWeights), h.Divergence);
        Assert.Empty(h.Epochs);
        Assert.Equal(0, opt.StepCount);
        Assert.Equal(1, spy.TrainEnds);
    }

    /// <summary>Yields <c>batches(epoch)</c> for the epoch-th enumeration (1-based).</summary>
    sealed class PerEpoch(Func<int, (Tensor, Tensor)[]> batches) : IEnumerable<(Tensor x, Tensor y)>
    {
        int epoch;
        public IEnumerator<(Tensor x, Tensor y)> GetEnumerator() => ((IEnumerable<(Tensor x, Tensor y)>)batches(++epoch)).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public void ASpikeAboveANearZeroMinimumIsNotAnExplosion()
    {
        // y = 2x − 1 fitted (SGD η = 0.1, 200 epochs) until the loss is ~10⁻¹², then one batch with every target
        // off by 3: loss 9, ~10¹³ × the minimum — but below 10⁴ × the floor 0.01 = 100, so training goes on
        var x = F([-1, 0, 1, 2], 4, 1);
        var y = F([-3, -1, 1, 3], 4, 1);
        var off = F([0, 2, 4, 6], 4, 1);
        var model = new Linear(1, 1, generator: new Generator(3));
        var data = new PerEpoch(e => e == 201 ? [(x, off)] : [(x, y)]);
        var h = new Trainer(model, new MSELoss(), new Sgd(model.Parameters(), learningRate: 0.1)).Fit(data, 203);
        Assert.Null(h.StopReason);
        Assert.Null(h.Divergence);
        Assert.InRange(h.Epochs[199].TrainLoss, 0, 1e-9);
        Equal(9, h.Epochs[200].TrainLoss, 1e-4);
        Assert.Equal(203, h.Epochs.Count);
    }

    [Fact]
    public void DivergenceFactorIsValidated()
    {
        var model = new Linear(1, 1);
        var opt = new Sgd(model.Parameters());
        Assert.Null(new Trainer(model, new MSELoss(), opt) { DivergenceFactor = null }.DivergenceFactor);
        Assert.Equal(1e4, new Trainer(model, new MSELoss(), opt).DivergenceFactor);
        Assert.Equal(0, new Trainer(model, new MSELoss(), opt) { DivergenceFactor = 0 }.DivergenceFactor);
        foreach (var bad in new[] { -1, 0.5, 1, double.NaN, double.PositiveInfinity })
            Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model, new MSELoss(), opt) { DivergenceFactor = bad });
    }

    [Fact]
    public void CancellationRestoresTheLastCompletedEpochAndReturnsNormally()
    {
        // cancelled during epoch 3, after its batch 2: epochs 1 and 2 finished (8 Adam steps), epoch 3's two steps are undone
        var model = Mlp();
        var opt = new Adam(model.Parameters(), learningRate: 0.01);
        using var cts = new CancellationTokenSource();
        var spy = new Recorder(opt) { Cancel = (3, 2, cts) };
        var trainer = new Trainer(model, new MSELoss(), opt);
        var h = trainer.Fit(Batches(), 10, 0, null, cts.Token, spy);
        Assert.True(h.Interrupted);
        Assert.Null(h.Divergence);
        Assert.Equal(2, h.LastCompletedEpoch);
        Assert.Equal([1, 2], h.Epochs.Select(e => e.Epoch));
        Assert.Equal(2, spy.AtEpochEnd.Count);
        Assert.Equal(1, spy.TrainEnds);
        Assert.Contains("interrupted at epoch 3, batch 2", h.StopReason);
        SameWeights(spy.AtEpochEnd[1].weights, model);
        Assert.Equal(8, opt.StepCount);
        Assert.Equal(spy.AtEpochEnd[1].state, AdamState(opt));
        Assert.Same(h, trainer.History);
    }

    [Fact]
    public void CancellingInAnEpochsLastBatchStillDropsThatEpoch()
    {
        // the token is seen before the epoch's end (validation, history, OnEpochEnd): an epoch counts only once those ran
        var model = Mlp();
        var opt = new Adam(model.Parameters(), learningRate: 0.01);
        using var cts = new CancellationTokenSource();
        var spy = new Recorder(opt) { Cancel = (2, 4, cts) };
        var h = new Trainer(model, new MSELoss(), opt).Fit(Batches(), 10, 0, Batches(), cts.Token, spy);
        Assert.True(h.Interrupted);
        Assert.Equal(1, h.LastCompletedEpoch);
        Assert.Single(h.Epochs);
        SameWeights(spy.AtEpochEnd[0].weights, model);
        Assert.Equal(4, opt.StepCount);
    }

    [Fact]
    public void AnAlreadyCancelledTokenRunsNoBatchAndKeepsTheResumedEpoch()
    {
        var model = Mlp();
        var initial = Weights(model);
        var opt = new Sgd(model.Parameters(), learningRate: 0.1);
        var h = new Trainer(model, new MSELoss(), opt).Fit(Batches(), 10, 4, null, new CancellationToken(canceled: true));
        Assert.True(h.Interrupted);
        Assert.Equal(4, h.LastCompletedEpoch);
        Assert.Empty(h.Epochs);
        Assert.Contains("interrupted at epoch 5, batch 0", h.StopReason);
        SameWeights(initial, model);
        Assert.Equal(0, opt.StepCount);
    }

    [Fact]
    public void AnUncancelledRunRecordsItsLastEpoch()
    {
        var model = Mlp();
        var h = new Trainer(model, new MSELoss(), new Adam(model.Parameters(), learningRate: 0.01)).Fit(Batches(), 3, 0, null, CancellationToken.None);
        Assert.False(h.Interrupted);
        Assert.Null(h.Divergence);
        Assert.Equal(3, h.LastCompletedEpoch);
        Assert.Equal(3, h.Epochs.Count);
    }

    [Fact]
    public void HistoryJsonCarriesTheDivergence()
    {
        var model = Mlp();
        var h = new Trainer(model, new MSELoss(), new Adam(model.Parameters(), learningRate: 1e6)).Fit(Batches(), 3);
        using var doc = System.Text.Json.JsonDocument.Parse(h.ToJson());
        var d = doc.RootElement.GetProperty("divergence");
        Assert.Equal(1, d.GetProperty("Epoch").GetInt32());
        Assert.Equal(4, d.GetProperty("Batch").GetInt32());
        Assert.Equal("Exploded", d.GetProperty("Kind").GetString());
        Assert.False(doc.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.Equal(0, doc.RootElement.GetProperty("last_completed_epoch").GetInt32());
    }
}
