namespace Neurite.Nn;

/// <summary>
/// Fully connected layer: y = x·Wᵀ + b, with W of shape [out, in] (PyTorch's layout).
/// Input [*, in] → output [*, out]. With an <see cref="Nn.Activation"/> the layer computes activation(x·Wᵀ + b);
/// ReLU runs inside the GEMM's tile epilogue (one op, <c>linear_relu</c>), any other as its own op after the product.
/// </summary>
/// <example><code>var layer = new Linear(784, 128, init: Init.HeNormal(), activation: Activation.ReLU);</code></example>
public sealed class Linear : Module, IActivatable
{
    /// <summary>Weight [out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Size of each input sample: the input's last dimension.</summary>
    public int InFeatures { get; }
    /// <summary>Size of each output sample.</summary>
    public int OutFeatures { get; }

    /// <summary>The activation applied to the output (<see cref="Nn.Activation.None"/> by default).</summary>
    public Activation Activation { get; }

    /// <param name="inFeatures">Size of each input sample.</param>
    /// <param name="outFeatures">Size of each output sample.</param>
    /// <param name="bias">Whether to learn an additive bias.</param>
    /// <param name="init">Weight initialiser; default U(±1/√in) like PyTorch, and then the bias is drawn from the same
    /// bound. With an initialiser given the bias starts at zero.</param>
    /// <param name="generator">Random source; default <see cref="Generator.Default"/>.</param>
    /// <param name="activation">Applied to the output; default <see cref="Nn.Activation.None"/>.</param>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Init? init = null, Generator? generator = null, Activation activation = default)
    {
        if (inFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), inFeatures, "Linear: inFeatures must be positive");
        if (outFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(outFeatures), outFeatures, "Linear: outFeatures must be positive");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Activation = activation;
        var g = generator ?? Generator.Default;
        Weight = RegisterParameter("weight", Tensor.Zeros(outFeatures, inFeatures));
        (init ?? Init.LeCunUniform).Fill(Weight, g);
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros(outFeatures));
            double bound = 1 / Math.Sqrt(inFeatures);
            if (init is null) Init.Write(Bias, Tensor.Uniform([outFeatures], -bound, bound, g));
        }
    }

    /// <summary>[*, in] → [*, out]: activation(x·Wᵀ + b) (<c>torch.nn.Linear</c>, then the layer's activation).</summary>
    /// <exception cref="ShapeException">The input's last dimension is not <see cref="InFeatures"/> (or it is a scalar).</exception>
    public override Tensor Forward(Tensor x)
    {
        CheckInput(x);
        return Affine(x, Weight, Bias, Activation);
    }

    /// <inheritdoc/>
    public bool CanFuse(Activation activation) => activation.Fusable;

    /// <summary><paramref name="then"/> applied to <see cref="Forward(Tensor)"/>: one op when this layer has no activation
    /// of its own and the GEMM applies <paramref name="then"/> (ReLU → <c>linear_relu</c>).</summary>
    public Tensor Forward(Tensor x, Activation then)
    {
        CheckInput(x);
        return Activation.IsNone ? Affine(x, Weight, Bias, then) : then.Apply(Affine(x, Weight, Bias, Activation));
    }

    /// <summary>activation(x·Wᵀ + b): the fused op when the kernel applies the activation, else the product then the activation's op.</summary>
    internal static Tensor Affine(Tensor x, Tensor weight, Tensor? bias, Activation activation) => activation.Epilogue switch
    {
        KernelEpilogue.Relu => Tensor.LinearRelu(x, weight, bias),
        _ => activation.Apply(Tensor.Linear(x, weight, bias)),
    };

    void CheckInput(Tensor x)
    {
        if (x.Rank == 0 || x.Shape[^1] != InFeatures)
            throw new ShapeException($"{Describe()} expects input [*, {InFeatures}], got [{string.Join(", ", x.Shape.ToArray())}]");
    }

    /// <summary>E.g. <c>Linear(784 → 128)</c>, <c>Linear(784 → 128, bias=False, relu)</c>.</summary>
    public override string Describe() =>
        $"Linear({InFeatures} → {OutFeatures}{(Bias is null ? ", bias=False" : "")}{(Activation.IsNone ? "" : ", " + Activation)})";
}
