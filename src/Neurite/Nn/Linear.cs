namespace Neurite.Nn;

/// <summary>
/// Fully connected layer: y = x·Wᵀ + b, with W of shape [out, in] (PyTorch's layout).
/// Input [*, in] → output [*, out].
/// </summary>
/// <example><code>var layer = new Linear(784, 128, init: Init.HeNormal());</code></example>
public sealed class Linear : Module
{
    /// <summary>Weight [out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias [out], or null.</summary>
    public Tensor? Bias { get; }

    public int InFeatures { get; }
    public int OutFeatures { get; }

    /// <param name="inFeatures">Size of each input sample.</param>
    /// <param name="outFeatures">Size of each output sample.</param>
    /// <param name="bias">Whether to learn an additive bias.</param>
    /// <param name="init">Weight initialiser; default U(±1/√in) like PyTorch. The bias uses the same bound.</param>
    /// <param name="generator">Random source; default <see cref="Generator.Default"/>.</param>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Init? init = null, Generator? generator = null)
    {
        if (inFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), inFeatures, "Linear: inFeatures must be positive");
        if (outFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), outFeatures, "Linear: outFeatures must be positive");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var g = generator ?? Generator.Default;
        Weight = RegisterParameter("weight", Tensor.Zeros(outFeatures, inFeatures));
        (init ?? Init.LeCunUniform).Fill(Weight, g);
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros(outFeatures));
            double bound = 1 / Math.Sqrt(inFeatures);
            if (init is null) Init.Write(Bias, Tensor.Uniform([outFeatures], -bound, bound, g));
        }
    }

    public override Tensor Forward(Tensor x)
    {
        CheckInput(x);
        return Tensor.Linear(x, Weight, Bias);
    }

    /// <summary>ReLU(Forward(x)) in one op (<see cref="Sequential"/> uses it for a Linear followed by a ReLU).</summary>
    internal Tensor ForwardRelu(Tensor x)
    {
        CheckInput(x);
        return Tensor.LinearRelu(x, Weight, Bias);
    }

    void CheckInput(Tensor x)
    {
        if (x.Rank == 0 || x.Shape[^1] != InFeatures)
            throw new ShapeException($"{Describe()} expects input [*, {InFeatures}], got [{string.Join(", ", x.Shape.ToArray())}]");
    }

    public override string Describe() => $"Linear({InFeatures} → {OutFeatures}{(Bias is null ? ", bias=False" : "")})";
}
