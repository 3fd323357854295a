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

    /// <summary>Dropout with probability <paramref name="p"/> (<c>torch.nn.Dropout(p)</c>).</summary>
    /// <param name="p">Probability of zeroing an element, in [0, 1) (default 0.5).</param>
    /// <param name="generator">Random source of the masks; default <see cref="Generator.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1).</exception>
    public Dropout(double p = 0.5, Generator? generator = null)
    {
        P = CheckP("Dropout", p);
        this.generator = generator ?? Generator.Default;
    }

    /// <summary>In training x·m/(1 − p) with m a fresh Bernoulli(1 − p) mask of x's shape; in evaluation (or p = 0) x itself.
    /// Any shape → the same shape.</summary>
    public override Tensor Forward(Tensor x)
    {
        if (!IsTraining || P == 0) return x;
        return Drop(x, P, x.Shape.ToArray(), generator);
    }

    internal static double CheckP(string layer, double p) =>
        p >= 0 && p < 1 ? p : throw new ArgumentOutOfRangeException(nameof(p), p, $"{layer}: p must be in [0, 1)");

    /// <summary>x times a Bernoulli(1 − p) mask of <paramref name="maskShape"/> (broadcast against x), scaled by 1/(1 − p).</summary>
    internal static Tensor Drop(Tensor x, double p, int[] maskShape, Generator generator)
    {
        var keep = Tensor.Rand(maskShape, generator, x.DType).Gt(Tensor.Scalar(p, x.DType));
        return x.Mul(keep.Mul(1 / (1 - p)));
    }

    /// <summary><c>Dropout(p=0.5)</c>.</summary>
    public override string Describe() => $"Dropout(p={P})";
}
