using Neurite.Nn;

namespace Neurite.Seq2Seq;

/// <summary>How an <see cref="Attention"/> scores a decoder state s against an encoder output h.</summary>
public enum AttentionKind
{
    /// <summary>Bahdanau et al. 2015: score = vᵀ tanh(W₁h + W₂s + b).</summary>
    Additive,

    /// <summary>Luong et al. 2015 "dot": score = s·h (needs H_dec = H_enc; no parameters).</summary>
    Dot,

    /// <summary>Luong et al. 2015 "general": score = sᵀ W h, a bilinear form with W [H_dec, H_enc].</summary>
    General,
}

/// <summary>The encoder side of an attention, computed once per source batch and read at every decoder step:
/// the encoder outputs, their projection (additive attention: W₁h does not depend on the step) and the padding
/// mask. Its batch may be 1 while the decoder state has B rows (beam search over one source): it broadcasts.</summary>
public sealed class AttentionMemory
{
    internal AttentionMemory(Tensor values, Tensor? keys, Tensor? padding, int[] lengths)
    {
        (Values, Keys, Padding, Lengths) = (values, keys, padding, lengths);
    }

    /// <summary>The encoder outputs [N, T, H_enc] that the context averages.</summary>
    public Tensor Values { get; }

    /// <summary>W₁h [N, T, A] for additive attention, else null.</summary>
    internal Tensor? Keys { get; }

    /// <summary>1 at padded positions [N, T] (same dtype as the values), or null when every position is real.</summary>
    internal Tensor? Padding { get; }

    /// <summary>The real length of each source row.</summary>
    public int[] Lengths { get; }

    /// <summary>N, the number of source rows.</summary>
    public int Batch => Values.Shape[0];
    /// <summary>T, the padded source length.</summary>
    public int Steps => Values.Shape[1];
}

/// <summary>A context vector [N, H_enc] and the attention weights [N, T] it was averaged with.</summary>
public readonly record struct AttentionResult(Tensor Context, Tensor Weights);

/// <summary>
/// Attention over encoder outputs as a module of its own: given a decoder state s [N, H_dec] and encoder outputs
/// h [N, T, H_enc] with per-row lengths, the weights are a = softmax_t(score(s, hₜ)) over the real positions only
/// (padded positions are set to −∞ before the softmax, so their weight is exactly 0 and so is their gradient), and
/// the context is c = Σₜ aₜ hₜ. Everything is composed of differentiable ops (linear, tanh, batched matmul, masked
/// fill, softmax), so autograd needs nothing new.
/// </summary>
/// <remarks>Parameters: additive <c>w_encoder</c> [A, H_enc], <c>w_decoder</c> [A, H_dec], <c>bias</c> [A], <c>v</c>
/// [1, A] (A = attention size, default H_dec), all U(±1/√fan-in) as a Linear; general <c>weight</c> [H_enc, H_dec]
/// (score = hᵀ W s, the transpose of Luong's W, stored so that W s is one linear map); dot has none.</remarks>
/// <example><code>
/// var attention = new Attention(AttentionKind.Additive, decoderSize: 128, encoderSize: 256);
/// var memory = attention.Prepare(encoderOutputs, lengths);    // once per batch: [N, T, 256]
/// var (context, weights) = attention.Forward(s, memory);       // every step: s [N, 128] → [N, 256], [N, T]
/// </code></example>
public sealed class Attention : Module
{
    readonly Tensor? wEncoder, wDecoder, bias, v, weight;

    /// <param name="kind">The score function.</param>
    /// <param name="decoderSize">H_dec, the size of the decoder state.</param>
    /// <param name="encoderSize">H_enc, the size of each encoder output.</param>
    /// <param name="attentionSize">A, the hidden size of additive attention (default H_dec; ignored by the others).</param>
    /// <param name="generator">Initialisation; default <see cref="Generator.Default"/>.</param>
    /// <param name="dtype">Float32 (default) or Float64 (gradient checks).</param>
    public Attention(AttentionKind kind, int decoderSize, int encoderSize, int? attentionSize = null, Generator? generator = null, DType dtype = DType.Float32)
    {
        if (decoderSize <= 0) throw new ArgumentOutOfRangeException(nameof(decoderSize), decoderSize, "Attention: decoderSize must be positive");
        if (encoderSize <= 0) throw new ArgumentOutOfRangeException(nameof(encoderSize), encoderSize, "Attention: encoderSize must be positive");
        if (attentionSize is <= 0) throw new ArgumentOutOfRangeException(nameof(attentionSize), attentionSize, "Attention: attentionSize must be positive");
        if (kind == AttentionKind.Dot && decoderSize != encoderSize)
            throw new ArgumentException($"Attention(dot): the decoder state ({decoderSize}) and the encoder outputs ({encoderSize}) must have the same size; use general or additive attention");
        (Kind, DecoderSize, EncoderSize) = (kind, decoderSize, encoderSize);
        var g = generator ?? Generator.Default;
        switch (kind)
        {
            case AttentionKind.Additive:
                int a = AttentionSize = attentionSize ?? decoderSize;
                wEncoder = RegisterParameter("w_encoder", Uniform([a, encoderSize], encoderSize, g, dtype));
                wDecoder = RegisterParameter("w_decoder", Uniform([a, decoderSize], decoderSize, g, dtype));
                bias = RegisterParameter("bias", Uniform([a], decoderSize, g, dtype));
                v = RegisterParameter("v", Uniform([1, a], a, g, dtype));
                break;
            case AttentionKind.General:
                weight = RegisterParameter("weight", Uniform([encoderSize, decoderSize], decoderSize, g, dtype));
                break;
            case AttentionKind.Dot:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Attention: kind must be Additive, Dot or General");
        }
    }

