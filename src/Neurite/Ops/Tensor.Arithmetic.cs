using Neurite.Kernels.Operators;

namespace Neurite;

// + − × ÷ and powers, with NumPy broadcasting. Each backward reduces the incoming gradient back to
// its input's shape (SumTo), which is what broadcasting means for derivatives.
public sealed partial class Tensor
{
    /// <summary>this + other, broadcast.</summary>
    public Tensor Add(Tensor other)
    {
        var y = Zip(new AddOp(), this, other, "add");
        if (Autograd.Tracks(this, other))
            Autograd.Record(y, "add", this, other, static (n, g) =>
            {
                // d(a+b)/da = d(a+b)/db = 1
                if (n.A!.RequiresGrad) Node.Flow(n.A, g.SumTo(n.A.shape));
                if (n.B!.RequiresGrad) Node.Flow(n.B, g.SumTo(n.B.shape));
            });
        return y;
    }

    /// <summary>this − other, broadcast.</summary>
    public Tensor Sub(Tensor other)
    {
        var y = Zip(new SubOp(), this, other, "sub");
        if (Autograd.Tracks(this, other))
            Autograd.Record(y, "sub", this, other, static (n, g) =>
            {
                // d(a−b)/da = 1, d(a−b)/db = −1
                if (n.A!.RequiresGrad) Node.Flow(n.A, g.SumTo(n.A.shape));
                if (n.B!.RequiresGrad) Node.Flow(n.B, g.Neg().SumTo(n.B.shape));
            });
        return y;
    }

    /// <summary>this × other elementwise, broadcast.</summary>
    public Tensor Mul(Tensor other)
    {
        var y = Zip(new MulOp(), this, other, "mul");
        if (Autograd.Tracks(this, other))
            Autograd.Record(y, "mul", this, other, static (n, g) =>
            {
                // d(ab)/da = b, d(ab)/db = a
                if (n.A!.RequiresGrad) Node.Flow(n.A, g.Mul(n.B!).SumTo(n.A.shape));
                if (n.B!.RequiresGrad) Node.Flow(n.B, g.Mul(n.A).SumTo(n.B.shape));
            });
        return y;
    }

    /// <summary>this ÷ other elementwise, broadcast.</summary>
    public Tensor Div(Tensor other)
    {
        var y = Zip(new DivOp(), this, other, "div");
        if (Autograd.Tracks(this, other))
            Autograd.Record(y, "div", this, other, static (n, g) =>
            {
                // d(a/b)/da = 1/b, d(a/b)/db = −a/b² = −(a/b)/b
                var gOverB = g.Div(n.B!);
                if (n.A!.RequiresGrad) Node.Flow(n.A, gOverB.SumTo(n.A.shape));
                if (n.B!.RequiresGrad) Node.Flow(n.B, gOverB.Mul(n.Saved!).Neg().SumTo(n.B.shape));
            }, saved: y);
        return y;
    }

    /// <summary>this^exponent elementwise, broadcast.</summary>
    public Tensor Pow(Tensor exponent)
    {
        var y = Zip(new PowOp(), this, exponent, "pow");
        if (Autograd.Tracks(this, exponent))
            Autograd.Record(y, "pow", this, exponent, static (n, g) =>
            {
                // d(a^b)/da = b·a^(b−1), d(a^b)/db = a^b·ln a
                var (a, b) = (n.A!, n.B!);
                if (a.RequiresGrad) Node.Flow(a, g.Mul(b).Mul(a.Pow(b.Sub(OnesLike(b)))).SumTo(a.shape));
                if (b.RequiresGrad) Node.Flow(b, g.Mul(n.Saved!).Mul(a.Log()).SumTo(b.shape));
            }, saved: y);
        return y;
    }

    /// <summary>this^p for a constant p.</summary>
    public Tensor Pow(double p)
    {
        RequireFloat("pow", this);
        var y = Zip(new PowOp(), this, Scalar(p, DType), "pow");
        if (Autograd.Tracks(this))
            // d(x^p)/dx = p·x^(p−1); for p = 0 exactly 0 (not 0·x⁻¹, which is NaN at x = 0), as in PyTorch
            Autograd.Record(y, "pow", this, static (n, g) => Node.Flow(n.A!, n.Scalar == 0 ? ZerosLike(n.A!) : g.Mul(n.A!.Pow(n.Scalar - 1)).Mul(n.Scalar)), scalar: p);
        return y;
    }

    /// <summary>x² (a shorthand for <c>Pow(2)</c>).</summary>
    public Tensor Square() => Pow(2);

