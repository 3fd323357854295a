using Neurite.Kernels;
using Neurite.Kernels.Operators;
using static Neurite.Tests.Kernels.ElementwiseTestKit;

namespace Neurite.Tests.Kernels;

/// <summary>Every operator struct: span forms vs its scalar form (all lengths 0…256, float and double, with
/// NaN/±Inf/−0), its scalar form vs the formula, and the special values PyTorch users rely on.</summary>
public class ElementwiseOperatorTests
{
    static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    // ---- arithmetic -----------------------------------------------------------------------------

    [Fact] public void Add() { Binary(new AddOp()); Formula(new AddOp(), (a, b) => a + b); }
    [Fact] public void Sub() { Binary(new SubOp()); Formula(new SubOp(), (a, b) => a - b); }
    [Fact] public void Mul() { Binary(new MulOp()); Formula(new MulOp(), (a, b) => a * b); }
    [Fact] public void Div() { Binary(new DivOp()); Formula(new DivOp(), (a, b) => a / b); }
    [Fact] public void Pow() { Binary(new PowOp(), 1e-5, 1e-12); Formula(new PowOp(), Math.Pow); }
    [Fact] public void Maximum() { Binary(new MaximumOp()); Formula(new MaximumOp(), (a, b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b)); }
    [Fact] public void Minimum() { Binary(new MinimumOp()); Formula(new MinimumOp(), (a, b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Min(a, b)); }
    [Fact] public void GreaterEqual() { Binary(new GreaterEqualOp()); Formula(new GreaterEqualOp(), (a, b) => a >= b ? 1 : 0); }
    [Fact] public void Equal() { Binary(new EqualOp()); Formula(new EqualOp(), (a, b) => a == b ? 1 : 0); }
    [Fact] public void Greater() { Binary(new GreaterOp()); Formula(new GreaterOp(), (a, b) => a > b ? 1 : 0); }
    [Fact] public void Less() { Binary(new LessOp()); Formula(new LessOp(), (a, b) => a < b ? 1 : 0); }

    [Fact]
    public void PowBySquaringMatchesPow()
    {
        // the span·scalar form multiplies for exponent 2; it must agree with x·x everywhere, −0 and ±Inf included
        var x = Values<float>(100, 5);
        var d = new float[100];
        new PowOp().Invoke<float>(x, 2f, d);
        for (int i = 0; i < x.Length; i++) AssertClose(x[i] * x[i], d[i], 0, $"pow({x[i]}, 2)");
    }

    [Fact]
    public void MaximumAndMinimumPropagateNaN()
    {
        // torch.maximum / torch.minimum: NaN in either argument gives NaN, in every form
        float[] a = [float.NaN, 1, float.NaN, -1, 2, 3, 4, 5, 6];
        float[] b = [1, float.NaN, float.NaN, -2, 1, 1, 1, 1, 1];
        var d = new float[a.Length];
        new MaximumOp().Invoke<float>(a, b, d);
        Assert.True(float.IsNaN(d[0]) && float.IsNaN(d[1]) && float.IsNaN(d[2]) && d[3] == -1);
        new MinimumOp().Invoke<float>(a, b, d);
        Assert.True(float.IsNaN(d[0]) && float.IsNaN(d[1]) && float.IsNaN(d[2]) && d[3] == -2);
        new MaximumOp().Invoke<float>(a, float.NaN, d);
        Assert.All(d, v => Assert.True(float.IsNaN(v)));
        new MaximumOp().Invoke<float>(float.NaN, b, d);
        Assert.All(d, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void ComparisonsWithNaNAreFalse()
    {
        Assert.Equal(0f, new GreaterEqualOp().Invoke(float.NaN, 0f));
        Assert.Equal(0f, new EqualOp().Invoke(float.NaN, float.NaN));
        Assert.Equal(1f, new EqualOp().Invoke(-0f, 0f)); // −0 == +0
        Assert.Equal(0f, new LessOp().Invoke(0f, float.NaN));
    }

    // ---- math -----------------------------------------------------------------------------------

    [Fact] public void Exp() { Unary(new ExpOp(), 2e-6, 1e-13); Formula(new ExpOp(), Math.Exp); }
    [Fact] public void Log() { Unary(new LogOp(), 2e-6, 1e-13); Formula(new LogOp(), Math.Log); }
    [Fact] public void Sqrt() { Unary(new SqrtOp()); Formula(new SqrtOp(), Math.Sqrt); }
    [Fact] public void Abs() { Unary(new AbsOp()); Formula(new AbsOp(), Math.Abs); }
    [Fact] public void Sign() { Unary(new SignOp(), 0, 0); Formula(new SignOp(), x => double.IsNaN(x) ? x : Math.Sign(x)); }
    [Fact] public void Clamp() { Unary(new ClampOp(-1.5, 2)); Formula(new ClampOp(-1.5, 2), x => double.IsNaN(x) ? x : Math.Clamp(x, -1.5, 2)); }
    [Fact] public void ClampGrad() => Binary(new Vectorized<ClampGradOp>(new ClampGradOp(-1.5, 2)), 0, 0);

    [Fact]
    public void SignOfSpecialValues()
    {
        float[] x = [float.NaN, -0f, 0f, float.NegativeInfinity, float.PositiveInfinity, -3, 3, 0.5f, -1e-30f];
        var y = new float[x.Length];
        new SignOp().Invoke<float>(x, y);
        // NaN stays NaN (NumPy's rule; PyTorch 1.13 returns 0 here)
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal([0f, 0f, -1f, 1f, -1f, 1f, 1f, -1f], y[1..]);
    }

    // ---- activations ----------------------------------------------------------------------------

    [Fact] public void Sigmoid_() { Unary(new SigmoidOp(), 2e-6, 1e-13); Formula(new SigmoidOp(), Sigmoid); }
    [Fact] public void Tanh() { Unary(new TanhOp(), 2e-6, 1e-13); Formula(new TanhOp(), Math.Tanh); }
    [Fact] public void Relu() { Unary(new ReluOp(), 0, 0); Formula(new ReluOp(), x => double.IsNaN(x) ? x : Math.Max(x, 0)); }
    [Fact] public void LeakyRelu() { Unary(new LeakyReluOp(0.1)); Formula(new LeakyReluOp(0.1), x => x > 0 ? x : 0.1 * x); }
    [Fact] public void Elu() { Unary(new EluOp(1.5), 2e-6, 1e-13); Formula(new EluOp(1.5), x => x > 0 ? x : 1.5 * (Math.Exp(x) - 1)); }
    [Fact] public void Softplus() { Unary(new SoftplusOp(), 2e-6, 1e-13); Formula(new SoftplusOp(), x => x > 30 ? x : x < -30 ? Math.Exp(x) : Math.Log(1 + Math.Exp(x)), 1e-12); }
    [Fact] public void Gelu() { Unary(new GeluOp()); Formula(new GeluOp(), x => 0.5 * x * (1 + SpecialFunctions.Erf(x / Math.Sqrt(2)))); }
    [Fact] public void Step() { Unary(new StepOp(), 0, 0); Formula(new StepOp(), x => x > 0 ? 1 : 0); }

    [Fact] public void SigmoidGrad() => Binary(new Vectorized<SigmoidGradOp>(), 1e-6, 1e-14);
    [Fact] public void TanhGrad() => Binary(new Vectorized<TanhGradOp>(), 1e-6, 1e-14);
    [Fact] public void ReluGrad() => Binary(new Vectorized<ReluGradOp>(), 0, 0);
    [Fact] public void LeakyReluGrad() => Binary(new Vectorized<LeakyReluGradOp>(new LeakyReluGradOp(0.1)), 1e-7, 1e-15);
    [Fact] public void EluGrad() => Binary(new Vectorized<EluGradOp>(new EluGradOp(1.5)), 2e-6, 1e-13);
    [Fact] public void SoftplusGrad() => Binary(new Vectorized<SoftplusGradOp>(), 2e-6, 1e-13);
    [Fact] public void GeluGrad() => Binary(new Vectorized<GeluGradOp>(), 1e-6, 1e-13);

    [Fact]
    public void ReluOfSpecialValues()
    {
        // relu(NaN) = NaN as in PyTorch; relu(−∞) = 0; relu(−0) is a zero (PyTorch keeps −0; here it may be +0)
        float[] x = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, -2, 2, 1, 1, 1];
        var y = new float[x.Length];
        new ReluOp().Invoke<float>(x, y);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal([float.PositiveInfinity, 0f, 0f, 0f, 0f, 2f, 1f, 1f, 1f], y[1..]);
        Assert.True(double.IsNaN(new ReluOp().Invoke(double.NaN)));
    }

    [Fact]
    public void ReluGradIsZeroAtTheKink()
    {
        // relu'(0) = 0, as in PyTorch; relu'(NaN) = 0 too (NaN > 0 is false)
        var g = new Vectorized<ReluGradOp>();
        Assert.Equal(0f, g.Invoke(0f, 5f));
        Assert.Equal(0f, g.Invoke(-0f, 5f));
        Assert.Equal(5f, g.Invoke(1e-30f, 5f));
    }

    [Fact]
    public void SaturatingActivationsAtInfinity()
    {
        float[] x = [float.NegativeInfinity, float.PositiveInfinity, float.NaN, -100, 100, 0, 0, 0, 0];
        var y = new float[x.Length];
        new EluOp(1.0).Invoke<float>(x, y);
        Assert.Equal(-1f, y[0]); Assert.Equal(float.PositiveInfinity, y[1]); Assert.True(float.IsNaN(y[2]));
        new SoftplusOp().Invoke<float>(x, y);
        Assert.Equal(0f, y[0]); Assert.Equal(float.PositiveInfinity, y[1]); Assert.True(float.IsNaN(y[2])); Assert.Equal(100f, y[4]);
        new LeakyReluOp(0.1).Invoke<float>(x, y);
        Assert.Equal(float.NegativeInfinity, y[0]); Assert.Equal(float.PositiveInfinity, y[1]); Assert.True(float.IsNaN(y[2]));
        new SigmoidOp().Invoke<float>(x, y);
        Assert.Equal(0f, y[0]); Assert.Equal(1f, y[1]); Assert.True(float.IsNaN(y[2]));
    }

    [Fact]
    public void SoftplusKeepsTinyValuesInTheVectorPath()
    {
        // softplus(−20) = ln(1 + e⁻²⁰) ≈ e⁻²⁰ ≈ 2.06e−9: ln(1 + u) computed naively would round to 0 in float
        var x = new float[32];
        Array.Fill(x, -20f);
        var y = new float[32];
        new SoftplusOp().Invoke<float>(x, y);
        Assert.All(y, v => Assert.Equal(Math.Exp(-20), v, 1e-15));
    }
}
