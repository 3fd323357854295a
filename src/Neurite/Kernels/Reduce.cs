using System.Numerics;
using System.Numerics.Tensors;

namespace Neurite.Kernels;

/// <summary>Which reduction a <see cref="Reduce"/> kernel computes.</summary>
internal enum ReduceKind { Sum, Max, Min }

/// <summary>Reductions over contiguous rows and columns, vectorised with <c>TensorPrimitives</c>.</summary>
internal static class Reduce
{
    /// <summary>d[o] = reduce(x[o·r .. o·r + r − 1]) for each of d.Length rows of length r.</summary>
    public static void Rows<T>(ReduceKind kind, ReadOnlySpan<T> x, int r, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < d.Length; o++)
        {
            var row = x.Slice(o * r, r);
            d[o] = kind switch
            {
                ReduceKind.Sum => TensorPrimitives.Sum(row),
                ReduceKind.Max => TensorPrimitives.Max(row),
                _ => TensorPrimitives.Min(row),
            };
        }
    }

    /// <summary>d[i] = reduce over k of x[k·d.Length + i], for <paramref name="count"/> rows (leading axes reduced).</summary>
    public static void Columns<T>(ReduceKind kind, ReadOnlySpan<T> x, int count, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = d.Length;
        x.Slice(0, w).CopyTo(d);
        for (int k = 1; k < count; k++)
        {
            var row = x.Slice(k * w, w);
            switch (kind)
            {
                case ReduceKind.Sum: TensorPrimitives.Add(d, row, d); break;
                case ReduceKind.Max: TensorPrimitives.Max(d, row, d); break;
                default: TensorPrimitives.Min(d, row, d); break;
            }
        }
    }

    /// <summary>Index of the first maximum (or minimum) in each row; NaN counts as the maximum, as in PyTorch.</summary>
    public static void ArgRows<T>(bool max, ReadOnlySpan<T> x, int r, Span<long> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < d.Length; o++)
        {
            var row = x.Slice(o * r, r);
            int best = 0;
            for (int i = 0; i < r; i++)
            {
                if (T.IsNaN(row[i])) { best = i; break; }
                if (max ? row[i] > row[best] : row[i] < row[best]) best = i;
            }
            d[o] = best;
        }
    }

    /// <summary>Softmax of each row of length r: e^(x − max) / Σ e^(x − max). Subtracting the row's
    /// maximum keeps every exponent ≤ 0, so nothing overflows (seed 002).</summary>
    public static void SoftmaxRows<T>(ReadOnlySpan<T> x, int r, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o * r < x.Length; o++)
        {
            var row = x.Slice(o * r, r);
            var dst = y.Slice(o * r, r);
            T m = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, m, dst);
            TensorPrimitives.Exp(dst, dst);
            TensorPrimitives.Divide(dst, TensorPrimitives.Sum<T>(dst), dst);
        }
    }

    /// <summary>Log-softmax of each row: x − max − ln Σ e^(x − max).</summary>
    public static void LogSoftmaxRows<T>(ReadOnlySpan<T> x, int r, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o * r < x.Length; o++)
        {
            var row = x.Slice(o * r, r);
            var dst = y.Slice(o * r, r);
            T m = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, m, dst);
            TensorPrimitives.Exp(dst, dst);
            T logSum = T.Log(TensorPrimitives.Sum<T>(dst)) + m;
            TensorPrimitives.Subtract(row, logSum, dst);
        }
    }

    /// <summary>Backward of log-softmax over rows: dx = g − e^y·Σg (y the log-softmax output).</summary>
    public static void LogSoftmaxBackwardRows<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, int r, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o * r < y.Length; o++)
        {
            var yr = y.Slice(o * r, r);
            var gr = g.Slice(o * r, r);
            var d = dx.Slice(o * r, r);
            T sum = TensorPrimitives.Sum(gr);
            TensorPrimitives.Exp(yr, d);
            TensorPrimitives.MultiplyAdd(d, -sum, gr, d);   // g − e^y·Σg
        }
    }

    /// <summary>Backward of softmax over rows: dx = y ⊙ (g − Σ g⊙y) (y the softmax output).</summary>
    public static void SoftmaxBackwardRows<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, int r, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o * r < y.Length; o++)
        {
            var yr = y.Slice(o * r, r);
            var gr = g.Slice(o * r, r);
            var d = dx.Slice(o * r, r);
            T dot = TensorPrimitives.Dot(gr, yr);
            TensorPrimitives.Subtract(gr, dot, d);
            TensorPrimitives.Multiply(d, yr, d);
        }
    }
}