    static Tensor Uniform(int[] shape, int fanIn, Generator g, DType dtype)
    {
        double bound = 1 / Math.Sqrt(fanIn);
        return Tensor.Uniform(shape, -bound, bound, g, dtype);
    }

    /// <summary>How a decoder state is scored against the encoder outputs.</summary>
    public AttentionKind Kind { get; }
    /// <summary>H_dec, the size of the decoder state s.</summary>
    public int DecoderSize { get; }
    /// <summary>H_enc, the size of each encoder output h.</summary>
    public int EncoderSize { get; }
    /// <summary>A of additive attention; 0 for the others.</summary>
    public int AttentionSize { get; }

    /// <summary>The step-independent part: the projection of the encoder outputs h [N, T, H_enc] (additive) and
    /// the padding mask from <paramref name="lengths"/> (each in [1, T]; null: every position is real).</summary>
    public AttentionMemory Prepare(Tensor encoderOutputs, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(encoderOutputs);
        if (encoderOutputs.Rank != 3 || encoderOutputs.Shape[2] != EncoderSize)
            throw new ShapeException($"{Describe()} expects encoder outputs [N, T, {EncoderSize}], got {Fmt(encoderOutputs)}");
        int n = encoderOutputs.Shape[0], steps = encoderOutputs.Shape[1];
        Tensor? padding = null;
        var lens = lengths ?? Enumerable.Repeat(steps, n).ToArray();
        if (lens.Length != n)
            throw new ArgumentException($"{Describe()}: {lens.Length} lengths for a batch of {n} sources", nameof(lengths));
        for (int r = 0; r < n; r++)
            if (lens[r] < 1 || lens[r] > steps)
                throw new ArgumentOutOfRangeException(nameof(lengths), lens[r], $"{Describe()}: length {lens[r]} of source {r} must be in [1, {steps}]");
        if (lens.Any(l => l < steps))
        {
            var mask = new double[n * steps];
            for (int r = 0; r < n; r++)
                for (int t = lens[r]; t < steps; t++) mask[r * steps + t] = 1;
            padding = Tensor.FromArray(mask, n, steps).To(encoderOutputs.DType);
        }
        var keys = Kind == AttentionKind.Additive ? Tensor.Linear(encoderOutputs, wEncoder!) : null;
        return new AttentionMemory(encoderOutputs, keys, padding, lens);
    }

    /// <summary>The context and weights for decoder state <paramref name="state"/> [B, H_dec]; the memory's batch is B or 1.</summary>
    public AttentionResult Forward(Tensor state, AttentionMemory memory)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(memory);
        if (state.Rank != 2 || state.Shape[1] != DecoderSize)
            throw new ShapeException($"{Describe()} expects a decoder state [N, {DecoderSize}], got {Fmt(state)}");
        int b = state.Shape[0], n = memory.Batch, steps = memory.Steps;
        if (n != b && n != 1)
            throw new ShapeException($"{Describe()}: decoder state {Fmt(state)} and encoder outputs {Fmt(memory.Values)} have different batch sizes");
        var scores = Kind switch
        {
            // vᵀ tanh(W₁h + W₂s + b): [N|1, T, A] + [B, 1, A] → [B, T, A] → [B, T, 1]
            AttentionKind.Additive => Tensor.Linear(memory.Keys!.Add(Tensor.Linear(state, wDecoder!, bias).Unsqueeze(1)).Tanh(), v!),
            // s·hₜ: [N|1, T, H] · [B, H, 1] → [B, T, 1]
            AttentionKind.Dot => memory.Values.MatMul(state.Unsqueeze(2)),
            // hₜᵀ (W s): the product W s is one linear map, then as dot
            _ => memory.Values.MatMul(Tensor.Linear(state, weight!).Unsqueeze(2)),
        };
        scores = scores.Reshape(b, steps);
        // −∞ before the softmax: exp(−∞) = 0 exactly, so padded positions get weight 0 and gradient 0.
        if (memory.Padding is not null) scores = scores.MaskedFill(memory.Padding, double.NegativeInfinity);
        var weights = scores.Softmax(1);
        // c = Σₜ aₜ hₜ: [B, 1, T] · [N|1, T, H] → [B, 1, H]
        var context = weights.Unsqueeze(1).MatMul(memory.Values).Reshape(b, EncoderSize);
        return new AttentionResult(context, weights);
    }

    /// <summary>One call without a prepared memory: <c>Forward(state, Prepare(encoderOutputs, lengths))</c>.</summary>
    public AttentionResult Forward(Tensor state, Tensor encoderOutputs, int[]? lengths = null) => Forward(state, Prepare(encoderOutputs, lengths));

    /// <summary>Not a one-tensor module: use <see cref="Forward(Tensor, AttentionMemory)"/>.</summary>
    public override Tensor Forward(Tensor x) =>
        throw new NotSupportedException($"{Describe()} needs a decoder state and encoder outputs: Forward(state, memory)");

    static string Fmt(Tensor t) => "[" + string.Join(", ", t.Shape.ToArray()) + "]";

    /// <summary>E.g. <c>Attention(additive, dec 256, enc 512, attn 256)</c>, <c>Attention(dot, 256)</c>.</summary>
    public override string Describe() => Kind switch
    {
        AttentionKind.Additive => $"Attention(additive, dec {DecoderSize}, enc {EncoderSize}, attn {AttentionSize})",
        AttentionKind.Dot => $"Attention(dot, {DecoderSize})",
        _ => $"Attention(general, dec {DecoderSize}, enc {EncoderSize})",
    };
}
