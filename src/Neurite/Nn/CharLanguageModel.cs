using System.Globalization;
using System.Text;
using Neurite.Data.Text;

namespace Neurite.Nn;

/// <summary>The shape of a <see cref="CharLanguageModel"/>.</summary>
/// <param name="EmbeddingDim">E, the size of each character's embedding (default 64).</param>
/// <param name="HiddenSize">H, the recurrent state size of every layer (default 512; `neurite lm` uses 256).</param>
/// <param name="NumLayers">Stacked recurrent layers (default 1).</param>
/// <param name="Dropout">Dropout probability in training on the embeddings, between stacked layers and on the last
/// layer's output (the non-recurrent connections, as Zaremba et al. 2014), in [0, 1); default 0.</param>
/// <param name="Cell">The recurrent cell: <see cref="RecurrentMode.Lstm"/> (default), <see cref="RecurrentMode.Gru"/>,
/// <see cref="RecurrentMode.RnnTanh"/> or <see cref="RecurrentMode.RnnRelu"/>.</param>
public sealed record CharLanguageModelOptions(int EmbeddingDim = 64, int HiddenSize = 512, int NumLayers = 1, double Dropout = 0,
    RecurrentMode Cell = RecurrentMode.Lstm)
{
    /// <summary>The cell's name on the command line and in model JSON: lstm, gru, rnn (tanh), rnn-relu.</summary>
    public string CellName => CellNameOf(Cell);

    /// <summary>lstm, gru, rnn (tanh), rnn-relu.</summary>
    public static string CellNameOf(RecurrentMode cell) => cell switch
    {
        RecurrentMode.Lstm => "lstm",
        RecurrentMode.Gru => "gru",
        RecurrentMode.RnnTanh => "rnn",
        RecurrentMode.RnnRelu => "rnn-relu",
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "CharLanguageModel: unknown recurrent cell"),
    };

    /// <summary>The cell named <paramref name="name"/> (see <see cref="CellNameOf"/>), or null.</summary>
    public static RecurrentMode? ParseCell(string name) => name switch
    {
        "lstm" => RecurrentMode.Lstm,
        "gru" => RecurrentMode.Gru,
        "rnn" or "rnn-tanh" => RecurrentMode.RnnTanh,
        "rnn-relu" => RecurrentMode.RnnRelu,
        _ => null,
    };
}

/// <summary>The recurrent state of a <see cref="CharLanguageModel"/>: hidden state H [layers, N, hidden], and for an
/// LSTM the cell state C (null for GRU and RNN).</summary>
public sealed record LanguageModelState(Tensor H, Tensor? C)
{
    /// <summary>The same values cut from the graph, to carry into the next truncated-BPTT window.</summary>
    public LanguageModelState Detach() => new(H.Detach(), C?.Detach());
}

/// <summary>
/// A character-level language model: Embedding(V, E) → stacked LSTM (or GRU/RNN) of H → Linear(H, V), predicting
/// every next character. Batch-first: int64 token ids [N, T] → logits [N, T, V]. It carries its
/// <see cref="CharVocabulary"/>, so a saved model (<see cref="Serialization.ModelFile"/>) knows its characters.
/// </summary>
/// <example><code>
/// var vocab = CharVocabulary.Build(text);
/// var model = new CharLanguageModel(vocab, new CharLanguageModelOptions(HiddenSize: 256));
/// LanguageModelState? state = null;
/// foreach (var batch in new LanguageModelBatches(vocab.Encode(text), 32, 128))
/// {
///     var (logits, next) = model.Forward(batch.Inputs, state);                    // [32, T, V]
///     var loss = Tensor.CrossEntropy(logits.Reshape(-1, vocab.Count), batch.Targets.Reshape(-1));
///     // backward, clip, step …
///     state = next.Detach();                                                     // truncated BPTT
/// }
/// string text = model.Sample(200, temperature: 0.8, prime: "And God said", generator: new Generator(1));
/// </code></example>
public sealed class CharLanguageModel : Module
{
    readonly Generator dropoutGenerator;

