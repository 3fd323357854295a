namespace Neurite.Nn;

/// <summary>
/// One step of a recurrent layer, for step-by-step use (decoders, sampling): PyTorch's <c>nn.LSTMCell</c>,
/// <c>nn.GRUCell</c>, <c>nn.RNNCell</c>, with their parameter names (<c>weight_ih</c> [G·H, in], <c>weight_hh</c>
/// [G·H, H], <c>bias_ih</c>, <c>bias_hh</c>) and initialisation U(−1/√H, 1/√H). A step runs the same fused kernel
/// as the layers, over a sequence of length 1.
/// </summary>
public abstract class RecurrentCellBase : Module
{
    private protected RecurrentCellBase(RecurrentMode mode, int inputSize, int hiddenSize, bool bias, Generator? generator, DType dtype)
    {
        string name = GetType().Name;
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"{name}: inputSize must be positive");
        if (hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, $"{name}: hiddenSize must be positive");
        (Mode, InputSize, HiddenSize) = (mode, inputSize, hiddenSize);
        var g = generator ?? Generator.Default;
        int gh = Tensor.Gates(mode) * hiddenSize;
        double bound = 1 / Math.Sqrt(hiddenSize);
        WeightIh = RegisterParameter("weight_ih", Tensor.Uniform([gh, inputSize], -bound, bound, g, dtype));
        WeightHh = RegisterParameter("weight_hh", Tensor.Uniform([gh, hiddenSize], -bound, bound, g, dtype));
        if (bias)
        {
            BiasIh = RegisterParameter("bias_ih", Tensor.Uniform([gh], -bound, bound, g, dtype));
            BiasHh = RegisterParameter("bias_hh", Tensor.Uniform([gh], -bound, bound, g, dtype));
        }
    }

    /// <summary>The recurrence: LSTM, GRU, or an Elman RNN with tanh or ReLU.</summary>
    public RecurrentMode Mode { get; }
    /// <summary>Features of the input x [N, in].</summary>
    public int InputSize { get; }
    /// <summary>Size H of the hidden state.</summary>
    public int HiddenSize { get; }
    /// <summary>Input-to-hidden weights <c>weight_ih</c> [G·H, in], G = 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n) or 1 (RNN).</summary>
    public Tensor WeightIh { get; }
    /// <summary>Hidden-to-hidden weights <c>weight_hh</c> [G·H, H].</summary>
    public Tensor WeightHh { get; }
    /// <summary>Input-to-hidden bias <c>bias_ih</c> [G·H], or null without bias.</summary>
    public Tensor? BiasIh { get; }
    /// <summary>Hidden-to-hidden bias <c>bias_hh</c> [G·H], or null without bias.</summary>
    public Tensor? BiasHh { get; }

    /// <summary>The next hidden state from x [N, in] (zeros for the previous state).</summary>
    public override Tensor Forward(Tensor x) => Step(x, null, null)[1];

    private protected Tensor[] Step(Tensor x, Tensor? h, Tensor? c)
    {
        if (x.Rank != 2 || x.Shape[1] != InputSize)
            throw new ShapeException($"{Describe()} expects [N, {InputSize}], got {Fmt(x)}");
        int n = x.Shape[0];
        foreach (var (s, name) in new[] { (h, "h"), (c, "c") })
            if (s is not null && (s.Rank != 2 || s.Shape[0] != n || s.Shape[1] != HiddenSize))
                throw new ShapeException($"{Describe()}: state {name} must be [{n}, {HiddenSize}], got {Fmt(s)}");
        return Tensor.RecurrentLayer(Mode, x.Unsqueeze(0), WeightIh, WeightHh, BiasIh, BiasHh, h, c, null, reverse: false);
    }

    static string Fmt(Tensor t) => "[" + string.Join(", ", t.Shape.ToArray()) + "]";

    /// <summary>E.g. <c>LstmCell(32 → 64)</c>; a missing bias and ReLU when so.</summary>
    public override string Describe() => $"{GetType().Name}({InputSize} → {HiddenSize}{(BiasIh is null ? ", bias=False" : "")}{(Mode == RecurrentMode.RnnRelu ? ", relu" : "")})";
}

/// <summary>One LSTM step: (x [N, in], (h, c) [N, H]) → (h', c').</summary>
public sealed class LstmCell(int inputSize, int hiddenSize, bool bias = true, Generator? generator = null, DType dtype = DType.Float32)
    : RecurrentCellBase(RecurrentMode.Lstm, inputSize, hiddenSize, bias, generator, dtype)
{
    /// <summary>The next state; <paramref name="state"/> null means zeros.</summary>
    public LstmState Forward(Tensor x, LstmState? state)
    {
        var r = Step(x, state?.H, state?.C);
        return new LstmState(r[1], r[2]);
    }
}

/// <summary>One GRU step: (x [N, in], h [N, H]) → h'.</summary>
public sealed class GruCell(int inputSize, int hiddenSize, bool bias = true, Generator? generator = null, DType dtype = DType.Float32)
    : RecurrentCellBase(RecurrentMode.Gru, inputSize, hiddenSize, bias, generator, dtype)
{
    /// <summary>h' from x [N, in] and h [N, H] (null: zeros), as <c>torch.nn.GRUCell</c>: r = σ(W_ir x + b_ir + W_hr h + b_hr),
    /// z = σ(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.</summary>
    /// <exception cref="ShapeException">x is not [N, in], or h is not [N, H].</exception>
    public Tensor Forward(Tensor x, Tensor? h) => Step(x, h, null)[1];
}

/// <summary>One Elman RNN step (tanh, or ReLU): (x [N, in], h [N, H]) → h'.</summary>
public sealed class RnnCell(int inputSize, int hiddenSize, bool bias = true, bool relu = false, Generator? generator = null, DType dtype = DType.Float32)
    : RecurrentCellBase(relu ? RecurrentMode.RnnRelu : RecurrentMode.RnnTanh, inputSize, hiddenSize, bias, generator, dtype)
{
    /// <summary>h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or ReLU) from x [N, in] and h [N, H] (null: zeros), as <c>torch.nn.RNNCell</c>.</summary>
    /// <exception cref="ShapeException">x is not [N, in], or h is not [N, H].</exception>
    public Tensor Forward(Tensor x, Tensor? h) => Step(x, h, null)[1];
}
