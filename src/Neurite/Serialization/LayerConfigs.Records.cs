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

/// <summary>Layers in order; children are named 0, 1, … as in <see cref="Sequential"/>.</summary>
public sealed record SequentialConfig(List<LayerConfig> Layers) : LayerConfig
{
    public override Module Build()
    {
        var modules = new Module[Layers.Count];
        for (int i = 0; i < modules.Length; i++)
        {
            try { modules[i] = Layers[i].Build(); }
            catch (Exception e) when (e is ArgumentException or FormatException) { throw new ArgumentException($"layers[{i}]: {e.Message}", e); }
        }
        return new Sequential(modules);
    }

    public override IEnumerable<StateEntry>? State()
    {
        var all = new List<StateEntry>();
        for (int i = 0; i < Layers.Count; i++)
        {
            var child = Layers[i].State();
            if (child is null) return null;
            string prefix = i.ToString(CultureInfo.InvariantCulture) + ".";
            all.AddRange(child.Select(e => e with { Name = prefix + e.Name }));
        }
        return all;
    }
}

public sealed record LinearConfig(int In, int Out, bool Bias, string? Activation = null) : LayerConfig
{
    public override Module Build() => new Linear(In, Out, Bias, activation: Checks.ActivationOf(Activation));

    public override IEnumerable<StateEntry> State() => Bias ? [Entry("weight", Out, In), Entry("bias", Out)] : [Entry("weight", Out, In)];
}

public sealed record Conv2dConfig(int In, int Out, int Kh, int Kw, int Sh, int Sw, string Padding, int Dh, int Dw, int Groups, bool Bias, string? Activation = null) : LayerConfig
{
    public override Module Build() => new Conv2d(In, Out, (Kh, Kw), (Sh, Sw), Nn.Padding.Parse(Padding), (Dh, Dw), Groups, Bias, activation: Checks.ActivationOf(Activation));

    public override IEnumerable<StateEntry> State()
    {
        Checks.Groups("Conv2d", In, Out, Groups);
        _ = Nn.Padding.Parse(Padding);
        var weight = Entry("weight", Out, In / Groups, Kh, Kw);
        return Bias ? [weight, Entry("bias", Out)] : [weight];
    }
}

public sealed record Conv1dConfig(int In, int Out, int K, int Stride, string Padding, int Dilation, int Groups, bool Bias, string? Activation = null) : LayerConfig
{
    public override Module Build() => new Conv1d(In, Out, K, Stride, Nn.Padding.Parse(Padding), Dilation, Groups, Bias, activation: Checks.ActivationOf(Activation));

    public override IEnumerable<StateEntry> State()
    {
        Checks.Groups("Conv1d", In, Out, Groups);
        _ = Nn.Padding.Parse(Padding);
        var weight = Entry("weight", Out, In / Groups, K);
        return Bias ? [weight, Entry("bias", Out)] : [weight];
    }
}

public sealed record DropoutConfig(double P) : LayerConfig
{
    public override Module Build() => new Dropout(P);
}

public sealed record Dropout2dConfig(double P) : LayerConfig
{
    public override Module Build() => new Dropout2d(P);
}

public sealed record BatchNorm1dConfig(int Features, double Eps, double Momentum, bool Affine) : LayerConfig
{
    public override Module Build() => new BatchNorm1d(Checks.Norm("BatchNorm1d", Features, Eps, Momentum), Eps, Momentum, Affine);

    public override IEnumerable<StateEntry> State() => Checks.BatchNormState(Checks.Norm("BatchNorm1d", Features, Eps, Momentum), Affine);
}

public sealed record BatchNorm2dConfig(int Features, double Eps, double Momentum, bool Affine) : LayerConfig
{
    public override Module Build() => new BatchNorm2d(Checks.Norm("BatchNorm2d", Features, Eps, Momentum), Eps, Momentum, Affine);

    public override IEnumerable<StateEntry> State() => Checks.BatchNormState(Checks.Norm("BatchNorm2d", Features, Eps, Momentum), Affine);
}

/// <summary>The per-feature mean and standard deviation come from the weights file (buffers "mean" and "std").</summary>
public sealed record StandardizeConfig(int Features) : LayerConfig
{
    public override Module Build() => new Standardize(Features > 0 ? Features : throw new ArgumentOutOfRangeException(nameof(Features), Features, "Standardize: features must be positive"));

