using System.Numerics;

namespace Neurite.Optim;

/// <summary>AdaGrad (Duchi et al. 2011): smaller steps along directions that have seen large gradients.</summary>
/// <remarks>r ← r + g²;  w ← w − η·g/(√r + δ)  (seed 002; δ = 1e-10 by default as in PyTorch).</remarks>
public sealed class AdaGrad : Optimizer
{
    readonly Dictionary<Tensor, Tensor> sums = new(ReferenceEqualityComparer.Instance);
    public double Eps { get; }

    public AdaGrad(IEnumerable<Tensor> parameters, double learningRate = 0.01, double eps = 1e-10, double weightDecay = 0)
        : this(OneGroup(parameters), learningRate, eps, weightDecay) { }

    public AdaGrad(IEnumerable<ParamGroup> groups, double learningRate = 0.01, double eps = 1e-10, double weightDecay = 0)
        : base(groups, learningRate, weightDecay)
    {
        Eps = eps > 0 ? eps : throw new ArgumentOutOfRangeException(nameof(eps), eps, "AdaGrad: eps must be positive");
    }

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

    public override Dictionary<string, Tensor> StateOf(Tensor parameter) => sums.TryGetValue(parameter, out var r) ? new() { ["sum"] = r } : [];

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
    public double Rho { get; }
    public double Eps { get; }
    public double Momentum { get; }

    public RmsProp(IEnumerable<Tensor> parameters, double learningRate = 0.01, double rho = 0.99, double eps = 1e-8, double momentum = 0, double weightDecay = 0)
        : this(OneGroup(parameters), learningRate, rho, eps, momentum, weightDecay) { }

    public RmsProp(IEnumerable<ParamGroup> groups, double learningRate = 0.01, double rho = 0.99, double eps = 1e-8, double momentum = 0, double weightDecay = 0)
        : base(groups, learningRate, weightDecay)
    {
        if (!(rho >= 0 && rho < 1)) throw new ArgumentOutOfRangeException(nameof(rho), rho, "RmsProp: rho must be in [0, 1)");
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "RmsProp: momentum must be in [0, 1)");
        Eps = eps > 0 ? eps : throw new ArgumentOutOfRangeException(nameof(eps), eps, "RmsProp: eps must be positive");
        (Rho, Momentum) = (rho, momentum);
    }

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

    public override Dictionary<string, Tensor> StateOf(Tensor parameter)
    {
        var state = new Dictionary<string, Tensor>();
        if (squares.TryGetValue(parameter, out var r)) state["square_avg"] = r;
        if (buffers.TryGetValue(parameter, out var b)) state["momentum_buffer"] = b;
        return state;
    }

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
