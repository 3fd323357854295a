namespace Neurite.Data;

/// <summary>
/// A per-feature affine map x' = (x − shift) / scale, fitted on training features and then applied
/// unchanged to dev and test features (seed 003: normalise with the training set's statistics, reuse
/// them everywhere else, so every split sees the same transformation).
/// </summary>
/// <remarks>
/// Features are [N, ...]; everything after the first dimension is one feature vector of length D, and
/// statistics are per position in it (for images: per pixel). Statistics are accumulated in double.
/// </remarks>
public abstract class FeatureScaler
{
    double[]? shift, scale;

    /// <summary>True once <see cref="Fit(Tensor)"/> has run.</summary>
    public bool IsFitted => shift is not null;

    /// <summary>Per-feature value subtracted (length D).</summary>
    public ReadOnlySpan<double> Shift => Fitted("Shift").shift;

    /// <summary>Per-feature divisor (length D); 1 where a feature is constant.</summary>
    public ReadOnlySpan<double> Scale => Fitted("Scale").scale;

    /// <summary>Computes the statistics of <paramref name="features"/> [N, ...]; returns this scaler.</summary>
    /// <exception cref="ArgumentException">The features are not floating point or have no rows.</exception>
    public FeatureScaler Fit(Tensor features)
    {
        var (rows, d) = Rows(features, nameof(Fit), needFitted: false);
        if (rows.Length == 0) throw new ArgumentException($"{GetType().Name}.Fit: needs at least one sample, got shape {Shape.Format(features.Shape)}", nameof(features));
        (shift, scale) = Statistics(rows, rows.Length / d, d);
        for (int j = 0; j < d; j++)
            if (!(scale[j] > 0) || !double.IsFinite(scale[j])) scale[j] = 1;   // constant feature: leave unscaled, never divide by 0
        return this;
    }

    /// <summary>Fits on the training part's features.</summary>
    public FeatureScaler Fit(TensorDataset train) => Fit(train.Features);

    /// <summary>(x − shift) / scale, as a new tensor of the same shape and dtype.</summary>
    /// <exception cref="InvalidOperationException">Called before <see cref="Fit(Tensor)"/>.</exception>
    /// <exception cref="ShapeException">The feature size differs from the one fitted.</exception>
    public Tensor Transform(Tensor features)
    {
        var (x, d) = Rows(features, nameof(Transform), needFitted: true);
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = (x[i] - shift![i % d]) / scale![i % d];
        return Build(y, features);
    }

    /// <summary>The same data set with transformed features (labels shared).</summary>
    public TensorDataset Transform(TensorDataset data) => data.WithFeatures(Transform(data.Features));

    /// <summary>x · scale + shift: undoes <see cref="Transform(Tensor)"/>.</summary>
    public Tensor InverseTransform(Tensor features)
    {
        var (x, d) = Rows(features, nameof(InverseTransform), needFitted: true);
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = x[i] * scale![i % d] + shift![i % d];
        return Build(y, features);
    }

    /// <summary>Fit, then transform the same features.</summary>
    public Tensor FitTransform(Tensor features) => Fit(features).Transform(features);

    /// <summary>The per-feature (shift, scale) of the rows, each of length <paramref name="d"/>.</summary>
    private protected abstract (double[] shift, double[] scale) Statistics(double[] x, int n, int d);

    (FeatureScaler self, double[] shift, double[] scale) Fitted(string what) =>
        shift is null ? throw new InvalidOperationException($"{GetType().Name}.{what}: call Fit on the training features first") : (this, shift, scale!);

