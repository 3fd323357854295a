using Neurite.Kernels;
using Neurite.Kernels.Operators;

namespace Neurite.Tests.Kernels;

/// <summary>The strided drivers (Elementwise.Unary/Binary/Copy, StridedCopy) on transposed, sliced, broadcast
/// (stride 0), permuted, size-1, scalar and empty layouts, against a naive multi-index loop.</summary>
public class ElementwiseDriverTests
{
    /// <summary>Layouts over a storage of 400 elements, all with shape [3, 4, 5] unless noted.</summary>
    public static TheoryData<string, int[], int[], int> Layouts => new()
    {
        { "contiguous", [3, 4, 5], [20, 5, 1], 0 },
        { "offset", [3, 4, 5], [20, 5, 1], 7 },
        { "transposed", [3, 4, 5], [1, 3, 12], 0 },
        { "permuted", [3, 4, 5], [5, 1, 20], 2 },
        { "sliced step 2", [3, 4, 5], [80, 10, 2], 1 },
        { "broadcast rows", [3, 4, 5], [0, 5, 1], 3 },
        { "broadcast inner", [3, 4, 5], [20, 5, 0], 0 },
        { "broadcast all", [3, 4, 5], [0, 0, 0], 9 },
        { "size-1 dims", [1, 3, 1, 4, 5], [999, 20, 7, 5, 1], 0 },
        { "scalar", [], [], 11 },
        { "empty", [3, 0, 5], [0, 5, 1], 0 },
        { "long inner tail", [2, 37], [40, 1], 1 },
    };

    static float[] Storage(int seed)
    {
        var v = ElementwiseTestKit.Values<float>(400, seed);
        return v;
    }

    /// <summary>Storage offsets of a layout's elements in row-major order, by a plain odometer.</summary>
    static List<int> Offsets(int[] shape, int[] strides, int offset)
    {
        var result = new List<int>();
        int n = 1;
        foreach (int s in shape) n *= s;
        var index = new int[shape.Length];
        for (int e = 0; e < n; e++)
        {
            int at = offset;
            for (int k = 0; k < shape.Length; k++) at += index[k] * strides[k];
            result.Add(at);
            for (int k = shape.Length - 1; k >= 0 && ++index[k] == shape[k]; k--) index[k] = 0;
        }
        return result;
    }

    static void Same(float expected, float actual, string what, double tol = 0)
    {
        if (!ElementwiseTestKit.Close(expected, actual, tol)) Assert.Fail($"{what}: expected {expected}, got {actual}");
    }

    [Theory, MemberData(nameof(Layouts))]
    public void UnaryMatchesNaiveLoop(string name, int[] shape, int[] strides, int offset)
    {
        var x = Storage(1);
        var at = Offsets(shape, strides, offset);
        var y = new float[at.Count];
        Elementwise.Unary(new ExpOp(), x, new Layout(shape, strides, offset), y);
        for (int i = 0; i < at.Count; i++) Same(MathF.Exp(x[at[i]]), y[i], $"{name} [{i}]", 2e-6); // vector exp is within an ulp or two
        Elementwise.Unary(new SignOp(), x, new Layout(shape, strides, offset), y);
        for (int i = 0; i < at.Count; i++) Same(new SignOp().Invoke(x[at[i]]), y[i], $"{name} sign [{i}]");
    }

    [Theory, MemberData(nameof(Layouts))]
    public void CopyMatchesNaiveLoop(string name, int[] shape, int[] strides, int offset)
    {
        var x = Storage(2);
        var at = Offsets(shape, strides, offset);
        var y = new float[at.Count];
        Elementwise.Copy<float>(x, new Layout(shape, strides, offset), y);
        for (int i = 0; i < at.Count; i++) Same(x[at[i]], y[i], $"{name} [{i}]");
    }

