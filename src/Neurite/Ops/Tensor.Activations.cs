using Neurite.Kernels;
using Neurite.Kernels.Operators;

namespace Neurite;

// Every activation of the seed notes. Forward uses a vectorised operator struct; backward a fused
// kernel over (x or y, g), so one activation costs one pass each way.
public sealed partial class Tensor
{
    /// <summary>σ(x) = 1/(1 + e^−x).</summary>
    public Tensor Sigmoid()
    {
        RequireFloat("sigmoid", this);
        var y = Map(new SigmoidOp(), this);
        if (Autograd.Tracks(this))
            // σ' = σ(1 − σ)
            Autograd.Record(y, "sigmoid", this, static (n, g) => Node.Flow(n.A!, Zip(new Vectorized<SigmoidGradOp>(), n.Saved!, g, "sigmoid")), saved: y);
        return y;
    }

    /// <summary>tanh(x).</summary>
    public Tensor Tanh()
    {
        RequireFloat("tanh", this);
        var y = Map(new TanhOp(), this);
        if (Autograd.Tracks(this))
            // tanh' = 1 − tanh²
            Autograd.Record(y, "tanh", this, static (n, g) => Node.Flow(n.A!, Zip(new Vectorized<TanhGradOp>(), n.Saved!, g, "tanh")), saved: y);
        return y;
    }

    /// <summary>max(x, 0).</summary>
    public Tensor Relu()
    {
        RequireFloat("relu", this);
        var y = Map(new ReluOp(), this);
        if (Autograd.Tracks(this))
            // relu' = 1 for x > 0, 0 for x ≤ 0 (0 at the kink, as PyTorch)
            Autograd.Record(y, "relu", this, static (n, g) => Node.Flow(n.A!, ReluGrad(n.A!, g, "relu")));
        return y;
    }

    /// <summary>g where <paramref name="x"/> &gt; 0, else 0: ReLU's backward, from its input or its output
    /// (the two are positive at the same places; the fused linear_relu and conv2d_relu keep the output).</summary>
    internal static Tensor ReluGrad(Tensor x, Tensor g, string op) => Zip(new Vectorized<ReluGradOp>(), x, g, op);

    /// <summary>x for x &gt; 0, αx otherwise (default α = 0.01).</summary>
    public Tensor LeakyRelu(double alpha = 0.01)
    {
        RequireFloat("leaky_relu", this);
        var y = Map(new LeakyReluOp(alpha), this);
        if (Autograd.Tracks(this))
            // leaky' = 1 for x > 0, α otherwise
            Autograd.Record(y, "leaky_relu", this, static (n, g) => Node.Flow(n.A!, Zip(new Vectorized<LeakyReluGradOp>(new LeakyReluGradOp(n.Scalar)), n.A!, g, "leaky_relu")), scalar: alpha);
        return y;
    }

    /// <summary>
    /// PReLU: x for x &gt; 0, αx otherwise, with α a learned tensor broadcast against x (one α, or one
    /// per channel shaped to broadcast, e.g. [C] for [N, C] input).
    /// </summary>
    public Tensor Prelu(Tensor alpha)
    {
        RequireSameDType("prelu", this, alpha);
        // prelu(x) = relu(x) − α·relu(−x): a composition, so both gradients come from autograd:
        // ∂/∂x = 1 or α, ∂/∂α = min(x, 0).
        return Relu().Sub(alpha.Mul(Neg().Relu()));
    }

    /// <summary>x for x &gt; 0, α(eˣ − 1) otherwise (default α = 1).</summary>
    public Tensor Elu(double alpha = 1.0)
    {
        RequireFloat("elu", this);
        var y = Map(new EluOp(alpha), this);
        if (Autograd.Tracks(this))
            // elu' = 1 for x > 0, αeˣ otherwise
            Autograd.Record(y, "elu", this, static (n, g) => Node.Flow(n.A!, Zip(new Vectorized<EluGradOp>(new EluGradOp(n.Scalar)), n.A!, g, "elu")), scalar: alpha);
        return y;
    }

    /// <summary>softplus(x) = ln(1 + eˣ), a smooth ReLU.</summary>
    public Tensor Softplus()
    {
        RequireFloat("softplus", this);
        var y = Map(new SoftplusOp(), this);
        if (Autograd.Tracks(this))
            // softplus' = σ(x)
            Autograd.Record(y, "softplus", this, static (n, g) => Node.Flow(n.A!, Zip(new Vectorized<SoftplusGradOp>(), n.A!, g, "softplus")));
        return y;
    }

    /// <summary>GELU(x) = x·Φ(x) (exact form, with erf).</summary>
    public Tensor Gelu()
    {
        RequireFloat("gelu", this);
        var y = Map(new GeluOp(), this);
        if (Autograd.Tracks(this))
            // gelu' = Φ(x) + x·φ(x)
            Autograd.Record(y, "gelu", this, static (n, g) => Node.Flow(n.A!, Zip(new Vectorized<GeluGradOp>(), n.A!, g, "gelu")));
        return y;
    }

    /// <summary>Heaviside step: 1 for x &gt; 0, else 0. Its derivative is zero almost everywhere, so
    /// no gradient flows through it (why the perceptron cannot be trained by backpropagation).</summary>
    public Tensor Step()
    {
        RequireFloat("step", this);
        var y = Map(new StepOp(), this);
        if (Autograd.Tracks(this))
            Autograd.Record(y, "step", this, static (n, g) => Node.Flow(n.A!, ZerosLike(n.A!)));
        return y;
    }

    /// <summary>The identity activation (returns this tensor).</summary>
    public Tensor Identity() => this;

    /// <summary>
    /// Maxout: splits <paramref name="axis"/> into groups of <paramref name="pieces"/> consecutive
    /// values and keeps the maximum of each, so a layer of k·m linear units yields m maxout units.
    /// </summary>
    public Tensor Maxout(int pieces, int axis = -1)
    {
        RequireFloat("maxout", this);
        int a = Neurite.Shape.Axis("maxout", axis, Rank);
        if (pieces < 1 || shape[a] % pieces != 0)
            throw new ShapeException($"maxout: dimension {a} of {Neurite.Shape.Format(shape)} ({shape[a]}) is not divisible into groups of {pieces}");
        var grouped = new int[Rank + 1];
        for (int i = 0, j = 0; i < Rank; i++)
        {
            if (i == a) { grouped[j++] = shape[i] / pieces; grouped[j++] = pieces; }
            else grouped[j++] = shape[i];
        }
        return Reshape(grouped).Max([a + 1]);
    }
}
