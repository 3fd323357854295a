using static Neurite.Tests.Check;

namespace Neurite.Tests.Ops;

public class ReduceTests
{
    public static TheoryData<int[]?, bool> AxesCases => new()
    {
        { null, false },
        { null, true },
        { [0], false },
        { [1], true },
        { [-1], false },
        { [0, 2], true },
        { [0, 2], false },
        { [1, 2], false },
        { [0, 1, 2], true },
    };

    // ---- gradient checks over any axes, with and without keepDim ----------------------------------

    [Theory, MemberData(nameof(AxesCases))] public void SumGrad(int[]? axes, bool keep) => Grad(x => x.Sum(axes, keep), [2, 3, 4]);
    [Theory, MemberData(nameof(AxesCases))] public void MeanGrad(int[]? axes, bool keep) => Grad(x => x.Mean(axes, keep), [2, 3, 4]);
    [Theory, MemberData(nameof(AxesCases))] public void MaxGrad(int[]? axes, bool keep) => Grad(x => x.Max(axes, keep), [2, 3, 4]);
    [Theory, MemberData(nameof(AxesCases))] public void MinGrad(int[]? axes, bool keep) => Grad(x => x.Min(axes, keep), [2, 3, 4]);
    [Theory, MemberData(nameof(AxesCases))] public void VarGrad(int[]? axes, bool keep) => Grad(x => x.Var(axes, keep), [2, 3, 4]);
    [Theory, MemberData(nameof(AxesCases))] public void StdGrad(int[]? axes, bool keep) => Grad(x => x.Std(axes, keep, correction: 0), [2, 3, 4]);
    [Theory, MemberData(nameof(AxesCases))] public void LogSumExpGrad(int[]? axes, bool keep) => Grad(x => x.LogSumExp(axes, keep), [2, 3, 4]);

    [Fact] public void SumOfNonContiguousGrad() => Grad(x => x.Permute(2, 0, 1).Slice(0, 0, 4, 2).Sum([0, 2]), [2, 3, 4]);
    [Fact] public void MaxOfTransposedGrad() => Grad(x => x.T.Max(1), [3, 4]);
    [Fact] public void ReductionsOfScalarGrad() => Grad(x => x.Sum() + x.Mean() + x.Max() + x.Min() + x.LogSumExp(), []);
    [Fact] public void SumIntOverloadGrad() => Grad(x => x.Sum(-2, keepDim: true).Mean(0).Var(0, correction: 0), [3, 4, 2]);

    // ---- hand-computed values -------------------------------------------------------------------

    [Fact]
    public void SumMeanMaxMinValues()
    {
        var x = Tensor.Arange(0, 6, dtype: DType.Float64).Reshape(2, 3); // [[0,1,2],[3,4,5]]
        Close(15, x.Sum());
        Close([3, 5, 7], x.Sum(0));
        Close([3, 12], x.Sum(1));
        Close([1, 4], x.Mean(1));
        Shape([2, 1], x.Mean(1, keepDim: true));
        Close([3, 4, 5], x.Max(0));
        Close([0, 3], x.Min(1));
        Close(5, x.Max());
    }

    [Fact]
    public void VarianceUnbiasedVersusPopulation()
    {
        // x = [1, 2, 3, 4]: mean 2.5, Σ(x − mean)² = 2.25 + 0.25 + 0.25 + 2.25 = 5
        // unbiased: 5/(4 − 1) = 5/3; population: 5/4 = 1.25; std = √ of each
        var x = F64([1, 2, 3, 4]);
        Close(5.0 / 3, x.Var(), 1e-12);
        Close(1.25, x.Var(correction: 0), 1e-12);
        Close(Math.Sqrt(5.0 / 3), x.Std(), 1e-12);
        Close(Math.Sqrt(1.25), x.Std(correction: 0), 1e-12);
        // along an axis: rows [1, 3] and [2, 6] → var 2 and 8
        Close([2, 8], F64([1, 3, 2, 6], 2, 2).Var(1), 1e-12);
    }

