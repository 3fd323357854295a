using static Neurite.Tests.Check;

namespace Neurite.Tests.Ops;

public class MatMulTests
{
    [Fact] public void DotGrad() => Grad((a, b) => a.MatMul(b), [5], [5]);
    [Fact] public void VectorMatrixGrad() => Grad((a, b) => a.MatMul(b), [3], [3, 4]);
    [Fact] public void MatrixVectorGrad() => Grad((a, b) => a.MatMul(b), [3, 4], [4]);
    [Fact] public void MatrixGrad() => Grad((a, b) => a.MatMul(b), [3, 4], [4, 2]);
    [Fact] public void BatchedGrad() => Grad((a, b) => a.MatMul(b), [2, 3, 4], [2, 4, 5]);
    [Fact] public void BatchBroadcastGrad() => Grad((a, b) => a.MatMul(b), [2, 1, 3, 4], [3, 4, 2]);
    [Fact] public void MatrixTimesBatchGrad() => Grad((a, b) => a.MatMul(b), [3, 4], [2, 4, 2]);
    [Fact] public void VectorTimesBatchGrad() => Grad((a, b) => a.MatMul(b), [4], [2, 4, 3]);
    [Fact] public void BatchTimesVectorGrad() => Grad((a, b) => a.MatMul(b), [2, 3, 4], [4]);
    [Fact] public void TransposedOperandsGrad() => Grad((a, b) => a.T.MatMul(b.T), [4, 3], [2, 4]);
    [Fact] public void BatchedTransposedGrad() => Grad((a, b) => a.Transpose(-1, -2).MatMul(b), [2, 4, 3], [2, 4, 2]);
    [Fact] public void SlicedOperandGrad() => Grad((a, b) => a.Slice(1, 0, 6, 2).MatMul(b.Slice(0, 1, 4)), [3, 6], [4, 2]);
    [Fact] public void ExpandedOperandGrad() => Grad((a, b) => a.Expand(3, 4).MatMul(b), [1, 4], [4, 2]);
    [Fact] public void PermutedBatchGrad() => Grad((a, b) => a.Permute(1, 0, 2).MatMul(b), [3, 2, 4], [4, 2]);

    [Fact]
    public void HandComputedProduct()
    {
        // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[1·5 + 2·7, 1·6 + 2·8], [3·5 + 4·7, 3·6 + 4·8]] = [[19, 22], [43, 50]]
        var a = F64([1, 2, 3, 4], 2, 2).RequireGrad();
        var b = F64([5, 6, 7, 8], 2, 2).RequireGrad();
        var c = a.MatMul(b);
        Close([19, 22, 43, 50], c);
        // ∂Σc/∂A = 1·Bᵀ: row sums of B = [11, 15]; ∂Σc/∂B = Aᵀ·1: column sums of A = [4, 6]
        c.Sum().Backward();
        Close([11, 15, 11, 15], a.Grad!);
        Close([4, 4, 6, 6], b.Grad!);
    }

    [Fact]
    public void ShapesFollowPyTorch()
    {
        Assert.Equal(0, Tensor.Ones(3).MatMul(Tensor.Ones(3)).Rank);
        Close(3, Tensor.Ones(3).MatMul(Tensor.Ones(3)));
        Shape([4], Tensor.Ones(3).MatMul(Tensor.Ones(3, 4)));
        Shape([3], Tensor.Ones(3, 4).MatMul(Tensor.Ones(4)));
        Shape([2, 5, 3, 6], Tensor.Ones(2, 1, 3, 4).MatMul(Tensor.Ones(5, 4, 6)));
        Shape([3, 0], Tensor.Ones(3, 4).MatMul(Tensor.Ones(4, 0)));
        // k = 0: a sum of nothing
        Close([0, 0, 0, 0], Tensor.Ones(2, 0).MatMul(Tensor.Ones(0, 2)));
    }

    [Fact]
    public void TransposedViewsMatchContiguousCopies()
    {
        var a = Tensor.Randn([5, 3], new Generator(3));
        var b = Tensor.Randn([4, 5], new Generator(4));
        Close(a.T.Contiguous().MatMul(b.T.Contiguous()).ToDoubleArray(), a.T.MatMul(b.T), 1e-5);
    }

    [Fact]
    public void InnerDimensionMismatchNamesShapes()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.Zeros(32, 784).MatMul(Tensor.Zeros(128, 10)));
        Assert.StartsWith("matmul: cannot multiply [32, 784] by [128, 10]", e.Message);
        Assert.Contains("784", Assert.Throws<ShapeException>(() => Tensor.Zeros(784).MatMul(Tensor.Zeros(128, 10))).Message);
        Assert.Contains("matmul", Assert.Throws<ShapeException>(() => Tensor.Zeros(2, 3, 4).MatMul(Tensor.Zeros(3, 4, 5))).Message);
        Assert.Contains("matmul", Assert.Throws<ShapeException>(() => Tensor.Scalar(1).MatMul(Tensor.Zeros(3))).Message);
        Assert.Contains("dtype", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 2).MatMul(Tensor.Zeros([2, 2], DType.Float64))).Message);
    }
}
