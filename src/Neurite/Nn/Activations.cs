namespace Neurite.Nn;

// Every activation of the seed notes as a layer, so networks can be written as a Sequential. The element-wise ones
// name the Activation they apply (IActivationModule), so Sequential can fuse them into the layer before.

/// <summary>max(x, 0).</summary>
public sealed class ReLU : Module, IActivationModule
{
    /// <inheritdoc/>
    public Activation Activation => Activation.ReLU;
    /// <summary>max(x, 0) elementwise (<c>torch.nn.ReLU</c>); any shape → the same shape. The gradient at 0 is 0.</summary>
    public override Tensor Forward(Tensor x) => x.Relu();
}

/// <summary>σ(x) = 1/(1 + e^−x).</summary>
public sealed class Sigmoid : Module, IActivationModule
{
    /// <inheritdoc/>
    public Activation Activation => Activation.Sigmoid;
    /// <summary>1/(1 + e^−x) elementwise (<c>torch.nn.Sigmoid</c>); any shape → the same shape.</summary>
    public override Tensor Forward(Tensor x) => x.Sigmoid();
}

/// <summary>tanh(x).</summary>
public sealed class Tanh : Module, IActivationModule
{
    /// <inheritdoc/>
    public Activation Activation => Activation.Tanh;
    /// <summary>tanh(x) elementwise (<c>torch.nn.Tanh</c>); any shape → the same shape.</summary>
    public override Tensor Forward(Tensor x) => x.Tanh();
}

/// <summary>ln(1 + eˣ).</summary>
public sealed class Softplus : Module, IActivationModule
{
    /// <inheritdoc/>
    public Activation Activation => Activation.Softplus;
    /// <summary>ln(1 + eˣ) elementwise, computed as max(x, 0) + ln(1 + e^−|x|) so large |x| does not overflow
    /// (<c>torch.nn.Softplus</c> with β = 1); any shape → the same shape.</summary>
    public override Tensor Forward(Tensor x) => x.Softplus();
}

/// <summary>x·Φ(x).</summary>
public sealed class GELU : Module, IActivationModule
{
    /// <inheritdoc/>
    public Activation Activation => Activation.GELU;
    /// <summary>x·Φ(x) = ½x(1 + erf(x/√2)) elementwise, the exact form (<c>torch.nn.GELU()</c>, not the tanh approximation);
    /// any shape → the same shape.</summary>
    public override Tensor Forward(Tensor x) => x.Gelu();
}

/// <summary>The Heaviside step of the perceptron (no gradient).</summary>
public sealed class Step : Module, IActivationModule
{
    /// <inheritdoc/>
    public Activation Activation => Activation.Step;
    /// <summary>1 where x &gt; 0, else 0 (so step(0) = 0); any shape → the same shape. Its gradient is zero everywhere.</summary>
    public override Tensor Forward(Tensor x) => x.Step();
}

/// <summary>Returns its input unchanged.</summary>
public sealed class Identity : Module, IActivationModule
{
    /// <inheritdoc/>
    public Activation Activation => Activation.None;
    /// <summary>Returns <paramref name="x"/> itself (no copy), like <c>torch.nn.Identity</c>.</summary>
    public override Tensor Forward(Tensor x) => x;
}

/// <summary>x for x &gt; 0, αx otherwise.</summary>
public sealed class LeakyReLU(double alpha = 0.01) : Module, IActivationModule
{
    /// <summary>The slope α for negative inputs (default 0.01, as <c>torch.nn.LeakyReLU</c>).</summary>
    public double Alpha { get; } = alpha;
    /// <inheritdoc/>
    public Activation Activation => Activation.LeakyReLU(Alpha);
    /// <summary>x where x &gt; 0, else αx, elementwise; any shape → the same shape.</summary>
    public override Tensor Forward(Tensor x) => x.LeakyRelu(Alpha);
    /// <summary><c>LeakyReLU(α=0.01)</c>.</summary>
    public override string Describe() => $"LeakyReLU(α={Alpha})";
}

