using System.Globalization;

namespace Neurite.Nn;

/// <summary>
/// 2-D convolution layer over [N, C, H, W] input: y = W ⋆ x + b with W of shape [out, in/groups, kH, kW] and
/// b [out] (PyTorch's layout); output [N, out, OH, OW] with OH = ⌊(H + padTop + padBottom − dilation·(kH − 1) − 1)/stride⌋ + 1.
/// </summary>
/// <remarks>
/// Default initialisation is PyTorch's: kaiming-uniform with a = √5, i.e. U(±1/√fan_in) with fan_in = in/groups·kH·kW,
/// and the bias from the same bound. Groups split the channels into independent convolutions (groups = in is a
/// depthwise convolution). A 1×1 convolution mixes channels at each position like a fully connected layer (seed 003:
/// Network in Network, Inception) and runs without im2col. With an <see cref="Nn.Activation"/> the layer computes
/// activation(W ⋆ x + b); ReLU runs in the convolution kernel's store (one op, <c>conv2d_relu</c>), any other as its own op.
/// </remarks>
/// <example><code>var conv = new Conv2d(3, 16, 5, padding: Padding.Same, activation: Activation.ReLU);  // Conv2d(3 → 16, k=5, s=1, p=same, relu)</code></example>
public sealed class Conv2d : Module, IActivatable
{
    /// <summary>Weight [out, in/groups, kH, kW].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Channels of the input (dimension 1).</summary>
    public int InChannels { get; }
    /// <summary>Channels of the output: the number of filters.</summary>
    public int OutChannels { get; }
    /// <summary>Kernel height and width.</summary>
    public (int H, int W) KernelSize { get; }
    /// <summary>Step between windows (default 1, 1).</summary>
    public (int H, int W) Stride { get; }
    /// <summary>Zeros around the input: numbers on each side, <see cref="Padding.Valid"/> (none, the default) or <see cref="Padding.Same"/>.</summary>
    public Padding Padding { get; }
    /// <summary>Spacing between kernel taps (default 1, 1).</summary>
    public (int H, int W) Dilation { get; }
    /// <summary>Independent channel groups (default 1); divides both channel counts.</summary>
    public int Groups { get; }

    /// <summary>The activation applied to the output (<see cref="Nn.Activation.None"/> by default).</summary>
    public Activation Activation { get; }

