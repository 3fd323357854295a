namespace Neurite.Nn;

// Every activation of the seed notes as a layer, so networks can be written as a Sequential. The element-wise ones
// name the Activation they apply (IActivationModule), so Sequential can fuse them into the layer before.

/// <summary>max(x, 0).</summary>
public sealed class ReLU : Module, IActivationModule
{
    public Activation Activation => Activation.ReLU;
    public override Tensor Forward(Tensor x) => x.Relu();
}

/// <summary>σ(x) = 1/(1 + e^−x).</summary>
public sealed class Sigmoid : Module, IActivationModule
{
    public Activation Activation => Activation.Sigmoid;
    public override Tensor Forward(Tensor x) => x.Sigmoid();
}

/// <summary>tanh(x).</summary>
public sealed class Tanh : Module, IActivationModule
{
    public Activation Activation => Activation.Tanh;
    public override Tensor Forward(Tensor x) => x.Tanh();
}

/// <summary>ln(1 + eˣ).</summary>
public sealed class Softplus : Module, IActivationModule
{
    public Activation Activation => Activation.Softplus;
    public override Tensor Forward(Tensor x) => x.Softplus();
}

/// <summary>x·Φ(x).</summary>
public sealed class GELU : Module, IActivationModule
{
    public Activation Activation => Activation.GELU;
    public override Tensor Forward(Tensor x) => x.Gelu();
}

/// <summary>The Heaviside step of the perceptron (no gradient).</summary>
public sealed class Step : Module, IActivationModule
{
    public Activation Activation => Activation.Step;
    public override Tensor Forward(Tensor x) => x.Step();
}

/// <summary>Returns its input unchanged.</summary>
public sealed class Identity : Module, IActivationModule
{
    public Activation Activation => Activation.None;
    public override Tensor Forward(Tensor x) => x;
}

/// <summary>x for x &gt; 0, αx otherwise.</summary>
public sealed class LeakyReLU(double alpha = 0.01) : Module, IActivationModule
{
    public double Alpha { get; } = alpha;
    public Activation Activation => Activation.LeakyReLU(Alpha);
    public override Tensor Forward(Tensor x) => x.LeakyRelu(Alpha);
    public override string Describe() => $"LeakyReLU(α={Alpha})";
}

/// <summary>x for x &gt; 0, α(eˣ − 1) otherwise.</summary>
public sealed class ELU(double alpha = 1.0) : Module, IActivationModule
{
    public double Alpha { get; } = alpha;
    public Activation Activation => Activation.ELU(Alpha);
    public override Tensor Forward(Tensor x) => x.Elu(Alpha);
    public override string Describe() => $"ELU(α={Alpha})";
}

/// <summary>Softmax along an axis (default the last).</summary>
public sealed class Softmax(int axis = -1) : Module { public override Tensor Forward(Tensor x) => x.Softmax(axis); }

/// <summary>Log-softmax along an axis (default the last).</summary>
public sealed class LogSoftmax(int axis = -1) : Module { public override Tensor Forward(Tensor x) => x.LogSoftmax(axis); }

/// <summary>Flattens all dimensions after the first: [N, …] → [N, ∏…].</summary>
public sealed class Flatten : Module { public override Tensor Forward(Tensor x) => x.Rank <= 1 ? x : x.Flatten(1); }

/// <summary>
/// PReLU: x for x &gt; 0, αx otherwise, with α learned: one α shared (numParameters = 1) or one per
/// channel (dimension 1 of the input). α starts at 0.25, as in He et al. 2015.
/// </summary>
public sealed class PReLU : Module
{
    public Tensor Alpha { get; }

    public PReLU(int numParameters = 1, double init = 0.25)
    {
        if (numParameters < 1) throw new ArgumentOutOfRangeException(nameof(numParameters), numParameters, "PReLU: numParameters must be ≥ 1");
        Alpha = RegisterParameter("weight", Tensor.Full([numParameters], init));
    }

    public override Tensor Forward(Tensor x)
    {
        if (Alpha.NumEl == 1) return x.Prelu(Alpha.Reshape());
        if (x.Rank < 2 || x.Shape[1] != Alpha.NumEl)
            throw new ShapeException($"PReLU({Alpha.NumEl}) expects input [N, {Alpha.NumEl}, …], got [{string.Join(", ", x.Shape.ToArray())}]");
        var shape = new int[x.Rank];
        Array.Fill(shape, 1);
        shape[1] = Alpha.NumEl;
        return x.Prelu(Alpha.Reshape(shape));
    }

    public override string Describe() => $"PReLU({Alpha.NumEl})";
}

/// <summary>
/// Maxout over groups of <c>pieces</c> consecutive features of the last axis: a Linear layer with k·m outputs
/// followed by Maxout(k) gives m maxout units (Goodfellow et al. 2013).
/// </summary>
public sealed class Maxout(int pieces) : Module
{
    public int Pieces { get; } = pieces >= 1 ? pieces : throw new ArgumentOutOfRangeException(nameof(pieces), pieces, "Maxout: pieces must be ≥ 1");
    public override Tensor Forward(Tensor x) => x.Maxout(Pieces);
    public override string Describe() => $"Maxout({Pieces})";
}
