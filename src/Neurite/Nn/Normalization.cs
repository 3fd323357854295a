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

    public double Eps { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }

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

    public LayerNorm(int features, double eps = 1e-5) : this([features], eps) { }

    public override Tensor Forward(Tensor x)
    {
        int k = normalizedShape.Length;
        if (x.Rank < k || !x.Shape[^k..].SequenceEqual(normalizedShape))
            throw new ShapeException($"{Describe()} expects input [*, {string.Join(", ", normalizedShape)}], got [{string.Join(", ", x.Shape.ToArray())}]");
        var axes = Enumerable.Range(x.Rank - k, k).ToArray();
        var y = x.Sub(x.Mean(axes, keepDim: true)).Div(x.Var(axes, keepDim: true, correction: 0).Add(Eps).Sqrt());
        return Weight is null ? y : y.Mul(Weight).Add(Bias!);
    }

    public override string Describe() => $"LayerNorm([{string.Join(", ", normalizedShape)}])";
}