    /// <summary>A square kernel with the same stride and dilation on both axes.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, Padding padding = default, int dilation = 1, int groups = 1,
        bool bias = true, Init? init = null, Generator? generator = null, Activation activation = default)
        : this(inChannels, outChannels, (kernelSize, kernelSize), (stride, stride), padding, (dilation, dilation), groups, bias, init, generator, activation) { }

    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels of the output (the number of filters).</param>
    /// <param name="kernelSize">Kernel height and width.</param>
    /// <param name="stride">Step between windows (default 1, 1).</param>
    /// <param name="padding">Zeros around the input: numbers, <see cref="Padding.Valid"/> (default) or <see cref="Padding.Same"/>.</param>
    /// <param name="dilation">Spacing between kernel taps (default 1, 1).</param>
    /// <param name="groups">Independent channel groups; must divide both channel counts.</param>
    /// <param name="bias">Whether to learn an additive bias per output channel.</param>
    /// <param name="init">Weight initialiser; default U(±1/√fan_in) like PyTorch. The bias always uses that bound.</param>
    /// <param name="generator">Random source; default <see cref="Generator.Default"/>.</param>
    /// <param name="activation">Applied to the output; default <see cref="Nn.Activation.None"/>.</param>
    public Conv2d(int inChannels, int outChannels, (int H, int W) kernelSize, (int H, int W)? stride = null, Padding padding = default,
        (int H, int W)? dilation = null, int groups = 1, bool bias = true, Init? init = null, Generator? generator = null, Activation activation = default)
    {
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups, Activation) =
            (inChannels, outChannels, kernelSize, stride ?? (1, 1), padding, dilation ?? (1, 1), groups, activation);
        ConvChecks.Validate("Conv2d", inChannels, outChannels, [kernelSize.H, kernelSize.W], [Stride.H, Stride.W], [Dilation.H, Dilation.W], groups);
        var g = generator ?? Generator.Default;
        Weight = RegisterParameter("weight", Tensor.Zeros(outChannels, inChannels / groups, kernelSize.H, kernelSize.W));
        (init ?? Init.LeCunUniform).Fill(Weight, g);
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros(outChannels));
            double bound = 1 / Math.Sqrt(inChannels / groups * kernelSize.H * kernelSize.W);
            Init.Write(Bias, Tensor.Uniform([outChannels], -bound, bound, g));
        }
    }

    /// <summary>[N, in, H, W] → [N, out, OH, OW], OH = ⌊(H + padTop + padBottom − dilation·(kH − 1) − 1)/stride⌋ + 1
    /// (OW likewise; with <see cref="Padding.Same"/> OH = ⌈H/stride⌉); then the layer's activation. Like <c>torch.nn.Conv2d</c>.</summary>
    /// <exception cref="ShapeException">The input is not [N, in, H, W], or smaller than the (dilated) kernel once padded.</exception>
    public override Tensor Forward(Tensor x) => Run(x, Activation);

    /// <inheritdoc/>
    public bool CanFuse(Activation activation) => activation.Fusable;

    /// <summary><paramref name="then"/> applied to <see cref="Forward(Tensor)"/>: one op when this layer has no activation
    /// of its own and the kernel applies <paramref name="then"/> (ReLU → <c>conv2d_relu</c>).</summary>
    public Tensor Forward(Tensor x, Activation then) => Activation.IsNone ? Run(x, then) : then.Apply(Run(x, Activation));

    Tensor Run(Tensor x, Activation activation) => Convolve(x, Weight, Bias, Stride, PaddingFor(x), Dilation, Groups, activation);

    /// <summary>activation(conv2d(…)): the fused op when the kernel applies the activation, else the convolution then the activation's op.</summary>
    internal static Tensor Convolve(Tensor x, Tensor weight, Tensor? bias, (int H, int W) stride, (int Top, int Bottom, int Left, int Right) padding,
        (int H, int W) dilation, int groups, Activation activation) => activation.Epilogue switch
    {
        KernelEpilogue.Relu => Tensor.Conv2dRelu(x, weight, bias, stride, padding, dilation, groups),
        _ => activation.Apply(Tensor.Conv2d(x, weight, bias, stride, padding, dilation, groups)),
    };

    /// <summary>The padding on each side for this input, after checking that the input fits.</summary>
    internal (int, int, int, int) PaddingFor(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[1] != InChannels)
            throw new ShapeException($"{Name} expects [N, {InChannels}, H, W]{ConvChecks.MinSize(this)}, got {ConvChecks.Format(x)}");
        var (top, bottom) = Padding.Along(x.Shape[2], KernelSize.H, Stride.H, Dilation.H, height: true);
        var (left, right) = Padding.Along(x.Shape[3], KernelSize.W, Stride.W, Dilation.W, height: false);
        int spanH = Dilation.H * (KernelSize.H - 1) + 1, spanW = Dilation.W * (KernelSize.W - 1) + 1;
        if (x.Shape[2] + top + bottom < spanH || x.Shape[3] + left + right < spanW)
            throw new ShapeException($"{Name} expects [N, {InChannels}, H, W]{ConvChecks.MinSize(this)}, got {ConvChecks.Format(x)}");
        return (top, bottom, left, right);
    }

    /// <summary>The short name used in error messages, e.g. <c>Conv2d(3 → 16, k=5)</c>.</summary>
    string Name => $"Conv2d({InChannels} → {OutChannels}, k={ConvChecks.Pair(KernelSize)})";

    /// <summary>E.g. <c>Conv2d(3 → 16, k=5, s=1, p=2)</c>; dilation, groups, a missing bias and the activation when not the default.</summary>
    public override string Describe() =>
        $"Conv2d({InChannels} → {OutChannels}, k={ConvChecks.Pair(KernelSize)}, s={ConvChecks.Pair(Stride)}, p={Padding}" +
        (Dilation != (1, 1) ? $", d={ConvChecks.Pair(Dilation)}" : "") + (Groups != 1 ? $", groups={Groups}" : "") + (Bias is null ? ", bias=False" : "") +
        ConvChecks.Suffix(Activation) + ")";
}

