using static Neurite.Tests.Check;

namespace Neurite.Tests.Ops;

public class ArithmeticTests
{
    // ---- gradient checks --------------------------------------------------------------------------

    [Fact] public void AddGrad() => Grad((a, b) => a.Add(b), [2, 3], [2, 3]);
    [Fact] public void AddBroadcastGrad() => Grad((a, b) => a.Add(b), [3, 1, 4], [2, 1]);
    [Fact] public void SubBroadcastGrad() => Grad((a, b) => a.Sub(b), [3, 1, 4], [2, 1]);
    [Fact] public void MulBroadcastGrad() => Grad((a, b) => a.Mul(b), [3, 1, 4], [2, 1]);
    [Fact] public void DivBroadcastGrad() => Grad((a, b) => a.Div(b), [3, 1, 4], [2, 1]);
    [Fact] public void DivByRowGrad() => Grad((a, b) => a.Div(b), [2, 3], [3]);
    [Fact] public void ScalarTensorOperandGrad() => Grad((a, s) => a.Mul(s).Sub(s), [2, 3], []);
    [Fact] public void ScalarOnlyGrad() => Grad((a, b) => a.Mul(b).Add(a.Div(b)), [], []);
    [Fact] public void ConstantOperatorsGrad() => Grad(x => (2.0 - x) * 3.0 + 1.0 / x - x / 4.0, [2, 3]);
    [Fact] public void NegGrad() => Grad(x => x.Neg(), [4]);
    [Fact] public void ExpGrad() => Grad(x => x.Exp(), [2, 3]);
    [Fact] public void LogGrad() => Grad(x => x.Log(), [2, 3], Values.Positive);
    [Fact] public void SqrtGrad() => Grad(x => x.Sqrt(), [2, 3], Values.Positive);
    [Fact] public void PowTensorGrad() => Grad((a, b) => a.Pow(b), [2, 3], [3], Values.Positive);
    [Fact] public void PowScalarGrad() => Grad(x => x.Pow(3), [2, 3]);
    [Fact] public void PowFractionalGrad() => Grad(x => x.Pow(-1.5), [5], Values.Positive);
    [Fact] public void SquareGrad() => Grad(x => x.Square(), [2, 3]);
    [Fact] public void AbsGrad() => Grad(x => x.Abs(), [2, 3]);
    [Fact] public void ClampGrad() => Grad(x => x.Clamp(-1, 1), [4, 5]);
    [Fact] public void ClampOneSidedGrad() => Grad(x => x.Clamp(min: 0.5) + x.Clamp(max: -0.5), [4, 5]);
    [Fact] public void MaximumGrad() => Grad((a, b) => a.Maximum(b), [3, 4], [4]);
    [Fact] public void MinimumGrad() => Grad((a, b) => a.Minimum(b), [3, 4], [4]);
    [Fact] public void CloneGrad() => Grad(x => x.Clone().Mul(x), [3]);

    [Fact]
    public void WhereGrad()
    {
        var cond = Tensor.FromArray(new long[] { 1, 0, 0, 1 }, 4);
        Grad((a, b) => Tensor.Where(cond, a, b), [3, 4], [4]);
    }

    [Fact]
    public void MaskedFillGrad()
    {
        var mask = Tensor.FromArray(new float[] { 1, 0, 1 }, 3, 1);
        Grad(x => x.MaskedFill(mask, -5), [3, 4]);
    }

    [Fact]
    public void ToFloat32AndBackGrad()
    {
        // float32 rounding makes finite differences coarse, so check the gradient exactly instead:
        // y = Σ 2·float32(x) → dy/dx = 2
        var x = Input([3]);
        x.To(DType.Float32).Mul(2).Sum().Backward();
        Assert.Equal(DType.Float64, x.Grad!.DType);
        Close([2, 2, 2], x.Grad);
    }

    [Fact]
    public void NonContiguousOperandsGrad()
    {
        // transposed, sliced-with-step and expanded views, made inside f from contiguous leaves
        Grad(xs => xs[0].T.Mul(xs[1].Slice(1, 0, 6, 2)).Add(xs[2].Expand(4, 3)).Exp(),
            Input([3, 4], 1), Input([4, 6], 2), Input([1, 3], 3));
    }

    [Fact]
    public void NonContiguousUnaryGrads()
    {
        foreach (Func<Tensor, Tensor> f in new Func<Tensor, Tensor>[] { t => t.Exp(), t => t.Abs(), t => t.Tanh(), t => t.Clamp(-1, 1), t => t.Sigmoid() })
            Grad(x => f(x.Transpose(0, 1).Slice(0, 0, 4, 2)), [3, 4]);
    }

    // ---- hand-computed values -------------------------------------------------------------------

    [Fact]
    public void PolynomialDerivative()
    {
        // y = x² + 5x + 4 → dy/dx = 2x + 5, at x = 3: y = 28, dy/dx = 11
        var x = Tensor.Scalar(3, DType.Float64).RequireGrad();
        var y = x.Square().Add(x.Mul(5)).Add(4);
        y.Backward();
        Close(28, y);
        Close(11, x.Grad!);
    }

    [Fact]
    public void BroadcastValuesAndGradients()
    {
        // a [2,1] + b [3] → [2,3]; ∂Σ/∂a = 3 (each a is used three times), ∂Σ/∂b = 2
        var a = F64([10, 20], 2, 1).RequireGrad();
        var b = F64([1, 2, 3]).RequireGrad();
        var y = a.Add(b);
        Shape([2, 3], y);
        Close([11, 12, 13, 21, 22, 23], y);
        y.Sum().Backward();
        Close([3, 3], a.Grad!);
        Close([2, 2, 2], b.Grad!);
    }