    public override IEnumerable<StateEntry> State() => [Entry("mean", Features), Entry("std", Features)];
}

public sealed record LayerNormConfig(int[] Shape, double Eps, bool Affine = true) : LayerConfig
{
    public override Module Build()
    {
        if (!(Eps > 0)) throw new ArgumentOutOfRangeException(nameof(Eps), Eps, "LayerNorm: eps must be positive");
        return new LayerNorm(Shape, Eps, Affine);
    }

    public override IEnumerable<StateEntry> State() => Affine ? [Entry("weight", Shape), Entry("bias", Shape)] : [];
}

public sealed record EmbeddingConfig(int Num, int Dim) : LayerConfig
{
    public override Module Build() => new Embedding(Num, Dim);

    public override IEnumerable<StateEntry> State() => [Entry("weight", Num, Dim)];
}

public sealed record LeakyReLUConfig(double Alpha) : LayerConfig
{
    public override Module Build() => new LeakyReLU(Alpha);
}

public sealed record ELUConfig(double Alpha) : LayerConfig
{
    public override Module Build() => new ELU(Alpha);
}

public sealed record PReLUConfig(int Num) : LayerConfig
{
    public override Module Build() => new PReLU(Num > 0 ? Num : throw new ArgumentOutOfRangeException(nameof(Num), Num, "PReLU: num must be positive"));

    public override IEnumerable<StateEntry> State() => [Entry("weight", Num)];
}

public sealed record MaxoutConfig(int Pieces) : LayerConfig
{
    public override Module Build() => new Maxout(Pieces);
}

public sealed record MaxPool2dConfig(int Kh, int Kw, int Sh, int Sw, int Ph, int Pw) : LayerConfig
{
    public override Module Build() => new MaxPool2d((Kh, Kw), (Sh, Sw), (Ph, Pw));
}

public sealed record AvgPool2dConfig(int Kh, int Kw, int Sh, int Sw, int Ph, int Pw) : LayerConfig
{
    public override Module Build() => new AvgPool2d((Kh, Kw), (Sh, Sw), (Ph, Pw));
}

public sealed record AdaptiveAvgPool2dConfig(int H, int W) : LayerConfig
{
    public override Module Build() => new AdaptiveAvgPool2d(H, W);
}

/// <summary>What the three recurrent layers share: every constructor option, so the rebuilt layer has the same
/// parameters (names, shapes, dtype) and computes the same function.</summary>
public abstract record RecurrentConfig(int Input, int Hidden, int Layers, bool Bias, bool BatchFirst, double Dropout, bool Bidirectional, string Dtype) : LayerConfig
{
    private protected abstract RecurrentMode Mode { get; }

    private protected DType ElementType => Dtype switch
    {
        "float32" => DType.Float32,
        "float64" => DType.Float64,
        _ => throw new ArgumentException($"{GetType().Name[..^"Config".Length]}: 'dtype' must be float32 or float64, got '{Dtype}'"),
    };

    public override IEnumerable<StateEntry> State() => Checks.RecurrentState("", Mode, Input, Hidden, Layers, Bias, Bidirectional, ElementType);
}

public sealed record LstmConfig(int Input, int Hidden, int Layers, bool Bias, bool BatchFirst, double Dropout, bool Bidirectional, string Dtype = "float32")
    : RecurrentConfig(Input, Hidden, Layers, Bias, BatchFirst, Dropout, Bidirectional, Dtype)
{
    private protected override RecurrentMode Mode => RecurrentMode.Lstm;

    public override Module Build() => new Lstm(Input, Hidden, Layers, Bias, BatchFirst, Dropout, Bidirectional, dtype: ElementType);
}

public sealed record GruConfig(int Input, int Hidden, int Layers, bool Bias, bool BatchFirst, double Dropout, bool Bidirectional, string Dtype = "float32")
    : RecurrentConfig(Input, Hidden, Layers, Bias, BatchFirst, Dropout, Bidirectional, Dtype)
{
    private protected override RecurrentMode Mode => RecurrentMode.Gru;

    public override Module Build() => new Gru(Input, Hidden, Layers, Bias, BatchFirst, Dropout, Bidirectional, dtype: ElementType);
}

