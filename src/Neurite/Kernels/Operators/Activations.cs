using System.Numerics;
using System.Numerics.Tensors;

namespace Neurite.Kernels.Operators;

// Forward activations (IUnaryOp) and their fused backward kernels (IVectorBinary over (x or y, g)).

internal readonly struct SigmoidOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // TensorPrimitives.Sigmoid throws on an empty span; an empty tensor is valid
        if (!x.IsEmpty) TensorPrimitives.Sigmoid(x, y);
    }
}

/// <summary>σ'(x)·g = y(1 − y)·g, from the output y.</summary>
internal readonly struct SigmoidGradOp : IVectorBinary
{
    public Vector<T> Invoke<T>(Vector<T> y, Vector<T> g) where T : unmanaged, IFloatingPointIeee754<T> => g * y * (Vector<T>.One - y);
    public T Invoke<T>(T y, T g) where T : unmanaged, IFloatingPointIeee754<T> => g * y * (T.One - y);
}

internal readonly struct TanhOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x);
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Tanh(x, y);
}

/// <summary>tanh'(x)·g = (1 − y²)·g, from the output y.</summary>
internal readonly struct TanhGradOp : IVectorBinary
{
    public Vector<T> Invoke<T>(Vector<T> y, Vector<T> g) where T : unmanaged, IFloatingPointIeee754<T> => g * (Vector<T>.One - y * y);
    public T Invoke<T>(T y, T g) where T : unmanaged, IFloatingPointIeee754<T> => g * (T.One - y * y);
}

internal readonly struct ReluOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : T.IsNaN(x) ? x : T.Zero;
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, T.Zero, y);
}

/// <summary>relu'(x)·g = g where x &gt; 0, else 0 (0 at x = 0, as in PyTorch).</summary>
internal readonly struct ReluGradOp : IVectorBinary
{
    public Vector<T> Invoke<T>(Vector<T> x, Vector<T> g) where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), g, Vector<T>.Zero);
    public T Invoke<T>(T x, T g) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? g : T.Zero;
}

/// <summary>x for x &gt; 0, αx otherwise.</summary>
internal readonly struct LeakyReluOp(double alpha) : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : T.CreateChecked(alpha) * x;
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Binary(new LeakyReluGradOp(alpha), x, x, y);
}

/// <summary>leaky'(x)·g = g for x &gt; 0, αg otherwise. With g = x it is the forward pass itself.</summary>
internal readonly struct LeakyReluGradOp(double alpha) : IVectorBinary
{
    public Vector<T> Invoke<T>(Vector<T> x, Vector<T> g) where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), g, g * T.CreateChecked(alpha));
    public T Invoke<T>(T x, T g) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? g : T.CreateChecked(alpha) * g;
}

/// <summary>x for x &gt; 0, α(eˣ − 1) otherwise.</summary>
internal readonly struct EluOp(double alpha) : IUnaryOp, IVectorUnary
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : T.CreateChecked(alpha) * (T.Exp(x) - T.One);
    public Vector<T> Invoke<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // exp of min(x, 0): the positive lanes are discarded, so never let them overflow
        var e = VectorMath.Exp(Vector.Min(x, Vector<T>.Zero)) - Vector<T>.One;
        return Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), x, e * T.CreateChecked(alpha));
    }
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Unary(this, x, y);
}

/// <summary>elu'(x)·g = g for x &gt; 0, αeˣ·g otherwise.</summary>
internal readonly struct EluGradOp(double alpha) : IVectorBinary
{
    public Vector<T> Invoke<T>(Vector<T> x, Vector<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var e = VectorMath.Exp(Vector.Min(x, Vector<T>.Zero));
        return Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), g, g * e * T.CreateChecked(alpha));
    }
    public T Invoke<T>(T x, T g) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? g : g * T.CreateChecked(alpha) * T.Exp(x);
}

/// <summary>softplus(x) = ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^−|x|) so it never overflows.</summary>
internal readonly struct SoftplusOp : IUnaryOp, IVectorUnary
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Max(x, T.Zero) + T.LogP1(T.Exp(-T.Abs(x)));
    public Vector<T> Invoke<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.Max(x, Vector<T>.Zero) + VectorMath.LogP1(VectorMath.Exp(-Vector.Abs(x)));
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Unary(this, x, y);
}

/// <summary>softplus'(x)·g = σ(x)·g.</summary>
internal readonly struct SoftplusGradOp : IVectorBinary
{
    public Vector<T> Invoke<T>(Vector<T> x, Vector<T> g) where T : unmanaged, IFloatingPointIeee754<T> =>
        g / (Vector<T>.One + VectorMath.Exp(-x));
    public T Invoke<T>(T x, T g) where T : unmanaged, IFloatingPointIeee754<T> => g / (T.One + T.Exp(-x));
}

/// <summary>GELU(x) = x·Φ(x), with Φ the standard normal CDF (exact, via erf).</summary>
internal readonly struct GeluOp : IUnaryOp
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateChecked(Gelu(double.CreateChecked(x)));
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => ScalarLoops.Unary(this, x, y);
    internal static double Gelu(double x) => 0.5 * x * (1 + SpecialFunctions.Erf(x / Math.Sqrt(2)));
}

/// <summary>GELU'(x)·g = (Φ(x) + x·φ(x))·g.</summary>
internal readonly struct GeluGradOp : IVectorBinary
{
    public Vector<T> Invoke<T>(Vector<T> x, Vector<T> g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> s = stackalloc T[Vector<T>.Count];
        x.CopyTo(s);
        for (int i = 0; i < s.Length; i++) s[i] = Invoke(s[i], T.One);
        return g * new Vector<T>(s);
    }
    public T Invoke<T>(T x, T g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double v = double.CreateChecked(x);
        double cdf = 0.5 * (1 + SpecialFunctions.Erf(v / Math.Sqrt(2)));
        double pdf = Math.Exp(-0.5 * v * v) / Math.Sqrt(2 * Math.PI);
        return g * T.CreateChecked(cdf + v * pdf);
    }
}

/// <summary>Heaviside step: 1 for x &gt; 0, else 0 (the perceptron's activation; its gradient is zero).</summary>
internal readonly struct StepOp : IUnaryOp, IVectorUnary
{
    public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? T.One : T.Zero;
    public Vector<T> Invoke<T>(Vector<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), Vector<T>.One, Vector<T>.Zero);
    public void Invoke<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => VectorLoops.Unary(this, x, y);
}
