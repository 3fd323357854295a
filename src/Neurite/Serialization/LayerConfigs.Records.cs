using System.Globalization;
using System.Text;
using Neurite.Data.Text;
using Neurite.Nn;
using Neurite.Nn.Zoo;
using Neurite.Seq2Seq;

namespace Neurite.Serialization;

// The config record of every layer type in LayerConfigs.Table. Each builds its module and lists the tensors it owns
// without allocating them; values the layer's constructor checks are left to it (Build turns its exception into a
// ModelFormatException), values State() needs are checked here first.

/// <summary>A <see cref="Sequential"/>: its layers in order; children (and their state-dict prefixes) are named 0, 1, … as in <see cref="Sequential"/>.</summary>
/// <param name="Layers">The configs of the layers, first applied first (JSON <c>layers</c>).</param>
public sealed record SequentialConfig(List<LayerConfig> Layers) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new Sequential(Checks.BuildAll(Layers, "layers"));

    /// <inheritdoc/>
    public override IEnumerable<StateEntry>? State() => Checks.Prefixed(Checks.Numbered(Layers, ""));
}

/// <summary>A <see cref="Linear"/> layer: y = x·Wᵀ + b, weight [Out, In], bias [Out].</summary>
/// <param name="In">Input features (the last axis of the input).</param>
/// <param name="Out">Output features.</param>
/// <param name="Bias">Whether the layer has a bias.</param>
/// <param name="Activation">The fused activation's text form (<c>relu</c>, <c>leaky_relu:0.01</c>, …; see <see cref="Nn.Activation.Parse"/>), or null for none (the key is then omitted).</param>
public sealed record LinearConfig(int In, int Out, bool Bias, string? Activation = null) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new Linear(In, Out, Bias, activation: Checks.ActivationOf(Activation));

    /// <inheritdoc/>
    public override IEnumerable<StateEntry> State() => Bias ? [Entry("weight", Out, In), Entry("bias", Out)] : [Entry("weight", Out, In)];
}

/// <summary>A <see cref="Conv2d"/> layer: weight [Out, In / Groups, Kh, Kw], bias [Out].</summary>
/// <param name="In">Input channels.</param>
/// <param name="Out">Output channels.</param>
/// <param name="Kh">Kernel height.</param>
/// <param name="Kw">Kernel width.</param>
/// <param name="Sh">Vertical stride.</param>
/// <param name="Sw">Horizontal stride.</param>
/// <param name="Padding">The padding's text form: <c>same</c>, <c>valid</c>, <c>2</c> or <c>1,2</c> (height, width; see <see cref="Nn.Padding.Parse"/>).</param>
/// <param name="Dh">Vertical dilation.</param>
/// <param name="Dw">Horizontal dilation.</param>
/// <param name="Groups">Channel groups; <paramref name="In"/> and <paramref name="Out"/> must be positive multiples of it.</param>
/// <param name="Bias">Whether the layer has a bias.</param>
/// <param name="Activation">The fused activation's text form (<c>relu</c>, <c>leaky_relu:0.01</c>, …; see <see cref="Nn.Activation.Parse"/>), or null for none (the key is then omitted).</param>
public sealed record Conv2dConfig(int In, int Out, int Kh, int Kw, int Sh, int Sw, string Padding, int Dh, int Dw, int Groups, bool Bias, string? Activation = null) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new Conv2d(In, Out, (Kh, Kw), (Sh, Sw), Nn.Padding.Parse(Padding), (Dh, Dw), Groups, Bias, activation: Checks.ActivationOf(Activation));

    /// <inheritdoc/>
    public override IEnumerable<StateEntry> State()
    {
        Checks.Groups("Conv2d", In, Out, Groups);
        _ = Nn.Padding.Parse(Padding);
        var weight = Entry("weight", Out, In / Groups, Kh, Kw);
        return Bias ? [weight, Entry("bias", Out)] : [weight];
    }
}

