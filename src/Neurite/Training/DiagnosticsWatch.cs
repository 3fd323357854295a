using Neurite.Nn;

namespace Neurite.Training;

/// <summary>What <see cref="Diagnostics"/> keeps of one layer between samples: which ReLU units were positive in the
/// interval, the sampled batch's statistics, and the gradient norm and weights before the sampled step.</summary>
internal sealed class Watched(string name, Module module)
{
    public string Name { get; } = name;
    public Module Module { get; } = module;

    /// <summary>The activation the layer's output went through (its own module's, or the one a Linear/conv applies).</summary>
    public Activation Activation { get; } = module is IActivationModule a ? a.Activation : module is IActivatable l ? l.Activation : Activation.None;

    /// <summary>Set by the trainer during a training batch: forward passes outside one (validation) are not observed.</summary>
    public bool Active { get; set; }

    bool[]? everPositive;
    (double mean, double std, Histogram histogram, double? saturated)? sample;
    double? gradNorm;
    float[][]? before;

    public bool HasSample => sample is not null;

    bool IsRelu => Activation.Name == "relu";

    /// <summary>One forward output of the layer: dead units tracked on every batch, statistics on a sampled one.</summary>
    public void Observe(Tensor y, bool sampling, int bins)
    {
        if (!Active || !y.DType.IsFloatingPoint()) return;
        var c = y.Detach().Contiguous();
        float[] values = c.DType == DType.Float32 ? c.Span<float>().ToArray() : c.ToFloatArray();
        if (IsRelu) TrackPositive(values, c.Shape);
        if (!sampling) return;
        double sum = 0, sumSq = 0;
        long n = 0, saturated = 0;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            sum += v;
            sumSq += (double)v * v;
            n++;
            if (Activation.Name == "tanh" ? Math.Abs(v) > 0.99f : Activation.Name == "sigmoid" && (v < 0.01f || v > 0.99f)) saturated++;
        }
        double mean = n == 0 ? double.NaN : sum / n;
        double std = n == 0 ? double.NaN : Math.Sqrt(Math.Max(0, sumSq / n - mean * mean));
        bool saturates = Activation.Name is "tanh" or "sigmoid";
        sample = (mean, std, Histogram.Of(values, bins), saturates && n > 0 ? (double)saturated / n : null);
    }

    /// <summary>Units are features (the last dimension), or channels of an image batch [N, C, H, W].</summary>
    void TrackPositive(float[] values, ReadOnlySpan<int> shape)
    {
        int units = shape.Length == 4 ? shape[1] : shape.Length == 0 ? 1 : shape[^1];
        int inner = shape.Length == 4 ? shape[2] * shape[3] : 1;
        if (everPositive is null || everPositive.Length != units) everPositive = new bool[units];
        for (int i = 0; i < values.Length; i++)
            if (values[i] > 0) everPositive[shape.Length == 4 ? i / inner % units : i % units] = true;
    }

    public void BeforeStep()
    {
        var parameters = Module.Parameters();
        double sq = 0;
        bool any = false;
        foreach (var p in parameters)
            if (p.Grad is { } g) { any = true; foreach (float v in g.Detach().Contiguous().ToFloatArray()) sq += (double)v * v; }
        gradNorm = any ? Math.Sqrt(sq) : null;
        before = any ? parameters.Select(p => p.Detach().ToFloatArray()).ToArray() : null;
    }

    /// <summary>The sampled statistics as a row, and starts the next interval.</summary>
    public LayerDiagnostics Take()
    {
        var (mean, std, histogram, saturated) = sample!.Value;
        double? dead = IsRelu && everPositive is { Length: > 0 } e ? (double)e.Count(p => !p) / e.Length : null;
        double? ratio = null;
        if (before is not null)
        {
            var parameters = Module.Parameters();
            double delta = 0, norm = 0;
            for (int i = 0; i < parameters.Count; i++)
            {
                var now = parameters[i].Detach().ToFloatArray();
                for (int k = 0; k < now.Length; k++) { double d = now[k] - before[i][k]; delta += d * d; norm += (double)before[i][k] * before[i][k]; }
            }
            ratio = norm > 0 ? Math.Sqrt(delta) / Math.Sqrt(norm) : null;
        }
        var row = new LayerDiagnostics(Name, Module.Describe(), mean, std, histogram, dead, saturated, gradNorm, ratio);
        (sample, everPositive, gradNorm, before) = (null, null, null, null);
        return row;
    }
}
