using System.Numerics;
using Neurite.Kernels;

namespace Neurite.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with bias correction; with <c>decoupled</c> it is AdamW (Loshchilov &amp; Hutter 2019).
/// </summary>
/// <remarks>
/// t ← t + 1; g ← ∇w (+ λw for Adam's L2 form);
/// m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
/// m̂ = m/(1 − β₁ᵗ);  v̂ = v/(1 − β₂ᵗ)  (the bias correction of seed 002, which fixes the cold start);
/// w ← w − η·m̂/(√v̂ + ε);  AdamW instead first shrinks w ← w − ηλw.
/// </remarks>
public class Adam : Optimizer
{
    readonly Dictionary<Tensor, (Tensor m, Tensor v)> moments = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<Tensor, long> steps = new(ReferenceEqualityComparer.Instance);

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public bool Decoupled { get; }

    public Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : this(OneGroup(parameters), learningRate, beta1, beta2, eps, weightDecay, decoupled: false) { }

    public Adam(IEnumerable<ParamGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool decoupled = false)
        : base(groups, learningRate, weightDecay)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"{GetType().Name}: beta1 must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"{GetType().Name}: beta2 must be in [0, 1)");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{GetType().Name}: eps must be positive");
        (Beta1, Beta2, Eps, Decoupled) = (beta1, beta2, eps, decoupled);
    }

    protected override void Update<T>(ParamGroup group, Tensor parameter, Span<T> w, ReadOnlySpan<T> g)
    {
        if (!moments.TryGetValue(parameter, out var mv))
            moments[parameter] = mv = (Tensor.Zeros(parameter.Shape.ToArray(), parameter.DType), Tensor.Zeros(parameter.Shape.ToArray(), parameter.DType));
        long t = steps[parameter] = steps.GetValueOrDefault(parameter) + 1;
        double lr = group.LearningRate;
        // η·m̂/(√v̂ + ε) with m̂ = m/(1 − β₁ᵗ) and √v̂ = √v/√(1 − β₂ᵗ)
        T a = T.CreateChecked(lr / (1 - Math.Pow(Beta1, t)));
        T s = T.CreateChecked(1 / Math.Sqrt(1 - Math.Pow(Beta2, t)));
        T l2 = Decoupled ? T.Zero : T.CreateChecked(group.WeightDecay);
        T decay = Decoupled ? T.CreateChecked(1 - lr * group.WeightDecay) : T.One;
        OptimizerKernels.Adam(w, g, SpanOf<T>(mv.m), SpanOf<T>(mv.v), T.CreateChecked(Beta1), T.CreateChecked(Beta2), a, s, T.CreateChecked(Eps), l2, decay);
    }

    public override Dictionary<string, Tensor> StateOf(Tensor parameter) =>
        moments.TryGetValue(parameter, out var mv)
            ? new() { ["exp_avg"] = mv.m, ["exp_avg_sq"] = mv.v, ["step"] = Tensor.Scalar(steps[parameter], DType.Float64) }
            : [];

    public override void LoadStateOf(Tensor parameter, IReadOnlyDictionary<string, Tensor> state)
    {
        if (state.Count == 0) { moments.Remove(parameter); steps.Remove(parameter); return; }
        moments[parameter] = (StateTensor(parameter, state, "exp_avg"), StateTensor(parameter, state, "exp_avg_sq"));
        steps[parameter] = state.TryGetValue("step", out var t) ? (long)t.Item() : throw new ArgumentException("Adam: optimizer state is missing 'step'");
    }
}

/// <summary>Adam with decoupled weight decay (default λ = 0.01): w ← w − ηλw, then the Adam step on the raw gradient.</summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01)
        : base(OneGroup(parameters), learningRate, beta1, beta2, eps, weightDecay, decoupled: true) { }

    public AdamW(IEnumerable<ParamGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01)
        : base(groups, learningRate, beta1, beta2, eps, weightDecay, decoupled: true) { }
}
