using Neurite.Nn;
using static Neurite.Tests.Nn.Approx;

namespace Neurite.Tests.Nn;

public class DropoutTests
{
    [Fact]
    public void EvalIsTheIdentity()
    {
        var d = new Dropout(0.5);
        d.Eval();
        var x = Tensor.Randn([10, 10], new Generator(1));
        Assert.Same(x, d.Forward(x));
    }

    [Fact]
    public void TrainZeroesAboutPAndScalesTheRestPreservingTheMean()
    {
        const double p = 0.3;
        var d = new Dropout(p, new Generator(42));
        var y = d.Forward(Tensor.Ones(100_000)).ToDoubleArray();
        double zeroed = y.Count(v => v == 0) / (double)y.Length;
        // Binomial: std of the fraction ≈ √(p(1−p)/n) ≈ 0.0014; allow 5σ
        Assert.InRange(zeroed, p - 0.007, p + 0.007);
        // kept elements are scaled by 1/(1 − p)
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(1 / (1 - p), v, 5));
        // E[y] = (1 − p)·1/(1 − p) = 1
        Assert.InRange(y.Average(), 0.99, 1.01);
    }

    [Fact]
    public void TrainMasksDifferEachCallAndGradientFollowsTheMask()
    {
        var d = new Dropout(0.5, new Generator(7));
        var x = Tensor.Ones(64).RequireGrad();
        var y = d.Forward(x);
        y.Sum().Backward();
        // ∂y/∂x = mask/(1 − p): equal to the output for x = 1
        Assert.Equal(y.ToDoubleArray(), x.Grad!.ToDoubleArray());
        Assert.NotEqual(y.ToDoubleArray(), d.Forward(x).ToDoubleArray());
    }

    [Fact]
    public void PZeroIsIdentityEvenInTraining()
    {
        var x = Tensor.Randn([5], new Generator(1));
        Assert.Same(x, new Dropout(0).Forward(x));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void POutsideZeroOneThrowsNamingP(double p)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(p));
        Assert.Equal("p", e.ParamName);
        Assert.Contains("p must be in [0, 1)", e.Message);
    }
}

public class BatchNormTests
{
    // x: 6 samples × 3 channels with different scales and offsets per channel
    static readonly double[] Data =
    [
        1, 10, -5,
        2, 20, -3,
        3, 15, -4,
        4, 12, -8,
        0, 18, -6,
        5, 11, -2,
    ];

    static (double[] mean, double[] biasedVar) ChannelStats(double[] x, int n, int c)
    {
        var mean = new double[c];
        var variance = new double[c];
        for (int j = 0; j < c; j++)
        {
            for (int i = 0; i < n; i++) mean[j] += x[i * c + j] / n;
            for (int i = 0; i < n; i++) variance[j] += (x[i * c + j] - mean[j]) * (x[i * c + j] - mean[j]) / n;
        }
        return (mean, variance);
    }

    [Fact]
    public void TrainingNormalisesWithBatchStatistics()
    {
        var bn = new BatchNorm1d(3);
        var y = bn.Forward(F(Data.Select(v => (float)v).ToArray(), 6, 3)).ToDoubleArray();
        var (mean, variance) = ChannelStats(y, 6, 3);
        // every channel: mean 0, biased variance σ²/(σ² + ε) ≈ 1
        Equal([0, 0, 0], mean, 1e-5);
        Equal([1, 1, 1], variance, 1e-3);
    }

    [Fact]
    public void RunningStatisticsUseMomentumAndUnbiasedVariance()
    {
        var bn = new BatchNorm1d(3, momentum: 0.2);
        var x = F(Data.Select(v => (float)v).ToArray(), 6, 3);
        var (mean, variance) = ChannelStats(Data, 6, 3);
        var unbiased = variance.Select(v => v * 6 / 5).ToArray();
        bn.Forward(x);
        // running = (1 − m)·running + m·batch, starting from mean 0 and variance 1
        var rm1 = mean.Select(m => 0.2 * m).ToArray();
        var rv1 = unbiased.Select(v => 0.8 + 0.2 * v).ToArray();
        Equal(rm1, bn.RunningMean, 1e-5);
        Equal(rv1, bn.RunningVar, 1e-4);
        bn.Forward(x);
        Equal(rm1.Zip(mean, (r, m) => 0.8 * r + 0.2 * m).ToArray(), bn.RunningMean, 1e-5);
        Equal(rv1.Zip(unbiased, (r, v) => 0.8 * r + 0.2 * v).ToArray(), bn.RunningVar, 1e-4);
    }

