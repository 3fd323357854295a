using Neurite.Nn;
using Neurite.Tests.Conv;
using static Neurite.Tests.Check;

namespace Neurite.Tests.Nn;

/// <summary>Sequential runs a Linear followed by a ReLU as one op (Tensor.LinearRelu); it must give what the two
/// layers give one after the other, forward and backward, in float32 and float64.</summary>
public class LinearReluFusionTests
{
    [Fact]
    public void LinearReluGradCheck() =>
        // rank-3 input (flattened to rows), with bias; and without bias
        Grad(t => Tensor.LinearRelu(t[0], t[1], t[2]), Input([2, 3, 5], 1), Input([4, 5], 2), Input([4], 3));

    [Fact]
    public void LinearReluWithoutBiasGradCheck() => Grad(t => Tensor.LinearRelu(t[0], t[1], null), Input([6, 5], 4), Input([7, 5], 5));

    [Theory]
    [InlineData(1)]
    [InlineData(300)] // the blocked GEMM path, edge tiles
    public void SequentialMatchesLayerByLayer(int batch)
    {
        var g = new Generator(9);
        var layers = new Module[] { new Linear(50, 40, generator: g), new ReLU(), new Linear(40, 33, generator: g), new ReLU(), new Linear(33, 3, generator: g) };
        var fused = new Sequential(layers);
        var x = Tensor.Randn([batch, 50], g);

        var yFused = fused.Forward(x);
        yFused.Square().Sum().Backward();
        var gradsFused = fused.Parameters().Select(p => p.Grad!.ToDoubleArray()).ToArray();
        fused.ZeroGrad();

        var y = x;
        foreach (var layer in layers) y = layer.Forward(y);
        y.Square().Sum().Backward();
        var grads = fused.Parameters().Select(p => p.Grad!.ToDoubleArray()).ToArray();

        Assert.Equal(y.Shape.ToArray(), yFused.Shape.ToArray());
        Near.Close(y.ToDoubleArray(), yFused, 1e-5);
        Assert.Equal(grads.Length, gradsFused.Length);
        for (int i = 0; i < grads.Length; i++) Near.Close(grads[i], Tensor.FromArray(gradsFused[i]), 1e-4);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void OpMatchesLinearThenRelu(DType dtype)
    {
        var g = new Generator(5);
        var x = Tensor.Randn([70, 20], g, dtype).RequireGrad();
        var w = Tensor.Randn([30, 20], g, dtype).RequireGrad();
        var b = Tensor.Randn([30], g, dtype).RequireGrad();
        var gy = Tensor.Randn([70, 30], g, dtype);
        Tensor.LinearRelu(x, w, b).Backward(gy);
        var fused = new[] { x.Grad!, w.Grad!, b.Grad! }.Select(t => t.ToDoubleArray()).ToArray();
        var yFused = Tensor.LinearRelu(x, w, b).ToDoubleArray();
        x.ZeroGrad(); w.ZeroGrad(); b.ZeroGrad();
        var y = Tensor.Linear(x, w, b).Relu();
        y.Backward(gy);
        double tol = dtype == DType.Float32 ? 1e-5 : 1e-13;
        Near.Close(yFused, y, tol);
        Near.Close(fused[0], x.Grad!, tol);
        Near.Close(fused[1], w.Grad!, tol);
        Near.Close(fused[2], b.Grad!, tol);
    }

    [Fact]
    public void FusedOutputIsNonNegativeAndNaNPropagates()
    {
        var x = Tensor.FromArray(new float[] { 1, -2, float.NaN, 3 }).Reshape(2, 2);
        var w = Tensor.FromArray(new float[] { 1, 0, 0, 1 }).Reshape(2, 2);
        var y = Tensor.LinearRelu(x, w, null).ToFloatArray();
        Assert.Equal(1f, y[0]);
        Assert.Equal(0f, y[1]);
        Assert.True(float.IsNaN(y[2]));   // NaN·1 + 3·0
        Assert.True(float.IsNaN(y[3]));   // NaN·0 + 3·1: NaN, not clamped to 0
    }
}
