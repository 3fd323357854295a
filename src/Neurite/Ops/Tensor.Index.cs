using System.Numerics;
using System.Numerics.Tensors;

namespace Neurite;

// Indexing by integer tensors. Forward gathers, backward scatters-adds into zeros.
public sealed partial class Tensor
{
    /// <summary>
    /// Slices of dimension <paramref name="dim"/> picked by a 1-D int64 <paramref name="index"/>
    /// (repeats allowed): the embedding lookup when dim = 0.
    /// </summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        RequireFloat("index_select", this);
        int d = Neurite.Shape.Axis("index_select", dim, Rank);
        var idx = CheckIndex("index_select", index, shape[d], requireRank1: true);
        var outShape = (int[])shape.Clone();
        outShape[d] = idx.Length;
        var (outer, inner) = OuterInner(shape, d);
        var x = Contiguous();
        var y = Empty(outShape, DType);
        if (DType == DType.Float32) SelectRows(x.Span<float>(), idx, outer, shape[d], inner, y.Span<float>());
        else SelectRows(x.Span<double>(), idx, outer, shape[d], inner, y.Span<double>());
        if (Autograd.Tracks(this))
            Autograd.Record(y, "index_select", this, static (n, st, g) =>
            {
                // each picked slice's gradient is added back where it came from (repeats add up)
                var (d, idx) = st;
                var a = n.A!;
                var (outer, inner) = OuterInner(a.shape, d);
                var dx = ZerosLike(a);
                var gc = g.Contiguous();
                if (a.DType == DType.Float32) AddRows(gc.Span<float>(), idx, outer, a.shape[d], inner, dx.Span<float>());
                else AddRows(gc.Span<double>(), idx, outer, a.shape[d], inner, dx.Span<double>());
                Node.Flow(a, dx);
            }, (d, idx));
        return y;
    }

    static void SelectRows<T>(ReadOnlySpan<T> x, long[] idx, int outer, int size, int inner, Span<T> y) where T : unmanaged
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < idx.Length; i++)
                x.Slice((o * size + (int)idx[i]) * inner, inner).CopyTo(y.Slice((o * idx.Length + i) * inner, inner));
    }

    static void AddRows<T>(ReadOnlySpan<T> g, long[] idx, int outer, int size, int inner, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < idx.Length; i++)
            {
                var dst = dx.Slice((o * size + (int)idx[i]) * inner, inner);
                TensorPrimitives.Add(dst, g.Slice((o * idx.Length + i) * inner, inner), dst);
            }
    }

    /// <summary>
    /// out[…, i, …] = this[…, index[…, i, …], …] along <paramref name="dim"/>: index has this tensor's
    /// rank, and in every other dimension a size no larger than this tensor's.
    /// </summary>
    public Tensor Gather(int dim, Tensor index)
    {
        RequireFloat("gather", this);
        int d = Neurite.Shape.Axis("gather", dim, Rank);
        if (index.Rank != Rank)
            throw new ShapeException($"gather: index of shape {Neurite.Shape.Format(index.shape)} must have the input's rank {Rank} (input {Neurite.Shape.Format(shape)})");
        for (int i = 0; i < Rank; i++)
            if (i != d && index.shape[i] > shape[i])
                throw new ShapeException($"gather: index {Neurite.Shape.Format(index.shape)} is larger than input {Neurite.Shape.Format(shape)} in dimension {i}");
        var idx = CheckIndex("gather", index, shape[d], requireRank1: false);
        var positions = GatherPositions(shape, index.shape, d, idx);
        var x = Contiguous();
        var y = Empty(index.shape, DType);
        if (DType == DType.Float32) { var s = x.Span<float>(); var o = y.Span<float>(); for (int i = 0; i < positions.Length; i++) o[i] = s[positions[i]]; }
        else { var s = x.Span<double>(); var o = y.Span<double>(); for (int i = 0; i < positions.Length; i++) o[i] = s[positions[i]]; }
        if (Autograd.Tracks(this))
            Autograd.Record(y, "gather", this, static (n, positions, g) =>
            {
                // scatter-add: ∂L/∂x[p] = Σ over outputs that read p
                var dx = ZerosLike(n.A!);
                var gc = g.Contiguous();
                if (dx.DType == DType.Float32) { var s = gc.Span<float>(); var o = dx.Span<float>(); for (int i = 0; i < positions.Length; i++) o[positions[i]] += s[i]; }
                else { var s = gc.Span<double>(); var o = dx.Span<double>(); for (int i = 0; i < positions.Length; i++) o[positions[i]] += s[i]; }
                Node.Flow(n.A!, dx);
            }, positions);
        return y;
    }

    /// <summary>For each element of the index, its position in the contiguous input.</summary>
    static int[] GatherPositions(int[] inShape, int[] idxShape, int d, long[] idx)
    {
        var inStrides = Neurite.Shape.ContiguousStrides(inShape);
        var positions = new int[idx.Length];
        var at = new int[idxShape.Length];
        for (int i = 0; i < idx.Length; i++)
        {
            int p = 0;
            for (int k = 0; k < at.Length; k++) p += (k == d ? (int)idx[i] : at[k]) * inStrides[k];
            positions[i] = p;
            for (int k = at.Length - 1; k >= 0 && ++at[k] == idxShape[k]; k--) at[k] = 0;
        }
        return positions;
    }

    /// <summary>One-hot encoding of int64 class indices: shape [..., numClasses], float32 (or <paramref name="dtype"/>).</summary>
    public static Tensor OneHot(Tensor indices, int numClasses, DType dtype = DType.Float32)
    {
        if (numClasses <= 0) throw new ArgumentException($"one_hot: numClasses must be positive, got {numClasses}");
        var idx = CheckIndex("one_hot", indices, numClasses, requireRank1: false);
        var y = Zeros([.. indices.shape, numClasses], dtype);
        for (int i = 0; i < idx.Length; i++) y.SetFlat(i * numClasses + (int)idx[i], 1);
        return y;
    }

    static (int outer, int inner) OuterInner(int[] shape, int d)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, inner);
    }

    /// <summary>The index values as longs, each checked to lie in [0, size).</summary>
    static long[] CheckIndex(string op, Tensor index, int size, bool requireRank1)
    {
        if (index.DType != DType.Int64)
            throw new ArgumentException($"{op}: index must be an int64 tensor, got {index.DType.Name()}");
        if (requireRank1 && index.Rank != 1)
            throw new ShapeException($"{op}: index must be 1-D, got shape {Neurite.Shape.Format(index.shape)}");
        var values = index.ToLongArray();
        foreach (long v in values)
            if (v < 0 || v >= size)
                throw new ArgumentOutOfRangeException(nameof(index), $"{op}: index {v} is out of range for a dimension of size {size}");
        return values;
    }
}
