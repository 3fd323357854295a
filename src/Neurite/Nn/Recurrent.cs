using System.Globalization;

namespace Neurite.Nn;

/// <summary>The hidden and cell state of an <see cref="Lstm"/>, each [layers · directions, N, H] (an
/// <see cref="LstmCell"/>'s: [N, H]).</summary>
public sealed record LstmState(Tensor H, Tensor C)
{
    /// <summary>The same state cut from the graph: truncated backpropagation through time carries it to the next
    /// batch without backpropagating into the previous one.</summary>
    public LstmState Detach() => new(H.Detach(), C.Detach());
}

/// <summary>
/// The common part of <see cref="Rnn"/>, <see cref="Lstm"/> and <see cref="Gru"/>: stacked layers, optionally
/// bidirectional, with dropout between layers, over time-first [T, N, I] or batch-first [N, T, I] input, and
/// variable-length batches (per-row lengths: padding never changes outputs at real positions, final states or
/// gradients). Parameters are PyTorch's, by name, shape, gate order and initialisation U(−1/√H, 1/√H):
/// <c>weight_ih_l{k}</c> [G·H, in], <c>weight_hh_l{k}</c> [G·H, H], <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> [G·H],
/// and <c>…_reverse</c> for the backward direction, so a PyTorch state dict loads unchanged.
/// </summary>
public abstract class RecurrentBase : Module
{
    readonly Generator dropoutGenerator;
    readonly Tensor[][] weights; // per layer·direction: [w_ih, w_hh, b_ih?, b_hh?]

