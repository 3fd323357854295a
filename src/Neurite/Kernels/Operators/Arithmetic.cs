using System.Numerics;
using System.Numerics.Tensors;

namespace Neurite.Kernels.Operators;

internal readonly struct AddOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a + b;
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Add(b, a, d);
}

internal readonly struct SubOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a - b;
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Subtract(a, b, d);
}

internal readonly struct MulOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a * b;
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Multiply(b, a, d);
}

internal readonly struct DivOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a / b;
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Divide(a, b, d);
}

/// <summary>a^b elementwise.</summary>
internal readonly struct PowOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Pow(a, b);
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Squares are the common case (MSE, variance, L2): one multiply, exact, no pow.
        if (b == T.CreateTruncating(2)) TensorPrimitives.Multiply(a, a, d);
        else TensorPrimitives.Pow(a, b, d);
    }
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Pow(a, b, d);
}

/// <summary>Elementwise maximum; NaN wins, as in PyTorch's <c>maximum</c>.</summary>
internal readonly struct MaximumOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Max(a, b);
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(b, a, d);
}

/// <summary>Elementwise minimum; NaN wins.</summary>
internal readonly struct MinimumOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Min(a, b);
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Min(b, a, d);
}

/// <summary>1 where a ≥ b (greater-or-equal mask, as 0/1 values), used by max/min backward and comparisons.</summary>
internal readonly struct GreaterEqualOp : IBinaryOp, IVectorBinary
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a >= b ? T.One : T.Zero;
    public Vector<T> Invoke<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.GreaterThanOrEqual(a, b), Vector<T>.One, Vector<T>.Zero);
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(this, a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(this, a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(this, a, b, d);
}

/// <summary>1 where a = b exactly, else 0.</summary>
internal readonly struct EqualOp : IBinaryOp, IVectorBinary
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a == b ? T.One : T.Zero;
    public Vector<T> Invoke<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.Equals(a, b), Vector<T>.One, Vector<T>.Zero);
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(this, a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(this, a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(this, a, b, d);
}

/// <summary>1 where a &gt; b, else 0.</summary>
internal readonly struct GreaterOp : IBinaryOp, IVectorBinary
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a > b ? T.One : T.Zero;
    public Vector<T> Invoke<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.GreaterThan(a, b), Vector<T>.One, Vector<T>.Zero);
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(this, a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(this, a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(this, a, b, d);
}

/// <summary>1 where a &lt; b, else 0.</summary>
internal readonly struct LessOp : IBinaryOp, IVectorBinary
{
    public T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a < b ? T.One : T.Zero;
    public Vector<T> Invoke<T>(Vector<T> a, Vector<T> b) where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.LessThan(a, b), Vector<T>.One, Vector<T>.Zero);
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(this, a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(this, a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(this, a, b, d);
}
