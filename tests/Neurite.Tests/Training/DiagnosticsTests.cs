using Neurite.Data;
using Neurite.Examples;
using Neurite.Nn;
using Neurite.Tests.Nn;
using Neurite.Optim;
using Neurite.Training;

namespace Neurite.Tests.Training;

/// <summary>Trainer diagnostics: activation statistics, dead ReLUs, saturation, gradient norms and update ratios, at an
/// interval, with warnings. In the global-state collection: hooks turn inference folding off process-wide.</summary>
[Collection(GlobalStateCollection.Name)]
public class DiagnosticsTests
{
    static TensorDataset Data(int n = 64)
    {
        var x = Tensor.Randn([n, 4], new Generator(3));
        var y = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (long)(i % 3)).ToArray(), n);
        return new TensorDataset(x, y);
    }

    /// <summary>Linear(4 → 6), ReLU, Linear(6 → 3), with units 0–2 of the hidden layer killed by a bias of −100.</summary>
    static Sequential HalfDead()
    {
        var first = new Linear(4, 6, generator: new Generator(1));
        var bias = first.Bias!.ToFloatArray();
        for (int u = 0; u < 3; u++) bias[u] = -100;
        first.Bias!.CopyFrom(Tensor.FromArray(bias, 6));
        return new Sequential(first, new ReLU(), new Linear(6, 3, generator: new Generator(2)));
    }

    [Fact]
    public void SamplesEveryIntervalAndHandsSnapshotsToCallbacks()
    {
        var model = HalfDead();
        var seen = new List<DiagnosticsSnapshot>();
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), 0.05)) { Diagnostics = new Diagnostics(every: 3) };
        var history = trainer.Fit(new DataLoader(Data(), 16), 3, null, new Recorder(seen));   // 4 batches × 3 epochs = 12 steps
        Assert.Equal([3L, 6, 9, 12], seen.Select(s => s.Step));
        Assert.Equal([(1, 3), (2, 2), (3, 1), (3, 4)], seen.Select(s => (s.Epoch, s.Batch)));
        Assert.Equal(seen, history.Diagnostics);
        Assert.Equal(["0", "1", "2"], seen[0].Layers.Select(l => l.Layer));
        Assert.Equal(0.5, seen[^1]["1"].DeadFraction);
        Assert.Null(seen[^1]["0"].DeadFraction);     // Linear without an activation of its own
        Assert.Contains("\"diagnostics\"", history.ToJson());
        Assert.False(model[0].HasHooks);              // removed when Fit ends
    }

    sealed class Recorder(List<DiagnosticsSnapshot> seen) : Callback
    {
        public override void OnDiagnostics(Trainer trainer, DiagnosticsSnapshot snapshot) => seen.Add(snapshot);
    }

    [Fact]
    public void DiagnosticsDoNotChangeTraining()
    {
        History Run(Diagnostics? d)
        {
            var model = HalfDead();
            var trainer = new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), 0.01)) { Diagnostics = d };
            return trainer.Fit(new DataLoader(Data(), 16, shuffle: true, seed: 4), 4);
        }
        var plain = Run(null);
        var watched = Run(new Diagnostics(every: 1));
        Assert.Equal(plain.Epochs.Select(e => e.TrainLoss), watched.Epochs.Select(e => e.TrainLoss));   // bitwise
        Assert.Empty(plain.Diagnostics);
        Assert.Equal(16, watched.Diagnostics.Count);
    }

    [Fact]
    public void GradientNormAndUpdateRatioAreThoseOfTheStep()
    {
        // one SGD step without momentum: Δθ = −η ∇θ, so ‖Δθ‖ / ‖θ‖ = η ‖∇θ‖ / ‖θ‖
        var layer = new Linear(4, 3, generator: new Generator(1));
        var model = new Sequential(layer);
        var data = Data(16);
        var w0 = layer.Weight.ToDoubleArray().Concat(layer.Bias!.ToDoubleArray()).ToArray();
        var loss = new CrossEntropyLoss();
        var x = data.Features;
        var g = GradOf(layer, x, data.Labels, loss);
        const double lr = 0.1;
        var trainer = new Trainer(model, loss, new Sgd(model.Parameters(), lr)) { Diagnostics = new Diagnostics(every: 1) };
        trainer.Fit(new DataLoader(data, 16), 1);
        var row = trainer.Diagnostics!.Latest!["0"];
        double gNorm = Math.Sqrt(g.Sum(v => v * v)), wNorm = Math.Sqrt(w0.Sum(v => v * v));
        Approx.Equal(gNorm, row.GradientNorm!.Value, 1e-5 * gNorm);
        Approx.Equal(lr * gNorm / wNorm, row.UpdateRatio!.Value, 1e-4 * lr * gNorm / wNorm);
    }

    static double[] GradOf(Linear layer, Tensor x, Tensor y, Loss loss)
    {
        var copy = new Linear(4, 3);
        copy.LoadStateDict(layer.StateDict());
        loss.Forward(copy.Forward(x), y).Backward();
        return copy.Weight.Grad!.ToDoubleArray().Concat(copy.Bias!.Grad!.ToDoubleArray()).ToArray();
    }

    [Fact]
    public void WarningsNameTheLayerAndTheRemedy()
    {
        var model = HalfDead();
        var bias = ((Linear)model[0]).Bias!;
        bias.CopyFrom(Tensor.Full([6], -100));   // every hidden unit dead
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), 50)) { Diagnostics = new Diagnostics(every: 4) };
        trainer.Fit(new DataLoader(Data(), 16), 1);
        var text = trainer.Diagnostics!.Latest!.Warnings.Select(w => w.ToString()).ToList();
        Assert.Contains("layer 1 (ReLU): 100 % of ReLUs dead (never positive over 4 batches) — lower the learning rate or use Leaky ReLU", text);
        Assert.Contains(text, t => t.StartsWith("layer 2 (Linear(6 → 3)): update/weight ratio", StringComparison.Ordinal) && t.EndsWith("— lower the learning rate", StringComparison.Ordinal));
        Assert.DoesNotContain(text, t => t.StartsWith("layer 0", StringComparison.Ordinal) && t.Contains("dead", StringComparison.Ordinal));
        Assert.Contains("100 %", trainer.Diagnostics.Latest.ToTable());
    }

    [Fact]
    public void ValidationPassesAreNotObserved()
    {
        // the validation inputs make every hidden unit positive; the training ones leave units 0–2 dead
        var model = HalfDead();
        var dev = new TensorDataset(Tensor.Full([8, 4], 0), Tensor.Zeros([8], DType.Int64));
        var trainer = new Trainer(model, new CrossEntropyLoss(), new Sgd(model.Parameters(), 0)) { Diagnostics = new Diagnostics(every: 8) };
        trainer.Fit(new DataLoader(Data(), 16), 2, new DataLoader(dev, 8));
        Assert.Equal(0.5, trainer.Diagnostics!.Latest!["1"].DeadFraction);
    }

    [Fact]
    public void HistogramsCountFiniteValuesAndReportNonFiniteOnes()
    {
        var h = Histogram.Of([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, float.NaN], bins: 5);
        Assert.Equal([2L, 2, 2, 2, 2], h.Counts);
        Assert.Equal((0.0, 9.0, 1L), (h.Min, h.Max, h.NonFinite));
        var nan = Histogram.Of([float.NaN, float.PositiveInfinity], bins: 4);
        Assert.False(nan.HasFiniteValues);
        Assert.True(double.IsNaN(nan.Min));
        Assert.Equal(2, nan.NonFinite);

        var model = new Sequential(new Linear(4, 3, generator: new Generator(1)), new Tanh());
        var snapshot = Diagnostics.Measure(model, Tensor.Full([2, 4], float.NaN));
        Assert.Equal("layer 1 (Tanh): all 6 outputs are NaN or infinite — training has diverged: lower the learning rate or clip the gradients",
            snapshot.Warnings.Single(w => w.Layer == "1").ToString());
    }

    [Fact]
    public void BadIntervalsAreRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Diagnostics(every: 0));
        Assert.Contains("at least 1 batch", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Diagnostics(every: 5, bins: 0));
    }

    [Fact]
    public void InitialisationStudyShowsCollapseSaturationAndTheHealthyCase()
    {
        var r = InitializationStudy.Run(TextWriter.Null);
        // small random weights: the spread shrinks ~4.5× per layer until it is gone
        Assert.True(r.Small.Std[^1] < 1e-5, $"small: last layer std {r.Small.Std[^1]}");
        Assert.True(r.Small.Std[0] > 0.1);
        Assert.Contains(r.Small.Warnings, w => w.Problem.StartsWith("activations collapsed", StringComparison.Ordinal));
        // large weights: ~90 % of the units at ±1 in every layer
        Assert.All(r.Large.Saturated, s => Assert.True(s > 0.85, $"large: saturated {s}"));
        Assert.Equal(InitializationStudy.Layers, r.Large.Warnings.Count(w => w.Problem.Contains("saturated", StringComparison.Ordinal)));
        // Xavier and He: a healthy spread in every layer, hardly any saturation, no warning
        foreach (var c in new[] { r.Xavier, r.He })
        {
            Assert.All(c.Std, s => Assert.InRange(s, 0.15, 0.8));
            Assert.All(c.Saturated, s => Assert.True(s < 0.1, $"{c.Name}: saturated {s}"));
            Assert.Empty(c.Warnings);
        }
        // ReLU: Xavier loses half the variance per layer, He keeps it
        Assert.True(r.ReluHe.Std[^1] > 10 * r.ReluXavier.Std[^1], $"he {r.ReluHe.Std[^1]} vs xavier {r.ReluXavier.Std[^1]}");
        Assert.InRange(r.ReluHe.Std[^1] / r.ReluHe.Std[0], 0.5, 2.0);
    }
}
