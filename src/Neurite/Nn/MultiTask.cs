using System.Globalization;

namespace Neurite.Nn;

/// <summary>
/// Multi-task learning (seed 003 section 12): one shared trunk learns a representation that several task heads read,
/// so what one task teaches the trunk helps the others. <see cref="ForwardAll"/> returns one output per head, in the
/// order the heads were given; <see cref="Forward"/> (for containers, <c>Trainer.Predict</c> and the model file) returns
/// them concatenated along the last axis. Train with <see cref="MultiTaskLoss"/>: a weighted sum of one loss per head.
/// Children are named "trunk" and "heads.0", "heads.1", …
/// <code>
/// var model = new MultiTask(new Sequential(new Linear(64, 32), new ReLU()), new Linear(32, 10), new Linear(32, 2));
/// var (digit, parity) = (model.ForwardAll(x)[0], model.ForwardAll(x)[1]);
/// </code>
/// </summary>
public sealed class MultiTask : Module
{
    readonly Module[] heads;

    /// <summary>The shared part.</summary>
    public Module Trunk { get; }

    /// <summary>The task heads, each reading the trunk's output.</summary>
    public IReadOnlyList<Module> Heads => heads;

    /// <exception cref="ArgumentException">No heads.</exception>
    public MultiTask(Module trunk, params Module[] heads)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        if (heads.Length == 0) throw new ArgumentException("multi-task: at least one head is needed", nameof(heads));
        Trunk = RegisterModule("trunk", trunk);
        var container = RegisterModule("heads", new Sequential());
        this.heads = [.. heads];
        foreach (var h in this.heads) container.Add(h);
    }

    /// <summary>The trunk's output read by every head: one tensor per head, [N, …] each.</summary>
    public Tensor[] ForwardAll(Tensor x)
    {
        var shared = Trunk.Invoke(x);
        var outputs = new Tensor[heads.Length];
        for (int i = 0; i < heads.Length; i++) outputs[i] = heads[i].Invoke(shared);
        return outputs;
    }

    /// <summary>The heads' outputs concatenated along the last axis (e.g. [N, 10 + 2]).</summary>
    public override Tensor Forward(Tensor x)
    {
        var outputs = ForwardAll(x);
        return Tensor.Concat(outputs, outputs[0].Rank - 1);
    }

    /// <inheritdoc/>
    public override string Describe() => $"MultiTask({heads.Length} heads)";
}

/// <summary>
/// The loss of a <see cref="MultiTask"/> model: Σᵢ wᵢ · Lᵢ(outputᵢ, targetᵢ), one loss and weight per head. The weights
/// trade the tasks off against each other (a task with a larger loss scale needs a smaller weight).
/// </summary>
public sealed class MultiTaskLoss
{
    readonly (Loss Loss, double Weight)[] terms;

    /// <exception cref="ArgumentException">No terms, or a weight that is negative or not finite.</exception>
    public MultiTaskLoss(params (Loss Loss, double Weight)[] terms)
    {
        if (terms.Length == 0) throw new ArgumentException("multi-task loss: at least one term is needed", nameof(terms));
        for (int i = 0; i < terms.Length; i++)
            if (!(terms[i].Weight >= 0 && double.IsFinite(terms[i].Weight)))
                throw new ArgumentException($"multi-task loss: the weight of term {i} must be non-negative and finite, got {terms[i].Weight.ToString(CultureInfo.InvariantCulture)}", nameof(terms));
        this.terms = [.. terms];
    }

    /// <summary>The weighted sum over the heads; <paramref name="outputs"/> and <paramref name="targets"/> in head order.</summary>
    /// <exception cref="ArgumentException">A number of outputs or targets other than the number of terms.</exception>
    public Tensor Forward(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> targets)
    {
        if (outputs.Count != terms.Length || targets.Count != terms.Length)
            throw new ArgumentException($"multi-task loss: {terms.Length} terms, but {outputs.Count} outputs and {targets.Count} targets");
        Tensor? total = null;
        for (int i = 0; i < terms.Length; i++)
        {
            var term = terms[i].Loss.Forward(outputs[i], targets[i]) * terms[i].Weight;
            total = total is null ? term : total + term;
        }
        return total!;
    }
}
