namespace Neurite.Tests.Ops;

public class LinearOpTests
{
    [Fact]
    public void MatchesMatMulPlusBias()
    {
        // y = x·Wᵀ + b: x = [[1, 2]], W = [[1, 0], [0, 1], [1, 1]], b = [10, 20, 30] → [11, 22, 33]
        var x = Check.F64([1, 2], 1, 2);
        var w = Check.F64([1, 0, 0, 1, 1, 1], 3, 2);
        var b = Check.F64([10, 20, 30]);
        Check.Close([11, 22, 33], Tensor.Linear(x, w, b));
        Check.Close([1, 2, 3], Tensor.Linear(x, w));
    }

    [Fact]
    public void GradientsWithBias() => Check.Grad(xs => Tensor.Linear(xs[0], xs[1], xs[2]), Check.Input([4, 3], 1), Check.Input([5, 3], 2), Check.Input([5], 3));

    [Fact]
    public void GradientsWithoutBias() => Check.Grad((x, w) => Tensor.Linear(x, w), [4, 3], [2, 3]);

    [Fact]
    public void GradientsForBatchedInputAndTransposedViews() =>
        // x [2, 3, 4] flattens its leading dimensions; W is a transposed view of a [4, 5] leaf
        Check.Grad(xs => Tensor.Linear(xs[0], xs[1].T, xs[2]), Check.Input([2, 3, 4], 1), Check.Input([4, 5], 2), Check.Input([5], 3));

    [Fact]
    public void ShapeErrorsNameBothShapes()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.Linear(Tensor.Zeros(32, 28, 28), Tensor.Zeros(128, 784)));
        Assert.Contains("[32, 28, 28]", e.Message);
        Assert.Contains("[128, 784]", e.Message);
        e = Assert.Throws<ShapeException>(() => Tensor.Linear(Tensor.Zeros(2, 3), Tensor.Zeros(4, 3), Tensor.Zeros(5)));
        Assert.Contains("bias [5]", e.Message);
    }
}