/// <summary>A <see cref="Conv1d"/> layer: weight [Out, In / Groups, K], bias [Out].</summary>
/// <param name="In">Input channels.</param>
/// <param name="Out">Output channels.</param>
/// <param name="K">Kernel length.</param>
/// <param name="Stride">Stride.</param>
/// <param name="Padding">The padding's text form: <c>same</c>, <c>valid</c> or a number of zeros on each end (see <see cref="Nn.Padding.Parse"/>).</param>
/// <param name="Dilation">Dilation.</param>
/// <param name="Groups">Channel groups; <paramref name="In"/> and <paramref name="Out"/> must be positive multiples of it.</param>
/// <param name="Bias">Whether the layer has a bias.</param>
/// <param name="Activation">The fused activation's text form (<c>relu</c>, <c>leaky_relu:0.01</c>, …; see <see cref="Nn.Activation.Parse"/>), or null for none (the key is then omitted).</param>
public sealed record Conv1dConfig(int In, int Out, int K, int Stride, string Padding, int Dilation, int Groups, bool Bias, string? Activation = null) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new Conv1d(In, Out, K, Stride, Nn.Padding.Parse(Padding), Dilation, Groups, Bias, activation: Checks.ActivationOf(Activation));

    /// <inheritdoc/>
    public override IEnumerable<StateEntry> State()
    {
        Checks.Groups("Conv1d", In, Out, Groups);
        _ = Nn.Padding.Parse(Padding);
        var weight = Entry("weight", Out, In / Groups, K);
        return Bias ? [weight, Entry("bias", Out)] : [weight];
    }
}

/// <summary>A <see cref="Dropout"/> layer (no tensors).</summary>
/// <param name="P">The probability of zeroing an element in training, in [0, 1).</param>
public sealed record DropoutConfig(double P) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new Dropout(P);
}

/// <summary>A <see cref="Dropout2d"/> layer (no tensors).</summary>
/// <param name="P">The probability of zeroing a whole channel in training, in [0, 1).</param>
public sealed record Dropout2dConfig(double P) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new Dropout2d(P);
}

/// <summary>A <see cref="BatchNorm1d"/> layer: weight and bias [Features] when affine, buffers running_mean and running_var [Features].</summary>
/// <param name="Features">The number of features (channels) normalised.</param>
/// <param name="Eps">Added to the variance before the square root; must be positive.</param>
/// <param name="Momentum">The running statistics' update weight, in [0, 1].</param>
/// <param name="Affine">Whether the layer has a learned scale and shift.</param>
public sealed record BatchNorm1dConfig(int Features, double Eps, double Momentum, bool Affine) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new BatchNorm1d(Checks.Norm("BatchNorm1d", Features, Eps, Momentum), Eps, Momentum, Affine);

    /// <inheritdoc/>
    public override IEnumerable<StateEntry> State() => Checks.BatchNormState(Checks.Norm("BatchNorm1d", Features, Eps, Momentum), Affine);
}

/// <summary>A <see cref="BatchNorm2d"/> layer: weight and bias [Features] when affine, buffers running_mean and running_var [Features].</summary>
/// <param name="Features">The number of features (channels) normalised.</param>
/// <param name="Eps">Added to the variance before the square root; must be positive.</param>
/// <param name="Momentum">The running statistics' update weight, in [0, 1].</param>
/// <param name="Affine">Whether the layer has a learned scale and shift.</param>
public sealed record BatchNorm2dConfig(int Features, double Eps, double Momentum, bool Affine) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new BatchNorm2d(Checks.Norm("BatchNorm2d", Features, Eps, Momentum), Eps, Momentum, Affine);

    /// <inheritdoc/>
    public override IEnumerable<StateEntry> State() => Checks.BatchNormState(Checks.Norm("BatchNorm2d", Features, Eps, Momentum), Affine);
}

/// <summary>A <see cref="Standardize"/> layer; the per-feature mean and standard deviation come from the weights file (buffers "mean" and "std", [Features]).</summary>
/// <param name="Features">The number of features; must be positive.</param>
public sealed record StandardizeConfig(int Features) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new Standardize(Features > 0 ? Features : throw new ArgumentOutOfRangeException(nameof(Features), Features, "Standardize: features must be positive"));

    /// <inheritdoc/>
    public override IEnumerable<StateEntry> State() => [Entry("mean", Features), Entry("std", Features)];
}

/// <summary>A <see cref="LayerNorm"/> layer: weight and bias of <paramref name="Shape"/> when affine.</summary>
/// <param name="Shape">The normalised trailing shape.</param>
/// <param name="Eps">Added to the variance before the square root; must be positive.</param>
/// <param name="Affine">Whether the layer has a learned elementwise scale and shift (default true).</param>
public sealed record LayerNormConfig(int[] Shape, double Eps, bool Affine = true) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build()
    {
        if (!(Eps > 0)) throw new ArgumentOutOfRangeException(nameof(Eps), Eps, "LayerNorm: eps must be positive");
        return new LayerNorm(Shape, Eps, Affine);
    }

    /// <inheritdoc/>
    public override IEnumerable<StateEntry> State() => Affine ? [Entry("weight", Shape), Entry("bias", Shape)] : [];
}

