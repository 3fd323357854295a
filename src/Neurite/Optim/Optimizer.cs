using System.Numerics;

namespace Neurite.Optim;

/// <summary>A set of parameters that share a learning rate and weight decay (e.g. a backbone with a smaller rate).</summary>
public sealed class ParamGroup
{
    /// <summary>A group of <paramref name="parameters"/>, with its own learning rate and weight decay or the optimizer's (like a
    /// PyTorch param group dict <c>{"params": …, "lr": …}</c>).</summary>
    /// <param name="parameters">The tensors to train (floating point; copied into a list).</param>
    /// <param name="learningRate">This group's learning rate; null takes the optimizer's.</param>
    /// <param name="weightDecay">This group's weight decay; null takes the optimizer's (e.g. 0 for biases and norms).</param>
    /// <exception cref="ArgumentException">A parameter is not floating point.</exception>
    /// <example><code>var opt = new Sgd([new ParamGroup(backbone.Parameters(), learningRate: 1e-4), new ParamGroup(head.Parameters())], learningRate: 1e-2);</code></example>
    public ParamGroup(IEnumerable<Tensor> parameters, double? learningRate = null, double? weightDecay = null)
    {
        Parameters = parameters.ToList();
        foreach (var p in Parameters)
            if (!p.DType.IsFloatingPoint()) throw new ArgumentException($"optimizer: parameter of dtype {p.DType.Name()} cannot be trained");
        LearningRateOverride = learningRate;
        WeightDecayOverride = weightDecay;
    }

    /// <summary>The group's parameters, in order.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }
    internal double? LearningRateOverride { get; }
    internal double? WeightDecayOverride { get; }

    /// <summary>The group's current learning rate (schedulers change it).</summary>
    public double LearningRate { get; set; }

    /// <summary>The learning rate the group started with (schedulers scale it).</summary>
    public double InitialLearningRate { get; internal set; }

    /// <summary>The group's weight decay λ (L2 added to the gradient, or decoupled for AdamW).</summary>
    public double WeightDecay { get; set; }
}

/// <summary>
/// Updates parameters from their gradients. Subclasses keep typed per-parameter state and apply a
/// stateless update kernel over spans. Use: <c>opt.ZeroGrad(); loss.Backward(); opt.Step();</c>
/// </summary>
public abstract class Optimizer
{
    readonly List<ParamGroup> groups;

    /// <summary>Sets each group's learning rate and weight decay from its own values or these defaults.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">The default learning rate η; finite and ≥ 0.</param>
    /// <param name="weightDecay">The default weight decay λ; ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative, infinite or NaN learning rate, or a negative weight decay.</exception>
    protected Optimizer(IEnumerable<ParamGroup> groups, double learningRate, double weightDecay)
    {
        if (!(learningRate >= 0) || double.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"{GetType().Name}: learning rate must be a finite non-negative number");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, $"{GetType().Name}: weight decay must be non-negative");
        this.groups = groups.ToList();
        foreach (var g in this.groups)
        {
            g.LearningRate = g.InitialLearningRate = g.LearningRateOverride ?? learningRate;
            g.WeightDecay = g.WeightDecayOverride ?? weightDecay;
            if (g.LearningRate < 0) throw new ArgumentOutOfRangeException(nameof(learningRate), g.LearningRate, $"{GetType().Name}: a group's learning rate must be non-negative");
        }
    }

    /// <summary>All <paramref name="parameters"/> in one group with the optimizer's settings.</summary>
    protected static IEnumerable<ParamGroup> OneGroup(IEnumerable<Tensor> parameters) => [new ParamGroup(parameters)];

    /// <summary>The parameter groups (PyTorch's <c>optimizer.param_groups</c>).</summary>
    public IReadOnlyList<ParamGroup> Groups => groups;

    /// <summary>Number of <see cref="Step"/> calls so far.</summary>
    public long StepCount { get; set; }

    /// <summary>Sets every group's learning rate (for schedules), or reads the first group's.</summary>
    public double LearningRate
    {
        get => groups.Count > 0 ? groups[0].LearningRate : 0;
        set { foreach (var g in groups) g.LearningRate = value; }
    }

    /// <summary>Clears the gradients of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var g in groups)
            foreach (var p in g.Parameters) p.Grad = null;
    }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        StepCount++;
        using (Autograd.NoGrad())
            foreach (var g in groups)
                for (int i = 0; i < g.Parameters.Count; i++)
                {
                    var p = g.Parameters[i];
                    if (p.Grad is null || !p.RequiresGrad) continue;
                    if (!p.IsContiguous) throw new InvalidOperationException($"{GetType().Name}: parameters must be contiguous");
                    var grad = p.Grad.DType == p.DType ? p.Grad.Contiguous() : p.Grad.To(p.DType);
                    if (p.DType == DType.Float32) Update(g, p, p.Span<float>(), grad.Span<float>());
                    else Update(g, p, p.Span<double>(), grad.Span<double>());
                }
    }

    /// <summary>Updates one parameter in place from its gradient.</summary>
    protected abstract void Update<T>(ParamGroup group, Tensor parameter, Span<T> w, ReadOnlySpan<T> g) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Per-parameter state tensors by name ("exp_avg", …), for checkpoints; empty before the first step.</summary>
    public abstract Dictionary<string, Tensor> StateOf(Tensor parameter);

    /// <summary>Restores one parameter's state from <see cref="StateOf"/>'s form (checkpoint resume).</summary>
    public abstract void LoadStateOf(Tensor parameter, IReadOnlyDictionary<string, Tensor> state);

    /// <summary>A copy of state[key] shaped and typed like <paramref name="parameter"/>, or an error naming the key.</summary>
    protected Tensor StateTensor(Tensor parameter, IReadOnlyDictionary<string, Tensor> state, string key)
    {
        if (!state.TryGetValue(key, out var source))
            throw new ArgumentException($"{GetType().Name}: optimizer state is missing '{key}'");
        var copy = Tensor.Zeros(parameter.Shape.ToArray(), parameter.DType);
        copy.CopyFrom(source);
        return copy;
    }

    /// <summary>A state buffer of the parameter's shape and dtype, created zeroed on first use.</summary>
    protected static Tensor Buffer(Dictionary<Tensor, Tensor> store, Tensor parameter)
    {
        if (!store.TryGetValue(parameter, out var b))
            store[parameter] = b = Tensor.Zeros(parameter.Shape.ToArray(), parameter.DType);
        return b;
    }

    /// <summary>The elements of a contiguous state tensor, to update in place.</summary>
    protected static Span<T> SpanOf<T>(Tensor t) where T : unmanaged => t.Span<T>();

    /// <summary>E.g. <c>Adam(lr=0.001, groups=1)</c> (the first group's rate).</summary>
    public override string ToString() => $"{GetType().Name}(lr={LearningRate}, groups={groups.Count})";
}