    /// <param name="vocabulary">The characters: V = vocabulary.Count is the embedding and output size.</param>
    /// <param name="options">Sizes, dropout and cell; default <see cref="CharLanguageModelOptions"/>().</param>
    /// <param name="generator">Initialisation and dropout randomness; default <see cref="Generator.Default"/>.</param>
    public CharLanguageModel(CharVocabulary vocabulary, CharLanguageModelOptions? options = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var o = options ?? new CharLanguageModelOptions();
        if (o.EmbeddingDim <= 0) throw new ArgumentOutOfRangeException(nameof(options), o.EmbeddingDim, $"CharLanguageModel: EmbeddingDim must be positive, got {o.EmbeddingDim}");
        if (o.HiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), o.HiddenSize, $"CharLanguageModel: HiddenSize must be positive, got {o.HiddenSize}");
        if (o.NumLayers <= 0) throw new ArgumentOutOfRangeException(nameof(options), o.NumLayers, $"CharLanguageModel: NumLayers must be positive, got {o.NumLayers}");
        if (!(o.Dropout >= 0 && o.Dropout < 1)) throw new ArgumentOutOfRangeException(nameof(options), o.Dropout, $"CharLanguageModel: Dropout must be in [0, 1), got {o.Dropout}");
        _ = CharLanguageModelOptions.CellNameOf(o.Cell);
        Vocabulary = vocabulary;
        Options = o;
        var g = generator ?? Generator.Default;
        dropoutGenerator = g;
        int v = vocabulary.Count;
        Embedding = RegisterModule("embedding", new Embedding(v, o.EmbeddingDim, g));
        Recurrent = RegisterModule("rnn", o.Cell switch
        {
            RecurrentMode.Lstm => (RecurrentBase)new Lstm(o.EmbeddingDim, o.HiddenSize, o.NumLayers, batchFirst: true, dropout: o.Dropout, generator: g),
            RecurrentMode.Gru => new Gru(o.EmbeddingDim, o.HiddenSize, o.NumLayers, batchFirst: true, dropout: o.Dropout, generator: g),
            _ => new Rnn(o.EmbeddingDim, o.HiddenSize, o.NumLayers, relu: o.Cell == RecurrentMode.RnnRelu, batchFirst: true, dropout: o.Dropout, generator: g),
        });
        Decoder = RegisterModule("decoder", new Linear(o.HiddenSize, v, generator: g));
    }

    /// <summary>The characters the model reads and writes, id order.</summary>
    public CharVocabulary Vocabulary { get; }

    /// <summary>The cell, sizes, layers and dropout the model was built with.</summary>
    public CharLanguageModelOptions Options { get; }

    /// <summary>Embedding(V, E): parameter <c>embedding.weight</c>.</summary>
    public Embedding Embedding { get; }

    /// <summary>The stacked recurrent layers, batch-first: parameters <c>rnn.weight_ih_l0</c> … (PyTorch's names).</summary>
    public RecurrentBase Recurrent { get; }

    /// <summary>Linear(H, V): parameters <c>decoder.weight</c>, <c>decoder.bias</c>.</summary>
    public Linear Decoder { get; }

    /// <summary>Logits [N, T, V] of the character after each of <paramref name="tokens"/> [N, T] (int64 ids), from a zero state.</summary>
    public override Tensor Forward(Tensor tokens) => Forward(tokens, null).Logits;

    /// <summary>
    /// Logits [N, T, V] for <paramref name="tokens"/> [N, T] starting from <paramref name="state"/> (null: zeros), and
    /// the state after the last step: feeding a sequence in two chunks with the state carried gives the same logits
    /// as feeding it whole. Detach the state before carrying it into the next training window.
    /// </summary>
    public (Tensor Logits, LanguageModelState State) Forward(Tensor tokens, LanguageModelState? state)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Rank != 2 || tokens.DType != DType.Int64)
            throw new ShapeException($"{Describe()} expects int64 token ids [N, T], got {tokens.DType.Name()} {Neurite.Shape.Format(tokens.Shape)}");
        if (state is not null && (state.C is null) != (Options.Cell != RecurrentMode.Lstm))
            throw new ArgumentException($"{Describe()}: an {Options.CellName.ToUpperInvariant()} state {(Options.Cell == RecurrentMode.Lstm ? "needs" : "has no")} a cell state C", nameof(state));
        var x = Drop(Embedding.Invoke(tokens));
        Tensor output;
        LanguageModelState next;
        switch (Recurrent)
        {
            case Lstm lstm:
                var (lo, ls) = lstm.Forward(x, state is null ? null : new LstmState(state.H, state.C!));
                (output, next) = (lo, new LanguageModelState(ls.H, ls.C));
                break;
            case Gru gru:
                var (go, gh) = gru.Forward(x, state?.H);
                (output, next) = (go, new LanguageModelState(gh, null));
                break;
            case Rnn rnn:
                var (ro, rh) = rnn.Forward(x, state?.H);
                (output, next) = (ro, new LanguageModelState(rh, null));
                break;
            default: throw new InvalidOperationException($"CharLanguageModel: unexpected recurrent layer {Recurrent.GetType().Name}");
        }
        return (Decoder.Invoke(Drop(output)), next);
    }

    Tensor Drop(Tensor x) => Options.Dropout > 0 && IsTraining ? Nn.Dropout.Drop(x, Options.Dropout, x.Shape.ToArray(), dropoutGenerator) : x;

    /// <summary>
    /// Generates <paramref name="length"/> characters. The model first reads <paramref name="prime"/> (default: a
    /// newline, when the vocabulary has one, else its first symbol) in one pass, then draws each character from
    /// softmax(logits / <paramref name="temperature"/>) and feeds it back with the state carried, one step at a time
    /// (the prefix is never recomputed). Runs in evaluation mode without gradients; the training mode is restored.
    /// Same generator state, same text.
    /// </summary>
    /// <returns>The generated characters only, without the prime.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative, or
    /// <paramref name="temperature"/> is not a positive finite number.</exception>
    /// <exception cref="ArgumentException"><paramref name="prime"/> has a character outside the vocabulary (named in the message).</exception>
    public string Sample(int length, double temperature = 1.0, string? prime = null, Generator? generator = null)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, $"CharLanguageModel.Sample: length must be non-negative, got {length}");
        Sampling.CheckTemperature(temperature, nameof(temperature));
        long[] context = string.IsNullOrEmpty(prime) ? [DefaultStart()] : EncodePrime(prime);
        var g = generator ?? Generator.Default;
        if (length == 0) return "";
        bool wasTraining = IsTraining;
        Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            var (logits, state) = Forward(Tensor.FromArray(context, 1, context.Length), null);
            var ids = new long[length];
            for (int i = 0; i < length; i++)
            {
                var last = logits.Select(1, logits.Shape[1] - 1).ToFloatArray();  // [1, V] → V scores
                ids[i] = Sampling.Categorical(last, temperature, g);
                if (i + 1 < length) (logits, state) = Forward(Tensor.FromArray(new[] { ids[i] }, 1, 1), state);
            }
            return Vocabulary.Decode(ids);
        }
        finally { Train(wasTraining); }
    }

    long DefaultStart() => Vocabulary.IndexOf(new Rune('\n')) is var nl and >= 0 ? nl : 0;

    long[] EncodePrime(string prime)
    {
        for (int i = 0; i < prime.Length;)
        {
            if (Rune.DecodeFromUtf16(prime.AsSpan(i), out var rune, out int used) != System.Buffers.OperationStatus.Done)
                throw new ArgumentException($"CharLanguageModel.Sample: the prime has an unpaired surrogate U+{(int)prime[i]:X4} at index {i}", nameof(prime));
            if (!Vocabulary.Contains(rune))
                throw new ArgumentException($"CharLanguageModel.Sample: the prime's character {CharVocabulary.Describe(rune)} (at index {i}) is not in the model's vocabulary of {Vocabulary.Count} characters", nameof(prime));
            i += used;
        }
        return Vocabulary.Encode(prime);
    }

    /// <summary>E.g. <c>CharLanguageModel(V=65, lstm, E=64, H=256, layers=2)</c>.</summary>
    public override string Describe()
    {
        var o = Options;
        var extras = new List<string>();
        if (o.NumLayers > 1) extras.Add($"layers={o.NumLayers}");
        if (o.Dropout > 0) extras.Add($"dropout={o.Dropout.ToString(CultureInfo.InvariantCulture)}");
        return $"CharLanguageModel(V={Vocabulary.Count}, {o.CellName}, E={o.EmbeddingDim}, H={o.HiddenSize}{string.Concat(extras.Select(e => ", " + e))})";
    }
}
