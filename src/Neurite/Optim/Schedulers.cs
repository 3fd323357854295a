namespace Neurite.Optim;

/// <summary>
/// A learning-rate schedule: large steps early, small late (seed 003). Call <see cref="Step"/> once per
/// epoch (or per batch, for warm-up); it sets each group's rate to its initial rate times <see cref="Factor"/>.
/// </summary>
public abstract class LrScheduler(Optimizer optimizer)
{
    /// <summary>The optimizer whose groups' learning rates this schedule sets.</summary>
    public Optimizer Optimizer { get; } = optimizer;

    /// <summary>Number of <see cref="Step"/> calls so far.</summary>
    public int Epoch { get; protected set; }

    /// <summary>The schedule's state, for checkpoints.</summary>
    public virtual double[] GetState() => [Epoch];

    /// <summary>Restores <see cref="GetState"/>'s state and applies the resulting learning rates.</summary>
    public virtual void SetState(double[] state)
    {
        if (state.Length < 1) throw new ArgumentException($"{GetType().Name}: empty scheduler state");
        Epoch = (int)state[0];
        Apply();
    }

    /// <summary>The multiplier of the initial learning rate after <paramref name="epoch"/> steps.</summary>
    public abstract double Factor(int epoch);

    /// <summary>Advances <see cref="Epoch"/> by one and sets every group's rate for it (<c>scheduler.step()</c>).</summary>
    public virtual void Step()
    {
        Epoch++;
        Apply();
    }

    /// <summary>Sets every group's learning rate to <see cref="RateOf"/> at the current <see cref="Epoch"/>.</summary>
    protected void Apply()
    {
        foreach (var g in Optimizer.Groups) g.LearningRate = RateOf(g, Epoch);
    }

    /// <summary>The learning rate of <paramref name="group"/> after <paramref name="epoch"/> steps: by default its initial rate times <see cref="Factor"/>.</summary>
    protected virtual double RateOf(ParamGroup group, int epoch) => group.InitialLearningRate * Factor(epoch);
}

/// <summary>Multiplies the rate by γ every <c>stepSize</c> epochs.</summary>
public sealed class StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1) : LrScheduler(optimizer)
{
    readonly int stepSize = stepSize > 0 ? stepSize : throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "StepLR: stepSize must be positive");
    /// <summary>γ^⌊epoch/stepSize⌋ (<c>torch.optim.lr_scheduler.StepLR</c>).</summary>
    public override double Factor(int epoch) => Math.Pow(gamma, epoch / stepSize);
}

/// <summary>Multiplies the rate by γ every epoch.</summary>
public sealed class ExponentialLR(Optimizer optimizer, double gamma) : LrScheduler(optimizer)
{
    readonly double gamma = gamma > 0 ? gamma : throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "ExponentialLR: gamma must be positive");
    /// <summary>γ^epoch (<c>torch.optim.lr_scheduler.ExponentialLR</c>).</summary>
    public override double Factor(int epoch) => Math.Pow(gamma, epoch);
}

/// <summary>Cosine annealing from the initial rate down to η_min over tMax epochs:
/// η = η_min + (η₀ − η_min)(1 + cos(π·t/T))/2.</summary>
public sealed class CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0) : LrScheduler(optimizer)
{
    readonly int tMax = tMax > 0 ? tMax : throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "CosineAnnealingLR: tMax must be positive");

    /// <summary>The first group's multiplier; each group anneals from its own initial rate to η_min (see <see cref="RateOf"/>).</summary>
    public override double Factor(int epoch)
    {
        double lr0 = Optimizer.Groups.Count > 0 ? Optimizer.Groups[0].InitialLearningRate : 1;
        return lr0 == 0 ? 0 : Anneal(lr0, epoch) / lr0;
    }

    // η_min is an absolute rate, so every group computes its own curve rather than scaling the first group's.
    /// <summary>η_min + (η₀ − η_min)(1 + cos(π·min(t, T)/T))/2 with the group's own η₀; it stays at η_min after T epochs.</summary>
    protected override double RateOf(ParamGroup group, int epoch) => Anneal(group.InitialLearningRate, epoch);

    double Anneal(double lr0, int epoch)
    {
        double t = Math.Min(epoch, tMax);
        double cos = (1 + Math.Cos(Math.PI * t / tMax)) / 2;
        return etaMin + (lr0 - etaMin) * cos;
    }
}