/// <summary>"nonlinearity": tanh or relu, as PyTorch's nn.RNN.</summary>
public sealed record RnnConfig(int Input, int Hidden, int Layers, bool Bias, bool BatchFirst, double Dropout, bool Bidirectional, string Nonlinearity, string Dtype = "float32")
    : RecurrentConfig(Input, Hidden, Layers, Bias, BatchFirst, Dropout, Bidirectional, Dtype)
{
    private protected override RecurrentMode Mode => Nonlinearity switch
    {
        "tanh" => RecurrentMode.RnnTanh,
        "relu" => RecurrentMode.RnnRelu,
        _ => throw new ArgumentException($"Rnn: 'nonlinearity' must be tanh or relu, got '{Nonlinearity}'"),
    };

    public override Module Build() => new Rnn(Input, Hidden, Layers, Mode == RecurrentMode.RnnRelu, Bias, BatchFirst, Dropout, Bidirectional, dtype: ElementType);
}

/// <summary>A character language model with its vocabulary (code points in id order), so a loaded model reads and
/// writes the same characters without the training text.</summary>
public sealed record CharLanguageModelConfig(string Cell, int Embedding, int Hidden, int Layers, double Dropout, int[] Vocabulary) : LayerConfig
{
    RecurrentMode Mode => CharLanguageModelOptions.ParseCell(Cell)
        ?? throw new ArgumentException($"CharLanguageModel: 'cell' must be lstm, gru, rnn or rnn-relu, got '{Cell}'");

