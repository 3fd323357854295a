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

    public Dropout2d(double p = 0.5, Generator? generator = null)
    {
        P = Dropout.CheckP("Dropout2d", p);
        this.generator = generator ?? Generator.Default;
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank is not (3 or 4))
            throw new ShapeException($"{Describe()} expects [N, C, H, W] or [C, H, W], got {ConvChecks.Format(x)}");
        if (!IsTraining || P == 0) return x;
        int[] maskShape = x.Rank == 4 ? [x.Shape[0], x.Shape[1], 1, 1] : [x.Shape[0], 1, 1];
        // one Bernoulli(1 − p) draw per (sample, channel), broadcast over the feature map
        return Dropout.Drop(x, P, maskShape, generator);
    }

    public override string Describe() => $"Dropout2d(p={P})";
}
