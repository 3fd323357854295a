namespace Neurite.Nn;

/// <summary>
/// Batch normalisation per channel (Ioffe &amp; Szegedy 2015): y = γ·(x − μ)/√(σ² + ε) + β over input [N, C, *].
/// In training μ and σ² are the batch's, over every dimension but the channel one, and the running averages are
/// updated: running = (1 − momentum)·running + momentum·batch (the variance unbiased, ·M/(M − 1) with M values per
/// channel); in evaluation the running statistics are used. γ (ones) and β (zeros) are learnable when <c>affine</c>.
/// </summary>
/// <remarks>Computed by one fused op (<see cref="Tensor.BatchNorm"/>) with the closed-form backward
/// dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)). <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/> differ only in the
/// input ranks they accept.</remarks>
public abstract class BatchNorm : Module
{
    /// <summary>The number of channels C (dimension 1 of the input).</summary>
    public int NumFeatures { get; }
    /// <summary>ε added to the variance before the square root (default 1e-5; positive).</summary>
    public double Eps { get; }
    /// <summary>The running statistics' update weight (default 0.1, as PyTorch; in [0, 1]): running = (1 − momentum)·running + momentum·batch.</summary>
    public double Momentum { get; }

    /// <summary>γ [C], or null without affine.</summary>
    public Tensor? Weight { get; }

    /// <summary>β [C], or null without affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>Running mean [C] (a buffer).</summary>
    public Tensor RunningMean { get; }

    /// <summary>Running unbiased variance [C] (a buffer).</summary>
    public Tensor RunningVar { get; }

    private protected BatchNorm(string layer, int numFeatures, double eps, double momentum, bool affine)
    {
        if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, $"{layer}: numFeatures must be positive");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{layer}: eps must be positive");
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"{layer}: momentum must be in [0, 1]");
        (NumFeatures, Eps, Momentum) = (numFeatures, eps, momentum);
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(numFeatures));
            Bias = RegisterParameter("bias", Tensor.Zeros(numFeatures));
        }
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
    }

    /// <summary>The shape the input must have, for the error message, e.g. <c>[N, 16, H, W]</c>; null when <paramref name="x"/> fits.</summary>
    private protected abstract string? ExpectedShape(Tensor x);

    /// <summary>y = γ·(x − μ)/√(σ² + ε) + β per channel, same shape as the input; in training with the batch's statistics
    /// (and the running ones updated), in evaluation with the running ones.</summary>
    /// <exception cref="ShapeException">The input's rank or channel count does not fit the layer, or in training a
    /// channel has a single value (its variance is undefined).</exception>
    public override Tensor Forward(Tensor x)
    {
        if (ExpectedShape(x) is { } expected)
            throw new ShapeException($"{Describe()} expects {expected}, got {ConvChecks.Format(x)}");
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
}

/// <summary>Batch normalisation of features [N, C] or sequences [N, C, L]; see <see cref="BatchNorm"/>.</summary>
/// <example><code>var bn = new BatchNorm1d(128);  // after a Linear(…, 128), before the activation</code></example>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true)
    : BatchNorm("BatchNorm1d", numFeatures, eps, momentum, affine)
{
    private protected override string? ExpectedShape(Tensor x) =>
        x.Rank is 2 or 3 && x.Shape[1] == NumFeatures ? null : $"input [N, {NumFeatures}] or [N, {NumFeatures}, L]";

    /// <summary><c>BatchNorm1d(C)</c>.</summary>
    public override string Describe() => $"BatchNorm1d({NumFeatures})";
}

/// <summary>Batch normalisation of images [N, C, H, W] per channel; see <see cref="BatchNorm"/>.</summary>
/// <example><code>var bn = new BatchNorm2d(16);  // after a Conv2d(…, 16, …), before the ReLU</code></example>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true)
    : BatchNorm("BatchNorm2d", numFeatures, eps, momentum, affine)
{
    private protected override string? ExpectedShape(Tensor x) =>
        x.Rank == 4 && x.Shape[1] == NumFeatures ? null : $"[N, {NumFeatures}, H, W]";

    /// <summary><c>BatchNorm2d(C)</c>.</summary>
    public override string Describe() => $"BatchNorm2d({NumFeatures})";
}
