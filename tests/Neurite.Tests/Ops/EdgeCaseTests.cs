using static Neurite.Tests.Check;

namespace Neurite.Tests.Ops;

// Edges found while writing the suite; each was a bug.
public class EdgeCaseTests
{
    [Fact]
    public void PowZeroHasZeroGradientEverywhere()
    {
        // x⁰ = 1 is constant: d/dx = 0, also at x = 0 (0·0⁻¹ would be NaN)
        var x = F64([0, 2]).RequireGrad();
        var y = x.Pow(0);
        Close([1, 1], y);
        y.Sum().Backward();
        Close([0, 0], x.Grad!);
    }

    [Fact]
    public void MaxGradientGoesToNaN()
    {
        // max([1, NaN]) = NaN, and the NaN element is the one that produced it (PyTorch)
        var x = F64([1, double.NaN]).RequireGrad();
        var y = x.Max();
        Assert.True(double.IsNaN(y.Item()));
        y.Backward();
        Close([0, 1], x.Grad!);
    }

    [Fact]
    public void ExpandRejectsMinusOneInNewDimension()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.Of(1, 2, 3).Expand(-1, 3));
        Assert.Contains("expand", e.Message);
        Assert.Contains("[-1, 3]", e.Message);
    }

    [Fact]
    public void MaskedFillMaskMustFitTheInput()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.Of(1, 2, 3).MaskedFill(Tensor.Ones(2, 3), 0));
        Assert.Contains("masked_fill", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        // a smaller mask still broadcasts
        Assert.Equal(new float[] { 0, 0, 3, 4 }, Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2).MaskedFill(Tensor.Of(1, 0).Reshape(2, 1), 0).ToFloatArray());
    }

    [Fact]
    public void MatMulMessageNamesVectorOperandAsGiven()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.Zeros(3).MatMul(Tensor.Zeros(4, 2)));
        Assert.StartsWith("matmul: cannot multiply [3] by [4, 2]", e.Message);
        e = Assert.Throws<ShapeException>(() => Tensor.Zeros(4, 2).MatMul(Tensor.Zeros(3)));
        Assert.StartsWith("matmul: cannot multiply [4, 2] by [3]", e.Message);
    }
}

public class EmptyAndScalarReductionTests
{
    [Fact]
    public void LogSumExpOfEmptyIsMinusInfinity()
    {
        // ln Σ over no elements = ln 0 = −∞
        Close(double.NegativeInfinity, Tensor.Zeros(0).LogSumExp());
        Close([double.NegativeInfinity, double.NegativeInfinity], Tensor.Zeros(2, 0).LogSumExp(1));
        Shape([2, 1], Tensor.Zeros(2, 0).LogSumExp(1, keepDim: true));
    }

    [Fact]
    public void ArgMaxOfScalar()
    {
        Assert.Equal(0, Tensor.Scalar(5).ArgMax(0).Item());
        Assert.Equal(0, Tensor.Scalar(5).ArgMin(-1).Item());
        Assert.Equal(DType.Int64, Tensor.Scalar(5).ArgMax(0).DType);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Scalar(5).ArgMax(1));
    }
}
