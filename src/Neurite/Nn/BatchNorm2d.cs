namespace Neurite.Nn;

/// <summary>
/// Batch normalisation of images [N, C, H, W] per channel (Ioffe &amp; Szegedy 2015): y = γ·(x − μ)/√(σ² + ε) + β.
/// In training μ and σ² are the batch's, over N, H and W, and the running averages are updated:
/// running = (1 − momentum)·running + momentum·batch (the variance unbiased, ·M/(M − 1) with M = N·H·W);
/// in evaluation the running statistics are used. γ (ones) and β (zeros) are learnable when <c>affine</c>.
/// </summary>
/// <remarks>Computed by one fused op (<see cref="Tensor.BatchNorm"/>) with the closed-form backward
/// dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)).</remarks>
/// <example><code>var bn = new BatchNorm2d(16);  // after a Conv2d(…, 16, …), before the ReLU</code></example>
public sealed class BatchNorm2d : Module
{
    public int NumFeatures { get; }
    public double Eps { get; }
    public double Momentum { get; }

    /// <summary>γ [C], or null without affine.</summary>
    public Tensor? Weight { get; }

    /// <summary>β [C], or null without affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>Running mean [C] (a buffer).</summary>
    public Tensor RunningMean { get; }

    /// <summary>Running unbiased variance [C] (a buffer).</summary>
    public Tensor RunningVar { get; }

    public BatchNorm2d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true)
    {
        if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, "BatchNorm2d: numFeatures must be positive");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "BatchNorm2d: eps must be positive");
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "BatchNorm2d: momentum must be in [0, 1]");
        (NumFeatures, Eps, Momentum) = (numFeatures, eps, momentum);
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(numFeatures));
            Bias = RegisterParameter("bias", Tensor.Zeros(numFeatures));
        }
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
    }

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[1] != NumFeatures)
            throw new ShapeException($"{Describe()} expects [N, {NumFeatures}, H, W], got {ConvChecks.Format(x)}");
        if (IsTraining && x.NumEl / NumFeatures < 2)
            throw new ShapeException($"{Describe()}: training needs more than one value per channel, got {ConvChecks.Format(x)}");
        var (mean, variance) = x.DType == RunningMean.DType ? (RunningMean, RunningVar) : (RunningMean.To(x.DType), RunningVar.To(x.DType));
        var y = Tensor.BatchNorm(x, Weight?.DType == x.DType ? Weight : Weight?.To(x.DType), Bias?.DType == x.DType ? Bias : Bias?.To(x.DType),
            mean, variance, IsTraining, Momentum, Eps);
        if (IsTraining && !ReferenceEquals(mean, RunningMean))
        {
            RunningMean.CopyFrom(mean);
            RunningVar.CopyFrom(variance);
        }
        return y;
    }

    public override string Describe() => $"BatchNorm2d({NumFeatures})";
}
