using Neurite.Kernels;
using Neurite.Kernels.Operators;

namespace Neurite;

// Elementwise math functions. Each backward sits under its forward with the derivative in a comment.
public sealed partial class Tensor
{
    /// <summary>eˣ elementwise.</summary>
    public Tensor Exp()
    {
        RequireFloat("exp", this);
        var y = Map(new ExpOp(), this);
        if (Autograd.Tracks(this))
            // d/dx eˣ = eˣ = y
            Autograd.Record(y, "exp", this, static (n, g) => Node.Flow(n.A!, g.Mul(n.Saved!)), saved: y);
        return y;
    }

    /// <summary>Natural logarithm elementwise.</summary>
    public Tensor Log()
    {
        RequireFloat("log", this);
        var y = Map(new LogOp(), this);
        if (Autograd.Tracks(this))
            // d/dx ln x = 1/x
            Autograd.Record(y, "log", this, static (n, g) => Node.Flow(n.A!, g.Div(n.A!)));
        return y;
    }

    /// <summary>√x elementwise.</summary>
    public Tensor Sqrt()
    {
        RequireFloat("sqrt", this);
        var y = Map(new SqrtOp(), this);
        if (Autograd.Tracks(this))
            // d/dx √x = 1/(2√x) = 1/(2y)
            Autograd.Record(y, "sqrt", this, static (n, g) => Node.Flow(n.A!, g.Div(n.Saved!.Mul(2))), saved: y);
        return y;
    }

    /// <summary>|x| elementwise.</summary>
    public Tensor Abs()
    {
        RequireFloat("abs", this);
        var y = Map(new AbsOp(), this);
        if (Autograd.Tracks(this))
            // d/dx |x| = sign(x), 0 at x = 0 (PyTorch's choice)
            Autograd.Record(y, "abs", this, static (n, g) => Node.Flow(n.A!, g.Mul(Map(new SignOp(), n.A!))));
        return y;
    }

    /// <summary>sign(x) ∈ {−1, 0, 1}; its gradient is zero.</summary>
    public Tensor Sign()
    {
        RequireFloat("sign", this);
        var y = Map(new SignOp(), this);
        if (Autograd.Tracks(this))
            Autograd.Record(y, "sign", this, static (n, g) => Node.Flow(n.A!, ZerosLike(n.A!)));
        return y;
    }

    /// <summary>Limits every element to [min, max] (either bound may be omitted).</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        RequireFloat("clamp", this);
        double lo = min ?? double.NegativeInfinity, hi = max ?? double.PositiveInfinity;
        if (lo > hi) throw new ArgumentException($"clamp: min ({lo}) is greater than max ({hi})");
        var y = Map(new ClampOp(lo, hi), this);
        if (Autograd.Tracks(this))
            // d/dx clamp(x) = 1 inside [min, max], 0 outside
            Autograd.Record(y, "clamp", this, static (n, st, g) =>
            {
                var (lo, hi) = st;
                Node.Flow(n.A!, Zip(new Vectorized<ClampGradOp>(new ClampGradOp(lo, hi)), n.A!, g, "clamp"));
            }, (lo, hi));
        return y;
    }

    /// <summary>Picks <paramref name="a"/> where <paramref name="condition"/> is non-zero, else <paramref name="b"/>;
    /// all three broadcast. The gradient flows to the branch that was picked.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        RequireSameDType("where", a, b);
        var take = condition.To(a.DType).NotEqualZero();
        var other = OnesLike(take).Sub(take);
        var y = Zip(new SelectOp(), take, a, "where").Add(Zip(new SelectOp(), other, b, "where"));
        if (Autograd.Tracks(a, b))
            Autograd.Record(y, "where", a, b, static (n, st, g) =>
            {
                var (take, other) = st;
                if (n.A!.RequiresGrad) Node.Flow(n.A, Zip(new SelectOp(), take, g, "where").SumTo(n.A.shape));
                if (n.B!.RequiresGrad) Node.Flow(n.B, Zip(new SelectOp(), other, g, "where").SumTo(n.B.shape));
            }, (take, other));
        return y;
    }

    /// <summary>Replaces elements where <paramref name="mask"/> is non-zero by <paramref name="value"/>.</summary>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        RequireFloat("masked_fill", this);
        var m = mask.To(DType).NotEqualZero();
        if (!Neurite.Shape.Equal(Neurite.Shape.Broadcast("masked_fill", shape, m.shape), shape))
            throw new ShapeException($"masked_fill: mask of shape {Neurite.Shape.Format(m.shape)} does not broadcast to the input's shape {Neurite.Shape.Format(shape)}");
        var keep = OnesLike(m).Sub(m);
        // Selecting instead of multiplying by the 0/1 mask: 0·∞ would be NaN (value may be −∞, as in attention masks).
        var kept = Zip(new SelectOp(), keep, this, "masked_fill");
        var y = Zip(new AddOp(), kept, Zip(new SelectOp(), m, Scalar(value, DType), "masked_fill"), "masked_fill");
        if (Autograd.Tracks(this))
            Autograd.Record(y, "masked_fill", this, static (n, keep, g) => Node.Flow(n.A!, g.Mul(keep).SumTo(n.A!.shape)), keep);
        return y;
    }

    /// <summary>1 where the element is non-zero, else 0 (same dtype, unrecorded).</summary>
    internal Tensor NotEqualZero() => OnesLike(this).Sub(Zip(new EqualOp(), this, ZerosLike(this), "ne"));

    /// <summary>1 where this &gt; other, else 0 (no gradient).</summary>
    public Tensor Gt(Tensor other) => Zip(new GreaterOp(), this, other, "gt");

    /// <summary>1 where this &lt; other, else 0 (no gradient).</summary>
    public Tensor Lt(Tensor other) => Zip(new LessOp(), this, other, "lt");

    /// <summary>1 where this = other, else 0 (no gradient). Int64 tensors compare too (as float64).</summary>
    public Tensor Eq(Tensor other)
    {
        if (DType == DType.Int64 || other.DType == DType.Int64)
            return Zip(new EqualOp(), To(DType.Float64), other.To(DType.Float64), "eq").To(DType.Float32);
        return Zip(new EqualOp(), this, other, "eq");
    }
}

/// <summary>b where a ≠ 0, else 0 — without multiplying, so ±∞ and NaN in the unselected places vanish.</summary>
internal readonly struct SelectOp : IBinaryOp
{
    public T Invoke<T>(T a, T b) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => a != T.Zero ? b : T.Zero;
    public void Invoke<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => ScalarLoops.Binary(this, a, b, d);
    public void Invoke<T>(ReadOnlySpan<T> a, T b, Span<T> d) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => ScalarLoops.Binary(this, a, b, d);
    public void Invoke<T>(T a, ReadOnlySpan<T> b, Span<T> d) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => ScalarLoops.Binary(this, a, b, d);
}