/// <summary>
/// 1-D convolution layer over [N, C, L] input (e.g. sequences): weight [out, in/groups, k], bias [out], output
/// [N, out, ⌊(L + padBefore + padAfter − dilation·(k − 1) − 1)/stride⌋ + 1]. Initialised like <see cref="Conv2d"/>, and
/// takes an <see cref="Nn.Activation"/> like it (ReLU fused into the kernel).
/// </summary>
public sealed class Conv1d : Module, IActivatable
{
    /// <summary>Weight [out, in/groups, k].</summary>
    public Tensor Weight { get; }

    /// <summary>Bias [out], or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Channels of the input (dimension 1).</summary>
    public int InChannels { get; }
    /// <summary>Channels of the output: the number of filters.</summary>
    public int OutChannels { get; }
    /// <summary>Kernel length.</summary>
    public int KernelSize { get; }
    /// <summary>Step between windows (default 1).</summary>
    public int Stride { get; }
    /// <summary>Zeros at both ends: a number, <see cref="Padding.Valid"/> (none, the default) or <see cref="Padding.Same"/>.</summary>
    public Padding Padding { get; }
    /// <summary>Spacing between kernel taps (default 1).</summary>
    public int Dilation { get; }
    /// <summary>Independent channel groups (default 1); divides both channel counts.</summary>
    public int Groups { get; }

    /// <summary>The activation applied to the output (<see cref="Nn.Activation.None"/> by default).</summary>
    public Activation Activation { get; }

    /// <summary>A 1-D convolution (<c>torch.nn.Conv1d</c>); weight U(±1/√fan_in) by default, fan_in = in/groups·k, bias from the same bound.</summary>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels of the output (the number of filters).</param>
    /// <param name="kernelSize">Kernel length.</param>
    /// <param name="stride">Step between windows (default 1).</param>
    /// <param name="padding">Zeros at both ends: one number, <see cref="Padding.Valid"/> (default) or <see cref="Padding.Same"/>.</param>
    /// <param name="dilation">Spacing between kernel taps (default 1).</param>
    /// <param name="groups">Independent channel groups; must divide both channel counts.</param>
    /// <param name="bias">Whether to learn an additive bias per output channel.</param>
    /// <param name="init">Weight initialiser; default U(±1/√fan_in) like PyTorch. The bias always uses that bound.</param>
    /// <param name="generator">Random source; default <see cref="Generator.Default"/>.</param>
    /// <param name="activation">Applied to the output; default <see cref="Nn.Activation.None"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">Channels, kernel, stride or dilation below 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="groups"/> does not divide both channel counts, or <paramref name="padding"/> has two different numbers.</exception>
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, Padding padding = default, int dilation = 1, int groups = 1,
        bool bias = true, Init? init = null, Generator? generator = null, Activation activation = default)
    {
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups, Activation) = (inChannels, outChannels, kernelSize, stride, padding, dilation, groups, activation);
        ConvChecks.Validate("Conv1d", inChannels, outChannels, [kernelSize], [stride], [dilation], groups);
        if (padding.H != padding.W) throw new ArgumentException($"Conv1d: padding must be one number, got {padding}", nameof(padding));
        var g = generator ?? Generator.Default;
        Weight = RegisterParameter("weight", Tensor.Zeros(outChannels, inChannels / groups, kernelSize));
        (init ?? Init.LeCunUniform).Fill(Weight, g);
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros(outChannels));
            double bound = 1 / Math.Sqrt(inChannels / groups * kernelSize);
            Init.Write(Bias, Tensor.Uniform([outChannels], -bound, bound, g));
        }
    }

    /// <summary>[N, in, L] → [N, out, ⌊(L + padBefore + padAfter − dilation·(k − 1) − 1)/stride⌋ + 1], then the layer's activation.</summary>
    /// <exception cref="ShapeException">The input is not [N, in, L], or shorter than the (dilated) kernel once padded.</exception>
    public override Tensor Forward(Tensor x) => Run(x, Activation);

    /// <inheritdoc/>
    public bool CanFuse(Activation activation) => activation.Fusable;

    /// <summary><paramref name="then"/> applied to <see cref="Forward(Tensor)"/>, fused into the kernel when it can be.</summary>
    public Tensor Forward(Tensor x, Activation then) => Activation.IsNone ? Run(x, then) : then.Apply(Run(x, Activation));

    Tensor Run(Tensor x, Activation activation)
    {
        int span = Dilation * (KernelSize - 1) + 1;
        var pad = x.Rank == 3 ? Padding.Along(x.Shape[2], KernelSize, Stride, Dilation, height: false) : (0, 0);
        if (x.Rank != 3 || x.Shape[1] != InChannels || x.Shape[2] + pad.Item1 + pad.Item2 < span)
            throw new ShapeException($"Conv1d({InChannels} → {OutChannels}, k={KernelSize}) expects [N, {InChannels}, L]" +
                (Padding.IsSame ? "" : $" with L ≥ {Math.Max(1, span - 2 * Padding.W)}") + $", got {ConvChecks.Format(x)}");
        return activation.Epilogue switch
        {
            KernelEpilogue.Relu => Tensor.Conv1dRelu(x, Weight, Bias, Stride, pad, Dilation, Groups),
            _ => activation.Apply(Tensor.Conv1d(x, Weight, Bias, Stride, pad, Dilation, Groups)),
        };
    }

    /// <summary>E.g. <c>Conv1d(8 → 16, k=3, s=1, p=same)</c>; dilation, groups, a missing bias and the activation when not the default.</summary>
    public override string Describe() =>
        $"Conv1d({InChannels} → {OutChannels}, k={KernelSize}, s={Stride}, p={Padding}" +
        (Dilation != 1 ? $", d={Dilation}" : "") + (Groups != 1 ? $", groups={Groups}" : "") + (Bias is null ? ", bias=False" : "") + ConvChecks.Suffix(Activation) + ")";
}

