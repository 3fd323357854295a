using static Neurite.Tests.Check;

namespace Neurite.Tests.Ops;

public class ViewTests
{
    // ---- gradient checks --------------------------------------------------------------------------

    [Fact] public void ReshapeGrad() => Grad(x => x.Reshape(4, -1).Exp(), [2, 3, 2]);
    [Fact] public void ReshapeOfTransposedGrad() => Grad(x => x.T.Reshape(-1).Exp(), [3, 4]);
    [Fact] public void TransposeGrad() => Grad(x => x.Transpose(0, 2).Exp(), [2, 3, 4]);
    [Fact] public void PermuteGrad() => Grad(x => x.Permute(2, 0, 1).Exp(), [2, 3, 4]);
    [Fact] public void FlattenGrad() => Grad(x => x.Flatten(1).Exp(), [2, 3, 4]);
    [Fact] public void NarrowGrad() => Grad(x => x.Narrow(1, 1, 2).Exp(), [2, 4]);
    [Fact] public void SliceWithStepGrad() => Grad(x => x.Slice(1, 1, 7, 3).Exp(), [2, 8]);
    [Fact] public void SliceNegativeBoundsGrad() => Grad(x => x.Slice(0, -3, -1).Exp(), [5, 2]);
    [Fact] public void SelectGrad() => Grad(x => x.Select(1, -1).Exp(), [2, 3, 4]);
    [Fact] public void ExpandGrad() => Grad(x => x.Expand(2, 3, 4).Exp(), [3, 1]);
    [Fact] public void SqueezeUnsqueezeGrad() => Grad(x => x.Squeeze(1).Unsqueeze(0).Unsqueeze(-1).Exp(), [2, 1, 3]);
    [Fact] public void SqueezeAllGrad() => Grad(x => x.Squeeze().Exp(), [1, 3, 1]);
    [Fact] public void ViewChainGrad() => Grad(x => x.T.Slice(0, 0, 4, 2).Unsqueeze(1).Expand(2, 3, 3).Reshape(6, 3).Sum(0), [3, 4]);
    [Fact] public void ScalarReshapeGrad() => Grad(x => x.Reshape(1, 1).Expand(2, 3).Flatten(), []);
    [Fact] public void SameViewUsedTwiceGrad() => Grad(x => { var v = x.T; return v.Mul(v).Add(x.T.Exp()); }, [2, 3]);

    // ---- values -----------------------------------------------------------------------------------

    [Fact]
    public void ViewsShareStorage()
    {
        var x = Tensor.Arange(0, 6).Reshape(2, 3);
        var t = x.T;
        t[2, 1] = 100; // x[1, 2]
        Assert.Equal(100, x[1, 2]);
        x.Narrow(1, 0, 1)[1, 0] = -1; // x[1, 0]
        Assert.Equal(-1, x[1, 0]);
        x.Select(0, 0)[1] = 7;
        Assert.Equal(7, x[0, 1]);
        x.Reshape(6)[0] = 42;
        Assert.Equal(42, x[0, 0]);
        x.Slice(1, 0, 3, 2)[0, 1] = 9; // x[0, 2]
        Assert.Equal(9, x[0, 2]);
        Assert.False(t.IsContiguous);
    }

