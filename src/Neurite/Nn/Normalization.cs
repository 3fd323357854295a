namespace Neurite.Nn;

/// <summary>
/// Layer normalisation (Ba et al. 2016): normalises over the last dimensions given by
/// <c>normalizedShape</c>, per sample, with learnable elementwise scale and shift. Same in training and evaluation.
/// </summary>
public sealed class LayerNorm : Module
{
    readonly int[] normalizedShape;

    /// <summary>The trailing dimensions normalised over.</summary>
    public IReadOnlyList<int> NormalizedShape => normalizedShape;

    /// <summary>ε added to the variance before the square root (default 1e-5).</summary>
    public double Eps { get; }
    /// <summary>The scale γ of <see cref="NormalizedShape"/>, starting at ones; null without elementwise affine.</summary>
    public Tensor? Weight { get; }
    /// <summary>The shift β of <see cref="NormalizedShape"/>, starting at zeros; null without elementwise affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>Normalises over the trailing dimensions <paramref name="normalizedShape"/> (<c>torch.nn.LayerNorm(normalized_shape, eps, elementwise_affine)</c>).</summary>
    /// <param name="normalizedShape">The trailing shape normalised over, e.g. [512] or [C, H, W].</param>
    /// <param name="eps">Added to the variance (default 1e-5).</param>
    /// <param name="elementwiseAffine">Whether to learn γ and β of that shape (default true).</param>
    /// <exception cref="ArgumentException"><paramref name="normalizedShape"/> is empty or has a dimension below 1.</exception>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true)
    {
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentException($"LayerNorm: normalizedShape must be non-empty and positive, got [{string.Join(", ", normalizedShape)}]");
        this.normalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(normalizedShape));
            Bias = RegisterParameter("bias", Tensor.Zeros(normalizedShape));
        }
    }

    /// <summary>Normalises over the last dimension of size <paramref name="features"/>, with γ and β.</summary>
    /// <exception cref="ArgumentException"><paramref name="features"/> is below 1.</exception>
    public LayerNorm(int features, double eps = 1e-5) : this([features], eps) { }

    /// <summary>[*, normalizedShape] → the same shape: y = (x − μ)/√(σ² + ε)·γ + β, with μ and the biased variance σ²
    /// taken per sample over the normalised dimensions.</summary>
    /// <exception cref="ShapeException">The input does not end in <see cref="NormalizedShape"/>.</exception>
    public override Tensor Forward(Tensor x)
    {
        int k = normalizedShape.Length;
        if (x.Rank < k || !x.Shape[^k..].SequenceEqual(normalizedShape))
            throw new ShapeException($"{Describe()} expects input [*, {string.Join(", ", normalizedShape)}], got [{string.Join(", ", x.Shape.ToArray())}]");
        var axes = Enumerable.Range(x.Rank - k, k).ToArray();
        var y = x.Sub(x.Mean(axes, keepDim: true)).Div(x.Var(axes, keepDim: true, correction: 0).Add(Eps).Sqrt());
        return Weight is null ? y : y.Mul(Weight).Add(Bias!);
    }

    /// <summary>E.g. <c>LayerNorm([512])</c>.</summary>
    public override string Describe() => $"LayerNorm([{string.Join(", ", normalizedShape)}])";
}
