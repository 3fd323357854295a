using System.Globalization;
using System.Text;
using Neurite.Data.Text;
using Neurite.Nn;
using Neurite.Nn.Zoo;
using Neurite.Seq2Seq;

namespace Neurite.Serialization;

// The config records of the recurrent layers, the character language model and the seq2seq model (LayerConfigs.Table).
/// <summary>What the three recurrent layers share: every constructor option, so the rebuilt layer has the same
/// parameters (names, shapes, dtype) and computes the same function.</summary>
/// <param name="Input">Input features of the first layer.</param>
/// <param name="Hidden">Hidden state size.</param>
/// <param name="Layers">Stacked layers, in 1..1024.</param>
/// <param name="Bias">Whether each layer has bias_ih and bias_hh.</param>
/// <param name="BatchFirst">Whether input and output are [N, T, *] instead of [T, N, *].</param>
/// <param name="Dropout">Dropout between stacked layers in training.</param>
/// <param name="Bidirectional">Whether each layer also runs backwards (tensors suffixed _reverse).</param>
/// <param name="Dtype">The parameters' element type: <c>float32</c> or <c>float64</c>.</param>
public abstract record RecurrentConfig(int Input, int Hidden, int Layers, bool Bias, bool BatchFirst, double Dropout, bool Bidirectional, string Dtype) : LayerConfig
{
    private protected abstract RecurrentMode Mode { get; }

    private protected DType ElementType => Dtype switch
    {
        "float32" => DType.Float32,
        "float64" => DType.Float64,
        _ => throw new ArgumentException($"{GetType().Name[..^"Config".Length]}: 'dtype' must be float32 or float64, got '{Dtype}'"),
    };

    /// <inheritdoc/>
    public override IEnumerable<StateEntry> State() => Checks.RecurrentState("", Mode, Input, Hidden, Layers, Bias, Bidirectional, ElementType);
}

/// <summary>An <see cref="Lstm"/> layer (4 gates).</summary>
/// <param name="Input">Input features of the first layer.</param>
/// <param name="Hidden">Hidden state size.</param>
/// <param name="Layers">Stacked layers, in 1..1024.</param>
/// <param name="Bias">Whether each layer has bias_ih and bias_hh.</param>
/// <param name="BatchFirst">Whether input and output are [N, T, *] instead of [T, N, *].</param>
/// <param name="Dropout">Dropout between stacked layers in training.</param>
/// <param name="Bidirectional">Whether each layer also runs backwards (tensors suffixed _reverse).</param>
/// <param name="Dtype">The parameters' element type: <c>float32</c> (default) or <c>float64</c>.</param>
public sealed record LstmConfig(int Input, int Hidden, int Layers, bool Bias, bool BatchFirst, double Dropout, bool Bidirectional, string Dtype = "float32")
    : RecurrentConfig(Input, Hidden, Layers, Bias, BatchFirst, Dropout, Bidirectional, Dtype)
{
    private protected override RecurrentMode Mode => RecurrentMode.Lstm;

    /// <inheritdoc/>
    public override Module Build() => new Lstm(Input, Hidden, Layers, Bias, BatchFirst, Dropout, Bidirectional, dtype: ElementType);
}

/// <summary>A <see cref="Gru"/> layer (3 gates).</summary>
/// <param name="Input">Input features of the first layer.</param>
/// <param name="Hidden">Hidden state size.</param>
/// <param name="Layers">Stacked layers, in 1..1024.</param>
/// <param name="Bias">Whether each layer has bias_ih and bias_hh.</param>
/// <param name="BatchFirst">Whether input and output are [N, T, *] instead of [T, N, *].</param>
/// <param name="Dropout">Dropout between stacked layers in training.</param>
/// <param name="Bidirectional">Whether each layer also runs backwards (tensors suffixed _reverse).</param>
/// <param name="Dtype">The parameters' element type: <c>float32</c> (default) or <c>float64</c>.</param>
public sealed record GruConfig(int Input, int Hidden, int Layers, bool Bias, bool BatchFirst, double Dropout, bool Bidirectional, string Dtype = "float32")
    : RecurrentConfig(Input, Hidden, Layers, Bias, BatchFirst, Dropout, Bidirectional, Dtype)
{
    private protected override RecurrentMode Mode => RecurrentMode.Gru;

    /// <inheritdoc/>
    public override Module Build() => new Gru(Input, Hidden, Layers, Bias, BatchFirst, Dropout, Bidirectional, dtype: ElementType);
}

