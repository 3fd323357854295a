using static Neurite.Tests.Check;

namespace Neurite.Tests.Tensors;

[Collection(GlobalStateCollection.Name)] // ManualSeed reseeds the process-wide generator
public class CreationTests
{
    [Fact]
    public void ZerosOnesFull()
    {
        var z = Tensor.Zeros(2, 3);
        Shape([2, 3], z);
        Assert.Equal(DType.Float32, z.DType);
        Assert.All(z.ToFloatArray(), v => Assert.Equal(0f, v));
        Assert.All(Tensor.Ones([4], DType.Float64).ToDoubleArray(), v => Assert.Equal(1.0, v));
        Assert.Equal(new long[] { 7, 7 }, Tensor.Full([2], 7.9, DType.Int64).ToLongArray());
        Assert.Equal(new float[] { 2.5f, 2.5f }, Tensor.Full([2], 2.5).ToFloatArray());
        Assert.Equal(3.0, Tensor.Scalar(3).Item());
        Assert.Equal(0, Tensor.Scalar(3).Rank);
        Shape([2, 3], Tensor.OnesLike(z));
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, -1));
    }

    [Fact]
    public void ArangeLinspaceEye()
    {
        Assert.Equal(new float[] { 0, 1, 2, 3 }, Tensor.Arange(4).ToFloatArray());
        Assert.Equal(new float[] { 1, 1.5f, 2, 2.5f }, Tensor.Arange(1, 3, 0.5).ToFloatArray());
        Assert.Equal(new float[] { 5, 3 }, Tensor.Arange(5, 1, -2).ToFloatArray());
        Assert.Empty(Tensor.Arange(3, 1).ToFloatArray());
        Assert.Equal(new long[] { 0, 1, 2 }, Tensor.Arange(3, DType.Int64).ToLongArray());
        Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 1, 0));
        Assert.Equal(new double[] { 0, 0.25, 0.5, 0.75, 1 }, Tensor.Linspace(0, 1, 5, DType.Float64).ToDoubleArray());
        Assert.Equal(new float[] { 2 }, Tensor.Linspace(2, 3, 1).ToFloatArray());
        Assert.Equal(new float[] { 1, 0, 0, 0, 1, 0 }, Tensor.Eye(2, 3).ToFloatArray());
        Assert.Equal(new float[] { 1, 0, 0, 1 }, Tensor.Eye(2).ToFloatArray());
    }

    [Fact]
    public void FromArrays()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Shape([2, 3], x);
        Assert.Equal(6, x[1, 2]);
        var m = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Shape([2, 3], m);
        Assert.Equal(DType.Float64, m.DType);
        Assert.Equal(4, m[1, 0]);
        var f = Tensor.FromArray(new float[,] { { 1 }, { 2 } });
        Assert.Equal(new float[] { 1, 2 }, f.ToFloatArray());
        Assert.Equal(DType.Int64, Tensor.FromArray(new[] { 1, 2 }).DType);
        // FromArray copies; Wrap shares
        var data = new float[] { 1, 2 };
        var copied = Tensor.FromArray(data);
        var wrapped = Tensor.Wrap(data);
        data[0] = 9;
        Assert.Equal(1, copied[0]);
        Assert.Equal(9, wrapped[0]);
        var e = Assert.Throws<ShapeException>(() => Tensor.FromArray(new float[] { 1, 2, 3 }, 2, 2));
        Assert.Contains("[2, 2]", e.Message);
    }

    [Fact]
    public void RandomCreationIsSeededAndInRange()
    {
        var a = Tensor.Rand([1000], new Generator(7));
        Assert.Equal(a.ToFloatArray(), Tensor.Rand([1000], new Generator(7)).ToFloatArray());
        Assert.All(a.ToFloatArray(), v => Assert.InRange(v, 0f, 1f - 1e-9f));
        Assert.InRange(a.Mean().Item(), 0.45, 0.55);
        var n = Tensor.Randn([4000], new Generator(8), DType.Float64);
        Assert.InRange(n.Mean().Item(), -0.06, 0.06);
        Assert.InRange(n.Std().Item(), 0.95, 1.05);
        var r = Tensor.RandInt(-2, 3, [500], new Generator(9));
        Assert.Equal(DType.Int64, r.DType);
        var values = r.ToLongArray();
        Assert.All(values, v => Assert.InRange(v, -2L, 2L));
        Assert.Equal(5, values.Distinct().Count());
        Assert.Throws<ArgumentException>(() => Tensor.RandInt(3, 3, [1]));
        // pinned: the creation functions draw from the generator in order
        Assert.Equal(new long[] { 7, 2, 8, 9, 9 }, Tensor.RandInt(0, 10, [5], new Generator(7)).ToLongArray());
        Assert.Equal(new float[] { 0.7005764f, 0.2787512f, 0.83962744f }, Tensor.Rand([3], new Generator(7)).ToFloatArray());
    }

    [Fact]
    public void ManualSeedResetsTheDefaultGenerator()
    {
        Generator.ManualSeed(123);
        var a = Tensor.Randn(5).ToFloatArray();
        Generator.ManualSeed(123);
        Assert.Equal(a, Tensor.Randn(5).ToFloatArray());
    }
}

