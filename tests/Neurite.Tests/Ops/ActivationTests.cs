using static Neurite.Tests.Check;

namespace Neurite.Tests.Ops;

public class ActivationTests
{
    // ---- gradient checks --------------------------------------------------------------------------

    [Fact] public void SigmoidGrad() => Grad(x => x.Sigmoid(), [3, 4]);
    [Fact] public void TanhGrad() => Grad(x => x.Tanh(), [3, 4]);
    [Fact] public void ReluGrad() => Grad(x => x.Relu(), [3, 4]);
    [Fact] public void LeakyReluGrad() => Grad(x => x.LeakyRelu(0.2), [3, 4]);
    [Fact] public void EluGrad() => Grad(x => x.Elu(0.7), [3, 4]);
    [Fact] public void SoftplusGrad() => Grad(x => x.Softplus(), [3, 4]);
    [Fact] public void GeluGrad() => Grad(x => x.Gelu(), [3, 4]);
    [Fact] public void IdentityGrad() => Grad(x => x.Identity(), [3]);
    [Fact] public void MaxoutGrad() => Grad(x => x.Maxout(3), [2, 6]);
    [Fact] public void MaxoutMiddleAxisGrad() => Grad(x => x.Maxout(2, 1), [2, 4, 3]);
    [Fact] public void ActivationsOfScalarGrad() => Grad(x => x.Sigmoid().Add(x.Tanh()).Add(x.Gelu()).Add(x.Elu()), []);

    // SIMD bodies and scalar tails of the fused backward kernels: lengths beyond one vector
    [Fact] public void LongVectorsGrad() => Grad(x => x.Sigmoid() + x.Tanh() + x.Relu() + x.LeakyRelu(0.1) + x.Elu() + x.Softplus() + x.Gelu(), [37]);

    [Fact] public void PreluSharedAlphaGrad() => Grad((x, a) => x.Prelu(a), [3, 4], [1]);
    [Fact] public void PreluPerChannelGrad() => Grad((x, a) => x.Prelu(a), [3, 4], [4]);
    [Fact] public void PreluPerChannelImageGrad() => Grad((x, a) => x.Prelu(a.Reshape(3, 1, 1)), [2, 3, 2, 2], [3]);

    [Fact]
    public void StepHasZeroGradient()
    {
        // step is flat almost everywhere: the analytic gradient is exactly 0 and gradcheck agrees
        Grad(x => x.Step().Add(x), [3, 4]);
        var y = F64([-1, 0.5, 2]).RequireGrad();
        var s = y.Step();
        Close([0, 1, 1], s);
        s.Sum().Backward();
        Close([0, 0, 0], y.Grad!);
    }

    // ---- hand-computed values -------------------------------------------------------------------

    [Fact]
    public void SigmoidAtZero()
    {
        // σ(0) = 1/(1 + e⁰) = 0.5, σ'(0) = σ(1 − σ) = 0.25
        var x = Tensor.Scalar(0, DType.Float64).RequireGrad();
        var y = x.Sigmoid();
        y.Backward();
        Close(0.5, y);
        Close(0.25, x.Grad!);
    }

    [Fact]
    public void TanhValues()
    {
        // tanh(1) = 0.7615941559557649, tanh'(1) = 1 − tanh² = 0.41997434161402614
        var x = F64([1]).RequireGrad();
        var y = x.Tanh();
        y.Sum().Backward();
        Close([0.7615941559557649], y, 1e-12);
        Close([0.41997434161402614], x.Grad!, 1e-12);
    }

    [Fact]
    public void ReluGradientAtZeroIsZero()
    {
        // relu'(0) = 0, as in PyTorch
        var x = F64([-1, 0, 2]).RequireGrad();
        var y = x.Relu();
        Close([0, 0, 2], y);
        y.Sum().Backward();
        Close([0, 0, 1], x.Grad!);
    }

    [Fact]
    public void ReluPropagatesNaN()
    {
        var y = Tensor.Of(float.NaN, -1, 1).Relu().ToFloatArray();
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(new float[] { 0, 1 }, y[1..]);
        // the strided path too
        var t = Tensor.FromArray(new float[] { float.NaN, 1, -1, 2 }, 2, 2).T.Relu().ToFloatArray();
        Assert.True(float.IsNaN(t[0]));
        Assert.Equal(new float[] { 0, 1, 2 }, t[1..]);
    }

    [Fact]
    public void LeakyReluEluSoftplusGeluValues()
    {
        var x = F64([-2, 3]);
        // leaky(−2) = 0.1·(−2) = −0.2
        Close([-0.2, 3], x.LeakyRelu(0.1));
        // elu(−2) = 0.5·(e⁻² − 1) = −0.43233235838169365
        Close([-0.43233235838169365, 3], x.Elu(0.5), 1e-12);
        // softplus(0) = ln 2; softplus(−2) = ln(1 + e⁻²) = 0.12692801104297263; softplus(3) = 3.048587351573742
        Close([0.12692801104297263, 3.048587351573742], x.Softplus(), 1e-12);
        Close(Math.Log(2), Tensor.Scalar(0, DType.Float64).Softplus(), 1e-12);
        // softplus never overflows: softplus(1000) = 1000, softplus(−1000) ≈ 0
        Close([1000, 0], F64([1000, -1000]).Softplus(), 1e-12);
        // gelu(1) = 1·Φ(1) = 0.8413447460685429; gelu(−2) = −2·Φ(−2) = −0.04550026389635842
        Close([0.8413447460685429, -0.04550026389635842], F64([1, -2]).Gelu(), 1e-9);
    }

    [Fact]
    public void PreluLearnsAlpha()
    {
        // prelu(x) = x for x > 0, αx otherwise; ∂/∂α = min(x, 0)
        var x = F64([-2, 3, -1], 1, 3).RequireGrad();
        var a = F64([0.25]).RequireGrad();
        var y = x.Prelu(a);
        Close([-0.5, 3, -0.25], y);
        y.Sum().Backward();
        Close([-3], a.Grad!);
        Close([0.25, 1, 0.25], x.Grad!);
    }

    [Fact]
    public void MaxoutValues()
    {
        // groups of 2 along the last axis: max(1, 4) = 4, max(3, 2) = 3
        var y = Tensor.Of(1, 4, 3, 2).Maxout(2);
        Assert.Equal(new float[] { 4, 3 }, y.ToFloatArray());
    }

    [Fact]
    public void IdentityReturnsSameTensor()
    {
        var x = Tensor.Of(1, 2);
        Assert.Same(x, x.Identity());
    }
}