/// <summary>An Elman <see cref="Rnn"/> layer; "nonlinearity": tanh or relu, as PyTorch's nn.RNN.</summary>
/// <param name="Input">Input features of the first layer.</param>
/// <param name="Hidden">Hidden state size.</param>
/// <param name="Layers">Stacked layers, in 1..1024.</param>
/// <param name="Bias">Whether each layer has bias_ih and bias_hh.</param>
/// <param name="BatchFirst">Whether input and output are [N, T, *] instead of [T, N, *].</param>
/// <param name="Dropout">Dropout between stacked layers in training.</param>
/// <param name="Bidirectional">Whether each layer also runs backwards (tensors suffixed _reverse).</param>
/// <param name="Nonlinearity"><c>tanh</c> or <c>relu</c>.</param>
/// <param name="Dtype">The parameters' element type: <c>float32</c> (default) or <c>float64</c>.</param>
public sealed record RnnConfig(int Input, int Hidden, int Layers, bool Bias, bool BatchFirst, double Dropout, bool Bidirectional, string Nonlinearity, string Dtype = "float32")
    : RecurrentConfig(Input, Hidden, Layers, Bias, BatchFirst, Dropout, Bidirectional, Dtype)
{
    private protected override RecurrentMode Mode => Nonlinearity switch
    {
        "tanh" => RecurrentMode.RnnTanh,
        "relu" => RecurrentMode.RnnRelu,
        _ => throw new ArgumentException($"Rnn: 'nonlinearity' must be tanh or relu, got '{Nonlinearity}'"),
    };

    /// <inheritdoc/>
    public override Module Build() => new Rnn(Input, Hidden, Layers, Mode == RecurrentMode.RnnRelu, Bias, BatchFirst, Dropout, Bidirectional, dtype: ElementType);
}

/// <summary>A character language model with its vocabulary (code points in id order), so a loaded model reads and
/// writes the same characters without the training text.</summary>
/// <param name="Cell">The recurrent cell: <c>lstm</c>, <c>gru</c>, <c>rnn</c> or <c>rnn-relu</c>.</param>
/// <param name="Embedding">The character embedding size.</param>
/// <param name="Hidden">The hidden state size.</param>
/// <param name="Layers">Stacked recurrent layers.</param>
/// <param name="Dropout">Dropout between stacked layers in training.</param>
/// <param name="Vocabulary">The vocabulary's Unicode code points in id order.</param>
public sealed record CharLanguageModelConfig(string Cell, int Embedding, int Hidden, int Layers, double Dropout, int[] Vocabulary) : LayerConfig
{
    RecurrentMode Mode => CharLanguageModelOptions.ParseCell(Cell)
        ?? throw new ArgumentException($"CharLanguageModel: 'cell' must be lstm, gru, rnn or rnn-relu, got '{Cell}'");

    /// <inheritdoc/>
    public override Module Build()
    {
        CharVocabulary vocabulary;
        try { vocabulary = CharVocabulary.FromJson("[" + string.Join(",", Vocabulary.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]"); }
        catch (ArgumentException e) { throw new ArgumentException($"CharLanguageModel: 'vocabulary': {e.Message}", e); }
        return new CharLanguageModel(vocabulary, new CharLanguageModelOptions(Embedding, Hidden, Layers, Dropout, Mode));
    }

    /// <inheritdoc/>
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
/// <param name="Cell"><c>lstm</c> or <c>gru</c>.</param>
/// <param name="Embedding">The embedding size of both vocabularies, in 1..65536.</param>
/// <param name="Hidden">The hidden state size, in 1..65536.</param>
/// <param name="Bidirectional">Whether the encoder is bidirectional (its final states are bridged to the decoder's size).</param>
/// <param name="Attention"><c>additive</c>, <c>dot</c>, <c>general</c> or <c>none</c>.</param>
/// <param name="InputFeeding">Whether the previous attentional vector is fed into the decoder's next step (Luong).</param>
/// <param name="SourceTokens">How source text is split: <c>words</c> or <c>chars</c>.</param>
/// <param name="SourceLowercase">Whether source text is lowercased before tokenizing.</param>
/// <param name="TargetTokens">How target text is split: <c>words</c> or <c>chars</c>.</param>
/// <param name="TargetLowercase">Whether target text is lowercased before tokenizing.</param>
/// <param name="SourceVocabulary">The source vocabulary's JSON (<see cref="Data.Text.Vocabulary.ToJson"/>).</param>
/// <param name="TargetVocabulary">The target vocabulary's JSON.</param>
public sealed record Seq2SeqConfig(string Cell, int Embedding, int Hidden, bool Bidirectional, string Attention, bool InputFeeding,
    string SourceTokens, bool SourceLowercase, string TargetTokens, bool TargetLowercase, string SourceVocabulary, string TargetVocabulary) : LayerConfig
{
    /// <summary>The config of a built model: its options, tokenizers and vocabularies.</summary>
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

    /// <inheritdoc/>
    public override Module Build() => new Seq2SeqModel(Data.Text.Vocabulary.FromJson(SourceVocabulary, "Seq2Seq 'source_vocabulary'"),
        Data.Text.Vocabulary.FromJson(TargetVocabulary, "Seq2Seq 'target_vocabulary'"), Options,
        new Tokenizer(UnitOf(SourceTokens, "source_tokens"), SourceLowercase), new Tokenizer(UnitOf(TargetTokens, "target_tokens"), TargetLowercase));

    /// <inheritdoc/>
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
