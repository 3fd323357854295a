using Neurite.Kernels;

namespace Neurite;

// Reductions over any set of axes, with keepDim. Sum, max and min are primitives; mean, var, std
// and logsumexp are compositions of them, so their gradients come from autograd.
public sealed partial class Tensor
{
    /// <summary>Sum of all elements (a scalar).</summary>
    public Tensor Sum() => Sum(null, false);

    /// <summary>Sum over one axis.</summary>
    public Tensor Sum(int axis, bool keepDim = false) => Sum([axis], keepDim);

    /// <summary>Sum over <paramref name="axes"/> (null: all).</summary>
    public Tensor Sum(int[]? axes, bool keepDim = false)
    {
        RequireFloat("sum", this);
        var mask = Neurite.Shape.AxesMask("sum", axes, Rank);
        var y = ReduceRaw(ReduceKind.Sum, mask, keepDim, "sum");
        if (Autograd.Tracks(this))
            // d(Σx)/dx = 1: the gradient is broadcast back over the reduced axes
            Autograd.Record(y, "sum", this, static (n, mask, g) => Node.Flow(n.A!, g.Reshape(KeptShape(n.A!.shape, mask)).Expand(n.A!.shape)), mask);
        return y;
    }

    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Mean(null, false);

    /// <summary>Mean over one axis (<c>torch.mean(x, dim, keepdim)</c>): [2, 3].Mean(1) → [2], with keepDim [2, 1]. An empty axis gives NaN.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => Mean([axis], keepDim);

    /// <summary>Mean over <paramref name="axes"/> (null: all).</summary>
    public Tensor Mean(int[]? axes, bool keepDim = false)
    {
        var mask = Neurite.Shape.AxesMask("mean", axes, Rank);
        // the mean of no elements is 0/0 = NaN, as in PyTorch
        return Sum(axes, keepDim).Div(CountOf(mask));
    }

    /// <summary>Largest element (a scalar).</summary>
    public Tensor Max() => Max(null, false);

    /// <summary>Maximum over one axis (values only; indices: <see cref="ArgMax(int, bool)"/>). The gradient is shared equally among tied maxima.</summary>
    /// <exception cref="ArgumentException">The axis is empty.</exception>
    public Tensor Max(int axis, bool keepDim = false) => Max([axis], keepDim);

    /// <summary>Maximum over <paramref name="axes"/>. The gradient is shared equally among tied maxima.</summary>
    public Tensor Max(int[]? axes, bool keepDim = false) => Extreme(ReduceKind.Max, "max", axes, keepDim);

    /// <summary>Smallest element (a scalar).</summary>
    public Tensor Min() => Min(null, false);

    /// <summary>Minimum over one axis (values only; indices: <see cref="ArgMin(int, bool)"/>). The gradient is shared equally among tied minima.</summary>
    /// <exception cref="ArgumentException">The axis is empty.</exception>
    public Tensor Min(int axis, bool keepDim = false) => Min([axis], keepDim);

    /// <summary>Minimum over <paramref name="axes"/>. The gradient is shared equally among tied minima.</summary>
    public Tensor Min(int[]? axes, bool keepDim = false) => Extreme(ReduceKind.Min, "min", axes, keepDim);

    Tensor Extreme(ReduceKind kind, string op, int[]? axes, bool keepDim)
    {
        RequireFloat(op, this);
        var mask = Neurite.Shape.AxesMask(op, axes, Rank);
        var y = ReduceRaw(kind, mask, keepDim, op);
        if (Autograd.Tracks(this))
            Autograd.Record(y, op, this, static (n, mask, g) =>
            {
                // d max/dx_i = 1/k for the k elements equal to the maximum, 0 elsewhere; a NaN
                // maximum came from the NaN elements, so they share the gradient (as in PyTorch)
                var kept = KeptShape(n.A!.shape, mask);
                var hit = Zip(new SameOp(), n.A!, n.Saved!.Reshape(kept), n.Op);
                var ties = hit.Sum(AxesOf(mask), keepDim: true);
                Node.Flow(n.A, hit.Div(ties).Mul(g.Reshape(kept)));
            }, mask, saved: y);
        return y;
    }