    public override Module Build()
    {
        CharVocabulary vocabulary;
        try { vocabulary = CharVocabulary.FromJson("[" + string.Join(",", Vocabulary.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]"); }
        catch (ArgumentException e) { throw new ArgumentException($"CharLanguageModel: 'vocabulary': {e.Message}", e); }
        return new CharLanguageModel(vocabulary, new CharLanguageModelOptions(Embedding, Hidden, Layers, Dropout, Mode));
    }

    public override IEnumerable<StateEntry> State()
    {
        int v = Vocabulary.Length;
        return [Entry("embedding.weight", v, Embedding), .. Checks.RecurrentState("rnn.", Mode, Embedding, Hidden, Layers, true, false, DType.Float32),
            Entry("decoder.weight", v, Hidden), Entry("decoder.bias", v)];
    }
}

/// <summary>An encoder–decoder (<see cref="Seq2SeqModel"/>) with both vocabularies (their JSON) and tokenizers, so a
/// loaded model reads source text and writes target text without the training data. "cell": lstm or gru;
/// "attention": additive, dot, general or none; "*_tokens": words or chars.</summary>
public sealed record Seq2SeqConfig(string Cell, int Embedding, int Hidden, bool Bidirectional, string Attention, bool InputFeeding,
    string SourceTokens, bool SourceLowercase, string TargetTokens, bool TargetLowercase, string SourceVocabulary, string TargetVocabulary) : LayerConfig
{
    public static Seq2SeqConfig Of(Seq2SeqModel m) => new(m.Options.CellName, m.Options.EmbeddingDim, m.Options.HiddenSize, m.Options.Bidirectional,
        m.Options.AttentionName, m.Options.InputFeeding, UnitName(m.SourceTokenizer.Unit), m.SourceTokenizer.Lowercase, UnitName(m.TargetTokenizer.Unit),
        m.TargetTokenizer.Lowercase, m.SourceVocabulary.ToJson(), m.TargetVocabulary.ToJson());

    static string UnitName(TokenUnit unit) => unit == TokenUnit.Characters ? "chars" : "words";

    static TokenUnit UnitOf(string name, string key) => name switch
    {
        "chars" => TokenUnit.Characters,
        "words" => TokenUnit.Words,
        _ => throw new ArgumentException($"Seq2Seq: '{key}' must be words or chars, got '{name}'"),
    };

    Seq2SeqOptions Options
    {
        get
        {
            var cell = Seq2SeqOptions.ParseCell(Cell) ?? throw new ArgumentException($"Seq2Seq: 'cell' must be lstm or gru, got '{Cell}'");
            if (!Seq2SeqOptions.TryParseAttention(Attention, out var kind))
                throw new ArgumentException($"Seq2Seq: 'attention' must be additive, dot, general or none, got '{Attention}'");
            if (Embedding <= 0 || Hidden <= 0 || Hidden > 1 << 16 || Embedding > 1 << 16)
                throw new ArgumentException($"Seq2Seq: 'embedding' ({Embedding}) and 'hidden' ({Hidden}) must be in 1..65536");
            return new Seq2SeqOptions(Embedding, Hidden, cell, Bidirectional, kind, InputFeeding).Validate();
        }
    }

    public override Module Build() => new Seq2SeqModel(Data.Text.Vocabulary.FromJson(SourceVocabulary, "Seq2Seq 'source_vocabulary'"),
        Data.Text.Vocabulary.FromJson(TargetVocabulary, "Seq2Seq 'target_vocabulary'"), Options,
        new Tokenizer(UnitOf(SourceTokens, "source_tokens"), SourceLowercase), new Tokenizer(UnitOf(TargetTokens, "target_tokens"), TargetLowercase));

    public override IEnumerable<StateEntry> State()
    {
        var o = Options;
        _ = UnitOf(SourceTokens, "source_tokens");
        _ = UnitOf(TargetTokens, "target_tokens");
        int vs = Data.Text.Vocabulary.FromJson(SourceVocabulary, "Seq2Seq 'source_vocabulary'").Count;
        int vt = Data.Text.Vocabulary.FromJson(TargetVocabulary, "Seq2Seq 'target_vocabulary'").Count;
        int e = o.EmbeddingDim, h = o.HiddenSize, he = o.EncoderOutputSize, gh = Tensor.Gates(o.Cell) * h;
        var all = new List<StateEntry> { Entry("source_embedding.weight", vs, e), Entry("target_embedding.weight", vt, e) };
        all.AddRange(Checks.RecurrentState("encoder.", o.Cell, e, h, 1, true, o.Bidirectional, DType.Float32));
        if (o.Bidirectional)
        {
            all.AddRange([Entry("bridge_h.weight", h, 2 * h), Entry("bridge_h.bias", h)]);
            if (o.Cell == RecurrentMode.Lstm) all.AddRange([Entry("bridge_c.weight", h, 2 * h), Entry("bridge_c.bias", h)]);
        }
        int input = e + (o.FeedsInput ? h : 0);
        all.AddRange([Entry("decoder.weight_ih", gh, input), Entry("decoder.weight_hh", gh, h), Entry("decoder.bias_ih", gh), Entry("decoder.bias_hh", gh)]);
        switch (o.Attention)
        {
            case AttentionKind.Additive:
                all.AddRange([Entry("attention.w_encoder", h, he), Entry("attention.w_decoder", h, h), Entry("attention.bias", h), Entry("attention.v", 1, h)]);
                break;
            case AttentionKind.General:
                all.Add(Entry("attention.weight", he, h));
                break;
        }
        if (o.Attention is not null) all.AddRange([Entry("combine.weight", h, he + h), Entry("combine.bias", h)]);
        all.AddRange([Entry("output.weight", vt, h), Entry("output.bias", vt)]);
        return all;
    }
}

/// <summary>A network of the model zoo by name and options (<see cref="Zoo.Create"/>): its blocks are not layers
/// of the table, so its tensors are known only once it is built.</summary>
public sealed record ZooConfig(string Name, int InChannels, int Classes, int InputSize, double Width, bool BatchNorm, double Dropout) : LayerConfig
{
    public static ZooConfig Of(string name, VisionOptions o) => new(name, o.InChannels, o.Classes, o.InputSize, o.Width, o.BatchNorm, o.Dropout);

    public VisionOptions Options => new(InChannels, Classes, InputSize, Width, BatchNorm, Dropout);

    public override Module Build() => Zoo.Create(Name, Options);

    public override IEnumerable<StateEntry>? State() => null;
}

/// <summary>A layer without options (ReLU, Flatten, …).</summary>
public sealed record Plain<TModule>() : LayerConfig where TModule : Module, new()
{
    public override Module Build() => new TModule();
}

static class Checks
{
    public static Activation ActivationOf(string? text) => text is null ? Activation.None : Activation.Parse(text);

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
