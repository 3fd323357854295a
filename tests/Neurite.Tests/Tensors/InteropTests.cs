using System.Numerics.Tensors;

namespace Neurite.Tests.Tensors;

/// <summary>Neurite tensors and System.Numerics.Tensors' spans share memory without copying.</summary>
public class InteropTests
{
    [Fact]
    public void ATensorSpanSeesAndWritesTheSameStorageIncludingAView()
    {
        var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var span = t.AsTensorSpan<float>();
        Assert.Equal(new nint[] { 2, 3 }, span.Lengths.ToArray());
        Assert.Equal(6f, span[1, 2]);
        span[0, 1] = 20;
        Assert.Equal(20f, t.ToFloatArray()[1]);
        var transposed = t.Transpose(0, 1).AsTensorSpan<float>();   // a view: strides, no copy
        Assert.Equal(new nint[] { 3, 2 }, transposed.Lengths.ToArray());
        Assert.Equal(20f, transposed[1, 0]);
        Assert.Equal(5f, transposed[1, 1]);
    }

    [Fact]
    public void SpansWriteThroughAndFromTensorSpanCopies()
    {
        var t = Tensor.Zeros(4);
        t.AsSpan<float>().Fill(2);
        Assert.Equal(new float[] { 2, 2, 2, 2 }, t.ToFloatArray());
        var back = Tensor.FromTensorSpan<float>(Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2).AsTensorSpan<float>());
        Assert.Equal(new[] { 3, 2 }, back.Shape.ToArray());
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, back.ToFloatArray());
    }

    [Fact]
    public void TheWrongElementTypeOrANonContiguousSpanIsRefused()
    {
        var t = Tensor.Zeros(2, 3);
        Assert.Contains("float32, not Double", Assert.Throws<InvalidOperationException>(() => t.AsTensorSpan<double>()).Message);
        Assert.Contains("not contiguous", Assert.Throws<InvalidOperationException>(() => t.Transpose(0, 1).AsSpan<float>()).Message);
    }
}
