using System.Globalization;

namespace Neurite.Training;

/// <summary>Counts of values in <see cref="Counts"/>.Length equal bins over [<see cref="Min"/>, <see cref="Max"/>]
/// (the last bin includes Max); NaN and ±∞ are not binned but counted in <see cref="NonFinite"/>. A tensor with no
/// finite value has Min = Max = NaN and all-zero counts: it is reported as such, not drawn.</summary>
public sealed record Histogram(double Min, double Max, long[] Counts, long NonFinite)
{
    /// <summary>The number of finite values binned.</summary>
    public long Finite => Counts.Sum();

    /// <summary>True when some value was finite (so the bins mean something).</summary>
    public bool HasFiniteValues => Finite > 0;

    /// <summary>The histogram of <paramref name="values"/> in <paramref name="bins"/> bins over their finite range.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is below 1.</exception>
    public static Histogram Of(ReadOnlySpan<float> values, int bins = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        long nonFinite = 0;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) { nonFinite++; continue; }
            if (v < min) min = v;
            if (v > max) max = v;
        }
        var counts = new long[bins];
        if (nonFinite == values.Length) return new Histogram(double.NaN, double.NaN, counts, nonFinite);
        double width = (max - min) / bins;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            int b = width > 0 ? (int)((v - min) / width) : 0;
            counts[Math.Min(b, bins - 1)]++;
        }
        return new Histogram(min, max, counts, nonFinite);
    }
}

/// <summary>One layer's statistics at a diagnostics sample: its output's mean, standard deviation and histogram (over the
/// sampled batch), and where they apply the fraction of dead ReLU units (never positive over the interval's batches),
/// the fraction of saturated sigmoid/tanh outputs, the gradient norm of the layer's own parameters and the ratio of the
/// optimizer step's size to the weights' size (‖Δθ‖ / ‖θ‖; about 1e-3 is healthy).</summary>
/// <param name="Layer">The dotted path of the layer in the model (<c>"3"</c>, <c>"1.conv1"</c>).</param>
/// <param name="Module">The layer's description, e.g. <c>Linear(784 → 128)</c>.</param>
/// <param name="Mean">Mean of the finite output values (NaN when there are none).</param>
/// <param name="Std">Standard deviation of the finite output values.</param>
/// <param name="Histogram">The output values' histogram.</param>
/// <param name="DeadFraction">For ReLU outputs: the fraction of units (features, or channels of an image) that were never
/// positive over the interval; otherwise null.</param>
/// <param name="SaturatedFraction">For tanh outputs the fraction with |y| &gt; 0.99, for sigmoid outputs the fraction
/// outside [0.01, 0.99]; otherwise null.</param>
/// <param name="GradientNorm">‖∇θ‖ over the layer's own parameters at the sampled step; null for a layer without
/// parameters or outside training.</param>
/// <param name="UpdateRatio">‖Δθ‖ / ‖θ‖ of the sampled optimizer step; null where there was no step or ‖θ‖ = 0.</param>
public sealed record LayerDiagnostics(string Layer, string Module, double Mean, double Std, Histogram Histogram,
    double? DeadFraction, double? SaturatedFraction, double? GradientNorm, double? UpdateRatio);

/// <summary>A problem diagnostics found in a layer and the remedy the lecture notes give for it.</summary>
public sealed record DiagnosticWarning(string Layer, string Module, string Problem, string Remedy)
{
    /// <summary><c>layer 3 (ReLU): 62 % of ReLUs dead — lower the learning rate or use Leaky ReLU</c>.</summary>
    public override string ToString() => $"layer {Layer} ({Module}): {Problem} — {Remedy}";
}

/// <summary>Diagnostics of every observed layer at one training step (or of one forward pass, for
/// <see cref="Diagnostics.Measure"/>), with the warnings they raised.</summary>
/// <param name="Epoch">The epoch (0 for a measurement outside training).</param>
/// <param name="Batch">The batch within the epoch.</param>
/// <param name="Step">Optimizer steps since Fit began, counting this one.</param>
/// <param name="Layers">The observed layers in model order.</param>
/// <param name="Warnings">What looked wrong, with remedies.</param>
public sealed record DiagnosticsSnapshot(int Epoch, int Batch, long Step, IReadOnlyList<LayerDiagnostics> Layers, IReadOnlyList<DiagnosticWarning> Warnings)
{
    /// <summary>The row of layer <paramref name="layer"/> (its dotted path).</summary>
    /// <exception cref="KeyNotFoundException">No observed layer has that path.</exception>
    public LayerDiagnostics this[string layer] => Layers.FirstOrDefault(l => l.Layer == layer)
        ?? throw new KeyNotFoundException($"diagnostics: no observed layer '{layer}' (observed: {string.Join(", ", Layers.Select(l => l.Layer))})");

    /// <summary>A fixed-width table: layer, module, mean, std, dead %, saturated %, gradient norm, update ratio; then the warnings.</summary>
    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.Append(c, $"{"layer",-10} {"module",-24} {"mean",10} {"std",10} {"dead",6} {"satur.",6} {"grad norm",10} {"update/w",9}\n");
        static string P(double? f) => f is { } v ? (100 * v).ToString("0", CultureInfo.InvariantCulture) + " %" : "";
        static string G(double v) => double.IsNaN(v) ? "NaN" : v.ToString("0.###e+0", CultureInfo.InvariantCulture);
        foreach (var l in Layers)
        {
            string module = l.Module.Length > 24 ? l.Module[..23] + "…" : l.Module;
            sb.Append(c, $"{l.Layer,-10} {module,-24} {G(l.Mean),10} {G(l.Std),10} {P(l.DeadFraction),6} {P(l.SaturatedFraction),6} {(l.GradientNorm is { } g ? G(g) : ""),10} {(l.UpdateRatio is { } u ? G(u) : ""),9}\n");
        }
        foreach (var w in Warnings) sb.Append(c, $"warning: {w}\n");
        return sb.ToString();
    }
}
