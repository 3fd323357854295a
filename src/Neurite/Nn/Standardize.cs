namespace Neurite.Nn;

/// <summary>
/// A fixed preprocessing layer: (x − mean)/std per feature (the last dimension), with the statistics of
/// the training split stored as buffers, so a saved model carries its own normalisation and dev/test
/// data are scaled exactly as the training data were (seed 003). Nothing in it is trained.
/// </summary>
public sealed class Standardize : Module
{
    /// <summary>The per-feature mean [features], float32 (buffer "mean").</summary>
    public Tensor Mean { get; }
    /// <summary>The per-feature standard deviation [features], float32 (buffer "std"); values that were not positive are stored as 1.</summary>
    public Tensor Std { get; }

    /// <summary>A layer with the given statistics (e.g. of the training split).</summary>
    /// <param name="mean">The mean of each feature.</param>
    /// <param name="std">The standard deviation of each feature; a value ≤ 0 or NaN (a constant feature) becomes 1, leaving it unscaled.</param>
    /// <exception cref="ArgumentException">The two lengths differ or are zero.</exception>
    public Standardize(ReadOnlySpan<double> mean, ReadOnlySpan<double> std)
    {
        if (mean.Length != std.Length || mean.Length == 0)
            throw new ArgumentException($"Standardize: mean ({mean.Length}) and std ({std.Length}) must have the same non-zero length");
        var s = std.ToArray();
        for (int i = 0; i < s.Length; i++)
            if (!(s[i] > 0)) s[i] = 1;  // a constant feature is left unscaled rather than divided by zero
        Mean = RegisterBuffer("mean", Tensor.FromArray(mean.ToArray()).To(DType.Float32));
        Std = RegisterBuffer("std", Tensor.FromArray(s).To(DType.Float32));
    }

    /// <summary>An identity-initialised layer of <paramref name="features"/> features (for loading saved statistics).</summary>
    public Standardize(int features) : this(new double[features], Enumerable.Repeat(1.0, features).ToArray()) { }

    /// <summary>The number of features (the input's last dimension).</summary>
    public int Features => Mean.NumEl;

    /// <summary>[*, features] → the same shape: (x − mean)/std, per feature.</summary>
    /// <exception cref="ShapeException">The input's last dimension is not <see cref="Features"/>.</exception>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank == 0 || x.Shape[^1] != Features)
            throw new ShapeException($"{Describe()} expects input [*, {Features}], got [{string.Join(", ", x.Shape.ToArray())}]");
        return x.Sub(Mean).Div(Std);
    }

    /// <summary><c>Standardize(features)</c>.</summary>
    public override string Describe() => $"Standardize({Features})";
}
