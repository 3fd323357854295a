using System.Numerics;

namespace Neurite.Kernels;

/// <summary>A binary function with a SIMD form over <see cref="Vector{T}"/> and a scalar form for tails.</summary>
public interface IVectorBinary
{
    Vector<T> Invoke<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T>;
    T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>Vectorised loops for functions <c>TensorPrimitives</c> does not have (mostly fused backward kernels).</summary>
public static class VectorLoops
{
    public static void Binary<TOp, T>(TOp op, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d)
        where TOp : struct, IVectorBinary where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Length, i = 0;
        if (b.Length != n || d.Length != n) throw new ArgumentException($"elementwise: span lengths differ ({a.Length}, {b.Length}, {d.Length})");
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<T>.Count;
            for (; i <= n - w; i += w)
                op.Invoke(new Vector<T>(a.Slice(i, w)), new Vector<T>(b.Slice(i, w))).CopyTo(d.Slice(i, w));
        }
        for (; i < n; i++) d[i] = op.Invoke(a[i], b[i]);
    }

    public static void Binary<TOp, T>(TOp op, ReadOnlySpan<T> a, T b, Span<T> d)
        where TOp : struct, IVectorBinary where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<T>.Count;
            var vb = new Vector<T>(b);
            for (; i <= n - w; i += w)
                op.Invoke(new Vector<T>(a.Slice(i, w)), vb).CopyTo(d.Slice(i, w));
        }
        for (; i < n; i++) d[i] = op.Invoke(a[i], b);
    }

    public static void Binary<TOp, T>(TOp op, T a, ReadOnlySpan<T> b, Span<T> d)
        where TOp : struct, IVectorBinary where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = b.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<T>.Count;
            var va = new Vector<T>(a);
            for (; i <= n - w; i += w)
                op.Invoke(va, new Vector<T>(b.Slice(i, w))).CopyTo(d.Slice(i, w));
        }
        for (; i < n; i++) d[i] = op.Invoke(a, b[i]);
    }
}

/// <summary>Adapts an <see cref="IVectorBinary"/> to the <see cref="IBinaryOp"/> driver.</summary>
public readonly struct Vectorized<TOp>(TOp op) : IBinaryOp where TOp : struct, IVectorBinary
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => op.Invoke(a, b);
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(op, a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(op, a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(op, a, b, d);
}
