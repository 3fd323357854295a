using System.Numerics;

namespace Neurite.Kernels;

/// <summary>
/// An elementwise function of one argument, as an operator struct: the driver
/// (<see cref="Elementwise"/>) is generic over it, so each op compiles to its own loop with the
/// function inlined. <see cref="Invoke{T}(ReadOnlySpan{T}, Span{T})"/> is the contiguous fast path
/// (usually one <c>TensorPrimitives</c> call); the scalar form serves strided layouts and tests.
/// </summary>
internal interface IUnaryOp
{
    T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
    void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>An elementwise function of two arguments; see <see cref="IUnaryOp"/>. The span forms cover
/// the three shapes a broadcast inner loop takes: span·span, span·scalar and scalar·span.</summary>
internal interface IBinaryOp
{
    T Invoke<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;
    void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>;
    void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>;
    void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>Plain loops that operator structs use for the span forms they have no vector code for.</summary>
internal static class ScalarLoops
{
    public static void Unary<TOp, T>(TOp op, ReadOnlySpan<T> x, Span<T> y) where TOp : struct, IUnaryOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = op.Invoke(x[i]);
    }

    public static void Binary<TOp, T>(TOp op, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where TOp : struct, IBinaryOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Length; i++) d[i] = op.Invoke(a[i], b[i]);
    }

    public static void Binary<TOp, T>(TOp op, ReadOnlySpan<T> a, T b, Span<T> d) where TOp : struct, IBinaryOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < a.Length; i++) d[i] = op.Invoke(a[i], b);
    }

    public static void Binary<TOp, T>(TOp op, T a, ReadOnlySpan<T> b, Span<T> d) where TOp : struct, IBinaryOp where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < b.Length; i++) d[i] = op.Invoke(a, b[i]);
    }
}
