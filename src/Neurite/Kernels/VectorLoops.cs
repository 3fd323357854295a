using System.Numerics;

namespace Neurite.Kernels;

/// <summary>A binary function with a SIMD form over <see cref="Vector{T}"/> and a scalar form for tails.</summary>
internal interface IVectorBinary
{
    Vector<T> Invoke<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T>;
    T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>A unary function with a SIMD form over <see cref="Vector{T}"/> and a scalar form for tails.</summary>
internal interface IVectorUnary
{
    Vector<T> Invoke<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>;
    T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>Vectorised loops for functions <c>TensorPrimitives</c> does not have (mostly fused backward kernels).</summary>
internal static class VectorLoops
{
    public static void Unary<TOp, T>(TOp op, ReadOnlySpan<T> x, Span<T> y)
        where TOp : struct, IVectorUnary where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        if (y.Length != n) throw new ArgumentException($"elementwise: span lengths differ ({x.Length}, {y.Length})");
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<T>.Count;
            for (; i <= n - w; i += w)
                op.Invoke(new Vector<T>(x.Slice(i, w))).CopyTo(y.Slice(i, w));
        }
        for (; i < n; i++) y[i] = op.Invoke(x[i]);
    }

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
internal readonly struct Vectorized<TOp>(TOp op) : IBinaryOp where TOp : struct, IVectorBinary
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => op.Invoke(a, b);
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(op, a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(op, a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(op, a, b, d);
}

/// <summary>Vector transcendental functions for generic <c>T</c>: <see cref="Vector"/> has them for float and
/// double only, so these pick the overload by type (the branch folds away when the JIT specialises T).</summary>
internal static class VectorMath
{
    public static Vector<T> Exp<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return Vector.Exp(x.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector.Exp(x.As<T, double>()).As<double, T>();
        Span<T> e = stackalloc T[Vector<T>.Count];
        x.CopyTo(e);
        for (int i = 0; i < e.Length; i++) e[i] = T.Exp(e[i]);
        return new Vector<T>(e);
    }

    public static Vector<T> Log<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return Vector.Log(x.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector.Log(x.As<T, double>()).As<double, T>();
        Span<T> e = stackalloc T[Vector<T>.Count];
        x.CopyTo(e);
        for (int i = 0; i < e.Length; i++) e[i] = T.Log(e[i]);
        return new Vector<T>(e);
    }

    /// <summary>ln(1 + u) accurate for tiny u: where 1 + u rounds to w, ln(w)·u/(w − 1) cancels the rounding
    /// error (Goldberg, "What every computer scientist should know about floating-point", thm. 4).</summary>
    public static Vector<T> LogP1<T>(Vector<T> u) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = Vector<T>.One + u;
        var wm1 = w - Vector<T>.One;
        var r = Log(w) * u / wm1;
        return Vector.ConditionalSelect(Vector.Equals(wm1, Vector<T>.Zero), u, r);
    }
}
