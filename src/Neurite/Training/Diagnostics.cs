using Neurite.Nn;

namespace Neurite.Training;

/// <summary>
/// Babysitting the learning process (seed 001): set as <see cref="Trainer.Diagnostics"/>, it watches every layer with
/// parameters and every activation through forward hooks and, every <see cref="Every"/> batches, records a
/// <see cref="DiagnosticsSnapshot"/>: per layer the output's mean, std and histogram, dead ReLUs (units never positive
/// over the interval), saturated sigmoid/tanh outputs, the gradient norm and the update-to-weight ratio, with warnings
/// that name the layer and the remedy. Callbacks receive each snapshot (<see cref="Callback.OnDiagnostics"/>); the
/// history keeps them. Without it, training runs no hook and pays nothing.
/// </summary>
/// <example><code>
/// var trainer = new Trainer(model, new CrossEntropyLoss(), opt) { Diagnostics = new Diagnostics(every: 100) };
/// trainer.Fit(loader, 5);
/// Console.Write(trainer.Diagnostics.Latest!.ToTable());
/// </code></example>
public sealed class Diagnostics
{
    /// <summary>Diagnostics sampled every <paramref name="every"/> batches, histograms of <paramref name="bins"/> bins.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="every"/> or <paramref name="bins"/> is below 1.</exception>
    public Diagnostics(int every, int bins = 32)
    {
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), every, "diagnostics: the interval must be at least 1 batch");
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "diagnostics: the histogram needs at least 1 bin");
        (Every, Bins) = (every, bins);
    }

    /// <summary>Batches between samples; dead ReLUs are judged over each such interval.</summary>
    public int Every { get; }
    /// <summary>Bins per histogram.</summary>
    public int Bins { get; }
    /// <summary>Warn when at least this fraction of a layer's ReLU units is dead (default 0.5).</summary>
    public double DeadWarning { get; init; } = 0.5;
    /// <summary>Warn when at least this fraction of a sigmoid/tanh layer's outputs is saturated (default 0.5).</summary>
    public double SaturationWarning { get; init; } = 0.5;
    /// <summary>Warn when an activation's std falls below this (the collapse to zero; default 1e-3).</summary>
    public double CollapseStd { get; init; } = 1e-3;
    /// <summary>Warn when the update-to-weight ratio is above this (default 1e-2; about 1e-3 is healthy).</summary>
    public double UpdateRatioHigh { get; init; } = 1e-2;
    /// <summary>Warn when the update-to-weight ratio is below this (default 1e-6).</summary>
    public double UpdateRatioLow { get; init; } = 1e-6;

    readonly List<DiagnosticsSnapshot> snapshots = [];
    Watched[] watched = [];
    List<HookHandle> handles = [];
    long step;
    bool sampling;

    /// <summary>Every snapshot recorded since the last Fit began.</summary>
    public IReadOnlyList<DiagnosticsSnapshot> Snapshots => snapshots;

    /// <summary>The last snapshot, or null before the first.</summary>
    public DiagnosticsSnapshot? Latest => snapshots.Count == 0 ? null : snapshots[^1];

    /// <summary>The statistics of one forward pass of <paramref name="x"/> in evaluation mode without gradients: no
    /// gradient norms or update ratios, dead units judged on this batch alone (seed 001's initialisation study).</summary>
    public static DiagnosticsSnapshot Measure(Module model, Tensor x, int bins = 32)
    {
        var d = new Diagnostics(1, bins);
        d.Attach(model);
        bool wasTraining = model.IsTraining;
        try
        {
            model.Eval();
            d.BeginBatch();
            using (Autograd.NoGrad()) model.Invoke(x);
            foreach (var w in d.watched) w.Active = false;
            return d.Snapshot(0, 0, null);
        }
        finally
        {
            d.Detach();
            model.Train(wasTraining);
        }
    }

    /// <summary>Hooks every layer with parameters and every activation of <paramref name="model"/>.</summary>
    internal void Attach(Module model)
    {
        Detach();
        snapshots.Clear();
        step = 0;
        watched = model.NamedModules()
            .Where(m => !m.Module.NamedChildren().Any() && (m.Module.NamedParameters().Any() || m.Module is IActivationModule))
            .Select(m => new Watched(m.Name.Length == 0 ? "model" : m.Name, m.Module)).ToArray();
        handles = watched.Select(w => w.Module.RegisterForwardHook((_, _, y) => { w.Observe(y, sampling, Bins); return null; }, "diagnostics")).ToList();
    }

    /// <summary>Removes the hooks.</summary>
    internal void Detach()
    {
        foreach (var h in handles) h.Remove();
        handles = [];
    }

    /// <summary>Before a batch's forward pass: whether this batch ends an interval (and is sampled).</summary>
    internal void BeginBatch()
    {
        sampling = (step + 1) % Every == 0;
        foreach (var w in watched) w.Active = true;
    }

    /// <summary>After backward (and clipping), before the optimizer step: gradient norms and the weights before the step.</summary>
    internal void BeforeStep()
    {
        if (!sampling) return;
        foreach (var w in watched) w.BeforeStep();
    }

    /// <summary>After the optimizer step: the snapshot when this batch was sampled, else null.</summary>
    internal DiagnosticsSnapshot? AfterStep(int epoch, int batch)
    {
        step++;
        foreach (var w in watched) w.Active = false;   // validation passes between batches are not observed
        if (!sampling) return null;
        sampling = false;
        return Snapshot(epoch, batch, step);
    }

    DiagnosticsSnapshot Snapshot(int epoch, int batch, long? afterStep)
    {
        var rows = watched.Where(w => w.HasSample).Select(w => (w, layer: w.Take())).ToList();
        var snapshot = new DiagnosticsSnapshot(epoch, batch, afterStep ?? 0, rows.Select(r => r.layer).ToList(),
            rows.SelectMany(r => Warn(r.w, r.layer)).ToList());
        snapshots.Add(snapshot);
        return snapshot;
    }

    IEnumerable<DiagnosticWarning> Warn(Watched w, LayerDiagnostics l)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string module = l.Module.EndsWith("()", StringComparison.Ordinal) ? l.Module[..^2] : l.Module;
        DiagnosticWarning W(string problem, string remedy) => new(l.Layer, module, problem, remedy);
        var h = l.Histogram;
        if (!h.HasFiniteValues)
        {
            yield return W($"all {h.NonFinite} outputs are NaN or infinite", "training has diverged: lower the learning rate or clip the gradients");
            yield break;
        }
        if (h.NonFinite > 0)
            yield return W(string.Create(c, $"{100.0 * h.NonFinite / (h.NonFinite + h.Finite):0.#} % of outputs are NaN or infinite"), "lower the learning rate or clip the gradients");
        if (l.DeadFraction >= DeadWarning)
            yield return W(string.Create(c, $"{100 * l.DeadFraction:0} % of ReLUs dead (never positive over {Every} batches)"), "lower the learning rate or use Leaky ReLU");
        if (l.SaturatedFraction >= SaturationWarning)
            yield return W(string.Create(c, $"{100 * l.SaturatedFraction:0} % of {module} outputs saturated"), "use Xavier initialisation, normalise the inputs or add batch norm");
        if (!w.Activation.IsNone && l.Std < CollapseStd)
            yield return W(string.Create(c, $"activations collapsed towards zero (std {l.Std:0.##e+0})"), "initialise with Xavier (std √(1/n)) or He (std √(2/n)) or add batch norm");
        if (l.UpdateRatio > UpdateRatioHigh)
            yield return W(string.Create(c, $"update/weight ratio {l.UpdateRatio:0.##e+0} (about 1e-3 is healthy)"), "lower the learning rate");
        else if (l.UpdateRatio < UpdateRatioLow && l.GradientNorm > 0)
            yield return W(string.Create(c, $"update/weight ratio {l.UpdateRatio:0.##e+0} (about 1e-3 is healthy)"), "raise the learning rate");
    }
}
