namespace Neurite.Tests.Tensors;

public class CopyFromTests
{
    [Fact]
    public void WritesThroughANonContiguousViewIntoItsBase()
    {
        var baseTensor = Tensor.Zeros(2, 3);
        var view = baseTensor.T;                       // [3, 2], strides [1, 3]
        view.CopyFrom(Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2));
        // view[i, j] = base[j, i]: base = [[1, 3, 5], [2, 4, 6]]
        Assert.Equal(new float[] { 1, 3, 5, 2, 4, 6 }, baseTensor.ToFloatArray());
    }

    [Fact]
    public void ConvertsDTypesAndChecksShapes()
    {
        var t = Tensor.Zeros([2], DType.Float64);
        t.CopyFrom(Tensor.Of(1.5f, -2));
        Assert.Equal(new double[] { 1.5, -2 }, t.ToDoubleArray());
        var e = Assert.Throws<ShapeException>(() => t.CopyFrom(Tensor.Zeros(3)));
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[2]", e.Message);
    }
}