    /// <summary>Variance over <paramref name="axes"/> (null: all), dividing by N − <paramref name="correction"/>
    /// (1: the unbiased estimate, PyTorch's default; 0: the population variance).</summary>
    public Tensor Var(int[]? axes = null, bool keepDim = false, int correction = 1)
    {
        var mask = Neurite.Shape.AxesMask("var", axes, Rank);
        int n = CountOf(mask);
        var centred = Sub(Mean(axes, keepDim: true));
        return centred.Square().Sum(axes, keepDim).Div(Math.Max(0, n - correction));
    }

    /// <summary>Variance over one axis: Σ(x − mean)² / (N − <paramref name="correction"/>); correction 1 (default) is the unbiased
    /// estimate (<c>torch.var</c>), 0 the population variance.</summary>
    public Tensor Var(int axis, bool keepDim = false, int correction = 1) => Var([axis], keepDim, correction);

    /// <summary>Standard deviation: √<see cref="Var(int[], bool, int)"/>.</summary>
    public Tensor Std(int[]? axes = null, bool keepDim = false, int correction = 1) => Var(axes, keepDim, correction).Sqrt();

    /// <summary>ln Σ eˣ over <paramref name="axes"/>, computed as m + ln Σ e^(x − m) with m the maximum so it
    /// never overflows.</summary>
    public Tensor LogSumExp(int[]? axes = null, bool keepDim = false)
    {
        RequireFloat("logsumexp", this);
        var mask = Neurite.Shape.AxesMask("logsumexp", axes, Rank);
        // ln of an empty sum is ln 0 = −∞, as in PyTorch (the maximum below has no empty form)
        if (CountOf(mask) == 0) return Full(ReducedShape(shape, mask, keepDim), double.NegativeInfinity, DType);
        // NOTE: m is a constant (detached): the result does not depend on it mathematically, and
        // treating it as one keeps the gradient exactly softmax(x).
        var m = ReduceRaw(ReduceKind.Max, mask, keepDim: true, "logsumexp");
        m = Zip(new SelectOp(), Map(new FiniteOp(), m), m, "logsumexp"); // an all −∞ row keeps m = 0
        var lse = Sub(m).Exp().Sum(axes, keepDim: true).Log().Add(m);
        return keepDim ? lse : lse.Reshape(ReducedShape(shape, mask, false));
    }

    /// <summary>ln Σ eˣ over one axis, computed stably (<c>torch.logsumexp(x, dim)</c>); its gradient is the softmax along the axis.</summary>
    public Tensor LogSumExp(int axis, bool keepDim = false) => LogSumExp([axis], keepDim);

    /// <summary>Index of the largest element of the flattened tensor (an int64 scalar).</summary>
    public Tensor ArgMax() => Flatten().ArgExtreme(true, 0, false, "argmax");

    /// <summary>Indices of the largest elements along <paramref name="axis"/> (int64). Not differentiable.</summary>
    public Tensor ArgMax(int axis, bool keepDim = false) => ArgExtreme(true, axis, keepDim, "argmax");

    /// <summary>Index of the smallest element of the flattened tensor (an int64 scalar); the first on ties, the first NaN if any.</summary>
    /// <exception cref="ArgumentException">The tensor is empty.</exception>
    public Tensor ArgMin() => Flatten().ArgExtreme(false, 0, false, "argmin");

    /// <summary>Indices of the smallest elements along <paramref name="axis"/> (int64; the first on ties, the first NaN if any). Not differentiable.</summary>
    /// <exception cref="ArgumentException">The axis is empty.</exception>
    public Tensor ArgMin(int axis, bool keepDim = false) => ArgExtreme(false, axis, keepDim, "argmin");

    Tensor ArgExtreme(bool max, int axis, bool keepDim, string op)
    {
        RequireFloat(op, this);
        // a 0-d tensor is its own single element (axis 0 or −1, as in PyTorch)
        if (Rank == 0) { Neurite.Shape.Axis(op, axis, 1); return Scalar(0, DType.Int64); }
        int a = Neurite.Shape.Axis(op, axis, Rank);
        if (shape[a] == 0) throw new ArgumentException($"{op}: cannot reduce an empty dimension {a} of {Neurite.Shape.Format(shape)}");
        var rows = Transpose(a, -1).Detach().Contiguous();
        var mask = new bool[Rank];
        mask[a] = true;
        var y = Empty(ReducedShape(shape, mask, keepDim), DType.Int64);
        if (DType == DType.Float32) Reduce.ArgRows(max, rows.Span<float>(), shape[a], y.Span<long>());
        else Reduce.ArgRows(max, rows.Span<double>(), shape[a], y.Span<long>());
        return y;
    }

