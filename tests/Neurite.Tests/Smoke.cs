namespace Neurite.Tests;

public class SmokeTests
{
    [Fact]
    public void Prints()
    {
        var x = Tensor.FromArray(new float[] { 1, -2.5f, 3, 4 }, 2, 2).RequireGrad();
        var y = x.Mul(x).Sum();
        y.Backward();
        Assert.Equal(new float[] { 2, -5, 6, 8 }, x.Grad!.ToFloatArray());
        var s = x.ToString();
        Assert.Contains("requires_grad=True", s);
    }

    [Fact]
    public void GradChecks()
    {
        var a = Tensor.Randn([3, 4], new Generator(1), DType.Float64).RequireGrad();
        var b = Tensor.Randn([4, 2], new Generator(2), DType.Float64).RequireGrad();
        GradCheck.Assert(t => t[0].MatMul(t[1]).Tanh().Softmax(-1).Log().Sum(0), a, b);
    }
}