    [Fact]
    public void ReshapeOfNonContiguousCopies()
    {
        var x = Tensor.Arange(0, 6).Reshape(2, 3);
        var r = x.T.Reshape(6);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, r.ToFloatArray());
        r[0] = 99; // a copy: the base is unchanged
        Assert.Equal(0, x[0, 0]);
    }

    [Fact]
    public void PermuteAndTransposeValues()
    {
        var x = Tensor.Arange(0, 24).Reshape(2, 3, 4);
        var p = x.Permute(2, 0, 1);
        Shape([4, 2, 3], p);
        Assert.Equal(x[1, 2, 3], p[3, 1, 2]);
        Assert.Equal(x[1, 0, 2], x.Transpose(0, 2)[2, 0, 1]);
        Shape([2, 12], x.Flatten(1));
        Shape([6, 4], x.Flatten(0, 1));
        Shape([24], x.Flatten());
        Shape([1], Tensor.Scalar(3).Flatten());
    }

    [Fact]
    public void SliceWithStepValues()
    {
        var x = Tensor.Arange(0, 10);
        Assert.Equal(new float[] { 1, 4, 7 }, x.Slice(0, 1, 10, 3).ToFloatArray());
        Assert.Equal(new float[] { 7, 8 }, x.Slice(0, -3, -1).ToFloatArray());
        Assert.Empty(x.Slice(0, 4, 4).ToFloatArray());
        Assert.Equal(new float[] { 2, 3 }, x.Narrow(0, 2, 2).ToFloatArray());
        Assert.Equal(5, x.Select(0, -5).Item());
    }

    [Fact]
    public void SliceGradientScattersIntoZeros()
    {
        var x = F64([1, 2, 3, 4, 5]).RequireGrad();
        x.Slice(0, 0, 5, 2).Mul(F64([1, 2, 3])).Sum().Backward();
        Close([1, 0, 2, 0, 3], x.Grad!);
    }

    [Fact]
    public void ExpandSharesAndSumsGradient()
    {
        var x = F64([1, 2], 2, 1).RequireGrad();
        var e = x.Expand(2, 3);
        Assert.Equal(0, e.Strides[1]);
        Close([1, 1, 1, 2, 2, 2], e);
        Shape([4, 2, 3], x.Expand(4, -1, 3));
        e.Sum().Backward();
        Close([3, 3], x.Grad!);
    }

    [Fact]
    public void SqueezeUnsqueezeShapes()
    {
        var x = Tensor.Zeros(1, 3, 1);
        Shape([3], x.Squeeze());
        Shape([3, 1], x.Squeeze(0));
        Shape([1, 3, 1], x.Squeeze(1)); // not size 1: unchanged
        Shape([1, 3], x.Squeeze(-1));
        Shape([1, 1, 3, 1], x.Unsqueeze(0));
        Shape([1, 3, 1, 1], x.Unsqueeze(-1));
        Shape([1], Tensor.Scalar(2).Unsqueeze(0));
    }

    // ---- bad input --------------------------------------------------------------------------------

    [Fact]
    public void BadReshapeNamesShapes()
    {
        var x = Tensor.Zeros(2, 3);
        var e = Assert.Throws<ShapeException>(() => x.Reshape(4, 2));
        Assert.Contains("reshape", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[4, 2]", e.Message);
        Assert.Throws<ShapeException>(() => x.Reshape(-1, 4));
        Assert.Throws<ShapeException>(() => x.Reshape(-1, -1));
    }

    [Fact]
    public void BadPermuteAndTransposeThrow()
    {
        var x = Tensor.Zeros(2, 3, 4);
        Assert.Contains("permute", Assert.Throws<ShapeException>(() => x.Permute(0, 1)).Message);
        Assert.Contains("repeats", Assert.Throws<ArgumentException>(() => x.Permute(0, 1, 1)).Message);
        Assert.Contains("permute", Assert.Throws<ArgumentOutOfRangeException>(() => x.Permute(0, 1, 3)).Message);
        Assert.Contains("transpose", Assert.Throws<ArgumentOutOfRangeException>(() => x.Transpose(0, 3)).Message);
        Assert.Throws<ShapeException>(() => x.T);
    }

    [Fact]
    public void BadSliceSelectExpandThrow()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Contains("slice", Assert.Throws<ArgumentOutOfRangeException>(() => x.Slice(1, 0, 4)).Message);
        Assert.Throws<ArgumentException>(() => x.Slice(1, 0, 3, 0));
        Assert.Contains("select", Assert.Throws<ArgumentOutOfRangeException>(() => x.Select(0, 2)).Message);
        var e = Assert.Throws<ShapeException>(() => x.Expand(2, 4));
        Assert.Contains("expand", e.Message);
        Assert.Contains("[2, 3]", e.Message);
    }
}