/// <summary>Linear warm-up: the rate grows from rate/warmupSteps to the full rate over warmupSteps steps,
/// then stays (combine by stepping it per batch during the first steps). The rate is set to rate/warmupSteps on
/// construction, so the very first optimizer step is already warmed up.</summary>
public sealed class LinearWarmup : LrScheduler
{
    readonly int warmup;

    /// <summary>Starts the warm-up: every group's rate is set to its rate/<paramref name="warmupSteps"/> at once.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="warmupSteps"/> is below 1.</exception>
    public LinearWarmup(Optimizer optimizer, int warmupSteps) : base(optimizer)
    {
        warmup = warmupSteps > 0 ? warmupSteps : throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "LinearWarmup: warmupSteps must be positive");
        Apply();
    }

    /// <summary>min(1, (epoch + 1)/warmupSteps): 1/warmupSteps before the first step, 1 from step warmupSteps − 1 on.</summary>
    public override double Factor(int epoch) => Math.Min(1.0, (epoch + 1.0) / warmup);
}

/// <summary>Divides the rate by 1/factor when a monitored metric has not improved for <c>patience</c> epochs.
/// Call <see cref="Step(double)"/> with the metric (lower is better).</summary>
public sealed class ReduceLROnPlateau(Optimizer optimizer, double factor = 0.1, int patience = 10, double minLr = 0, double threshold = 1e-4) : LrScheduler(optimizer)
{
    readonly double factor = factor > 0 && factor < 1 ? factor : throw new ArgumentOutOfRangeException(nameof(factor), factor, "ReduceLROnPlateau: factor must be in (0, 1)");
    readonly int patience = patience >= 0 ? patience : throw new ArgumentOutOfRangeException(nameof(patience), patience, "ReduceLROnPlateau: patience must be non-negative");
    readonly double minLr = minLr >= 0 && double.IsFinite(minLr) ? minLr : throw new ArgumentOutOfRangeException(nameof(minLr), minLr, "ReduceLROnPlateau: minLr must be non-negative and finite");
    readonly double threshold = threshold >= 0 && threshold < 1 ? threshold : throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "ReduceLROnPlateau: threshold must be in [0, 1)");
    double best = double.PositiveInfinity;
    int bad;
    double scale = 1;

    /// <summary>The current multiplier, factor^k after k reductions (whatever <paramref name="epoch"/>); the rate never goes below minLr.</summary>
    public override double Factor(int epoch) => scale;

    /// <summary>Not used: this schedule needs the metric.</summary>
    /// <exception cref="InvalidOperationException">Always; call <see cref="Step(double)"/>.</exception>
    public override void Step() => throw new InvalidOperationException("ReduceLROnPlateau: call Step(metric) with the monitored value");

    /// <summary>[epoch, best metric, epochs without improvement, multiplier].</summary>
    public override double[] GetState() => [Epoch, best, bad, scale];

    /// <summary>Restores <see cref="GetState"/>'s four values and sets every group's rate to max(minLr, initial·multiplier).</summary>
    /// <exception cref="ArgumentException">The state does not have four values.</exception>
    public override void SetState(double[] state)
    {
        if (state.Length != 4) throw new ArgumentException($"ReduceLROnPlateau: expected 4 state values, got {state.Length}");
        (Epoch, best, bad, scale) = ((int)state[0], state[1], (int)state[2], state[3]);
        foreach (var g in Optimizer.Groups) g.LearningRate = Math.Max(minLr, g.InitialLearningRate * scale);
    }

    /// <summary>Records one epoch's <paramref name="metric"/> (lower is better; <c>scheduler.step(val_loss)</c>). It is an
    /// improvement when below best·(1 − threshold); after more than <c>patience</c> epochs without one, every group's rate
    /// becomes max(minLr, initial·factor^k) and the count restarts.</summary>
    public void Step(double metric)
    {
        Epoch++;
        if (metric < best * (1 - threshold)) { best = metric; bad = 0; return; }
        if (++bad <= patience) return;
        bad = 0;
        scale *= factor;
        foreach (var g in Optimizer.Groups) g.LearningRate = Math.Max(minLr, g.InitialLearningRate * scale);
    }
}