    /// <summary>−this.</summary>
    public Tensor Neg()
    {
        RequireFloat("neg", this);
        var y = Zip(new MulOp(), this, Scalar(-1, DType), "neg");
        if (Autograd.Tracks(this))
            Autograd.Record(y, "neg", this, static (n, g) => Node.Flow(n.A!, g.Neg()));
        return y;
    }

    /// <summary>this + c elementwise (c as a scalar of this tensor's dtype).</summary>
    public Tensor Add(double c) => Add(Scalar(c, DType));
    /// <summary>this − c elementwise (c as a scalar of this tensor's dtype).</summary>
    public Tensor Sub(double c) => Sub(Scalar(c, DType));
    /// <summary>this × c elementwise (c as a scalar of this tensor's dtype).</summary>
    public Tensor Mul(double c) => Mul(Scalar(c, DType));
    /// <summary>this ÷ c elementwise (c as a scalar of this tensor's dtype).</summary>
    public Tensor Div(double c) => Div(Scalar(c, DType));

    /// <summary>Elementwise sum with broadcasting: <see cref="Add(Tensor)"/>.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>Elementwise difference with broadcasting: <see cref="Sub(Tensor)"/>.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>Elementwise product with broadcasting (not the matrix product: see <see cref="MatMul"/>): <see cref="Mul(Tensor)"/>.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>Elementwise quotient with broadcasting: <see cref="Div(Tensor)"/>.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>Elementwise negation: <see cref="Neg"/>.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();
    /// <summary>a + c elementwise.</summary>
    public static Tensor operator +(Tensor a, double c) => a.Add(c);
    /// <summary>c + a elementwise.</summary>
    public static Tensor operator +(double c, Tensor a) => a.Add(c);
    /// <summary>a − c elementwise.</summary>
    public static Tensor operator -(Tensor a, double c) => a.Sub(c);
    /// <summary>c − a elementwise.</summary>
    public static Tensor operator -(double c, Tensor a) => Scalar(c, a.DType).Sub(a);
    /// <summary>a × c elementwise.</summary>
    public static Tensor operator *(Tensor a, double c) => a.Mul(c);
    /// <summary>c × a elementwise.</summary>
    public static Tensor operator *(double c, Tensor a) => a.Mul(c);
    /// <summary>a ÷ c elementwise.</summary>
    public static Tensor operator /(Tensor a, double c) => a.Div(c);
    /// <summary>c ÷ a elementwise.</summary>
    public static Tensor operator /(double c, Tensor a) => Scalar(c, a.DType).Div(a);

    /// <summary>Elementwise maximum of two tensors, broadcast. The gradient goes to the larger input (to <c>this</c> on ties).</summary>
    public Tensor Maximum(Tensor other)
    {
        var y = Zip(new MaximumOp(), this, other, "maximum");
        if (Autograd.Tracks(this, other))
            Autograd.Record(y, "maximum", this, other, static (n, g) =>
            {
                var takeA = Zip(new GreaterEqualOp(), n.A!, n.B!, "maximum");
                if (n.A!.RequiresGrad) Node.Flow(n.A, g.Mul(takeA).SumTo(n.A.shape));
                if (n.B!.RequiresGrad) Node.Flow(n.B, g.Mul(OnesLike(takeA).Sub(takeA)).SumTo(n.B.shape));
            });
        return y;
    }

    /// <summary>Elementwise minimum of two tensors, broadcast. The gradient goes to the smaller input (to <c>this</c> on ties).</summary>
    public Tensor Minimum(Tensor other)
    {
        var y = Zip(new MinimumOp(), this, other, "minimum");
        if (Autograd.Tracks(this, other))
            Autograd.Record(y, "minimum", this, other, static (n, g) =>
            {
                var takeA = Zip(new GreaterEqualOp(), n.B!, n.A!, "minimum");
                if (n.A!.RequiresGrad) Node.Flow(n.A, g.Mul(takeA).SumTo(n.A.shape));
                if (n.B!.RequiresGrad) Node.Flow(n.B, g.Mul(OnesLike(takeA).Sub(takeA)).SumTo(n.B.shape));
            });
        return y;
    }

    /// <summary>Sums a broadcast gradient back down to <paramref name="target"/> shape.</summary>
    internal Tensor SumTo(int[] target)
    {
        if (Neurite.Shape.Equal(shape, target)) return this;
        int lead = shape.Length - target.Length;
        var axes = new List<int>();
        for (int i = 0; i < shape.Length; i++)
            if (i < lead || (target[i - lead] == 1 && shape[i] != 1)) axes.Add(i);
        var summed = axes.Count == 0 ? this : Sum(axes.ToArray(), keepDim: true);
        return summed.Reshape(target);
    }
}
