using System.Numerics;
using System.Numerics.Tensors;

namespace Neurite.Kernels.Operators;

internal readonly struct ExpOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Exp(x, y);
}

internal readonly struct LogOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Log(x, y);
}

internal readonly struct SqrtOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sqrt(x);
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, y);
}

internal readonly struct AbsOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Abs(x);
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, y);
}

/// <summary>sign(x) ∈ {−1, 0, 1}; NaN stays NaN (as NumPy; PyTorch 1.13 gives 0).</summary>
internal readonly struct SignOp : IUnaryOp, IVectorUnary
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.IsNaN(x) ? x : x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero;
    public Vector<T> Invoke<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), Vector<T>.One,
            Vector.ConditionalSelect(Vector.LessThan(x, Vector<T>.Zero), -Vector<T>.One, Vector<T>.Zero));
        return Vector.ConditionalSelect(Vector.Equals(x, x), s, x); // x ≠ x only for NaN
    }
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Unary(this, x, y);
}

/// <summary>min(max(x, lo), hi).</summary>
internal readonly struct ClampOp(double lo, double hi) : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Min(T.Max(x, T.CreateChecked(lo)), T.CreateChecked(hi));
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Max(x, T.CreateChecked(lo), y);
        TensorPrimitives.Min(y, T.CreateChecked(hi), y);
    }
}

/// <summary>1 where lo ≤ a ≤ hi, else 0, times b: clamp's backward (the gradient passes inside the range).</summary>
internal readonly struct ClampGradOp(double lo, double hi) : IVectorBinary
{
    public Vector<T> Invoke<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var inside = Vector.BitwiseAnd(Vector.GreaterThanOrEqual(a, new Vector<T>(T.CreateChecked(lo))), Vector.LessThanOrEqual(a, new Vector<T>(T.CreateChecked(hi))));
        return Vector.ConditionalSelect(inside, b, Vector<T>.Zero);
    }
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a >= T.CreateChecked(lo) && a <= T.CreateChecked(hi) ? b : T.Zero;
}