/// <summary>An <see cref="Embedding"/> table: weight [Num, Dim].</summary>
/// <param name="Num">The number of embeddings (the vocabulary size).</param>
/// <param name="Dim">The size of each embedding vector.</param>
public sealed record EmbeddingConfig(int Num, int Dim) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new Embedding(Num, Dim);

    /// <inheritdoc/>
    public override IEnumerable<StateEntry> State() => [Entry("weight", Num, Dim)];
}

/// <summary>A <see cref="LeakyReLU"/> layer (no tensors).</summary>
/// <param name="Alpha">The slope for negative inputs.</param>
public sealed record LeakyReLUConfig(double Alpha) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new LeakyReLU(Alpha);
}

/// <summary>An <see cref="ELU"/> layer (no tensors).</summary>
/// <param name="Alpha">The scale α of the negative part α(eˣ − 1).</param>
public sealed record ELUConfig(double Alpha) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new ELU(Alpha);
}

/// <summary>A <see cref="PReLU"/> layer: weight [Num], the learned negative slopes.</summary>
/// <param name="Num">The number of slopes: 1 (shared) or the channel count; must be positive.</param>
public sealed record PReLUConfig(int Num) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new PReLU(Num > 0 ? Num : throw new ArgumentOutOfRangeException(nameof(Num), Num, "PReLU: num must be positive"));

    /// <inheritdoc/>
    public override IEnumerable<StateEntry> State() => [Entry("weight", Num)];
}

/// <summary>A <see cref="Maxout"/> layer (no tensors).</summary>
/// <param name="Pieces">The number of pieces each output is the maximum of.</param>
public sealed record MaxoutConfig(int Pieces) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new Maxout(Pieces);
}

/// <summary>A <see cref="MaxPool2d"/> layer (no tensors).</summary>
/// <param name="Kh">Window height.</param>
/// <param name="Kw">Window width.</param>
/// <param name="Sh">Vertical stride.</param>
/// <param name="Sw">Horizontal stride.</param>
/// <param name="Ph">Zero rows above and below (implicit padding).</param>
/// <param name="Pw">Zero columns left and right (implicit padding).</param>
public sealed record MaxPool2dConfig(int Kh, int Kw, int Sh, int Sw, int Ph, int Pw) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new MaxPool2d((Kh, Kw), (Sh, Sw), (Ph, Pw));
}

/// <summary>A <see cref="AvgPool2d"/> layer (no tensors).</summary>
/// <param name="Kh">Window height.</param>
/// <param name="Kw">Window width.</param>
/// <param name="Sh">Vertical stride.</param>
/// <param name="Sw">Horizontal stride.</param>
/// <param name="Ph">Zero rows above and below (implicit padding).</param>
/// <param name="Pw">Zero columns left and right (implicit padding).</param>
public sealed record AvgPool2dConfig(int Kh, int Kw, int Sh, int Sw, int Ph, int Pw) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new AvgPool2d((Kh, Kw), (Sh, Sw), (Ph, Pw));
}

/// <summary>An <see cref="AdaptiveAvgPool2d"/> layer (no tensors).</summary>
/// <param name="H">Output height.</param>
/// <param name="W">Output width.</param>
public sealed record AdaptiveAvgPool2dConfig(int H, int W) : LayerConfig
{
    /// <inheritdoc/>
    public override Module Build() => new AdaptiveAvgPool2d(H, W);
}


/// <summary>A network of the model zoo by name and options (<see cref="Zoo.Create"/>): its blocks are not layers
/// of the table, so its tensors are known only once it is built.</summary>
/// <param name="Name">The zoo name (<c>lenet5</c>, <c>resnet18</c>, …; see <see cref="Zoo"/>).</param>
/// <param name="InChannels">Input channels.</param>
/// <param name="Classes">Output classes.</param>
/// <param name="InputSize">Input height and width in pixels.</param>
/// <param name="Width">The channel-count multiplier.</param>
/// <param name="BatchNorm">Whether batch normalisation is used.</param>
/// <param name="Dropout">The dropout probability (where the network has dropout: classifier, or after pooling in NiN).</param>
public sealed record ZooConfig(string Name, int InChannels, int Classes, int InputSize, double Width, bool BatchNorm, double Dropout) : LayerConfig
{
    /// <summary>The config of zoo network <paramref name="name"/> built with <paramref name="o"/>.</summary>
    public static ZooConfig Of(string name, VisionOptions o) => new(name, o.InChannels, o.Classes, o.InputSize, o.Width, o.BatchNorm, o.Dropout);

