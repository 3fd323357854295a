using Neurite.Nn;

namespace Neurite.Seq2Seq;

/// <summary>The shape of a <see cref="Seq2SeqModel"/>.</summary>
/// <param name="EmbeddingDim">E, the size of source and target token embeddings (default 64).</param>
/// <param name="HiddenSize">H, the decoder state and each encoder direction's state (default 128).</param>
/// <param name="Cell">Encoder layer and decoder cell: <see cref="RecurrentMode.Lstm"/> (default) or <see cref="RecurrentMode.Gru"/>.</param>
/// <param name="Bidirectional">A bidirectional encoder (outputs 2H; its final states are bridged to H by tanh(W[h→; h←] + b)).</param>
/// <param name="Attention">The score function, or null for a plain encoder–decoder (the final encoder state is all the
/// decoder sees).</param>
/// <param name="InputFeeding">Luong's input feeding: the previous attentional state h̃ₜ₋₁ is concatenated to the
/// decoder's input embedding (default true; ignored without attention).</param>
public sealed record Seq2SeqOptions(int EmbeddingDim = 64, int HiddenSize = 128, RecurrentMode Cell = RecurrentMode.Lstm,
    bool Bidirectional = false, AttentionKind? Attention = AttentionKind.Additive, bool InputFeeding = true)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the bad field.</summary>
    public Seq2SeqOptions Validate()
    {
        if (EmbeddingDim <= 0) throw new ArgumentOutOfRangeException(nameof(EmbeddingDim), EmbeddingDim, "Seq2SeqOptions: EmbeddingDim must be positive");
        if (HiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(HiddenSize), HiddenSize, "Seq2SeqOptions: HiddenSize must be positive");
        if (Cell is not (RecurrentMode.Lstm or RecurrentMode.Gru))
            throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "Seq2SeqOptions: Cell must be Lstm or Gru");
        if (Attention == AttentionKind.Dot && Bidirectional)
            throw new ArgumentException("Seq2SeqOptions: dot attention needs encoder outputs of the decoder's size; a bidirectional encoder gives 2H (use general or additive)");
        return this;
    }

    /// <summary>Input feeding is in effect (it needs attention).</summary>
    public bool FeedsInput => InputFeeding && Attention is not null;

    /// <summary>The size of each encoder output: H, or 2H when bidirectional.</summary>
    public int EncoderOutputSize => Bidirectional ? 2 * HiddenSize : HiddenSize;

    /// <summary>lstm or gru.</summary>
    public string CellName => Cell == RecurrentMode.Lstm ? "lstm" : "gru";

    /// <summary>additive, dot, general or none.</summary>
    public string AttentionName => AttentionNameOf(Attention);

    /// <summary>The name of an attention kind as the CLI and model files write it: additive, dot, general, or none for null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value that is not an <see cref="AttentionKind"/>.</exception>
    public static string AttentionNameOf(AttentionKind? kind) => kind switch
    {
        null => "none",
        AttentionKind.Additive => "additive",
        AttentionKind.Dot => "dot",
        AttentionKind.General => "general",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown attention kind"),
    };

    /// <summary>The attention named additive, dot, general or none (null); false for any other name.</summary>
    public static bool TryParseAttention(string name, out AttentionKind? kind)
    {
        (bool ok, kind) = name switch
        {
            "additive" or "bahdanau" => (true, AttentionKind.Additive),
            "dot" => (true, AttentionKind.Dot),
            "general" => (true, AttentionKind.General),
            "none" => (true, (AttentionKind?)null),
            _ => (false, null),
        };
        return ok;
    }

    /// <summary>The cell named lstm or gru, or null.</summary>
    public static RecurrentMode? ParseCell(string name) => name switch
    {
        "lstm" => RecurrentMode.Lstm,
        "gru" => RecurrentMode.Gru,
        _ => null,
    };
}