    [Theory, MemberData(nameof(Layouts))]
    public void BinaryMatchesNaiveLoopAgainstEveryOtherLayout(string name, int[] shape, int[] strides, int offset)
    {
        var a = Storage(3);
        var b = Storage(4);
        foreach (var row in Layouts)
        {
            var (other, oShape, oStrides, oOffset) = ((string)row[0], (int[])row[1], (int[])row[2], (int)row[3]);
            if (!oShape.AsSpan().SequenceEqual(shape)) continue;
            var atA = Offsets(shape, strides, offset);
            var atB = Offsets(oShape, oStrides, oOffset);
            var d = new float[atA.Count];
            Elementwise.Binary(new SubOp(), a, new Layout(shape, strides, offset), b, new Layout(oShape, oStrides, oOffset), d);
            for (int i = 0; i < d.Length; i++) Same(a[atA[i]] - b[atB[i]], d[i], $"{name} − {other} [{i}]");
            Elementwise.Binary(new Vectorized<ReluGradOp>(), a, new Layout(shape, strides, offset), b, new Layout(oShape, oStrides, oOffset), d);
            for (int i = 0; i < d.Length; i++) Same(a[atA[i]] > 0 ? b[atB[i]] : 0, d[i], $"relu'({name}, {other}) [{i}]");
        }
    }

    [Theory, MemberData(nameof(Layouts))]
    public void StridedCopyIntoTransposedAndSlicedDestinations(string name, int[] shape, int[] strides, int offset)
    {
        var x = Storage(5);
        var atX = Offsets(shape, strides, offset);
        // destinations must not alias themselves: no stride-0 layouts
        foreach (var row in Layouts)
        {
            var (other, dShape, dStrides, dOffset) = ((string)row[0], (int[])row[1], (int[])row[2], (int)row[3]);
            if (!dShape.AsSpan().SequenceEqual(shape) || Array.IndexOf(dStrides, 0) >= 0 && other != "empty") continue;
            var d = new float[400];
            Array.Fill(d, -123f);
            StridedCopy.Copy<float>(x, new Layout(shape, strides, offset), d, new Layout(dShape, dStrides, dOffset));
            var atD = Offsets(dShape, dStrides, dOffset);
            for (int i = 0; i < atD.Count; i++) Same(x[atX[i]], d[atD[i]], $"{name} → {other} [{i}]");
            int untouched = 0;
            foreach (float v in d) if (v == -123f) untouched++;
            Assert.Equal(400 - atD.Count, untouched); // nothing outside the destination's elements is written
        }
    }

    [Fact]
    public void CoalesceMergesContiguousRunsAndDropsUnitDims()
    {
        var (shape, strides) = Layout.Coalesce([2, 1, 3, 4], [12, 99, 4, 1]);
        Assert.Equal([24], shape);
        Assert.Equal([1], strides[0]);
        (shape, strides) = Layout.Coalesce([3, 4, 5], [1, 3, 12], [20, 5, 1]);
        Assert.Equal([3, 4, 5], shape);
        (shape, strides) = Layout.Coalesce([3, 4, 5], [0, 5, 1], [20, 5, 1]);
        Assert.Equal([3, 20], shape);
        Assert.Equal([0, 1], strides[0]);
        Assert.Equal([20, 1], strides[1]);
        (shape, _) = Layout.Coalesce([1, 1], [5, 5]);
        Assert.Empty(shape);
    }
}

/// <summary>Splitting a flat op across threads must give the same elements as one loop, for sizes around
/// the chunk boundaries.</summary>
[Collection(nameof(Neurite.Tests.MemoryTests))] // changes process-wide settings: run alone
public class ChunkedElementwiseTests
{
    [Fact]
    public void SplitOpsMatchSingleThreadedOnes()
    {
        int saved = Threads.Count;
        try
        {
            Threads.Count = 3;
            foreach (int n in new[] { 63, 64, 65, 1000, 4097 })
            {
                var x = Tensor.FromArray(ElementwiseTestKit.Values<float>(n, n), n);
                var y = Tensor.FromArray(ElementwiseTestKit.Values<float>(n, n + 1), n);
                Chunks.MinParallelElements = int.MaxValue;
                var (sum, exp) = (x.Add(y).ToFloatArray(), x.Exp().ToFloatArray());
                Chunks.MinParallelElements = 64;
                Assert.Equal(sum, x.Add(y).ToFloatArray());
                // exp may differ by an ulp where a chunk's tail takes the scalar path
                var split = x.Exp().ToFloatArray();
                for (int i = 0; i < n; i++) ElementwiseTestKit.AssertClose(exp[i], split[i], 2e-6, $"exp [{i}] of {n}");
            }
            var (start, length) = Chunks.Range(4097, 3, 2);
            Assert.Equal(4097, start + length);
        }
        finally
        {
            Threads.Count = saved;
            Chunks.MinParallelElements = int.MaxValue;
        }
    }
}
