using Neurite.Data.Text;
using Neurite.Nn;

namespace Neurite.Seq2Seq;

/// <summary>
/// An encoder–decoder for sequence-to-sequence tasks (Sutskever et al. 2014; with attention, Bahdanau et al. 2015 and
/// Luong et al. 2015). The encoder embeds the source tokens (E) and runs an LSTM or GRU (H, optionally bidirectional)
/// over them with their real lengths; its final state (bridged to H by tanh(W[h→; h←] + b) when bidirectional; an
/// LSTM's cell state by W[c→; c←] + b) starts the decoder, an <see cref="LstmCell"/> or <see cref="GruCell"/> run one
/// target token at a time. With attention, each decoder state hₜ attends over the encoder outputs (padding masked) to a
/// context cₜ, and the attentional state h̃ₜ = tanh(W_c[cₜ; hₜ] + b) predicts the next token (and, with input feeding,
/// joins the next step's input); without attention hₜ predicts it. Batch-first throughout: source and target ids are
/// int64 [N, T].
/// </summary>
/// <remarks>
/// Sequences: a source is its tokens followed by &lt;/s&gt; (<see cref="SourceIds"/>); a target is its tokens followed
/// by &lt;/s&gt; (<see cref="TargetIds"/>), and the decoder reads &lt;s&gt; then the target shifted right (teacher
/// forcing). Children: <c>source_embedding</c>, <c>target_embedding</c>, <c>encoder</c> (<see cref="Lstm"/>/<see
/// cref="Gru"/>, batch-first), <c>bridge_h</c>/<c>bridge_c</c> (bidirectional only), <c>decoder</c>, <c>attention</c>,
/// <c>combine</c> (with attention), <c>output</c> (Linear(H → V_target)).
/// </remarks>
/// <example><code>
/// var model = new Seq2SeqModel(sourceVocab, targetVocab, new Seq2SeqOptions(HiddenSize: 128), chars, chars);
/// var loss = model.Loss(sourceIds, sourceLengths, targetIds, targetLengths);    // masked cross-entropy
/// loss.Backward();
/// var best = model.BeamSearch(model.SourceIds("3 May 1999"), beamWidth: 5, maxLength: 20)[0];
/// string iso = model.TargetText(best);   // "1999-05-03"
/// </code></example>
public sealed partial class Seq2SeqModel : Module
{
    readonly Embedding sourceEmbedding, targetEmbedding;
    readonly Lstm? lstmEncoder;
    readonly Gru? gruEncoder;
    readonly Linear? bridgeH, bridgeC;
    readonly LstmCell? lstmDecoder;
    readonly GruCell? gruDecoder;
    readonly Attention? attention;
    readonly Linear? combine;
    readonly Linear output;
    readonly SequenceCrossEntropyLoss loss = new();

