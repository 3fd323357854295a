using System.Numerics;

namespace Neurite.Optim;

/// <summary>AdaGrad (Duchi et al. 2011): smaller steps along directions that have seen large gradients.</summary>
/// <remarks>r ← r + g²;  w ← w − η·g/(√r + δ)  (seed 002; δ = 1e-10 by default as in PyTorch).</remarks>
public sealed class AdaGrad : Optimizer
{
    readonly Dictionary<Tensor, Tensor> sums = new(ReferenceEqualityComparer.Instance);
    /// <summary>δ, added to √r in the denominator (default 1e-10; positive).</summary>
    public double Eps { get; }

    /// <summary>AdaGrad over <paramref name="parameters"/> (<c>torch.optim.Adagrad</c> without lr decay).</summary>
    /// <param name="parameters">The tensors to train.</param>
    /// <param name="learningRate">η (default 0.01).</param>
    /// <param name="eps">δ &gt; 0 (default 1e-10).</param>
    /// <param name="weightDecay">λ, added to the gradient as λw (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value out of its range.</exception>
    public AdaGrad(IEnumerable<Tensor> parameters, double learningRate = 0.01, double eps = 1e-10, double weightDecay = 0)
        : this(OneGroup(parameters), learningRate, eps, weightDecay) { }

    /// <summary>AdaGrad over parameter groups; a group's own learning rate and weight decay override these.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">η (default 0.01).</param>
    /// <param name="eps">δ &gt; 0 (default 1e-10).</param>
    /// <param name="weightDecay">λ (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value out of its range.</exception>
    public AdaGrad(IEnumerable<ParamGroup> groups, double learningRate = 0.01, double eps = 1e-10, double weightDecay = 0)
        : base(groups, learningRate, weightDecay)
    {
        Eps = eps > 0 ? eps : throw new ArgumentOutOfRangeException(nameof(eps), eps, "AdaGrad: eps must be positive");
    }

    /// <inheritdoc/>
    protected override void Update<T>(ParamGroup group, Tensor parameter, Span<T> w, ReadOnlySpan<T> g)
    {
        var r = SpanOf<T>(Buffer(sums, parameter));
        T lr = T.CreateChecked(group.LearningRate), eps = T.CreateChecked(Eps), wd = T.CreateChecked(group.WeightDecay);
        for (int i = 0; i < w.Length; i++)
        {
            T gi = g[i] + wd * w[i];
            r[i] += gi * gi;
            w[i] -= lr * gi / (T.Sqrt(r[i]) + eps);
        }
    }

    /// <summary>"sum" (r, the accumulated squared gradients) once the parameter has been updated; empty before.</summary>
    public override Dictionary<string, Tensor> StateOf(Tensor parameter) => sums.TryGetValue(parameter, out var r) ? new() { ["sum"] = r } : [];

    /// <summary>Restores "sum" (an empty state clears it).</summary>
    /// <exception cref="ArgumentException">A non-empty state without "sum".</exception>
    public override void LoadStateOf(Tensor parameter, IReadOnlyDictionary<string, Tensor> state)
    {
        if (state.Count == 0) { sums.Remove(parameter); return; }
        sums[parameter] = StateTensor(parameter, state, "sum");
    }
}

/// <summary>RMSProp (Hinton 2012): AdaGrad with a decaying average of squared gradients, optionally with momentum.</summary>
/// <remarks>r ← ρr + (1 − ρ)g²;  without momentum w ← w − η·g/(√r + ε); with momentum μ: b ← μb + g/(√r + ε), w ← w − ηb.</remarks>
public sealed class RmsProp : Optimizer
{
    readonly Dictionary<Tensor, Tensor> squares = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<Tensor, Tensor> buffers = new(ReferenceEqualityComparer.Instance);
    /// <summary>ρ, the decay of the squared-gradient average (default 0.99, PyTorch's <c>alpha</c>; in [0, 1)).</summary>
    public double Rho { get; }
    /// <summary>ε, added to √r in the denominator (default 1e-8; positive).</summary>
    public double Eps { get; }
    /// <summary>The momentum μ, in [0, 1) (default 0: none).</summary>
    public double Momentum { get; }

    /// <summary>RMSProp over <paramref name="parameters"/> (<c>torch.optim.RMSprop</c>, not centred).</summary>
    /// <param name="parameters">The tensors to train.</param>
    /// <param name="learningRate">η (default 0.01).</param>
    /// <param name="rho">ρ in [0, 1) (default 0.99).</param>
    /// <param name="eps">ε &gt; 0 (default 1e-8).</param>
    /// <param name="momentum">μ in [0, 1) (default 0).</param>
    /// <param name="weightDecay">λ, added to the gradient as λw (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value out of its range.</exception>
    public RmsProp(IEnumerable<Tensor> parameters, double learningRate = 0.01, double rho = 0.99, double eps = 1e-8, double momentum = 0, double weightDecay = 0)
        : this(OneGroup(parameters), learningRate, rho, eps, momentum, weightDecay) { }

