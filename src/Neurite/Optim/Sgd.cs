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

    public double Momentum { get; }
    public bool Nesterov { get; }

    public Sgd(IEnumerable<Tensor> parameters, double learningRate = 0.01, double momentum = 0, bool nesterov = false, double weightDecay = 0)
        : this(OneGroup(parameters), learningRate, momentum, nesterov, weightDecay) { }

    public Sgd(IEnumerable<ParamGroup> groups, double learningRate = 0.01, double momentum = 0, bool nesterov = false, double weightDecay = 0)
        : base(groups, learningRate, weightDecay)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Sgd: momentum must be in [0, 1)");
        if (nesterov && momentum == 0) throw new ArgumentException("Sgd: Nesterov momentum needs momentum > 0");
        (Momentum, Nesterov) = (momentum, nesterov);
    }

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

    public override Dictionary<string, Tensor> StateOf(Tensor parameter) =>
        velocity.TryGetValue(parameter, out var v) ? new() { ["momentum_buffer"] = v } : [];

    public override void LoadStateOf(Tensor parameter, IReadOnlyDictionary<string, Tensor> state)
    {
        if (state.Count == 0) { velocity.Remove(parameter); return; }
        velocity[parameter] = StateTensor(parameter, state, "momentum_buffer");
    }
}
