using static Neurite.Tests.Check;

namespace Neurite.Tests.Ops;

public class SoftmaxTests
{
    [Theory, InlineData(0), InlineData(1), InlineData(2), InlineData(-1), InlineData(-2)]
    public void SoftmaxGrad(int axis) => Grad(x => x.Softmax(axis), [2, 3, 4]);

    [Theory, InlineData(0), InlineData(1), InlineData(2), InlineData(-1)]
    public void LogSoftmaxGrad(int axis) => Grad(x => x.LogSoftmax(axis), [2, 3, 4]);

    [Fact] public void SoftmaxOfTransposedGrad() => Grad(x => x.T.Softmax(-1), [3, 4]);
    [Fact] public void LogSoftmaxOfSlicedGrad() => Grad(x => x.Slice(1, 1, 5, 2).LogSoftmax(0), [3, 5]);
    [Fact] public void SoftmaxOfScalarGrad() => Grad(x => x.Softmax().Add(x.LogSoftmax(0)).Add(x), []);

    [Fact]
    public void SoftmaxOfOneTwoThree()
    {
        // softmax([1, 2, 3]) = [e¹, e², e³] / (e¹ + e² + e³)
        double z = Math.E + Math.Exp(2) + Math.Exp(3);
        var y = F64([1, 2, 3]).Softmax();
        Close([Math.E / z, Math.Exp(2) / z, Math.Exp(3) / z], y, 1e-12);
        Close([0.09003057317038046, 0.24472847105479767, 0.6652409557748219], y, 1e-12);
        Close(1, y.Sum(), 1e-12);
    }

    [Fact]
    public void SoftmaxAlongFirstAxis()
    {
        // columns [0, ln 3] → [1/4, 3/4]
        var y = F64([0, 0, Math.Log(3), Math.Log(3)], 2, 2).Softmax(0);
        Close([0.25, 0.25, 0.75, 0.75], y, 1e-12);
    }

    [Fact]
    public void LogSoftmaxOfLargeValuesDoesNotOverflow()
    {
        // log-softmax is shift-invariant: [1000, 1001, 1002] gives the same as [0, 1, 2]
        var expected = F64([0, 1, 2]).LogSoftmax().ToDoubleArray();
        Close(expected, F64([1000, 1001, 1002]).LogSoftmax(), 1e-9);
        var f32 = Tensor.Of(1000, 1001, 1002).LogSoftmax();
        Close(expected, f32, 1e-4);
        Assert.All(Tensor.Of(-1e30f, 1e30f).Softmax().ToFloatArray(), v => Assert.True(float.IsFinite(v)));
        Close([0, 1], Tensor.Of(-1e30f, 1e30f).Softmax());
    }

    [Fact]
    public void SoftmaxGradientValues()
    {
        // softmax of equal logits is uniform; ∂y₀/∂x = y₀(δ − y) = [1/4, −1/4]·... for n = 2: [0.25, −0.25]
        var x = F64([0, 0]).RequireGrad();
        x.Softmax().Select(0, 0).Backward();
        Close([0.25, -0.25], x.Grad!, 1e-12);
    }

    [Fact]
    public void EmptyRowsAndInvalidAxis()
    {
        Shape([0, 3], Tensor.Zeros(0, 3).Softmax());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Softmax(2));
        Assert.Contains("softmax", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.FromArray(new long[] { 1, 2 }).LogSoftmax());
    }
}