    [Fact]
    public void EvalUsesRunningStatisticsAndDoesNotUpdateThem()
    {
        var bn = new BatchNorm1d(2, eps: 1e-5);
        bn.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight"] = F([2, 0.5f]), ["bias"] = F([1, -1]),
            ["running_mean"] = F([1, -2]), ["running_var"] = F([4, 0.25f]),
        });
        bn.Eval();
        // y = γ(x − μ)/√(σ² + ε) + β: x = [3, −1] → [2·2/√4.00001 + 1, 0.5·1/√0.25001 − 1]
        var y = bn.Forward(F([3, -1], 1, 2));
        Equal([2 * 2 / Math.Sqrt(4.00001) + 1, 0.5 * 1 / Math.Sqrt(0.25001) - 1], y, 1e-5);
        Equal([1, -2], bn.RunningMean);
        Equal([4, 0.25], bn.RunningVar);
        // a single sample is fine in evaluation, but not in training
        bn.Train();
        Assert.Throws<ShapeException>(() => bn.Forward(F([3, -1], 1, 2)));
    }

    [Fact]
    public void ThreeDimensionalInputNormalisesOverBatchAndLength()
    {
        var bn = new BatchNorm1d(2);
        var x = Tensor.Randn([4, 2, 5], new Generator(3)).Mul(3).Add(7);
        var y = bn.Forward(x);
        Assert.Equal([4, 2, 5], y.Shape.ToArray());
        Equal([0, 0], y.Mean([0, 2]), 1e-5);
        Equal([1, 1], y.Var([0, 2], correction: 0), 1e-3);
    }

    [Fact]
    public void WrongChannelCountNamesBothShapes()
    {
        var e = Assert.Throws<ShapeException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(4, 5)));
        Assert.Equal("BatchNorm1d(3) expects input [N, 3] or [N, 3, L], got [4, 5]", e.Message);
    }

    /// <summary>The training-mode forward in float64, written with tensor ops: x̂ = (x − μ)/√(σ² + ε), y = γx̂ + β.</summary>
    static Tensor Functional(Tensor x, Tensor gamma, Tensor beta, double eps)
    {
        var mean = x.Mean(0, keepDim: true);
        var variance = x.Var(0, keepDim: true, correction: 0);
        return x.Sub(mean).Div(variance.Add(eps).Sqrt()).Mul(gamma.Reshape(1, -1)).Add(beta.Reshape(1, -1));
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        // Modules hold float32 parameters, so: (1) gradcheck the float64 composition, (2) check that it
        // computes the module's values, (3) check the module's float32 gradients against its float64 ones.
        var g = new Generator(5);
        var x64 = Tensor.Randn([5, 3], g, DType.Float64).RequireGrad();
        var gamma64 = T([1.5, -0.5, 2]).RequireGrad();
        var beta64 = T([0.1, 0.2, -0.3]).RequireGrad();
        var w = Tensor.Randn([5, 3], g, DType.Float64);  // fixed weights: Σ y has zero gradient in x
        GradCheck.Assert(t => Functional(t[0], t[1], t[2], 1e-5).Mul(w), x64, gamma64, beta64);

        foreach (var t in new[] { x64, gamma64, beta64 }) t.Grad = null;
        var y64 = Functional(x64, gamma64, beta64, 1e-5);
        y64.Mul(w).Sum().Backward();

        var bn = new BatchNorm1d(3);
        bn.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = gamma64.Detach(), ["bias"] = beta64.Detach(), ["running_mean"] = Tensor.Zeros(3), ["running_var"] = Tensor.Ones(3) });
        var x32 = x64.Detach().To(DType.Float32).RequireGrad();
        var y32 = bn.Forward(x32);
        Equal(y64.ToDoubleArray(), y32, 1e-5);
        y32.Mul(w.To(DType.Float32)).Sum().Backward();
        Equal(x64.Grad!.ToDoubleArray(), x32.Grad!, 1e-4);
        Equal(gamma64.Grad!.ToDoubleArray(), bn.Weight!.Grad!, 1e-4);
        Equal(beta64.Grad!.ToDoubleArray(), bn.Bias!.Grad!, 1e-4);
    }

    [Fact]
    public void InvalidOptionsThrowNamingTheOption()
    {
        Assert.Equal("numFeatures", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm1d(0)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm1d(2, eps: 0)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm1d(2, momentum: 1.5)).ParamName);
    }
}

public class LayerNormTests
{
    [Fact]
    public void NormalisesEachSampleOverTheLastDimension()
    {
        // row [1, 2, 3, 4]: μ = 2.5, σ² = 1.25 → (x − 2.5)/√1.25001
        var ln = new LayerNorm(4);
        var y = ln.Forward(F([1, 2, 3, 4, 10, 10, 10, 14], 2, 4));
        double s = Math.Sqrt(1.25 + 1e-5);
        // row [10, 10, 10, 14]: μ = 11, σ² = 3 → [−1, −1, −1, 3]/√3.00001
        double s2 = Math.Sqrt(3 + 1e-5);
        Equal([-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s, -1 / s2, -1 / s2, -1 / s2, 3 / s2], y, 1e-5);
    }

