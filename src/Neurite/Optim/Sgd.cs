using System.Numerics;
using Neurite.Kernels;

namespace Neurite.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay.
/// </summary>
/// <remarks>
/// g ← ∇w + λw (weight decay);
/// with momentum μ: v ← μv + g (the first step v = g), then w ← w − η·v, or for Nesterov w ← w − η·(g + μv);
/// without: w ← w − η·g. This is PyTorch's formulation (seed 002 writes v = uv + g, w = w − εv).
/// </remarks>
public sealed class Sgd : Optimizer
{
    readonly Dictionary<Tensor, Tensor> velocity = new(ReferenceEqualityComparer.Instance);

    /// <summary>The momentum μ, in [0, 1) (default 0: plain SGD).</summary>
    public double Momentum { get; }
    /// <summary>Whether the step uses Nesterov momentum g + μv instead of v.</summary>
    public bool Nesterov { get; }

    /// <summary>SGD over <paramref name="parameters"/> (<c>torch.optim.SGD</c>).</summary>
    /// <param name="parameters">The tensors to train.</param>
    /// <param name="learningRate">η (default 0.01).</param>
    /// <param name="momentum">μ in [0, 1) (default 0).</param>
    /// <param name="nesterov">Nesterov momentum; needs μ &gt; 0.</param>
    /// <param name="weightDecay">λ, added to the gradient as λw (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A learning rate, momentum or weight decay out of range.</exception>
    /// <exception cref="ArgumentException">Nesterov without momentum.</exception>
    /// <example><code>var opt = new Sgd(model.Parameters(), learningRate: 0.1, momentum: 0.9);</code></example>
    public Sgd(IEnumerable<Tensor> parameters, double learningRate = 0.01, double momentum = 0, bool nesterov = false, double weightDecay = 0)
        : this(OneGroup(parameters), learningRate, momentum, nesterov, weightDecay) { }

    /// <summary>SGD over parameter groups; a group's own learning rate and weight decay override these.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">η (default 0.01).</param>
    /// <param name="momentum">μ in [0, 1) (default 0).</param>
    /// <param name="nesterov">Nesterov momentum; needs μ &gt; 0.</param>
    /// <param name="weightDecay">λ, added to the gradient as λw (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A learning rate, momentum or weight decay out of range.</exception>
    /// <exception cref="ArgumentException">Nesterov without momentum.</exception>
    public Sgd(IEnumerable<ParamGroup> groups, double learningRate = 0.01, double momentum = 0, bool nesterov = false, double weightDecay = 0)
        : base(groups, learningRate, weightDecay)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Sgd: momentum must be in [0, 1)");
        if (nesterov && momentum == 0) throw new ArgumentException("Sgd: Nesterov momentum needs momentum > 0");
        (Momentum, Nesterov) = (momentum, nesterov);
    }

    /// <inheritdoc/>
    protected override void Update<T>(ParamGroup group, Tensor parameter, Span<T> w, ReadOnlySpan<T> g)
    {
        T lr = T.CreateChecked(group.LearningRate), wd = T.CreateChecked(group.WeightDecay);
        if (Momentum == 0)
        {
            OptimizerKernels.Sgd(w, g, lr, wd);
            return;
        }
        bool first = !velocity.ContainsKey(parameter);
        OptimizerKernels.SgdMomentum(w, g, SpanOf<T>(Buffer(velocity, parameter)), lr, T.CreateChecked(Momentum), wd, first, Nesterov);
    }

    /// <summary>"momentum_buffer" (v) once a step with momentum has run; empty otherwise.</summary>
    public override Dictionary<string, Tensor> StateOf(Tensor parameter) =>
        velocity.TryGetValue(parameter, out var v) ? new() { ["momentum_buffer"] = v } : [];

    /// <summary>Restores "momentum_buffer" (an empty state clears it).</summary>
    /// <exception cref="ArgumentException">A non-empty state without "momentum_buffer".</exception>
    public override void LoadStateOf(Tensor parameter, IReadOnlyDictionary<string, Tensor> state)
    {
        if (state.Count == 0) { velocity.Remove(parameter); return; }
        velocity[parameter] = StateTensor(parameter, state, "momentum_buffer");
    }
}
