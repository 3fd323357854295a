namespace Neurite.Nn;

/// <summary>
/// Inverted dropout: in training, zeroes each element with probability <c>p</c> and scales the kept ones
/// by 1/(1 − p), so evaluation needs no rescaling; in evaluation it is the identity. Seed 003 speaks of
/// the keep probability, which is 1 − p.
/// </summary>
public sealed class Dropout : Module
{
    readonly Generator generator;

    /// <summary>Probability of zeroing an element, in [0, 1).</summary>
    public double P { get; }

    public Dropout(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1)");
        P = p;
        this.generator = generator ?? Generator.Default;
    }

    public override Tensor Forward(Tensor x)
    {
        if (!IsTraining || P == 0) return x;
        var keep = Tensor.Rand(x.Shape.ToArray(), generator, x.DType).Gt(Tensor.Scalar(P, x.DType));
        return x.Mul(keep.Mul(1 / (1 - P)));
    }

    public override string Describe() => $"Dropout(p={P})";
}