    (double[] values, int d) Rows(Tensor features, string op, bool needFitted)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (needFitted) Fitted(op);
        if (!features.DType.IsFloatingPoint() || features.Rank < 1)
            throw new ArgumentException($"{GetType().Name}.{op}: expects floating-point features [N, ...], got {features.DType.Name()} {Shape.Format(features.Shape)}", nameof(features));
        int d = 1;
        for (int i = 1; i < features.Rank; i++) d *= features.Size(i);
        if (d == 0) throw new ArgumentException($"{GetType().Name}.{op}: samples have no features, got shape {Shape.Format(features.Shape)}", nameof(features));
        if (needFitted && d != shift!.Length)
            throw new ShapeException($"{GetType().Name}.{op}: fitted on {shift.Length} features per sample, got shape {Shape.Format(features.Shape)} ({d} per sample)");
        return (features.ToDoubleArray(), d);
    }

    static Tensor Build(double[] values, Tensor like)
    {
        var t = Tensor.FromArray(values, like.Shape.ToArray());
        return like.DType == DType.Float64 ? t : t.To(like.DType);
    }
}

/// <summary>Standardises each feature to mean 0 and standard deviation 1: x' = (x − μ) / σ.</summary>
/// <remarks>
/// μ and σ are the training features' per-feature mean and population standard deviation
/// (σ² = mean of (x − μ)², as scikit-learn's <c>StandardScaler</c>). A feature with σ = 0 is only centred.
/// <code>
/// var scaler = new StandardScaler().Fit(split.Train);
/// var train = scaler.Transform(split.Train);
/// var test = scaler.Transform(split.Test);   // train's μ and σ, not test's
/// </code>
/// </remarks>
public sealed class StandardScaler : FeatureScaler
{
    /// <summary>Per-feature training mean μ.</summary>
    public ReadOnlySpan<double> Mean => Shift;

    /// <summary>Per-feature training standard deviation σ (1 for constant features).</summary>
    public ReadOnlySpan<double> Std => Scale;

    private protected override (double[] shift, double[] scale) Statistics(double[] x, int n, int d)
    {
        var mean = new double[d];
        var sq = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += x[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        // Two passes: Σ(x − μ)² does not cancel catastrophically the way Σx² − nμ² does.
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) { double e = x[i * d + j] - mean[j]; sq[j] += e * e; }
        for (int j = 0; j < d; j++) sq[j] = Math.Sqrt(sq[j] / n);
        return (mean, sq);
    }
}

/// <summary>Rescales each feature linearly so the training minimum maps to <see cref="Low"/> and the maximum to <see cref="High"/>.</summary>
/// <remarks>x' = Low + (x − min) · (High − Low) / (max − min); a constant feature maps to Low. Dev and test
/// values outside the training range land outside [Low, High], as they should.</remarks>
public sealed class MinMaxScaler : FeatureScaler
{
    /// <summary>A scaler onto [<paramref name="low"/>, <paramref name="high"/>] (default [0, 1]).</summary>
    /// <exception cref="ArgumentException"><paramref name="low"/> is not below <paramref name="high"/>.</exception>
    public MinMaxScaler(double low = 0, double high = 1)
    {
        if (!(low < high)) throw new ArgumentException($"MinMaxScaler: low ({low}) must be below high ({high})");
        (Low, High) = (low, high);
    }

    /// <summary>Target of each feature's training minimum.</summary>
    public double Low { get; }

    /// <summary>Target of each feature's training maximum.</summary>
    public double High { get; }

    // As an affine map: x' = (x − shift) / scale with scale = (max − min) / (High − Low), shift = min − Low·scale.
    private protected override (double[] shift, double[] scale) Statistics(double[] x, int n, int d)
    {
        var min = new double[d];
        var max = new double[d];
        min.AsSpan().Fill(double.PositiveInfinity);
        max.AsSpan().Fill(double.NegativeInfinity);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) { double v = x[i * d + j]; min[j] = Math.Min(min[j], v); max[j] = Math.Max(max[j], v); }
        var scale = new double[d];
        var shift = new double[d];
        for (int j = 0; j < d; j++)
        {
            scale[j] = max[j] > min[j] ? (max[j] - min[j]) / (High - Low) : 1;
            shift[j] = min[j] - Low * scale[j];
        }
        return (shift, scale);
    }
}
