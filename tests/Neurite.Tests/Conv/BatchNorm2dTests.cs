using Neurite.Nn;
using static Neurite.Tests.Check;

namespace Neurite.Tests.Conv;

public class BatchNorm2dTests
{
    [Fact]
    public void TrainingGrad() =>
        Grad(t => Tensor.BatchNorm(t[0], t[1], t[2], null, null, training: true), Input([3, 2, 3, 2], 1), Input([2], 2), Input([2], 3));

    [Fact]
    public void TrainingGradWithoutAffine() => Grad(x => Tensor.BatchNorm(x, null, null, null, null, training: true), [4, 3, 2, 2]);

    [Fact]
    public void EvaluationGrad()
    {
        var rm = F64([0.5, -0.2], 2);
        var rv = F64([2, 0.7], 2);
        Grad(t => Tensor.BatchNorm(t[0], t[1], t[2], rm, rv, training: false), Input([2, 2, 3, 3], 1), Input([2], 2), Input([2], 3));
    }

    [Fact]
    public void MatchesComposedFormula()
    {
        var g = new Generator(5);
        var x = Tensor.Uniform([8, 4, 5, 5], -2, 3, g, DType.Float64);
        var gamma = Tensor.Uniform([4], 0.5, 1.5, g, DType.Float64);
        var beta = Tensor.Uniform([4], -1, 1, g, DType.Float64);
        var y = Tensor.BatchNorm(x, gamma, beta, null, null, training: true);
        int[] axes = [0, 2, 3];
        var expected = x.Sub(x.Mean(axes, true)).Div(x.Var(axes, true, correction: 0).Add(1e-5).Sqrt())
            .Mul(gamma.Reshape(1, 4, 1, 1)).Add(beta.Reshape(1, 4, 1, 1));
        Near.Close(expected.ToDoubleArray(), y, 1e-9);
    }

    [Fact]
    public void LayerUpdatesRunningStatisticsAndUsesThemInEval()
    {
        // one channel, values 1…4: batch mean 2.5, biased var 1.25, unbiased 5/3
        var bn = new BatchNorm2d(1);
        var x = Tensor.Of(1, 2, 3, 4).Reshape(2, 1, 1, 2);
        var y = bn.Forward(x);
        double sd = Math.Sqrt(1.25 + 1e-5);
        Close([-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd], y, 1e-5);
        Close([0.25], bn.RunningMean, 1e-6);                   // 0.9·0 + 0.1·2.5
        Close([0.9 + 0.1 * 5.0 / 3], bn.RunningVar, 1e-6);      // 0.9·1 + 0.1·5/3
        bn.Eval();
        var e = bn.Forward(x);
        Close([(1 - 0.25) / Math.Sqrt(0.9 + 0.5 / 3 + 1e-5)], e.Flatten().Narrow(0, 0, 1), 1e-5);
        Assert.Equal("BatchNorm2d(4)  # 8 params", new BatchNorm2d(4).ToString());
    }

    [Fact]
    public void LayerRejectsWrongChannels()
    {
        var e = Assert.Throws<ShapeException>(() => new BatchNorm2d(16).Forward(Tensor.Zeros(2, 8, 4, 4)));
        Assert.Equal("BatchNorm2d(16) expects [N, 16, H, W], got [2, 8, 4, 4]", e.Message);
    }

    [Fact]
    public void Float32AgreesWithFloat64()
    {
        var x = Tensor.Uniform([16, 8, 12, 12], -1, 5, new Generator(2));
        var y32 = Tensor.BatchNorm(x, null, null, null, null, true);
        var y64 = Tensor.BatchNorm(x.To(DType.Float64), null, null, null, null, true);
        Near.Close(y64.ToDoubleArray(), y32, 1e-4);
    }
}