    /// <param name="sourceVocabulary">Source tokens: the source embedding has one row per token.</param>
    /// <param name="targetVocabulary">Target tokens: the target embedding and the output layer's size.</param>
    /// <param name="options">Sizes, cell and attention; default <see cref="Seq2SeqOptions"/>().</param>
    /// <param name="sourceTokenizer">How source text is cut (default words).</param>
    /// <param name="targetTokenizer">How target text is cut and joined back (default words).</param>
    /// <param name="generator">Initialisation; default <see cref="Generator.Default"/>.</param>
    public Seq2SeqModel(Vocabulary sourceVocabulary, Vocabulary targetVocabulary, Seq2SeqOptions? options = null,
        Tokenizer? sourceTokenizer = null, Tokenizer? targetTokenizer = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sourceVocabulary);
        ArgumentNullException.ThrowIfNull(targetVocabulary);
        var o = (options ?? new Seq2SeqOptions()).Validate();
        (SourceVocabulary, TargetVocabulary, Options) = (sourceVocabulary, targetVocabulary, o);
        SourceTokenizer = sourceTokenizer ?? new Tokenizer();
        TargetTokenizer = targetTokenizer ?? new Tokenizer();
        var g = generator ?? Generator.Default;
        int e = o.EmbeddingDim, h = o.HiddenSize, he = o.EncoderOutputSize;
        bool lstm = o.Cell == RecurrentMode.Lstm;
        sourceEmbedding = RegisterModule("source_embedding", new Embedding(sourceVocabulary.Count, e, g));
        targetEmbedding = RegisterModule("target_embedding", new Embedding(targetVocabulary.Count, e, g));
        if (lstm) lstmEncoder = RegisterModule("encoder", new Lstm(e, h, batchFirst: true, bidirectional: o.Bidirectional, generator: g));
        else gruEncoder = RegisterModule("encoder", new Gru(e, h, batchFirst: true, bidirectional: o.Bidirectional, generator: g));
        if (o.Bidirectional)
        {
            bridgeH = RegisterModule("bridge_h", new Linear(2 * h, h, generator: g));
            if (lstm) bridgeC = RegisterModule("bridge_c", new Linear(2 * h, h, generator: g));
        }
        int decoderInput = e + (o.FeedsInput ? h : 0);
        if (lstm) lstmDecoder = RegisterModule("decoder", new LstmCell(decoderInput, h, generator: g));
        else gruDecoder = RegisterModule("decoder", new GruCell(decoderInput, h, generator: g));
        if (o.Attention is { } kind)
        {
            attention = RegisterModule("attention", new Attention(kind, h, he, generator: g));
            combine = RegisterModule("combine", new Linear(he + h, h, generator: g));
        }
        output = RegisterModule("output", new Linear(h, targetVocabulary.Count, generator: g));
    }

    /// <summary>The cell, sizes, direction and attention the model was built with.</summary>
    public Seq2SeqOptions Options { get; }
    /// <summary>The encoder's vocabulary: source token ids index <c>source_embedding</c>.</summary>
    public Vocabulary SourceVocabulary { get; }
    /// <summary>The decoder's vocabulary: the output layer has one logit per target token.</summary>
    public Vocabulary TargetVocabulary { get; }
    /// <summary>How source text is cut into tokens (<see cref="SourceIds"/>).</summary>
    public Tokenizer SourceTokenizer { get; }
    /// <summary>How target text is cut into tokens.</summary>
    public Tokenizer TargetTokenizer { get; }

    /// <summary>The ids the encoder reads for <paramref name="text"/>: its tokens, then &lt;/s&gt;.</summary>
    public long[] SourceIds(string text) => SourceVocabulary.Encode(SourceTokenizer.Tokenize(text), end: true);

    /// <summary>The ids the decoder learns to produce for <paramref name="text"/>: its tokens, then &lt;/s&gt;.</summary>
    public long[] TargetIds(string text) => TargetVocabulary.Encode(TargetTokenizer.Tokenize(text), end: true);

    /// <summary>Target ids back to text (stops at &lt;/s&gt;).</summary>
    public string TargetText(ReadOnlySpan<long> ids) => TargetTokenizer.Detokenize(TargetVocabulary.Decode(ids));

    /// <summary>The decoder's recurrent state (h, and c for an LSTM) and, with input feeding, the previous h̃.</summary>
    internal sealed record DecoderState(Tensor H, Tensor? C, Tensor? Feed)
    {
        /// <summary>The rows <paramref name="rows"/> (int64 [B']) of every part: beam search follows its survivors.</summary>
        public DecoderState Rows(Tensor rows) => new(H.IndexSelect(0, rows), C?.IndexSelect(0, rows), Feed?.IndexSelect(0, rows));
    }

    /// <summary>Runs the encoder over source ids [N, S] with their lengths: the attention memory (null without
    /// attention) and the decoder's initial state.</summary>
    internal (AttentionMemory? Memory, DecoderState State) Encode(Tensor sourceIds, int[] sourceLengths)
    {
        CheckIds(sourceIds, "sourceIds", SourceVocabulary.Count);
        var x = sourceEmbedding.Invoke(sourceIds);
        Tensor outputs, hn;
        Tensor? cn = null;
        if (lstmEncoder is not null)
        {
            var (o, s) = lstmEncoder.Forward(x, null, sourceLengths);
            (outputs, hn, cn) = (o, s.H, s.C);
        }
        else (outputs, hn) = gruEncoder!.Forward(x, null, sourceLengths);
        Tensor h0, c0 = null!;
        if (Options.Bidirectional)
        {
            h0 = bridgeH!.Invoke(Tensor.Concat([hn.Select(0, 0), hn.Select(0, 1)], 1)).Tanh();
            if (cn is not null) c0 = bridgeC!.Invoke(Tensor.Concat([cn.Select(0, 0), cn.Select(0, 1)], 1));
        }
        else
        {
            h0 = hn.Select(0, 0);
            if (cn is not null) c0 = cn.Select(0, 0);
        }
        int n = sourceIds.Shape[0];
        var feed = Options.FeedsInput ? Tensor.Zeros([n, Options.HiddenSize], h0.DType) : null;
        var memory = attention?.Prepare(outputs, sourceLengths);
        return (memory, new DecoderState(h0, cn is null ? null : c0, feed));
    }

    /// <summary>One decoder step from input embeddings x [B, E]: the state that predicts the next token (h̃ with
    /// attention, else h) [B, H], the next decoder state, and the attention weights [B, S] (null without attention).</summary>
    internal (Tensor Hidden, DecoderState Next, Tensor? Weights) Step(Tensor x, DecoderState state, AttentionMemory? memory)
    {
        var input = state.Feed is null ? x : Tensor.Concat([x, state.Feed], 1);
        Tensor h;
        Tensor? c = null;
        if (lstmDecoder is not null)
        {
            var s = lstmDecoder.Forward(input, new LstmState(state.H, state.C!));
            (h, c) = (s.H, s.C);
        }
        else h = gruDecoder!.Forward(input, state.H);
        if (attention is null) return (h, new DecoderState(h, c, null), null);
        var (context, weights) = attention.Forward(h, memory!);
        var hTilde = combine!.Invoke(Tensor.Concat([context, h], 1)).Tanh();
        return (hTilde, new DecoderState(h, c, state.Feed is null ? null : hTilde), weights);
    }

    /// <summary>Teacher-forced logits [N, T, V_target]: step t reads <paramref name="decoderInputs"/>[:, t] (&lt;s&gt;
    /// then the target shifted right).</summary>
    public Tensor Logits(Tensor sourceIds, int[] sourceLengths, Tensor decoderInputs)
    {
        ArgumentNullException.ThrowIfNull(decoderInputs);
        CheckIds(decoderInputs, "decoderInputs", TargetVocabulary.Count);
        if (decoderInputs.Shape[0] != sourceIds.Shape[0])
            throw new ShapeException($"{Describe()}: {sourceIds.Shape[0]} sources but {decoderInputs.Shape[0]} targets");
        var (memory, state) = Encode(sourceIds, sourceLengths);
        var embedded = targetEmbedding.Invoke(decoderInputs);  // [N, T, E]
        int steps = decoderInputs.Shape[1];
        var hidden = new Tensor[steps];
        for (int t = 0; t < steps; t++)
            (hidden[t], state, _) = Step(embedded.Select(1, t), state, memory);
        // one output GEMM over every step instead of one per step
        return output.Invoke(Tensor.Stack(hidden, 1));
    }

    /// <summary>
    /// The teacher-forced training loss: mean cross-entropy over the real target positions of a padded batch.
    /// <paramref name="targetIds"/> [N, T] are the tokens to predict, each sequence ending in &lt;/s&gt;
    /// (<see cref="TargetIds"/>), padded with anything; <paramref name="targetLengths"/> count the &lt;/s&gt;.
    /// </summary>
    public Tensor Loss(Tensor sourceIds, int[] sourceLengths, Tensor targetIds, int[] targetLengths)
    {
        CheckIds(targetIds, "targetIds", TargetVocabulary.Count, checkRange: false);
        int n = targetIds.Shape[0], steps = targetIds.Shape[1];
        var ids = targetIds.ToLongArray();
        var inputs = new long[n * steps];
        for (int b = 0; b < n; b++)
        {
            inputs[b * steps] = Vocabulary.StartId;
            for (int t = 1; t < steps; t++)
            {
                long prev = ids[b * steps + t - 1];
                inputs[b * steps + t] = prev >= 0 && prev < TargetVocabulary.Count ? prev : Vocabulary.PadId;  // padding may hold anything
            }
        }
        var logits = Logits(sourceIds, sourceLengths, Tensor.FromArray(inputs, n, steps));
        return loss.Forward(logits, targetIds, targetLengths);
    }

    void CheckIds(Tensor ids, string name, int vocabulary, bool checkRange = true)
    {
        ArgumentNullException.ThrowIfNull(ids, name);
        if (ids.DType != DType.Int64 || ids.Rank != 2 || ids.Shape[1] == 0)
            throw new ShapeException($"{Describe()}: {name} must be int64 [N, T] with T ≥ 1, got {ids.DType.Name()} [{string.Join(", ", ids.Shape.ToArray())}]");
        if (!checkRange) return;
        foreach (long id in ids.ToLongArray())
            if (id < 0 || id >= vocabulary)
                throw new ArgumentOutOfRangeException(name, id, $"{Describe()}: token id {id} in {name} is outside the vocabulary 0..{vocabulary - 1}");
    }

    /// <summary>Not supported: an encoder–decoder needs sources, targets and lengths.</summary>
    /// <exception cref="NotSupportedException">Always; use Loss, Logits, Greedy or BeamSearch.</exception>
    public override Tensor Forward(Tensor x) =>
        throw new NotSupportedException($"{Describe()} needs sources, targets and lengths: use Loss, Logits, Greedy or BeamSearch");

    /// <summary>E.g. <c>Seq2Seq(lstm bidirectional, 40 → 14, embedding 64, hidden 128, attention additive + input feeding)</c>.</summary>
    public override string Describe() =>
        $"Seq2Seq({Options.CellName}{(Options.Bidirectional ? " bidirectional" : "")}, {SourceVocabulary.Count} → {TargetVocabulary.Count}, " +
        $"embedding {Options.EmbeddingDim}, hidden {Options.HiddenSize}, attention {Options.AttentionName}{(Options.FeedsInput ? " + input feeding" : "")})";
}
