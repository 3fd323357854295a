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

    /// <summary>β₁, the decay of the first-moment average m (default 0.9; in [0, 1)).</summary>
    public double Beta1 { get; }
    /// <summary>β₂, the decay of the second-moment average v (default 0.999; in [0, 1)).</summary>
    public double Beta2 { get; }
    /// <summary>ε, added to √v̂ in the denominator (default 1e-8; positive).</summary>
    public double Eps { get; }
    /// <summary>True for AdamW: weight decay shrinks w directly instead of being added to the gradient.</summary>
    public bool Decoupled { get; }

    /// <summary>Adam over <paramref name="parameters"/> (<c>torch.optim.Adam</c>, with weight decay in the L2 form).</summary>
    /// <param name="parameters">The tensors to train.</param>
    /// <param name="learningRate">η (default 1e-3).</param>
    /// <param name="beta1">β₁ in [0, 1) (default 0.9).</param>
    /// <param name="beta2">β₂ in [0, 1) (default 0.999).</param>
    /// <param name="eps">ε &gt; 0 (default 1e-8).</param>
    /// <param name="weightDecay">λ, added to the gradient as λw (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value out of its range.</exception>
    /// <example><code>var opt = new Adam(model.Parameters(), learningRate: 3e-4);</code></example>
    public Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : this(OneGroup(parameters), learningRate, beta1, beta2, eps, weightDecay, decoupled: false) { }

    /// <summary>Adam over parameter groups; a group's own learning rate and weight decay override these.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">η (default 1e-3).</param>
    /// <param name="beta1">β₁ in [0, 1) (default 0.9).</param>
    /// <param name="beta2">β₂ in [0, 1) (default 0.999).</param>
    /// <param name="eps">ε &gt; 0 (default 1e-8).</param>
    /// <param name="weightDecay">λ (default 0).</param>
    /// <param name="decoupled">AdamW's decoupled decay w ← w − ηλw instead of adding λw to the gradient.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value out of its range.</exception>
    public Adam(IEnumerable<ParamGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool decoupled = false)
        : base(groups, learningRate, weightDecay)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"{GetType().Name}: beta1 must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"{GetType().Name}: beta2 must be in [0, 1)");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{GetType().Name}: eps must be positive");
        (Beta1, Beta2, Eps, Decoupled) = (beta1, beta2, eps, decoupled);
    }

    /// <inheritdoc/>
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

    /// <summary>"exp_avg" (m), "exp_avg_sq" (v) and "step" (t, a float64 scalar) once the parameter has been updated; empty before.</summary>
    public override Dictionary<string, Tensor> StateOf(Tensor parameter) =>
        moments.TryGetValue(parameter, out var mv)
            ? new() { ["exp_avg"] = mv.m, ["exp_avg_sq"] = mv.v, ["step"] = Tensor.Scalar(steps[parameter], DType.Float64) }
            : [];

    /// <summary>Restores "exp_avg", "exp_avg_sq" and "step" (an empty state resets the parameter to a fresh start).</summary>
    /// <exception cref="ArgumentException">A non-empty state missing one of the three.</exception>
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
    /// <summary>AdamW over <paramref name="parameters"/> (<c>torch.optim.AdamW</c>, same defaults).</summary>
    /// <param name="parameters">The tensors to train.</param>
    /// <param name="learningRate">η (default 1e-3).</param>
    /// <param name="beta1">β₁ in [0, 1) (default 0.9).</param>
    /// <param name="beta2">β₂ in [0, 1) (default 0.999).</param>
    /// <param name="eps">ε &gt; 0 (default 1e-8).</param>
    /// <param name="weightDecay">λ, decoupled (default 0.01).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value out of its range.</exception>
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01)
        : base(OneGroup(parameters), learningRate, beta1, beta2, eps, weightDecay, decoupled: true) { }

    /// <summary>AdamW over parameter groups; a group's own learning rate and weight decay override these.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">η (default 1e-3).</param>
    /// <param name="beta1">β₁ in [0, 1) (default 0.9).</param>
    /// <param name="beta2">β₂ in [0, 1) (default 0.999).</param>
    /// <param name="eps">ε &gt; 0 (default 1e-8).</param>
    /// <param name="weightDecay">λ, decoupled (default 0.01).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value out of its range.</exception>
    public AdamW(IEnumerable<ParamGroup> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01)
        : base(groups, learningRate, beta1, beta2, eps, weightDecay, decoupled: true) { }
}
