using System.Diagnostics;
using Neurite.Nn;
using Neurite.Optim;

namespace Neurite.Training;

/// <summary>
/// Keras-style training on top of the plain PyTorch loop. <c>Fit</c> does, per batch, exactly
/// what users can write themselves:
/// <code>
/// optimizer.ZeroGrad();
/// var loss = lossFn.Forward(model.Forward(x), y);   // + λ·penalty when set
/// loss.Backward();
/// optimizer.Step();
/// </code>
/// plus metrics, validation, callbacks and a NaN/Inf guard.
/// </summary>
public sealed class Trainer(Module model, Loss loss, Optimizer optimizer)
{
    public Module Model { get; } = model;
    public Loss Loss { get; } = loss;
    public Optimizer Optimizer { get; } = optimizer;

    /// <summary>λ of an L1 penalty on the weights (biases excluded), 0 for none.</summary>
    public double L1 { get; init; }

    /// <summary>λ of an L2 penalty Σw² on the weights (biases excluded), 0 for none.</summary>
    public double L2 { get; init; }

    /// <summary>Clip the global gradient norm to this value before each step, or null.</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>The history of the current or last <c>Fit</c>.</summary>
    public History History { get; private set; } = new();

    /// <summary>Epochs requested by the current <c>Fit</c>.</summary>
    public int Epochs { get; private set; }

    string? stopReason;

    /// <summary>Asks <c>Fit</c> to stop after the current epoch, with a reason recorded in the history.</summary>
    public void Stop(string reason) => stopReason ??= reason;

    /// <summary>Trains for <paramref name="epochs"/> epochs over <paramref name="train"/> batches, evaluating on
    /// <paramref name="validation"/> after each epoch when given.</summary>
    public History Fit(IEnumerable<(Tensor x, Tensor y)> train, int epochs, IEnumerable<(Tensor x, Tensor y)>? validation = null, params Callback[] callbacks) =>
        Fit(train, epochs, initialEpoch: 0, validation, callbacks);

    /// <summary>Continues training from epoch <paramref name="initialEpoch"/> + 1 up to <paramref name="epochs"/> (after
    /// <see cref="Checkpoint.Load"/>; set the loader's <c>Epoch</c> too, so shuffling continues where it stopped).</summary>
    public History Fit(IEnumerable<(Tensor x, Tensor y)> train, int epochs, int initialEpoch, IEnumerable<(Tensor x, Tensor y)>? validation = null, params Callback[] callbacks)
    {
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "fit: epochs must be non-negative");
        if (initialEpoch < 0 || initialEpoch > epochs) throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, $"fit: initialEpoch must be in 0..{epochs}");
        Epochs = epochs;
        History = new History();
        stopReason = null;
        foreach (var c in callbacks) c.OnTrainBegin(this);
        var lastGood = Snapshot();
        for (int epoch = initialEpoch + 1; epoch <= epochs && stopReason is null; epoch++)
        {
            var clock = Stopwatch.StartNew();
            Model.Train();
            double lossSum = 0;
            long seen = 0, correct = 0;
            bool classification = false;
            int batch = 0;
            foreach (var (x, y) in train)
            {
                batch++;
                Optimizer.ZeroGrad();
                var output = Model.Forward(x);
                var objective = Loss.Forward(output, y);
                if (L1 > 0) objective = objective.Add(Penalty.L1(Model).Mul(L1));
                if (L2 > 0) objective = objective.Add(Penalty.L2(Model).Mul(L2));
                double value = objective.Item();
                if (!double.IsFinite(value))
                {
                    Model.LoadStateDict(lastGood);
                    Stop($"stopped: the loss became {value} at epoch {epoch}, batch {batch}; the weights of the last good epoch were kept");
                    break;
                }
                objective.Backward();
                if (ClipGradNorm is { } maxNorm) GradClip.ClipGradNorm(Model.Parameters(), maxNorm);
                Optimizer.Step();

                int n = x.Shape.Length > 0 ? x.Shape[0] : 1;
                lossSum += value * n;
                seen += n;
                if (y.DType == DType.Int64 && output.Rank == 2)
                {
                    classification = true;
                    correct += CountCorrect(output, y);
                }
                foreach (var c in callbacks) c.OnBatchEnd(this, epoch, batch, value, n);
            }
            if (stopReason is not null && seen == 0) break;
            double trainLoss = seen == 0 ? double.NaN : lossSum / seen;
            double? valLoss = null, valAcc = null;
            if (validation is not null) (valLoss, valAcc) = Evaluate(validation);
            double seconds = clock.Elapsed.TotalSeconds;
            var result = new EpochResult(epoch, trainLoss, classification && seen > 0 ? (double)correct / seen : null, valLoss, valAcc,
                Optimizer.LearningRate, seconds, seen / Math.Max(seconds, 1e-9));
            History.Add(result);
            if (stopReason is null) lastGood = Snapshot();
            foreach (var c in callbacks) c.OnEpochEnd(this, result);
        }
        History.StopReason = stopReason;
        foreach (var c in callbacks) c.OnTrainEnd(this, History);
        return History;
    }

    /// <summary>Mean loss (and accuracy for int64 class labels) over <paramref name="data"/>, in evaluation mode without gradients.</summary>
    public (double loss, double? accuracy) Evaluate(IEnumerable<(Tensor x, Tensor y)> data)
    {
        bool wasTraining = Model.IsTraining;
        Model.Eval();
        double lossSum = 0;
        long seen = 0, correct = 0;
        bool classification = false;
        using (Autograd.NoGrad())
            foreach (var (x, y) in data)
            {
                var output = Model.Forward(x);
                int n = x.Shape.Length > 0 ? x.Shape[0] : 1;
                lossSum += Loss.Forward(output, y).Item() * n;
                seen += n;
                if (y.DType == DType.Int64 && output.Rank == 2)
                {
                    classification = true;
                    correct += CountCorrect(output, y);
                }
            }
        Model.Train(wasTraining);
        return (seen == 0 ? double.NaN : lossSum / seen, classification && seen > 0 ? (double)correct / seen : null);
    }

    /// <summary>The model's outputs for <paramref name="x"/>, computed in batches in evaluation mode.</summary>
    public Tensor Predict(Tensor x, int batchSize = 1024)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "predict: batchSize must be positive");
        bool wasTraining = Model.IsTraining;
        Model.Eval();
        var outputs = new List<Tensor>();
        using (Autograd.NoGrad())
            for (int at = 0; at < x.Shape[0]; at += batchSize)
                outputs.Add(Model.Forward(x.Narrow(0, at, Math.Min(batchSize, x.Shape[0] - at))));
        Model.Train(wasTraining);
        return Tensor.Concat(outputs.ToArray(), 0);
    }

    static long CountCorrect(Tensor output, Tensor y)
    {
        var predicted = output.ArgMax(1).ToLongArray();
        var labels = y.ToLongArray();
        long correct = 0;
        for (int i = 0; i < labels.Length; i++) if (predicted[i] == labels[i]) correct++;
        return correct;
    }

    Dictionary<string, Tensor> Snapshot() => Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Detach().Clone());
}
