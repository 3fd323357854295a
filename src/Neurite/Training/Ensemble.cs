using Neurite.Nn;

namespace Neurite.Training;

/// <summary>
/// Averages the class probabilities of several models: p(y | x) = (1/K) Σₖ softmax(fₖ(x)), the
/// "train several models and average their predictions" advice (seed 003). Independently trained
/// models make partly independent errors, so the average is usually more accurate than any member.
/// </summary>
/// <remarks>
/// <see cref="Forward"/> returns probabilities [N, classes] (rows sum to 1), not logits, so take
/// <c>ArgMax(1)</c> for labels, or the log for a likelihood; do not feed it to a cross-entropy-from-logits
/// loss. Members are registered as children "0", "1", …, so <c>Eval()</c>, <c>StateDict()</c> and
/// <c>ParameterCount()</c> cover them all.
/// <code>
/// var ensemble = new Ensemble(modelA, modelB, modelC);
/// var probabilities = ensemble.Predict(xTest);        // eval mode, no graph
/// var labels = probabilities.ArgMax(1);
/// </code>
/// </remarks>
public sealed class Ensemble : Module
{
    readonly Module[] members;

    /// <summary>An ensemble of <paramref name="models"/> (at least one), which must all output [N, classes] logits of the same shape.</summary>
    /// <exception cref="ArgumentException">No models were given.</exception>
    public Ensemble(params Module[] models)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Length == 0) throw new ArgumentException("Ensemble: needs at least one model", nameof(models));
        for (int i = 0; i < models.Length; i++)
            RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), models[i] ?? throw new ArgumentNullException(nameof(models)));
        members = (Module[])models.Clone();
    }

    /// <summary>The member models, in order.</summary>
    public IReadOnlyList<Module> Members => members;

    /// <summary>The mean of the members' softmax probabilities along the last axis, [N, classes].</summary>
    /// <exception cref="ShapeException">Members disagree on the output shape.</exception>
    public override Tensor Forward(Tensor x)
    {
        Tensor? sum = null;
        foreach (var m in members)
        {
            var p = m.Invoke(x).Softmax(-1);
            if (sum is not null && !sum.Shape.SequenceEqual(p.Shape))
                throw new ShapeException($"Ensemble: members disagree on the output shape: {Shape.Format(sum.Shape)} and {Shape.Format(p.Shape)} ({m.Describe()})");
            sum = sum is null ? p : sum.Add(p);
        }
        return sum!.Div(members.Length);
    }

    /// <summary><see cref="Forward"/> in evaluation mode without recording a graph; each member's mode is restored afterwards.</summary>
    public Tensor Predict(Tensor x) => EvalMode.Run(this, () => Forward(x));

    /// <inheritdoc/>
    public override string Describe() => $"Ensemble({members.Length} models)";
}

/// <summary>Runs a prediction with a model in eval mode under <see cref="Autograd.NoGrad"/>, restoring every module's mode.</summary>
internal static class EvalMode
{
    public static Tensor Run(Module model, Func<Tensor> predict)
    {
        var modes = new List<(Module, bool)>();
        Collect(model, modes);
        model.Eval();
        try
        {
            using (Autograd.NoGrad()) return predict();
        }
        finally
        {
            // Train(bool) recurses into children; restoring in pre-order (parents before their children)
            // leaves every module with its own saved mode.
            foreach (var (m, training) in modes) m.Train(training);
        }
    }

    static void Collect(Module m, List<(Module, bool)> modes)
    {
        modes.Add((m, m.IsTraining));
        foreach (var (_, child) in m.NamedChildren()) Collect(child, modes);
    }
}
