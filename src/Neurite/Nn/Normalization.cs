namespace Neurite.Nn;

/// <summary>
/// Batch normalisation over [N, C] or [N, C, L] input (Ioffe &amp; Szegedy 2015): in training,
/// x̂ = (x − μ_B)/√(σ²_B + ε) with the batch's statistics per channel, and running averages are
/// updated (running = (1 − momentum)·running + momentum·batch, the variance unbiased); in evaluation
/// the running statistics are used. y = γ·x̂ + β with learnable scale γ and shift β.
/// </summary>
public sealed class BatchNorm1d : Module
{
    public int NumFeatures { get; }
    public double Eps { get; }
    public double Momentum { get; }
    public Tensor? Weight { get; }
    public Tensor? Bias { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }

    public BatchNorm1d(int numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true)
    {
        if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, "BatchNorm1d: numFeatures must be positive");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "BatchNorm1d: eps must be positive");
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "BatchNorm1d: momentum must be in [0, 1]");
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
        if (x.Rank is not (2 or 3) || x.Shape[1] != NumFeatures)
            throw new ShapeException($"{Describe()} expects input [N, {NumFeatures}] or [N, {NumFeatures}, L], got [{string.Join(", ", x.Shape.ToArray())}]");
        int[] axes = x.Rank == 2 ? [0] : [0, 2];
        int[] channelShape = x.Rank == 2 ? [1, NumFeatures] : [1, NumFeatures, 1];
        Tensor mean, variance;
        if (IsTraining)
        {
            int count = x.NumEl / NumFeatures;
            if (count < 2) throw new ShapeException($"{Describe()}: training needs more than one value per channel, got input [{string.Join(", ", x.Shape.ToArray())}]");
            mean = x.Mean(axes, keepDim: true);
            variance = x.Var(axes, keepDim: true, correction: 0);
            using (Autograd.NoGrad())
            {
                var unbiased = variance.Reshape(NumFeatures).Mul((double)count / (count - 1));
                RunningMean.CopyFrom(RunningMean.Mul(1 - Momentum).Add(mean.Reshape(NumFeatures).Mul(Momentum)));
                RunningVar.CopyFrom(RunningVar.Mul(1 - Momentum).Add(unbiased.Mul(Momentum)));
            }
        }
        else
        {
            mean = RunningMean.Reshape(channelShape);
            variance = RunningVar.Reshape(channelShape);
        }
        var y = x.Sub(mean).Div(variance.Add(Eps).Sqrt());
        if (Weight is not null) y = y.Mul(Weight.Reshape(channelShape)).Add(Bias!.Reshape(channelShape));
        return y;
    }

    public override string Describe() => $"BatchNorm1d({NumFeatures})";
}

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