public class GeneratorTests
{
    // Literal constants computed once (and checked against an independent xoshiro256** + SplitMix64
    // implementation): they must never change, on any machine or runtime.
    [Fact]
    public void PinnedUInt64()
    {
        var g = new Generator(42);
        Assert.Equal(1546998764402558742UL, g.NextUInt64());
        Assert.Equal(6990951692964543102UL, g.NextUInt64());
        Assert.Equal(12544586762248559009UL, g.NextUInt64());
    }

    [Fact]
    public void PinnedDouble()
    {
        var g = new Generator(42);
        Assert.Equal(0.08386297105988216, g.NextDouble());
        Assert.Equal(0.3789802506626686, g.NextDouble());
        Assert.Equal(0.6800434110281394, g.NextDouble());
    }

    [Fact]
    public void PinnedNormal()
    {
        var g = new Generator(42);
        Assert.Equal(-0.7262191382447857, g.NextNormal());
        Assert.Equal(-0.21119691823195985, g.NextNormal());
        Assert.Equal(0.2216227015035933, g.NextNormal());
    }

    [Fact]
    public void SameSeedSameNumbersAndStateRoundTrips()
    {
        var a = new Generator(5);
        var b = new Generator(5);
        for (int i = 0; i < 100; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
        Assert.NotEqual(new Generator(5).NextUInt64(), new Generator(6).NextUInt64());
        a.NextNormal(); // leaves a spare normal in the state
        var state = a.GetState();
        var expected = new[] { a.NextNormal(), a.NextNormal(), a.NextDouble() };
        var c = new Generator(0);
        c.SetState(state);
        Assert.Equal(expected, new[] { c.NextNormal(), c.NextNormal(), c.NextDouble() });
        Assert.Throws<ArgumentException>(() => c.SetState([1, 2]));
    }

    [Fact]
    public void NextIntAndShuffle()
    {
        var g = new Generator(3);
        var counts = new int[3];
        for (int i = 0; i < 3000; i++) counts[g.NextInt(3)]++;
        Assert.All(counts, c => Assert.InRange(c, 900, 1100));
        Assert.Throws<ArgumentOutOfRangeException>(() => g.NextInt(0));
        var items = Enumerable.Range(0, 20).ToArray();
        g.Shuffle<int>(items);
        Assert.Equal(Enumerable.Range(0, 20), items.Order());
        Assert.NotEqual(Enumerable.Range(0, 20), items);
    }
}

public class AccessTests
{
    [Fact]
    public void NegativeIndices()
    {
        var x = Tensor.Arange(0, 6).Reshape(2, 3);
        Assert.Equal(5, x[-1, -1]);
        Assert.Equal(3, x[1, -3]);
        x[-2, -1] = 42;
        Assert.Equal(42, x[0, 2]);
        Assert.Throws<IndexOutOfRangeException>(() => x[2, 0]);
        Assert.Throws<IndexOutOfRangeException>(() => x[0, -4]);
        Assert.Throws<IndexOutOfRangeException>(() => x[0]);
        Assert.Equal(2, x.Size(-1) - 1);
    }

    [Fact]
    public void ItemNeedsOneElement()
    {
        Assert.Equal(4, Tensor.Full([1, 1], 4).Item());
        Assert.Contains("[2]", Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(2).Item()).Message);
    }

    [Fact]
    public void CloneAndContiguousCopy()
    {
        var x = Tensor.Arange(0, 6).Reshape(2, 3);
        Assert.Same(x, x.Contiguous());
        var t = x.T.Contiguous();
        Assert.True(t.IsContiguous);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, t.ToFloatArray());
        var c = x.Clone();
        c[0, 0] = 9;
        Assert.Equal(0, x[0, 0]);
    }

    [Fact]
    public void CopyFromIntoView()
    {
        var x = Tensor.Zeros(2, 3);
        x.T.CopyFrom(Tensor.Arange(0, 6).Reshape(3, 2));
        Assert.Equal(new float[] { 0, 2, 4, 1, 3, 5 }, x.ToFloatArray());
        Assert.Throws<ShapeException>(() => x.CopyFrom(Tensor.Zeros(3, 2)));
    }
}

public class FormatTests
{
    [Fact]
    public void MatrixLikePyTorch() =>
        Assert.Equal("tensor([[0., 1.],\n        [2., 3.]])", Tensor.Arange(0, 4).Reshape(2, 2).ToString());