    /// <summary>The options the network is built with.</summary>
    public VisionOptions Options => new(InChannels, Classes, InputSize, Width, BatchNorm, Dropout);

    /// <inheritdoc/>
    public override Module Build() => Zoo.Create(Name, Options);

    /// <inheritdoc/>
    public override IEnumerable<StateEntry>? State() => null;
}

/// <summary>A layer without options (ReLU, Flatten, …).</summary>
public sealed record Plain<TModule>() : LayerConfig where TModule : Module, new()
{
    /// <inheritdoc/>
    public override Module Build() => new TModule();
}

static class Checks
{
    public static Activation ActivationOf(string? text) => text is null ? Activation.None : Activation.Parse(text);

    /// <summary>Each child config built; a bad one's message is prefixed with where it sits ("layers[2]: …").</summary>
    public static Module[] BuildAll(IReadOnlyList<LayerConfig> children, string key) =>
        [.. children.Select((c, i) => BuildChild(c, $"{key}[{i}]"))];

    public static Module BuildChild(LayerConfig child, string where)
    {
        try { return child.Build(); }
        catch (Exception e) when (e is ArgumentException or FormatException) { throw new ArgumentException($"{where}: {e.Message}", e); }
    }

    /// <summary>Children named by their index, as containers register them: "0.", "1.", … after <paramref name="prefix"/>.</summary>
    public static IEnumerable<(string Prefix, LayerConfig Config)> Numbered(IReadOnlyList<LayerConfig> children, string prefix) =>
        children.Select((c, i) => (prefix + i.ToString(CultureInfo.InvariantCulture) + ".", c));

    /// <summary>The children's state entries under their prefixes; null when one child's state cannot be known without building.</summary>
    public static IEnumerable<StateEntry>? Prefixed(IEnumerable<(string Prefix, LayerConfig Config)> children)
    {
        var all = new List<StateEntry>();
        foreach (var (prefix, config) in children)
        {
            var child = config.State();
            if (child is null) return null;
            all.AddRange(child.Select(e => e with { Name = prefix + e.Name }));
        }
        return all;
    }

    public static void Groups(string layer, int inChannels, int outChannels, int groups)
    {
        if (groups <= 0 || inChannels <= 0 || outChannels <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{layer}: in ({inChannels}) and out ({outChannels}) must be positive multiples of groups ({groups})");
    }

    public static int Norm(string layer, int features, double eps, double momentum)
    {
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{layer}: eps must be positive");
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"{layer}: momentum must be in [0, 1]");
        return features;
    }

    public static IEnumerable<StateEntry> BatchNormState(int features, bool affine)
    {
        var stats = new StateEntry[] { new("running_mean", [features], DType.Float32), new("running_var", [features], DType.Float32) };
        return affine ? [new("weight", [features], DType.Float32), new("bias", [features], DType.Float32), .. stats] : stats;
    }

    /// <summary>The tensors of <see cref="RecurrentBase"/>: weight_ih_l{k}[_reverse] [gates·H, in], weight_hh [gates·H, H], biases [gates·H].</summary>
    public static IEnumerable<StateEntry> RecurrentState(string prefix, RecurrentMode mode, int input, int hidden, int layers, bool bias, bool bidirectional, DType dtype)
    {
        if (input <= 0 || hidden <= 0 || layers <= 0 || layers > 1024)
            throw new ArgumentException($"recurrent layer: input ({input}), hidden ({hidden}) must be positive and layers ({layers}) in 1..1024");
        int dirs = bidirectional ? 2 : 1;
        int gh = checked(Tensor.Gates(mode) * hidden), wide = checked(hidden * dirs);
        var all = new List<StateEntry>();
        for (int layer = 0; layer < layers; layer++)
            for (int d = 0; d < dirs; d++)
            {
                var suffix = new StringBuilder().Append("_l").Append(layer.ToString(CultureInfo.InvariantCulture)).Append(d == 1 ? "_reverse" : "").ToString();
                all.Add(new(prefix + "weight_ih" + suffix, [gh, layer == 0 ? input : wide], dtype));
                all.Add(new(prefix + "weight_hh" + suffix, [gh, hidden], dtype));
                if (!bias) continue;
                all.Add(new(prefix + "bias_ih" + suffix, [gh], dtype));
                all.Add(new(prefix + "bias_hh" + suffix, [gh], dtype));
            }
        return all;
    }
}
