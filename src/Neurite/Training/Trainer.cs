using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
/// plus metrics, validation, callbacks, a divergence guard and cancellation between batches.
/// </summary>
/// <remarks>
/// <para>The divergence guard stops training when a batch's loss is NaN or ±∞, when it explodes (see
/// <see cref="DivergenceFactor"/>), or when at an epoch's end a weight, buffer or optimizer state tensor is not finite.
/// It then restores the weights, buffers and optimizer state (per-parameter state, step count, learning rates) of the
/// last epoch that finished — or the state Fit started from — and records a <see cref="Training.Divergence"/> in the
/// history. The epoch it stopped in is not recorded and gets no OnEpochEnd, so no callback (a checkpoint, a history
/// file) takes a half-run, diverged epoch for a finished one.</para>
/// <para>One snapshot is kept: a clone of the state after each finished epoch's OnEpochEnd callbacks (so a learning
/// rate a scheduler set for the next epoch is part of it), which costs one copy of the weights and optimizer state.</para>
/// </remarks>
public sealed class Trainer(Module model, Loss loss, Optimizer optimizer)
{
    /// <summary>The model being trained.</summary>
    public Module Model { get; } = model;
    /// <summary>The loss minimised (its mean over each batch, with the default reduction).</summary>
    public Loss Loss { get; } = loss;
    /// <summary>The optimizer stepping the model's parameters.</summary>
    public Optimizer Optimizer { get; } = optimizer;

    /// <summary>λ of an L1 penalty on the weights (biases excluded), 0 for none.</summary>
    public double L1 { get; init; }

    /// <summary>λ of an L2 penalty Σw² on the weights (biases excluded), 0 for none.</summary>
    public double L2 { get; init; }

    /// <summary>Clip the global gradient norm to this value before each step, or null.</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>Batches at the start of a Fit whose losses only seed the running minimum of the explosion test (a
    /// transient spike among them is forgiven); the warm-up ends early at the first epoch's end, before the first
    /// snapshot is taken.</summary>
    public const int DivergenceWarmupBatches = 5;

    /// <summary>The least running minimum the explosion test divides by: a loss that reached ~0 (an exact fit) would
    /// otherwise make the harmless noise above it look like a 10⁴-fold explosion.</summary>
    public const double DivergenceLossFloor = 1e-2;

    /// <summary>
    /// The explosion test of the divergence guard: after <see cref="DivergenceWarmupBatches"/> batches, a batch whose
    /// loss L (the objective, penalties included) exceeds factor × max(running minimum of the batch losses,
    /// <see cref="DivergenceLossFloor"/>) stops training as <see cref="DivergenceKind.Exploded"/>. Default 10⁴: a
    /// healthy run's batch loss may rise a few-fold, never ten-thousand-fold, above the best it has seen, while a
    /// diverging one (Adam at η = 10⁶ reaches 10²¹) goes far past it before it overflows to ∞. With the floor, the test
    /// never fires below a loss of 100. Null or 0 turns the explosion test off; NaN/∞ losses and weights are still caught.
    /// Meant for losses ≥ 0.
    /// </summary>
    /// <example><c>new Trainer(model, loss, opt) { DivergenceFactor = 1e3 }</c></example>
    public double? DivergenceFactor
    {
        get => divergenceFactor;
        init => divergenceFactor = value is null || value == 0 || value > 1 && double.IsFinite(value.Value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(DivergenceFactor), value, "trainer: DivergenceFactor must be null, 0 (off) or a finite number > 1");
    }

    double? divergenceFactor = 1e4;

    /// <summary>Per-layer diagnostics sampled during Fit (activation statistics, dead ReLUs, saturation, gradient norms,
    /// update ratios, warnings), handed to callbacks and kept in the history; null (the default) for none, at no cost.</summary>
    public Diagnostics? Diagnostics { get; init; }

    /// <summary>The history of the current or last <c>Fit</c>.</summary>
    public History History { get; private set; } = new();

    /// <summary>Epochs requested by the current <c>Fit</c>.</summary>
    public int Epochs { get; private set; }

    string? stopReason;
    int initialEpochOfFit;