/// <summary>Argument checks and message pieces shared by the convolution and pooling layers.</summary>
internal static class ConvChecks
{
    public static void Validate(string layer, int inChannels, int outChannels, int[] kernel, int[] stride, int[] dilation, int groups)
    {
        if (inChannels <= 0 || outChannels <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"{layer}: channels must be positive, got {inChannels} → {outChannels}");
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{layer}: groups = {groups} must divide both {inChannels} input and {outChannels} output channels", nameof(groups));
        if (kernel.Any(k => k <= 0)) throw new ArgumentOutOfRangeException(nameof(kernel), $"{layer}: kernel size must be positive, got {string.Join("×", kernel)}");
        if (stride.Any(s => s <= 0)) throw new ArgumentOutOfRangeException(nameof(stride), $"{layer}: stride must be positive, got {string.Join(", ", stride)}");
        if (dilation.Any(d => d <= 0)) throw new ArgumentOutOfRangeException(nameof(dilation), $"{layer}: dilation must be positive, got {string.Join(", ", dilation)}");
    }

    /// <summary>" with H, W ≥ 5" (the smallest input the kernel fits once padded), or "" when any size fits.</summary>
    public static string MinSize(Conv2d c)
    {
        if (c.Padding.IsSame) return "";
        int h = Math.Max(1, c.Dilation.H * (c.KernelSize.H - 1) + 1 - 2 * c.Padding.H);
        int w = Math.Max(1, c.Dilation.W * (c.KernelSize.W - 1) + 1 - 2 * c.Padding.W);
        return h == w ? (h == 1 ? "" : $" with H, W ≥ {h}") : $" with H ≥ {h}, W ≥ {w}";
    }

    public static string Pair((int H, int W) p) => p.H == p.W ? p.H.ToString(CultureInfo.InvariantCulture) : $"{p.H}×{p.W}";

    public static string Format(Tensor t) => "[" + string.Join(", ", t.Shape.ToArray()) + "]";

    /// <summary>", relu" for a layer's activation in its description, "" for none.</summary>
    public static string Suffix(Activation a) => a.IsNone ? "" : ", " + a;
}