    // ---- the reduction driver -------------------------------------------------------------------

    /// <summary>Reduces the masked axes, unrecorded. Picks rows (reduced axes last), columns (reduced
    /// axes first) or a permuted copy, so the common layouts need no copy.</summary>
    internal Tensor ReduceRaw(ReduceKind kind, bool[] mask, bool keepDim, string op)
    {
        var y = Empty(ReducedShape(shape, mask, keepDim), DType);
        int outer = y.numel, inner = outer == 0 ? 0 : numel / Math.Max(outer, 1);
        if (kind != ReduceKind.Sum && numel == 0 && outer > 0 || kind != ReduceKind.Sum && inner == 0 && outer > 0)
            throw new ArgumentException($"{op}: cannot reduce over an empty dimension of {Neurite.Shape.Format(shape)}");
        if (outer == 0) return y;
        if (DType == DType.Float32) ReduceInto<float>(kind, mask, y.Span<float>());
        else ReduceInto<double>(kind, mask, y.Span<double>());
        return y;
    }

    void ReduceInto<T>(ReduceKind kind, bool[] mask, Span<T> dst) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int reduced = numel / dst.Length;
        if (contiguous && IsSuffix(mask))
        {
            Reduce.Rows(kind, Span<T>(), reduced, dst);
            return;
        }
        if (contiguous && IsPrefix(mask))
        {
            Reduce.Columns(kind, Span<T>(), reduced, dst);
            return;
        }
        var order = new int[Rank];
        int k = 0;
        for (int i = 0; i < Rank; i++) if (!mask[i]) order[k++] = i;
        for (int i = 0; i < Rank; i++) if (mask[i]) order[k++] = i;
        var rows = Detach().Permute(order).Contiguous();
        Reduce.Rows(kind, rows.Span<T>(), reduced, dst);
    }

    static bool IsSuffix(bool[] mask)
    {
        int i = 0;
        while (i < mask.Length && !mask[i]) i++;
        while (i < mask.Length && mask[i]) i++;
        return i == mask.Length;
    }

    static bool IsPrefix(bool[] mask)
    {
        int i = 0;
        while (i < mask.Length && mask[i]) i++;
        while (i < mask.Length && !mask[i]) i++;
        return i == mask.Length;
    }

    int CountOf(bool[] mask)
    {
        int count = 1;
        for (int i = 0; i < mask.Length; i++) if (mask[i]) count *= shape[i];
        return count;
    }

    internal static int[] KeptShape(int[] shape, bool[] mask) => ReducedShape(shape, mask, true);

    static int[] ReducedShape(int[] shape, bool[] mask, bool keepDim)
    {
        var result = new List<int>(shape.Length);
        for (int i = 0; i < shape.Length; i++)
        {
            if (!mask[i]) result.Add(shape[i]);
            else if (keepDim) result.Add(1);
        }
        return result.ToArray();
    }

    static int[] AxesOf(bool[] mask)
    {
        var axes = new List<int>();
        for (int i = 0; i < mask.Length; i++) if (mask[i]) axes.Add(i);
        return axes.ToArray();
    }
}

/// <summary>1 where a = b or both are NaN, else 0.</summary>
internal readonly struct SameOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => a == b || T.IsNaN(a) && T.IsNaN(b) ? T.One : T.Zero;
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => ScalarLoops.Binary(this, a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => ScalarLoops.Binary(this, a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => ScalarLoops.Binary(this, a, b, d);
}

/// <summary>1 for finite x, 0 for ±∞ and NaN.</summary>
internal readonly struct FiniteOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => T.IsFinite(x) ? T.One : T.Zero;
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => ScalarLoops.Unary(this, x, y);
}