/// <summary>x for x &gt; 0, α(eˣ − 1) otherwise.</summary>
public sealed class ELU(double alpha = 1.0) : Module, IActivationModule
{
    /// <summary>The scale α of the negative part (default 1.0, as <c>torch.nn.ELU</c>).</summary>
    public double Alpha { get; } = alpha;
    /// <inheritdoc/>
    public Activation Activation => Activation.ELU(Alpha);
    /// <summary>x where x &gt; 0, else α(eˣ − 1), elementwise; any shape → the same shape.</summary>
    public override Tensor Forward(Tensor x) => x.Elu(Alpha);
    /// <summary><c>ELU(α=1)</c>.</summary>
    public override string Describe() => $"ELU(α={Alpha})";
}

/// <summary>Softmax along an axis (default the last), like <c>torch.nn.Softmax(dim)</c>.</summary>
public sealed class Softmax(int axis = -1) : Module
{
    /// <summary>exp(xᵢ − max) / Σⱼ exp(xⱼ − max) along the axis (the row maximum is subtracted for stability);
    /// any shape → the same shape, each slice along the axis summing to 1.</summary>
    public override Tensor Forward(Tensor x) => x.Softmax(axis);
}

/// <summary>Log-softmax along an axis (default the last), like <c>torch.nn.LogSoftmax(dim)</c>.</summary>
public sealed class LogSoftmax(int axis = -1) : Module
{
    /// <summary>xᵢ − log Σⱼ exp(xⱼ) along the axis, computed stably (log-sum-exp with the maximum subtracted);
    /// any shape → the same shape.</summary>
    public override Tensor Forward(Tensor x) => x.LogSoftmax(axis);
}

/// <summary>Flattens all dimensions after the first: [N, …] → [N, ∏…].</summary>
public sealed class Flatten : Module
{
    /// <summary>[N, d₁, …, dₖ] → [N, d₁·…·dₖ] (<c>torch.nn.Flatten()</c>); a tensor of rank 0 or 1 is returned unchanged.</summary>
    public override Tensor Forward(Tensor x) => x.Rank <= 1 ? x : x.Flatten(1);
}

/// <summary>
/// PReLU: x for x &gt; 0, αx otherwise, with α learned: one α shared (numParameters = 1) or one per
/// channel (dimension 1 of the input). α starts at 0.25, as in He et al. 2015.
/// </summary>
public sealed class PReLU : Module
{
    /// <summary>The learned slopes α, parameter "weight" [numParameters].</summary>
    public Tensor Alpha { get; }

    /// <summary>A PReLU with <paramref name="numParameters"/> slopes, each starting at <paramref name="init"/> (<c>torch.nn.PReLU</c>).</summary>
    /// <param name="numParameters">1 (one α shared by every element) or the input's channel count (dimension 1).</param>
    /// <param name="init">The initial α (default 0.25).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numParameters"/> is below 1.</exception>
    public PReLU(int numParameters = 1, double init = 0.25)
    {
        if (numParameters < 1) throw new ArgumentOutOfRangeException(nameof(numParameters), numParameters, "PReLU: numParameters must be ≥ 1");
        Alpha = RegisterParameter("weight", Tensor.Full([numParameters], init));
    }

    /// <summary>x where x &gt; 0, else αx, with α broadcast along dimension 1 (channels) when there are several;
    /// any shape → the same shape. Gradients flow to x and to α (∂/∂α = min(x, 0)).</summary>
    /// <exception cref="ShapeException">Several slopes and the input is not [N, numParameters, …].</exception>
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

    /// <summary><c>PReLU(n)</c>, n the number of slopes.</summary>
    public override string Describe() => $"PReLU({Alpha.NumEl})";
}

/// <summary>
/// Maxout over groups of <c>pieces</c> consecutive features of the last axis: a Linear layer with k·m outputs
/// followed by Maxout(k) gives m maxout units (Goodfellow et al. 2013).
/// </summary>
public sealed class Maxout(int pieces) : Module
{
    /// <summary>The number of consecutive features each output is the maximum of (≥ 1).</summary>
    public int Pieces { get; } = pieces >= 1 ? pieces : throw new ArgumentOutOfRangeException(nameof(pieces), pieces, "Maxout: pieces must be ≥ 1");
    /// <summary>[*, k·m] → [*, m]: output j is the maximum of features j·k … j·k + k − 1 of the last axis.</summary>
    /// <exception cref="ShapeException">The last axis is not a multiple of <see cref="Pieces"/>.</exception>
    public override Tensor Forward(Tensor x) => x.Maxout(Pieces);
    /// <summary><c>Maxout(k)</c>.</summary>
    public override string Describe() => $"Maxout({Pieces})";
}
