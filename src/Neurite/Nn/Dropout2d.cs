namespace Neurite.Nn;

/// <summary>
/// Channel dropout for [N, C, H, W] (or [C, H, W]) feature maps (Tompson et al. 2015): in training each whole
/// channel of each sample is zeroed with probability <c>p</c> and the kept ones scaled by 1/(1 − p); identity in
/// evaluation. Neighbouring pixels of a feature map are strongly correlated, so dropping single pixels barely
/// regularises a convolutional layer; dropping whole maps does.
/// </summary>
public sealed class Dropout2d : Module
{
    readonly Generator generator;

    /// <summary>Probability of zeroing a channel, in [0, 1).</summary>
    public double P { get; }

    /// <summary>Channel dropout with probability <paramref name="p"/> (<c>torch.nn.Dropout2d(p)</c>).</summary>
    /// <param name="p">Probability of zeroing a channel, in [0, 1) (default 0.5).</param>
    /// <param name="generator">Random source of the masks; default <see cref="Generator.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1).</exception>
    public Dropout2d(double p = 0.5, Generator? generator = null)
    {
        P = Dropout.CheckP("Dropout2d", p);
        this.generator = generator ?? Generator.Default;
    }

    /// <summary>[N, C, H, W] (or [C, H, W]) → the same shape: in training each (sample, channel) map is zeroed with
    /// probability p or scaled by 1/(1 − p); in evaluation (or p = 0) x itself.</summary>
    /// <exception cref="ShapeException">The input is not rank 3 or 4 (checked in evaluation too).</exception>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank is not (3 or 4))
            throw new ShapeException($"{Describe()} expects [N, C, H, W] or [C, H, W], got {ConvChecks.Format(x)}");
        if (!IsTraining || P == 0) return x;
        int[] maskShape = x.Rank == 4 ? [x.Shape[0], x.Shape[1], 1, 1] : [x.Shape[0], 1, 1];
        // one Bernoulli(1 − p) draw per (sample, channel), broadcast over the feature map
        return Dropout.Drop(x, P, maskShape, generator);
    }

    /// <summary><c>Dropout2d(p=0.5)</c>.</summary>
    public override string Describe() => $"Dropout2d(p={P})";
}