    private protected RecurrentBase(RecurrentMode mode, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst,
        double dropout, bool bidirectional, Generator? generator, DType dtype)
    {
        string name = GetType().Name;
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"{name}: inputSize must be positive");
        if (hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, $"{name}: hiddenSize must be positive");
        if (numLayers <= 0) throw new ArgumentOutOfRangeException(nameof(numLayers), numLayers, $"{name}: numLayers must be positive");
        Dropout = Nn.Dropout.CheckP(name, dropout);
        (Mode, InputSize, HiddenSize, NumLayers, HasBias, BatchFirst, Bidirectional) = (mode, inputSize, hiddenSize, numLayers, bias, batchFirst, bidirectional);
        var g = generator ?? Generator.Default;
        dropoutGenerator = g;
        int gh = Tensor.Gates(mode) * hiddenSize, dirs = Directions;
        double bound = 1 / Math.Sqrt(hiddenSize);
        weights = new Tensor[numLayers * dirs][];
        for (int layer = 0; layer < numLayers; layer++)
            for (int d = 0; d < dirs; d++)
            {
                string suffix = $"_l{layer.ToString(CultureInfo.InvariantCulture)}{(d == 1 ? "_reverse" : "")}";
                int inF = layer == 0 ? inputSize : hiddenSize * dirs;
                var list = new List<Tensor>
                {
                    RegisterParameter("weight_ih" + suffix, Tensor.Uniform([gh, inF], -bound, bound, g, dtype)),
                    RegisterParameter("weight_hh" + suffix, Tensor.Uniform([gh, hiddenSize], -bound, bound, g, dtype)),
                };
                if (bias)
                {
                    list.Add(RegisterParameter("bias_ih" + suffix, Tensor.Uniform([gh], -bound, bound, g, dtype)));
                    list.Add(RegisterParameter("bias_hh" + suffix, Tensor.Uniform([gh], -bound, bound, g, dtype)));
                }
                weights[layer * dirs + d] = [.. list];
            }
    }

    /// <summary>The recurrence: LSTM, GRU, or an Elman RNN with tanh or ReLU.</summary>
    public RecurrentMode Mode { get; }
    /// <summary>Features of each input step (the input's last dimension).</summary>
    public int InputSize { get; }
    /// <summary>Size H of each layer's hidden state.</summary>
    public int HiddenSize { get; }
    /// <summary>Stacked layers; layer k + 1 reads layer k's output sequence.</summary>
    public int NumLayers { get; }
    /// <summary>Whether each layer and direction has <c>bias_ih</c> and <c>bias_hh</c>.</summary>
    public bool HasBias { get; }
    /// <summary>Input and output are [N, T, ·] instead of [T, N, ·]; states are [layers·directions, N, H] either way.</summary>
    public bool BatchFirst { get; }
    /// <summary>Whether every layer also runs from the last step to the first (parameters suffixed <c>_reverse</c>);
    /// the two directions' outputs are concatenated to D·H features.</summary>
    public bool Bidirectional { get; }
    /// <summary>Dropout probability on the outputs of every layer but the last, in training.</summary>
    public double Dropout { get; }
    /// <summary>D: 2 when bidirectional, else 1.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Every step's output (the last layer's, both directions concatenated): [N, T, D·H] or [T, N, D·H].</summary>
    public override Tensor Forward(Tensor x) => Run(x, null, null, null).Output;

    /// <summary>Runs the stack: the output of every step, and the final hidden (and LSTM cell) state of every layer and direction.</summary>
    private protected (Tensor Output, Tensor H, Tensor? C) Run(Tensor x, Tensor? h0, Tensor? c0, int[]? lengths)
    {
        CheckInput(x);
        int steps = x.Shape[BatchFirst ? 1 : 0], n = x.Shape[BatchFirst ? 0 : 1], dirs = Directions;
        CheckState(h0, "h0", n);
        CheckState(c0, "c0", n);
        if (lengths is not null)
        {
            if (lengths.Length != n)
                throw new ArgumentException($"{Describe()}: {lengths.Length} lengths for a batch of {n} sequences");
            for (int b = 0; b < n; b++)
                if (lengths[b] < 1 || lengths[b] > steps)
                    throw new ArgumentOutOfRangeException(nameof(lengths), lengths[b], $"{Describe()}: length {lengths[b]} of sequence {b} must be in [1, {steps}] (the padded length)");
        }
        var input = BatchFirst ? x.Transpose(0, 1) : x;
        var hs = new Tensor[NumLayers * dirs];
        var cs = Mode == RecurrentMode.Lstm ? new Tensor[NumLayers * dirs] : null;
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var outs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++)
            {
                int k = layer * dirs + d;
                var w = weights[k];
                var r = Tensor.RecurrentLayer(Mode, input, w[0], w[1], HasBias ? w[2] : null, HasBias ? w[3] : null,
                    h0?.Select(0, k), c0?.Select(0, k), lengths, reverse: d == 1);
                outs[d] = r[0];
                hs[k] = r[1];
                if (cs is not null) cs[k] = r[2];
            }
            input = dirs == 1 ? outs[0] : Tensor.Concat(outs, 2);
            if (Dropout > 0 && IsTraining && layer < NumLayers - 1)
                input = Nn.Dropout.Drop(input, Dropout, input.Shape.ToArray(), dropoutGenerator);
        }
        var output = BatchFirst ? input.Transpose(0, 1) : input;
        return (output, Tensor.Stack(hs, 0), cs is null ? null : Tensor.Stack(cs, 0));
    }

    void CheckInput(Tensor x)
    {
        if (x.Rank != 3 || x.Shape[2] != InputSize)
            throw new ShapeException($"{Describe()} expects {(BatchFirst ? "[N, T, " : "[T, N, ")}{InputSize}], got {Shape(x)}");
        if (!x.DType.IsFloatingPoint())
            throw new ArgumentException($"{Describe()} expects floating-point input, got {x.DType.Name()} {Shape(x)} (embed token ids first)");
    }

    void CheckState(Tensor? s, string name, int n)
    {
        if (s is null) return;
        int[] expected = [NumLayers * Directions, n, HiddenSize];
        if (!s.Shape.SequenceEqual(expected))
            throw new ShapeException($"{Describe()}: {name} must be [{string.Join(", ", expected)}] (layers·directions, N, hidden), got {Shape(s)}");
    }

    static string Shape(Tensor t) => "[" + string.Join(", ", t.Shape.ToArray()) + "]";

    /// <summary>E.g. <c>Lstm(32 → 64, layers=2, bidirectional)</c>: the options that are not the default.</summary>
    public override string Describe()
    {
        var extras = new List<string>();
        if (NumLayers > 1) extras.Add($"layers={NumLayers}");
        if (Bidirectional) extras.Add("bidirectional");
        if (BatchFirst) extras.Add("batch_first");
        if (Dropout > 0) extras.Add($"dropout={Dropout.ToString(CultureInfo.InvariantCulture)}");
        if (!HasBias) extras.Add("bias=False");
        if (Mode == RecurrentMode.RnnRelu) extras.Add("relu");
        return $"{GetType().Name}({InputSize} → {HiddenSize}{string.Concat(extras.Select(e => ", " + e))})";
    }
}

/// <summary>
/// Long short-term memory over a sequence (PyTorch's <c>nn.LSTM</c>): gates i, f, g, o;
/// c' = f·c + i·g, h' = o·tanh(c').
/// </summary>
/// <example><code>
/// var lstm = new Lstm(64, 256, batchFirst: true);
/// var (output, state) = lstm.Forward(x);              // x [N, T, 64] → output [N, T, 256]
/// (output, state) = lstm.Forward(next, state.Detach()); // truncated BPTT: carry the state, not its graph
/// </code></example>
public sealed class Lstm(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
    double dropout = 0, bool bidirectional = false, Generator? generator = null, DType dtype = DType.Float32)
    : RecurrentBase(RecurrentMode.Lstm, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, generator, dtype)
{
    /// <summary>Every step's output and the final state; <paramref name="state"/> defaults to zeros, and
    /// <paramref name="lengths"/> (one per sequence) marks the real steps of a padded batch.</summary>
    public (Tensor Output, LstmState State) Forward(Tensor x, LstmState? state, int[]? lengths = null)
    {
        var (output, h, c) = Run(x, state?.H, state?.C, lengths);
        return (output, new LstmState(h, c!));
    }
}

/// <summary>Gated recurrent unit over a sequence (PyTorch's <c>nn.GRU</c>): r, z = σ(·);
/// n = tanh(Wᵢₙx + bᵢₙ + r·(Wₕₙh + bₕₙ)); h' = (1 − z)·n + z·h.</summary>
public sealed class Gru(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
    double dropout = 0, bool bidirectional = false, Generator? generator = null, DType dtype = DType.Float32)
    : RecurrentBase(RecurrentMode.Gru, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, generator, dtype)
{
    /// <summary>Every step's output and the final hidden state [layers·directions, N, H].</summary>
    public (Tensor Output, Tensor H) Forward(Tensor x, Tensor? h0, int[]? lengths = null)
    {
        var (output, h, _) = Run(x, h0, null, lengths);
        return (output, h);
    }
}

/// <summary>Elman recurrent network (PyTorch's <c>nn.RNN</c>): h' = tanh(Wᵢₕx + bᵢₕ + Wₕₕh + bₕₕ), or ReLU.</summary>
public sealed class Rnn(int inputSize, int hiddenSize, int numLayers = 1, bool relu = false, bool bias = true, bool batchFirst = false,
    double dropout = 0, bool bidirectional = false, Generator? generator = null, DType dtype = DType.Float32)
    : RecurrentBase(relu ? RecurrentMode.RnnRelu : RecurrentMode.RnnTanh, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, generator, dtype)
{
    /// <summary>Every step's output and the final hidden state [layers·directions, N, H].</summary>
    public (Tensor Output, Tensor H) Forward(Tensor x, Tensor? h0, int[]? lengths = null)
    {
        var (output, h, _) = Run(x, h0, null, lengths);
        return (output, h);
    }
}