    /// <summary>RMSProp over parameter groups; a group's own learning rate and weight decay override these.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">η (default 0.01).</param>
    /// <param name="rho">ρ in [0, 1) (default 0.99).</param>
    /// <param name="eps">ε &gt; 0 (default 1e-8).</param>
    /// <param name="momentum">μ in [0, 1) (default 0).</param>
    /// <param name="weightDecay">λ (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value out of its range.</exception>
    public RmsProp(IEnumerable<ParamGroup> groups, double learningRate = 0.01, double rho = 0.99, double eps = 1e-8, double momentum = 0, double weightDecay = 0)
        : base(groups, learningRate, weightDecay)
    {
        if (!(rho >= 0 && rho < 1)) throw new ArgumentOutOfRangeException(nameof(rho), rho, "RmsProp: rho must be in [0, 1)");
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "RmsProp: momentum must be in [0, 1)");
        Eps = eps > 0 ? eps : throw new ArgumentOutOfRangeException(nameof(eps), eps, "RmsProp: eps must be positive");
        (Rho, Momentum) = (rho, momentum);
    }

    /// <inheritdoc/>
    protected override void Update<T>(ParamGroup group, Tensor parameter, Span<T> w, ReadOnlySpan<T> g)
    {
        var r = SpanOf<T>(Buffer(squares, parameter));
        var b = Momentum > 0 ? SpanOf<T>(Buffer(buffers, parameter)) : default;
        T lr = T.CreateChecked(group.LearningRate), eps = T.CreateChecked(Eps), rho = T.CreateChecked(Rho), mu = T.CreateChecked(Momentum), wd = T.CreateChecked(group.WeightDecay);
        for (int i = 0; i < w.Length; i++)
        {
            T gi = g[i] + wd * w[i];
            r[i] = rho * r[i] + (T.One - rho) * gi * gi;
            T scaled = gi / (T.Sqrt(r[i]) + eps);
            if (Momentum > 0) { b[i] = mu * b[i] + scaled; w[i] -= lr * b[i]; }
            else w[i] -= lr * scaled;
        }
    }

    /// <summary>"square_avg" (r) and, with momentum, "momentum_buffer" (b), once the parameter has been updated.</summary>
    public override Dictionary<string, Tensor> StateOf(Tensor parameter)
    {
        var state = new Dictionary<string, Tensor>();
        if (squares.TryGetValue(parameter, out var r)) state["square_avg"] = r;
        if (buffers.TryGetValue(parameter, out var b)) state["momentum_buffer"] = b;
        return state;
    }

    /// <summary>Restores whichever of "square_avg" and "momentum_buffer" the state holds; the others start from zero.</summary>
    public override void LoadStateOf(Tensor parameter, IReadOnlyDictionary<string, Tensor> state)
    {
        squares.Remove(parameter);
        buffers.Remove(parameter);
        if (state.ContainsKey("square_avg")) squares[parameter] = StateTensor(parameter, state, "square_avg");
        if (state.ContainsKey("momentum_buffer")) buffers[parameter] = StateTensor(parameter, state, "momentum_buffer");
    }
}

/// <summary>Gradient clipping against exploding gradients (seed 002).</summary>
public static class GradClip
{
    /// <summary>Scales all gradients together so their global L2 norm is at most <paramref name="maxNorm"/>;
    /// returns the norm before clipping.</summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "clip_grad_norm: maxNorm must be positive");
        var grads = parameters.Where(p => p.Grad is not null).Select(p => p.Grad!).ToList();
        double total = 0;
        foreach (var g in grads)
            foreach (var v in g.ToDoubleArray()) total += v * v;
        double norm = Math.Sqrt(total);
        if (norm > maxNorm)
        {
            double scale = maxNorm / (norm + 1e-6);
            using (Autograd.NoGrad())
                foreach (var g in grads) g.CopyFrom(g.Mul(scale));
        }
        return norm;
    }

    /// <summary>Clamps every gradient element to [−clip, clip].</summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clip)
    {
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "clip_grad_value: clip must be positive");
        using (Autograd.NoGrad())
            foreach (var p in parameters)
                if (p.Grad is { } g) g.CopyFrom(g.Clamp(-clip, clip));
    }
}
