using static Neurite.Tests.Check;

namespace Neurite.Tests;

public class BackwardTests
{
    [Fact]
    public void GradientsAccumulateOnLeavesAcrossBackwardCalls()
    {
        // y = 3x → dy/dx = 3; two backward passes add up to 6
        var x = F64([1, 2]).RequireGrad();
        x.Mul(3).Sum().Backward();
        x.Mul(3).Sum().Backward();
        Close([6, 6], x.Grad!);
        x.ZeroGrad();
        Assert.Null(x.Grad);
        x.Mul(3).Sum().Backward();
        Close([3, 3], x.Grad!);
    }

    [Fact]
    public void TensorUsedTwiceGetsSummedGradient()
    {
        // y = x·x → dy/dx = 2x
        var x = F64([1.5, -2]).RequireGrad();
        x.Mul(x).Sum().Backward();
        Close([3, -4], x.Grad!);
    }

    [Fact]
    public void DiamondGraph()
    {
        // a = 2x, b = x², y = a·b = 2x³ → dy/dx = 6x² = 24 at x = 2
        var x = Tensor.Scalar(2, DType.Float64).RequireGrad();
        var a = x.Mul(2);
        var b = x.Square();
        var y = a.Mul(b);
        y.Backward();
        Close(16, y);
        Close(24, x.Grad!);
    }

    [Fact]
    public void DeepChainDoesNotOverflowTheStack()
    {
        // y = x + 1 + 1 + … (5000 times) → dy/dx = 1
        var x = Tensor.Scalar(0, DType.Float64).RequireGrad();
        var y = x;
        for (int i = 0; i < 5000; i++) y = y.Add(1);
        y.Backward();
        Close(5000, y);
        Close(1, x.Grad!);
    }

    [Fact]
    public void DetachStopsGradients()
    {
        var x = F64([1, 2]).RequireGrad();
        var d = x.Detach();
        Assert.False(d.RequiresGrad);
        Assert.True(d.IsLeaf);
        // y = x·detach(x) → only the first factor is differentiated: dy/dx = x
        x.Mul(d).Sum().Backward();
        Close([1, 2], x.Grad!);
        // the detached tensor shares storage
        d[0] = 10;
        Assert.Equal(10, x[0]);
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        var x = F64([1, 2]).RequireGrad();
        Tensor y;
        using (Autograd.NoGrad())
        {
            Assert.False(Autograd.IsEnabled);
            y = x.Mul(2).Exp().Sum();
        }
        Assert.True(Autograd.IsEnabled);
        Assert.False(y.RequiresGrad);
        Assert.Null(y.GradFn);
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("does not require grad", e.Message);
        // and recording resumes after the scope
        Assert.True(x.Mul(2).RequiresGrad);
    }

    [Fact]
    public void OpsOnConstantsAreNotRecorded()
    {
        var y = Tensor.Ones(2).Mul(Tensor.Ones(2)).Exp();
        Assert.False(y.RequiresGrad);
        Assert.Null(y.GradFn);
        var z = Tensor.Ones(2).Mul(Tensor.Ones(2).RequireGrad());
        Assert.True(z.RequiresGrad);
        Assert.False(z.IsLeaf);
        Assert.Equal("mul", z.GradFn!.Op);
    }

    [Fact]
    public void BackwardOnNonScalarNeedsAGradient()
    {
        var x = F64([1, 2]).RequireGrad();
        var y = x.Mul(2);
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("one-element", e.Message);
        Assert.Contains("[2]", e.Message);
        // with an explicit upstream gradient: ∂(2x)/∂x · g = 2g
        y.Backward(F64([1, 10]));
        Close([2, 20], x.Grad!);
    }

    [Fact]
    public void BackwardRejectsGradientOfWrongShapeOrDType()
    {
        var y = F64([1, 2]).RequireGrad().Mul(2);
        Assert.Contains("[3]", Assert.Throws<ShapeException>(() => y.Backward(F64([1, 2, 3]))).Message);
        Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Of(1, 2)));
    }

    [Fact]
    public void BackwardTwiceThroughReleasedGraphThrows()
    {
        var x = F64([1, 2]).RequireGrad();
        var y = x.Exp().Sum();
        y.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("already released", e.Message);
        Assert.Contains("retainGraph", e.Message);
    }

    [Fact]
    public void BackwardTwiceWithRetainGraph()
    {
        // y = Σ eˣ → dy/dx = eˣ, twice
        var x = F64([0, 1]).RequireGrad();
        var y = x.Exp().Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Close([2, 2 * Math.E], x.Grad!, 1e-12);
    }

    [Fact]
    public void SharedSubgraphReleasedByAnotherRootThrows()
    {
        var x = F64([1, 2]).RequireGrad();
        var h = x.Exp();
        h.Sum().Backward();
        var e = Assert.Throws<InvalidOperationException>(() => h.Mul(2).Sum().Backward());
        Assert.Contains("already released", e.Message);
    }

    [Fact]
    public void BuffersAreReleasedAfterBackward()
    {
        var x = F64([1, 2]).RequireGrad();
        var h = x.Exp();
        var y = h.Mul(h).Sum();
        Assert.False(y.GradFn!.IsReleased);
        y.Backward();
        Assert.True(y.GradFn.IsReleased);
        Assert.True(h.GradFn!.IsReleased);

        var z = x.Exp().Sum();
        z.Backward(retainGraph: true);
        Assert.False(z.GradFn!.IsReleased);
    }

    [Fact]
    public void BackwardOnLeaf()
    {
        var x = Tensor.Scalar(3, DType.Float64).RequireGrad();
        x.Backward();
        Close(1, x.Grad!);
    }

    [Fact]
    public void GradientsOfNonRequiringInputsStayNull()
    {
        var a = F64([1, 2]).RequireGrad();
        var b = F64([3, 4]);
        a.Mul(b).Sum().Backward();
        Close([3, 4], a.Grad!);
        Assert.Null(b.Grad);
    }

    [Fact]
    public void IntegerTensorsCannotRequireGrad()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.FromArray(new long[] { 1 }).RequireGrad());
        Assert.Contains("int64", e.Message);
        var y = F64([1]).RequireGrad().Mul(2);
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
    }

    [Fact]
    public void Float32GradientsMatchFloat64()
    {
        var x64 = Input([3, 4], 5);
        var x32 = x64.Detach().To(DType.Float32).RequireGrad();
        x64.Tanh().MatMul(x64.T).Softmax().Sum(0).Mul(F64([1, 2, 3])).Sum().Backward();
        x32.Tanh().MatMul(x32.T).Softmax().Sum(0).Mul(Tensor.Of(1, 2, 3)).Sum().Backward();
        Assert.Equal(DType.Float32, x32.Grad!.DType);
        Close(x64.Grad!.ToDoubleArray(), x32.Grad, 1e-5);
    }

    [Fact]
    public void GradCheckCatchesAWrongGradient()
    {
        // a "function" whose autograd gradient is wrong: x·detach(x) claims d/dx = x, the truth is 2x
        var x = Input([3]);
        var result = GradCheck.Check(xs => xs[0].Mul(xs[0].Detach()), [x]);
        Assert.False(result.Passed);
        Assert.Contains("gradcheck failed", result.ToString());
        Assert.Throws<GradCheckException>(() => GradCheck.Assert(xs => xs[0].Mul(xs[0].Detach()), x));
        Assert.Throws<ArgumentException>(() => GradCheck.Check(xs => xs[0].Exp(), [Tensor.Ones(2).RequireGrad()]));
    }
}
