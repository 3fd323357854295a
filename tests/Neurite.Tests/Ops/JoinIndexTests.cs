using static Neurite.Tests.Check;

namespace Neurite.Tests.Ops;

public class JoinIndexTests
{
    // ---- gradient checks --------------------------------------------------------------------------

    [Fact] public void ConcatGrad() => Grad(xs => Tensor.Concat([xs[0], xs[1].T, xs[0]], 1).Exp(), Input([2, 3], 1), Input([4, 2], 2));
    [Fact] public void ConcatFirstAxisGrad() => Grad((a, b) => Tensor.Concat([a, b]).Exp(), [2, 3], [1, 3]);
    [Fact] public void StackGrad() => Grad((a, b) => Tensor.Stack([a, b.Slice(1, 0, 6, 2)], 1).Exp(), [2, 3], [2, 6]);
    [Fact] public void StackScalarsGrad() => Grad((a, b) => Tensor.Stack([a, b, a]).Exp(), [], []);
    [Fact] public void SplitGrad() => Grad(x => { var p = x.Split(2, 1); return p[0].Mul(p[1]).Add(p[2].Sum(1, keepDim: true)); }, [3, 6]);
    [Fact] public void SplitSizesGrad() => Grad(x => { var p = x.Split([1, 3], 0); return p[0].Exp().Add(p[1].Tanh()); }, [4, 2]);
    [Fact] public void ChunkGrad() => Grad(x => { var c = x.Chunk(3, 0); return c[0].Sub(c[2].Exp()).Add(c[1]); }, [6, 2]);

    [Fact]
    public void GatherGrad()
    {
        var index = Tensor.FromArray(new long[] { 0, 2, 2, 1, 0, 0 }, 3, 2);
        Grad(x => x.Gather(1, index), [3, 4]);
        Grad(x => x.T.Gather(1, index), [4, 3]);
    }

    [Fact]
    public void IndexSelectGrad()
    {
        var index = Tensor.FromArray(new long[] { 2, 0, 2 });
        Grad(x => x.IndexSelect(0, index), [3, 4]);
        Grad(x => x.IndexSelect(1, index).Exp(), [2, 3, 2]);
        Grad(x => x.T.IndexSelect(-1, index), [3, 2]);
    }

    // ---- values -----------------------------------------------------------------------------------

    [Fact]
    public void ConcatStackValues()
    {
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensor.FromArray(new float[] { 5, 6 }, 2, 1);
        var c = Tensor.Concat([a, b], 1);
        Shape([2, 3], c);
        Assert.Equal(new float[] { 1, 2, 5, 3, 4, 6 }, c.ToFloatArray());
        var s = Tensor.Stack([Tensor.Of(1, 2), Tensor.Of(3, 4)], 1);
        Shape([2, 2], s);
        Assert.Equal(new float[] { 1, 3, 2, 4 }, s.ToFloatArray());
        Shape([2, 2], Tensor.Stack([Tensor.Of(1, 2), Tensor.Of(3, 4)]));
        Assert.Equal(new float[] { 1, 3, 2, 4 }, Tensor.Stack([Tensor.Of(1, 2), Tensor.Of(3, 4)], -1).ToFloatArray());
        Shape([3, 2, 1], Tensor.Stack([Tensor.Zeros(2, 1), Tensor.Zeros(2, 1), Tensor.Zeros(2, 1)]));
        // empty pieces join fine
        Shape([2, 2], Tensor.Concat([a, Tensor.Zeros(2, 0)], 1));
    }

    [Fact]
    public void SplitAndChunkPieces()
    {
        var x = Tensor.Arange(0, 7);
        var pieces = x.Split(3);
        Assert.Equal([3, 3, 1], pieces.Select(p => p.NumEl));
        Assert.Equal(new float[] { 6 }, pieces[2].ToFloatArray());
        var sized = x.Split([2, 0, 5]);
        Assert.Equal([2, 0, 5], sized.Select(p => p.NumEl));
        var chunks = Tensor.Arange(0, 6).Chunk(4); // ⌈6/4⌉ = 2 per chunk → 3 chunks, like PyTorch
        Assert.Equal(3, chunks.Length);
        Assert.Equal(new float[] { 4, 5 }, chunks[2].ToFloatArray());
        Assert.Throws<ShapeException>(() => x.Split([2, 2]));
    }