    [Fact]
    public void DivAndPowValues()
    {
        // d(a/b)/db = −a/b² : a = 6, b = 2 → −1.5;  d(x³)/dx = 3x² = 12 at x = 2
        var a = Tensor.Scalar(6, DType.Float64).RequireGrad();
        var b = Tensor.Scalar(2, DType.Float64).RequireGrad();
        a.Div(b).Backward();
        Close(0.5, a.Grad!);
        Close(-1.5, b.Grad!);
        var x = Tensor.Scalar(2, DType.Float64).RequireGrad();
        x.Pow(3).Backward();
        Close(12, x.Grad!);
    }

    [Fact]
    public void AbsAndClampGradientAtEdges()
    {
        // abs'(0) = 0 (PyTorch); clamp passes the gradient on the closed range [min, max]
        var x = F64([-2, 0, 2]).RequireGrad();
        x.Abs().Sum().Backward();
        Close([-1, 0, 1], x.Grad!);
        var y = F64([-2, -1, 0, 1, 2]).RequireGrad();
        var c = y.Clamp(-1, 1);
        Close([-1, -1, 0, 1, 1], c);
        c.Sum().Backward();
        Close([0, 1, 1, 1, 0], y.Grad!);
    }

    [Fact]
    public void WhereAndMaskedFillValues()
    {
        var cond = Tensor.FromArray(new float[] { 1, 0, 1 });
        var a = F64([1, 2, 3]).RequireGrad();
        var b = F64([-1, -2, -3]).RequireGrad();
        var y = Tensor.Where(cond, a, b);
        Close([1, -2, 3], y);
        y.Sum().Backward();
        Close([1, 0, 1], a.Grad!);
        Close([0, 1, 0], b.Grad!);

        // −∞ fill (attention masks) must not turn the kept elements into NaN
        var x = F64([1, 2, 3]).RequireGrad();
        var m = x.MaskedFill(Tensor.FromArray(new long[] { 0, 1, 0 }), double.NegativeInfinity);
        Close([1, double.NegativeInfinity, 3], m);
        m.Mul(F64([1, 1, 1])).Sum().Backward();
        Close([1, 0, 1], x.Grad!);
    }

    [Fact]
    public void MaximumPrefersThisOnTies()
    {
        var a = F64([1, 5, 3]).RequireGrad();
        var b = F64([2, 5, 1]).RequireGrad();
        var y = a.Maximum(b);
        Close([2, 5, 3], y);
        y.Sum().Backward();
        Close([0, 1, 1], a.Grad!);
        Close([1, 0, 0], b.Grad!);
        Close([1, 5, 1], a.Detach().Minimum(b.Detach()));
    }

    [Fact]
    public void NaNPropagatesThroughMaximum()
    {
        var a = Tensor.Of(float.NaN, 1, 2);
        var b = Tensor.Of(0, float.NaN, 1);
        var y = a.Maximum(b).ToFloatArray();
        Assert.True(float.IsNaN(y[0]));
        Assert.True(float.IsNaN(y[1]));
        Assert.Equal(2f, y[2]);
    }

    [Fact]
    public void ComparisonsGiveZeroOne()
    {
        var a = Tensor.Of(1, 2, 3);
        var b = Tensor.Of(2, 2, 2);
        Assert.Equal(new float[] { 0, 0, 1 }, a.Gt(b).ToFloatArray());
        Assert.Equal(new float[] { 1, 0, 0 }, a.Lt(b).ToFloatArray());
        Assert.Equal(new float[] { 0, 1, 0 }, a.Eq(b).ToFloatArray());
        Assert.Equal(new float[] { 1, 0, 1 }, Tensor.FromArray(new long[] { 4, 5, 6 }).Eq(Tensor.FromArray(new long[] { 4, 0, 6 })).ToFloatArray());
    }

    [Fact]
    public void ToConvertsAndTruncates()
    {
        var x = Tensor.Of(1.7f, -1.7f, 2f);
        Assert.Equal(new long[] { 1, -1, 2 }, x.To(DType.Int64).ToLongArray());
        Assert.Equal(new double[] { 1, 2 }, Tensor.FromArray(new long[] { 1, 2 }).To(DType.Float64).ToDoubleArray());
        Assert.Same(x, x.To(DType.Float32));
    }

    // ---- edges ------------------------------------------------------------------------------------

    [Fact]
    public void EmptyTensorsThroughElementwiseOps()
    {
        foreach (var shape in new[] { new[] { 0 }, new[] { 2, 0 } })
        {
            var x = Tensor.Zeros(shape);
            var y = x.Add(1).Mul(x).Exp().Relu().Sigmoid();
            Shape(shape, y);
            Assert.Empty(y.ToFloatArray());
            // broadcasting [2,0] with [1] stays empty
            Shape(shape, x.Add(Tensor.Of(3)));
        }
    }

    [Fact]
    public void EmptyTensorGradient()
    {
        var x = Tensor.Zeros([2, 0], DType.Float64).RequireGrad();
        x.Exp().Sum().Backward();
        Shape([2, 0], x.Grad!);
    }

    [Fact]
    public void ScalarShapes()
    {
        var a = Tensor.Scalar(2);
        var b = Tensor.Scalar(3);
        var y = a.Mul(b).Add(a);
        Assert.Equal(0, y.Rank);
        Assert.Equal(8.0, y.Item());
        // scalar ⊕ matrix broadcasts to the matrix
        Shape([2, 2], Tensor.Ones(2, 2).Add(a));
    }
}