    /// <summary>Where Fit logs each finished epoch (Information), a divergence (Warning) and an early stop or a cancellation
    /// (Information), with structured fields (Epoch, TrainLoss, ValLoss, …). Default: no logging.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary><see cref="Fit(IEnumerable{ValueTuple{Tensor, Tensor}}, int, int, IEnumerable{ValueTuple{Tensor, Tensor}}?, CancellationToken, Callback[])"/>
    /// that reports every finished epoch to <paramref name="progress"/> (e.g. a <see cref="Progress{T}"/> updating a UI).</summary>
    public History Fit(IEnumerable<(Tensor x, Tensor y)> train, int epochs, IEnumerable<(Tensor x, Tensor y)>? validation, IProgress<EpochResult> progress,
        CancellationToken cancellationToken = default, params Callback[] callbacks)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return Fit(train, epochs, 0, validation, cancellationToken, [.. callbacks, new ProgressReporter(progress)]);
    }

    sealed class ProgressReporter(IProgress<EpochResult> progress) : Callback
    {
        public override void OnEpochEnd(Trainer trainer, EpochResult result) => progress.Report(result);
    }

    /// <summary>Asks <c>Fit</c> to stop after the current epoch, with a reason recorded in the history.</summary>
    public void Stop(string reason) => stopReason ??= reason;

    /// <summary>Trains for <paramref name="epochs"/> epochs over <paramref name="train"/> batches, evaluating on
    /// <paramref name="validation"/> after each epoch when given.</summary>
    public History Fit(IEnumerable<(Tensor x, Tensor y)> train, int epochs, IEnumerable<(Tensor x, Tensor y)>? validation = null, params Callback[] callbacks) =>
        Fit(train, epochs, initialEpoch: 0, validation, CancellationToken.None, callbacks);

    /// <summary>Continues training from epoch <paramref name="initialEpoch"/> + 1 up to <paramref name="epochs"/> (after
    /// <see cref="Checkpoint.Load"/>; set the loader's <c>Epoch</c> too, so shuffling continues where it stopped).</summary>
    public History Fit(IEnumerable<(Tensor x, Tensor y)> train, int epochs, int initialEpoch, IEnumerable<(Tensor x, Tensor y)>? validation = null, params Callback[] callbacks) =>
        Fit(train, epochs, initialEpoch, validation, CancellationToken.None, callbacks);

    /// <summary>
    /// <see cref="Fit(IEnumerable{ValueTuple{Tensor, Tensor}}, int, int, IEnumerable{ValueTuple{Tensor, Tensor}}?, Callback[])"/>
    /// that also stops when <paramref name="cancellationToken"/> is cancelled. The token is checked before every batch
    /// (and once more before an epoch's end): on cancellation Fit restores the weights and optimizer state of the last
    /// finished epoch, leaves the cut-short epoch out of the history (no OnEpochEnd for it), sets
    /// <see cref="History.Interrupted"/>, calls OnTrainEnd and returns normally; <see cref="History.LastCompletedEpoch"/>
    /// is the epoch a checkpoint written then should claim.
    /// </summary>
    /// <example>
    /// <code>
    /// using var cts = new CancellationTokenSource();
    /// Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
    /// var h = trainer.Fit(loader, 20, 0, dev, cts.Token);
    /// if (h.Interrupted) Checkpoint.Save(path, trainer.Model, trainer.Optimizer, h.LastCompletedEpoch);
    /// </code>
    /// </example>
    public History Fit(IEnumerable<(Tensor x, Tensor y)> train, int epochs, int initialEpoch, IEnumerable<(Tensor x, Tensor y)>? validation,
        CancellationToken cancellationToken, params Callback[] callbacks)
    {
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "fit: epochs must be non-negative");
        if (initialEpoch < 0 || initialEpoch > epochs) throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, $"fit: initialEpoch must be in 0..{epochs}");
        Epochs = epochs;
        History = new History { LastCompletedEpoch = initialEpoch };
        initialEpochOfFit = initialEpoch;
        stopReason = null;
        foreach (var c in callbacks) c.OnTrainBegin(this);
        var watch = new LossWatch(DivergenceFactor);
        TrainingState? lastGood = null;
        if (TrainingState.IsFinite(Model, Optimizer)) lastGood = TrainingState.Capture(Model, Optimizer);
        else Diverge(new Divergence(initialEpoch + 1, 0, double.NaN, DivergenceKind.NonFiniteWeights), null, watch);

        Diagnostics?.Attach(Model);
        try
        {
            for (int epoch = initialEpoch + 1; epoch <= epochs && stopReason is null; epoch++)
            {
                var clock = Stopwatch.StartNew();
                Model.Train();
                double lossSum = 0, value = double.NaN;
                long seen = 0, correct = 0;
                bool classification = false, cut = false;
                int batch = 0;
                foreach (var (x, y) in train)
                {
                    if (cancellationToken.IsCancellationRequested) { Interrupt(epoch, batch, lastGood); cut = true; break; }
                    batch++;
                    Optimizer.ZeroGrad();
                    Diagnostics?.BeginBatch();
                    var output = Model.Invoke(x);
                    var objective = Loss.Forward(output, y);
                    if (L1 > 0) objective = objective.Add(Penalty.L1(Model).Mul(L1));
                    if (L2 > 0) objective = objective.Add(Penalty.L2(Model).Mul(L2));
                    value = objective.Item();
                    if (watch.Check(value) is { } kind) { Diverge(new Divergence(epoch, batch, value, kind), lastGood, watch); cut = true; break; }
                    objective.Backward();
                    if (ClipGradNorm is { } maxNorm) GradClip.ClipGradNorm(Model.Parameters(), maxNorm);
                    Diagnostics?.BeforeStep();
                    Optimizer.Step();
                    if (Diagnostics?.AfterStep(epoch, batch) is { } snapshot)
                    {
                        History.AddDiagnostics(snapshot);
                        foreach (var c in callbacks) c.OnDiagnostics(this, snapshot);
                    }

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
                if (cut) break;
                if (cancellationToken.IsCancellationRequested) { Interrupt(epoch, batch, lastGood); break; }
                // the snapshot is only renewed from a healthy state: the last step may have left a loss that looked fine but
                // weights that are not, and an epoch shorter than the warm-up has not had its losses tested yet
                if (!TrainingState.IsFinite(Model, Optimizer)) { Diverge(new Divergence(epoch, batch, value, DivergenceKind.NonFiniteWeights), lastGood, watch); break; }
                if (watch.ExplodedAtEpochEnd()) { Diverge(new Divergence(epoch, batch, value, DivergenceKind.Exploded), lastGood, watch); break; }

                double trainLoss = seen == 0 ? double.NaN : lossSum / seen;
                double? valLoss = null, valAcc = null;
                if (validation is not null && Evaluate(validation) is var v) (valLoss, valAcc) = (v.Loss, v.Accuracy);
                double seconds = clock.Elapsed.TotalSeconds;
                var result = new EpochResult(epoch, trainLoss, classification && seen > 0 ? (double)correct / seen : null, valLoss, valAcc,
                    Optimizer.LearningRate, seconds, seen / Math.Max(seconds, 1e-9));
                History.Add(result);
                Logger.LogInformation("epoch {Epoch}/{Epochs}: train loss {TrainLoss:g4}, val loss {ValLoss:g4}, val accuracy {ValAccuracy:p2}, lr {LearningRate:g3}, {Seconds:f1} s",
                    epoch, epochs, trainLoss, valLoss, valAcc, Optimizer.LearningRate, seconds);
                foreach (var c in callbacks) c.OnEpochEnd(this, result);
                History.LastCompletedEpoch = epoch;
                if (stopReason is null) lastGood = TrainingState.Capture(Model, Optimizer);
            }
        }
        finally { Diagnostics?.Detach(); }
        History.StopReason = stopReason;
        if (History.Divergence is not null) Logger.LogWarning("training diverged: {Reason}", stopReason);
        else if (stopReason is not null) Logger.LogInformation("training stopped: {Reason}", stopReason);
        foreach (var c in callbacks) c.OnTrainEnd(this, History);
        return History;
    }

    /// <summary>Puts back the last good state and records where and how training diverged.</summary>
    void Diverge(Divergence d, TrainingState? lastGood, LossWatch watch)
    {
        lastGood?.Restore(Model, Optimizer);
        History.Divergence = d;
        string at = $"at epoch {d.Epoch}, batch {d.Batch}";
        string what = d.Kind switch
        {
            DivergenceKind.NonFinite => $"the loss became {d.Loss} {at}",
            DivergenceKind.Exploded => $"the loss exploded to {d.Loss:g4} {at} (over {DivergenceFactor:g3} × its running minimum {watch.Minimum:g4})",
            _ => d.Batch == 0 ? $"the weights or optimizer state were already non-finite before epoch {d.Epoch} (batch 0)"
                              : $"a weight, buffer or optimizer state became non-finite {at} (the epoch's last)",
        };
        string kept = lastGood is null ? "there was no good state to restore" : $"restored {LastGoodState()}";
        stopReason = $"diverged: {what}; {kept}";
    }

    /// <summary>Puts back the last finished epoch's state after a cancellation.</summary>
    void Interrupt(int epoch, int batch, TrainingState? lastGood)
    {
        lastGood?.Restore(Model, Optimizer);
        History.Interrupted = true;
        stopReason = $"interrupted at epoch {epoch}, batch {batch}; restored {LastGoodState()}";
    }

    string LastGoodState() => History.LastCompletedEpoch == initialEpochOfFit
        ? $"the weights and optimizer state Fit started from (the last good ones{(initialEpochOfFit > 0 ? $", epoch {initialEpochOfFit}" : "")}: no epoch finished)"
        : $"the weights and optimizer state of the last good epoch, {History.LastCompletedEpoch}";

    /// <summary>Mean loss (and accuracy for int64 class labels) over <paramref name="data"/>, in evaluation mode without gradients.</summary>
    public Evaluation Evaluate(IEnumerable<(Tensor x, Tensor y)> data)
    {
        bool wasTraining = Model.IsTraining;
        Model.Eval();
        double lossSum = 0;
        long seen = 0, correct = 0;
        bool classification = false;
        using (Autograd.NoGrad())
            foreach (var (x, y) in data)
            {
                var output = Model.Invoke(x);
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
        return new Evaluation(seen == 0 ? double.NaN : lossSum / seen, classification && seen > 0 ? (double)correct / seen : null, seen);
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
                outputs.Add(Model.Invoke(x.Narrow(0, at, Math.Min(batchSize, x.Shape[0] - at))));
        Model.Train(wasTraining);
        return Tensor.Concat(outputs.ToArray(), 0);
    }

    /// <summary>Rows whose largest score is the label — as <see cref="Metrics.Accuracy"/> counts them, so a row with a
    /// NaN or infinite score is never correct (ArgMax alone would pick some class of a NaN row).</summary>
    static long CountCorrect(Tensor output, Tensor y)
    {
        var labels = y.ToLongArray();
        int n = output.Shape[0], c = output.Shape[1];
        return labels.Length == n ? Metrics.Hits(output.ToDoubleArray(), labels, n, c, 1) : 0;
    }

    /// <summary>The running minimum of the batch losses and the test of <see cref="DivergenceFactor"/>.</summary>
    sealed class LossWatch(double? factor)
    {
        int batches;
        double last = double.NaN, minimumBeforeLast = double.PositiveInfinity;

        public double Minimum { get; private set; } = double.PositiveInfinity;

        /// <summary>Why a batch's <paramref name="loss"/> means divergence, or null when it does not.</summary>
        public DivergenceKind? Check(double loss)
        {
            if (!double.IsFinite(loss)) return DivergenceKind.NonFinite;
            if (++batches > DivergenceWarmupBatches && Explodes(loss, Minimum)) return DivergenceKind.Exploded;
            (minimumBeforeLast, Minimum, last) = (Minimum, Math.Min(Minimum, loss), loss);
            return null;
        }

        /// <summary>At an epoch's end the warm-up ends early: an epoch shorter than the warm-up must not hand an
        /// exploded state to the snapshot, so its last loss is tested against the minimum of the losses before it.</summary>
        public bool ExplodedAtEpochEnd()
        {
            if (batches is < 2 or > DivergenceWarmupBatches || !Explodes(last, minimumBeforeLast)) return false;
            Minimum = minimumBeforeLast;   // what the message reports
            return true;
        }

        bool Explodes(double loss, double minimum) => factor is > 0 and var f && loss > f * Math.Max(minimum, DivergenceLossFloor);
    }

    /// <summary>A deep copy of everything a step changes: weights and buffers, every parameter's optimizer state, the
    /// step count and the groups' learning rates.</summary>
    sealed class TrainingState
    {
        Dictionary<string, Tensor> model = [];
        Dictionary<string, Tensor>[][] optimizer = [];
        long stepCount;
        double[] learningRates = [];

        public static TrainingState Capture(Module model, Optimizer optimizer) => new()
        {
            model = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Detach().Clone()),
            optimizer = optimizer.Groups.Select(g => g.Parameters
                .Select(p => optimizer.StateOf(p).ToDictionary(kv => kv.Key, kv => kv.Value.Detach().Clone())).ToArray()).ToArray(),
            stepCount = optimizer.StepCount,
            learningRates = optimizer.Groups.Select(g => g.LearningRate).ToArray(),
        };

        public void Restore(Module model, Optimizer optimizer)
        {
            model.LoadStateDict(this.model);
            for (int g = 0; g < optimizer.Groups.Count; g++)
            {
                for (int i = 0; i < optimizer.Groups[g].Parameters.Count; i++)
                    optimizer.LoadStateOf(optimizer.Groups[g].Parameters[i], this.optimizer[g][i]);   // copies: the snapshot stays intact
                optimizer.Groups[g].LearningRate = learningRates[g];
            }
            optimizer.StepCount = stepCount;
        }

        /// <summary>Whether every floating-point weight, buffer and optimizer state tensor is free of NaN and ±∞.</summary>
        public static bool IsFinite(Module model, Optimizer optimizer) =>
            model.StateDict().Values.All(Trainer.IsFinite)
            && optimizer.Groups.SelectMany(g => g.Parameters).All(p => optimizer.StateOf(p).Values.All(Trainer.IsFinite));
    }

    /// <summary>Whether a tensor holds no NaN or ±∞ (integer tensors always).</summary>
    internal static bool IsFinite(Tensor t)
    {
        if (!t.DType.IsFloatingPoint()) return true;
        var c = t.Contiguous();
        return c.DType == DType.Float32
            ? System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(c.Span<float>())
            : System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<double>(c.Span<double>());
    }
}