    [Fact]
    public void GatherPicksAlongAxis()
    {
        // out[i][j] = x[i][index[i][j]]
        var x = Tensor.FromArray(new float[] { 10, 11, 12, 20, 21, 22 }, 2, 3);
        var index = Tensor.FromArray(new long[] { 2, 0, 1, 1 }, 2, 2);
        Assert.Equal(new float[] { 12, 10, 21, 21 }, x.Gather(1, index).ToFloatArray());
        // along dim 0: out[i][j] = x[index[i][j]][j]
        var rows = Tensor.FromArray(new long[] { 1, 0, 1 }, 1, 3);
        Assert.Equal(new float[] { 20, 11, 22 }, x.Gather(0, rows).ToFloatArray());
    }

    [Fact]
    public void GatherGradientAddsRepeats()
    {
        var x = F64([1, 2, 3], 1, 3).RequireGrad();
        x.Gather(1, Tensor.FromArray(new long[] { 2, 2, 0 }, 1, 3)).Sum().Backward();
        Close([1, 0, 2], x.Grad!);
    }

    [Fact]
    public void IndexSelectIsEmbeddingLookup()
    {
        var table = F64([0, 0, 1, 1, 2, 2], 3, 2).RequireGrad();
        var rows = table.IndexSelect(0, Tensor.FromArray(new long[] { 2, 0, 2 }));
        Close([2, 2, 0, 0, 2, 2], rows);
        rows.Sum().Backward();
        Close([1, 1, 0, 0, 2, 2], table.Grad!);
    }

    [Fact]
    public void OneHotEncodes()
    {
        var y = Tensor.OneHot(Tensor.FromArray(new long[] { 2, 0, 1 }), 3);
        Shape([3, 3], y);
        Assert.Equal(DType.Float32, y.DType);
        Assert.Equal(new float[] { 0, 0, 1, 1, 0, 0, 0, 1, 0 }, y.ToFloatArray());
        var batched = Tensor.OneHot(Tensor.FromArray(new long[] { 1, 0, 0, 1 }, 2, 2), 2, DType.Float64);
        Shape([2, 2, 2], batched);
        Assert.Equal(new double[] { 0, 1, 1, 0, 1, 0, 0, 1 }, batched.ToDoubleArray());
        Assert.Contains("one_hot", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.OneHot(Tensor.FromArray(new long[] { 3 }), 3)).Message);
    }

    // ---- bad input --------------------------------------------------------------------------------

    [Fact]
    public void IndexOutOfRangeNamesTheOp()
    {
        var x = Tensor.Zeros(3, 4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(0, Tensor.FromArray(new long[] { 0, 3 })));
        Assert.Contains("index_select", e.Message);
        Assert.Contains("3", e.Message);
        Assert.Contains("gather", Assert.Throws<ArgumentOutOfRangeException>(() => x.Gather(1, Tensor.FromArray(new long[] { 4 }, 1, 1))).Message);
        Assert.Contains("gather", Assert.Throws<ArgumentOutOfRangeException>(() => x.Gather(1, Tensor.FromArray(new long[] { -1 }, 1, 1))).Message);
        Assert.Contains("gather", Assert.Throws<ShapeException>(() => x.Gather(1, Tensor.FromArray(new long[] { 0 }))).Message);
        Assert.Contains("gather", Assert.Throws<ShapeException>(() => x.Gather(1, Tensor.Zeros([4, 1], DType.Int64))).Message);
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => x.IndexSelect(0, Tensor.Of(0))).Message);
        Assert.Contains("1-D", Assert.Throws<ShapeException>(() => x.IndexSelect(0, Tensor.Zeros([1, 1], DType.Int64))).Message);
    }

    [Fact]
    public void BadConcatAndStackNameShapes()
    {
        var e = Assert.Throws<ShapeException>(() => Tensor.Concat([Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)], 1));
        Assert.Contains("concat", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[3, 2]", e.Message);
        Assert.Contains("dtype", Assert.Throws<ArgumentException>(() => Tensor.Concat([Tensor.Zeros(2), Tensor.Zeros([2], DType.Float64)])).Message);
        Assert.Contains("stack", Assert.Throws<ShapeException>(() => Tensor.Stack([Tensor.Zeros(2), Tensor.Zeros(3)])).Message);
        Assert.Throws<ArgumentException>(() => Tensor.Concat([]));
    }
}