    [Fact]
    public void AppliesScaleAndShiftAndIsTheSameInEval()
    {
        var ln = new LayerNorm(2);
        ln.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = F([2, 3]), ["bias"] = F([1, -1]) });
        // [0, 2] → x̂ = [−1, 1]·1/√(1 + ε) → [2·(−1) + 1, 3·1 − 1]
        var train = ln.Forward(F([0, 2], 1, 2)).ToDoubleArray();
        Equal([-1, 2], train, 1e-4);
        ln.Eval();
        Assert.Equal(train, ln.Forward(F([0, 2], 1, 2)).ToDoubleArray());
    }

    [Fact]
    public void GradCheckOfTheComposition()
    {
        var x = Tensor.Randn([2, 5], new Generator(2), DType.Float64).RequireGrad();
        var w = Tensor.Randn([2, 5], new Generator(3), DType.Float64);
        GradCheck.Assert(t => t[0].Sub(t[0].Mean(1, keepDim: true)).Div(t[0].Var(1, keepDim: true, correction: 0).Add(1e-5).Sqrt()).Mul(w), x);
    }

    [Fact]
    public void WrongShapeNamesBoth()
    {
        var e = Assert.Throws<ShapeException>(() => new LayerNorm(4).Forward(Tensor.Zeros(2, 3)));
        Assert.Equal("LayerNorm([4]) expects input [*, 4], got [2, 3]", e.Message);
    }
}

public class EmbeddingTests
{
    static Embedding Known()
    {
        var e = new Embedding(4, 2);
        e.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = F([0, 1, 10, 11, 20, 21, 30, 31], 4, 2) });
        return e;
    }

    [Fact]
    public void LooksUpRowsForAnyIndexShape()
    {
        var y = Known().Forward(Tensor.FromArray(new long[] { 1, 3, 1, 0 }, 2, 2));
        Assert.Equal([2, 2, 2], y.Shape.ToArray());
        Equal([10, 11, 30, 31, 10, 11, 0, 1], y);
    }

    [Fact]
    public void GradientAccumulatesForRepeatedIndices()
    {
        // L = Σ_k w_k · E[i_k]: row 1 appears twice, so its gradient is the sum of both weights
        var e = Known();
        var weights = F([1, 2, 3, 4, 5, 6, 7, 8], 4, 2);
        e.Forward(Tensor.FromArray(new long[] { 1, 3, 1, 0 })).Mul(weights).Sum().Backward();
        Equal([7, 8, 1 + 5, 2 + 6, 0, 0, 3, 4], e.Weight.Grad!);
    }

    [Fact]
    public void RejectsFloatAndOutOfRangeIndices()
    {
        var e = Known();
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => e.Forward(F([1]))).Message);
        Assert.ThrowsAny<Exception>(() => e.Forward(Tensor.FromArray(new long[] { 4 })));
    }
}

public class ActivationModuleTests
{
    static readonly double[] X = [-2, -0.5, 0, 0.5, 2];

    static double[] Run(Module m) => m.Forward(Tensor.FromArray(X)).ToDoubleArray();

    [Fact]
    public void ForwardValues()
    {
        Equal([0, 0, 0, 0.5, 2], Run(new ReLU()));
        Equal(X.Select(x => 1 / (1 + Math.Exp(-x))).ToArray(), Run(new Sigmoid()), 1e-12);
        Equal(X.Select(Math.Tanh).ToArray(), Run(new Tanh()), 1e-12);
        Equal(X.Select(x => Math.Log(1 + Math.Exp(x))).ToArray(), Run(new Softplus()), 1e-12);
        // x·Φ(x), Φ the standard normal CDF (reference values from erf)
        Equal([-0.04550026389635842, -0.15426876936299344, 0, 0.34573123063700656, 1.9544997361036416], Run(new GELU()), 1e-6);
        Equal([0, 0, 0, 1, 1], Run(new Step()));
        Equal(X, Run(new Identity()));
        Equal([-0.2, -0.05, 0, 0.5, 2], Run(new LeakyReLU(0.1)), 1e-12);
        Equal([-0.01 * 2, -0.01 * 0.5, 0, 0.5, 2], Run(new LeakyReLU()), 1e-12);
        Equal([2 * (Math.Exp(-2) - 1), 2 * (Math.Exp(-0.5) - 1), 0, 0.5, 2], Run(new ELU(2)), 1e-12);
        double z = X.Sum(Math.Exp);
        Equal(X.Select(x => Math.Exp(x) / z).ToArray(), Run(new Softmax()), 1e-12);
        Equal(X.Select(x => x - Math.Log(z)).ToArray(), Run(new LogSoftmax()), 1e-12);
    }