    [Fact]
    public void ThreeDimensionsLikePyTorch() =>
        Assert.Equal("tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])", Tensor.Arange(0, 8).Reshape(2, 2, 2).ToString());

    [Fact]
    public void FixedPointPadsToWidth() =>
        Assert.Equal("tensor([ 0.1000, -1.2500,  3.0000])", Tensor.Of(0.1f, -1.25f, 3).ToString());

    [Fact]
    public void ScientificForWideRanges()
    {
        Assert.Equal("tensor([1.0000e-05, 1.0000e+00])", Tensor.Of(1e-5f, 1).ToString());
        Assert.Equal("tensor([1.0000e+00, 2.0000e+03])", Tensor.Of(1, 2000).ToString());
    }

    [Fact]
    public void ScalarsIntegersAndDTypes()
    {
        Assert.Equal("tensor(3.)", Tensor.Scalar(3).ToString());
        Assert.Equal("tensor(0.5000, dtype=float64)", Tensor.Scalar(0.5, DType.Float64).ToString());
        Assert.Equal("tensor([  1, -20,   3])", Tensor.FromArray(new long[] { 1, -20, 3 }).ToString());
        Assert.Equal("tensor([1., nan, inf])", Tensor.Of(1, float.NaN, float.PositiveInfinity).ToString());
        Assert.Equal("tensor([0., 0.])", Tensor.Zeros(2).ToString());
    }

    [Fact]
    public void GradientMarkers()
    {
        Assert.Equal("tensor([1., 1.], requires_grad=True)", Tensor.Ones(2).RequireGrad().ToString());
        Assert.StartsWith("tensor([1., 1.], grad_fn=<", Tensor.Ones(2).RequireGrad().Mul(Tensor.Ones(2)).ToString());
    }

    [Fact]
    public void EmptyTensors()
    {
        Assert.Equal("tensor([])", Tensor.Zeros(0).ToString());
        Assert.Equal("tensor([], size=(2, 0))", Tensor.Zeros(2, 0).ToString());
    }

    [Fact]
    public void LongRowsWrapAt80Columns() =>
        Assert.Equal(
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19.])",
            Tensor.Arange(0, 20).ToString());

    [Fact]
    public void LargeTensorsAreSummarised() =>
        Assert.Equal(
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])",
            Tensor.Arange(0, 2000).ToString());

    [Fact]
    public void NonContiguousPrintsLogicalOrder() =>
        Assert.Equal("tensor([[0., 2.],\n        [1., 3.]])", Tensor.Arange(0, 4).Reshape(2, 2).T.ToString());
}

public class BadInputTests
{
    [Fact]
    public void BroadcastFailureNamesOpAndShapes()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.Zeros(3, 4).Add(Tensor.Zeros(2)));
        Assert.StartsWith("add: cannot broadcast [3, 4] with [2]", e.Message);
        Assert.Contains("mul", Assert.Throws<ShapeException>(() => Tensor.Zeros(2, 3).Mul(Tensor.Zeros(3, 2))).Message);
        Assert.Contains("where", Assert.Throws<ShapeException>(() => Tensor.Where(Tensor.Ones(3), Tensor.Zeros(2), Tensor.Zeros(2))).Message);
        Assert.Contains("masked_fill", Assert.Throws<ShapeException>(() => Tensor.Zeros(2).MaskedFill(Tensor.Ones(3), 0)).Message);
    }

    [Fact]
    public void DTypeMismatchNamesOpAndDTypes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2).Add(Tensor.Zeros([2], DType.Float64)));
        Assert.Contains("add", e.Message);
        Assert.Contains("float32", e.Message);
        Assert.Contains("float64", e.Message);
    }

    [Fact]
    public void FloatOpsRejectInt64()
    {
        var i = Tensor.Arange(3, DType.Int64);
        foreach (var (name, op) in new (string, Func<Tensor>)[]
        {
            ("exp", () => i.Exp()), ("relu", () => i.Relu()), ("sum", () => i.Sum()), ("add", () => i.Add(i)),
            ("neg", () => i.Neg()), ("softmax", () => i.Softmax()), ("matmul", () => i.MatMul(i)), ("sigmoid", () => i.Sigmoid()),
        })
        {
            var e = Assert.ThrowsAny<ArgumentException>(op);
            Assert.Contains(name, e.Message);
            Assert.Contains("int64", e.Message);
        }
    }

    [Fact]
    public void MaxoutNeedsDivisibleAxis()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.Zeros(2, 5).Maxout(2));
        Assert.Contains("maxout", e.Message);
        Assert.Contains("[2, 5]", e.Message);
    }

    [Fact]
    public void ClampRejectsInvertedBounds() =>
        Assert.Contains("clamp", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2).Clamp(1, -1)).Message);
}