    [Fact]
    public void LogSumExpIsStable()
    {
        // ln(e¹⁰⁰⁰ + e¹⁰⁰⁰) = 1000 + ln 2, though e¹⁰⁰⁰ overflows
        var x = F64([1000, 1000]).RequireGrad();
        var y = x.LogSumExp();
        Close(1000 + Math.Log(2), y, 1e-9);
        // ∂lse/∂x = softmax(x) = [0.5, 0.5]
        y.Backward();
        Close([0.5, 0.5], x.Grad!);
        // float32 too, and very negative values do not underflow to −∞
        Close(1000 + Math.Log(2), Tensor.Of(1000, 1000).LogSumExp(), 1e-3);
        Close(-1000 + Math.Log(2), Tensor.Of(-1000, -1000).LogSumExp(), 1e-3);
        // a row of −∞ gives −∞, not NaN
        Close(double.NegativeInfinity, F64([double.NegativeInfinity, double.NegativeInfinity]).LogSumExp());
    }

    [Fact]
    public void MaxGradientSharedAmongTies()
    {
        // max of [1, 3, 3] is 3, reached twice: each tied element gets half the gradient
        var x = F64([1, 3, 3]).RequireGrad();
        x.Max().Backward();
        Close([0, 0.5, 0.5], x.Grad!);
    }

    [Fact]
    public void MaxPropagatesNaN()
    {
        Assert.True(double.IsNaN(Tensor.Of(1, float.NaN, 3).Max().Item()));
        Assert.True(double.IsNaN(Tensor.Of(1, float.NaN, 3).Min().Item()));
        // along the leading axis (column path) too
        var cols = Tensor.FromArray(new float[] { 1, float.NaN, 2, 0 }, 2, 2).Max(0).ToFloatArray();
        Assert.Equal(2f, cols[0]);
        Assert.True(float.IsNaN(cols[1]));
    }

    [Fact]
    public void ArgMaxArgMinWithKeepDim()
    {
        var x = Tensor.FromArray(new float[] { 1, 5, 2, 7, 0, 3 }, 2, 3);
        Assert.Equal(DType.Int64, x.ArgMax(1).DType);
        Assert.Equal(new long[] { 1, 0 }, x.ArgMax(1).ToLongArray());
        Assert.Equal(new long[] { 0, 1 }, x.ArgMin(1).ToLongArray());
        Assert.Equal(new long[] { 1, 0, 1 }, x.ArgMax(0).ToLongArray());
        var kept = x.ArgMax(1, keepDim: true);
        Shape([2, 1], kept);
        Assert.Equal(new long[] { 1, 0 }, kept.ToLongArray());
        Shape([1, 3], x.ArgMin(0, keepDim: true));
        Assert.Equal(new long[] { 0, 1, 0 }, x.ArgMin(0, keepDim: true).ToLongArray());
        // flattened: the first maximum (7 at 3) and minimum (0 at 4)
        Assert.Equal(3, x.ArgMax().Item());
        Assert.Equal(4, x.ArgMin().Item());
        // first of ties; NaN counts as the maximum (PyTorch)
        Assert.Equal(1, Tensor.Of(0, 2, 2).ArgMax().Item());
        Assert.Equal(1, Tensor.Of(0, float.NaN, 2).ArgMax().Item());
    }

    // ---- edges ------------------------------------------------------------------------------------

    [Fact]
    public void SumOfEmptyIsZero()
    {
        Close(0, Tensor.Zeros(0).Sum());
        Close(0, Tensor.Zeros(2, 0).Sum());
        Close([0, 0], Tensor.Zeros(2, 0).Sum(1));
        Shape([0], Tensor.Zeros(2, 0).Sum(0));
        Assert.True(double.IsNaN(Tensor.Zeros(0).Mean().Item())); // 0/0, as in PyTorch
    }

    [Fact]
    public void MaxOfEmptyThrows()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(0).Max());
        Assert.Contains("max", e.Message);
        Assert.Contains("[0]", e.Message);
        Assert.ThrowsAny<ArgumentException>(() => Tensor.Zeros(2, 0).ArgMax(1));
    }

    [Fact]
    public void ReductionsOfScalar()
    {
        var s = Tensor.Scalar(4);
        Close(4, s.Sum());
        Close(4, s.Mean());
        Close(4, s.Max());
        Assert.Equal(0, s.Sum().Rank);
    }

    [Fact]
    public void RepeatedOrInvalidAxesThrow()
    {
        var x = Tensor.Zeros(2, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => x.Sum(2));
        Assert.Contains("sum", e.Message);
        Assert.Contains("rank 2", e.Message);
        Assert.Throws<ArgumentException>(() => x.Sum([0, -2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Max(-3));
    }
}