    [Fact]
    public void SoftmaxAlongAChosenAxis()
    {
        // columns of [[0, 1], [ln 3, 1]] → [[1/4, 1/2], [3/4, 1/2]]
        var y = new Softmax(0).Forward(T([0, 1, Math.Log(3), 1], 2, 2));
        Equal([0.25, 0.5, 0.75, 0.5], y, 1e-12);
    }

    [Fact]
    public void ActivationGradientsMatchFiniteDifferences()
    {
        var x = T([-1.3, -0.4, 0.3, 1.7]).RequireGrad();  // away from kinks
        foreach (var m in new Module[] { new ReLU(), new Sigmoid(), new Tanh(), new Softplus(), new GELU(), new LeakyReLU(0.2), new ELU(), new Softmax(), new LogSoftmax() })
            GradCheck.Assert(t => m.Forward(t[0]), x);
    }

    [Fact]
    public void FlattenKeepsTheBatchDimension()
    {
        var x = Tensor.Arange(24).Reshape(2, 3, 4);
        var y = new Flatten().Forward(x);
        Assert.Equal([2, 12], y.Shape.ToArray());
        Assert.Equal(x.ToDoubleArray(), y.ToDoubleArray());
        Assert.Equal([5], new Flatten().Forward(Tensor.Zeros(5)).Shape.ToArray());
    }

    [Fact]
    public void MaxoutTakesTheMaximumOfConsecutiveGroups()
    {
        // [1, 5 | 3, 2 | −1, −4] → [5, 3, −1]
        var x = F([1, 5, 3, 2, -1, -4, 0, 0, 7, 8, 9, 6], 2, 6).RequireGrad();
        var y = new Maxout(2).Forward(x);
        Assert.Equal([2, 3], y.Shape.ToArray());
        Equal([5, 3, -1, 0, 8, 9], y);
        y.Sum().Backward();
        // the gradient goes to the winner of each group (first of a tie)
        Assert.Equal(6, x.Grad!.ToDoubleArray().Sum());
        Equal([0, 1, 1, 0, 1, 0], x.Grad!.ToDoubleArray()[..6]);
        Assert.Equal("pieces", Assert.Throws<ArgumentOutOfRangeException>(() => new Maxout(0)).ParamName);
        Assert.Throws<ShapeException>(() => new Maxout(4).Forward(x));
    }

    [Fact]
    public void PReLUValuesAndGradients()
    {
        // y = x for x > 0, αx otherwise; α = 0.25: [−2, 3, −1] → [−0.5, 3, −0.25]
        // L = Σy → ∂L/∂α = Σ_{x<0} x = −3; ∂L/∂x = [α, 1, α]
        var prelu = new PReLU();
        var x = F([-2, 3, -1]).RequireGrad();
        var y = prelu.Forward(x);
        Equal([-0.5, 3, -0.25], y);
        y.Sum().Backward();
        Equal([-3], prelu.Alpha.Grad!);
        Equal([0.25, 1, 0.25], x.Grad!);
    }

    [Fact]
    public void PReLUPerChannel()
    {
        var prelu = new PReLU(2);
        prelu.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = F([0.1f, 0.5f]) });
        // channel 0 slope 0.1, channel 1 slope 0.5
        var x = F([-1, -1, 2, -4], 2, 2).RequireGrad();
        var y = prelu.Forward(x);
        Equal([-0.1, -0.5, 2, -2], y, 1e-7);
        y.Sum().Backward();
        Equal([-1, -5], prelu.Alpha.Grad!);
        Assert.Throws<ShapeException>(() => prelu.Forward(Tensor.Zeros(2, 3)));
    }

    [Fact]
    public void PReLUGradCheckInAlphaAndX()
    {
        var x = T([-1.5, 0.7, -0.2, 2.0], 2, 2).RequireGrad();
        var alpha = T([0.3, -0.1], 1, 2).RequireGrad();
        GradCheck.Assert(t => t[0].Prelu(t[1]), x, alpha);
    }

    [Fact]
    public void PReLULearnsItsSlope()
    {
        // fit y = 0.1x on negative inputs: α should go from 0.25 to 0.1 (loss is convex in α)
        var prelu = new PReLU();
        var x = F([-1, -2, -3, 1]);
        var target = F([-0.1f, -0.2f, -0.3f, 1]);
        var opt = new Neurite.Optim.Sgd(prelu.Parameters(), learningRate: 0.1);
        for (int i = 0; i < 100; i++)
        {
            opt.ZeroGrad();
            new MSELoss().Forward(prelu.Forward(x), target).Backward();
            opt.Step();
        }
        Equal(0.1, prelu.Alpha.Item(), 1e-4);
    }
}
