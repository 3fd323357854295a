using Neurite.Nn;

namespace Neurite.Tests.Recurrent;

/// <summary>Float64 gradient checks of every recurrent layer and cell: stacked, bidirectional, batch-first, with an
/// initial state, with variable lengths, and with only some outputs used.</summary>
public class RecurrentGradTests
{
    const int In = 3, Hid = 4, T = 5, N = 3;

    static RecurrentBase Make(RecurrentMode mode, int layers, bool bidirectional, bool batchFirst, bool bias = true)
    {
        var g = new Generator(7);
        return mode switch
        {
            RecurrentMode.Lstm => new Lstm(In, Hid, layers, bias, batchFirst, 0, bidirectional, g, DType.Float64),
            RecurrentMode.Gru => new Gru(In, Hid, layers, bias, batchFirst, 0, bidirectional, g, DType.Float64),
            _ => new Rnn(In, Hid, layers, mode == RecurrentMode.RnnRelu, bias, batchFirst, 0, bidirectional, g, DType.Float64),
        };
    }

    /// <summary>Output, h_n and c_n of any recurrent module, flattened into one tensor so the check weighs all three.</summary>
    internal static (Tensor Output, Tensor H, Tensor? C) Run(RecurrentBase m, Tensor x, Tensor? h0, Tensor? c0, int[]? lengths) => m switch
    {
        Lstm l => l.Forward(x, h0 is null ? null : new LstmState(h0, c0!), lengths) is var (o, s) ? (o, s.H, s.C) : default,
        Gru g => g.Forward(x, h0, lengths) is var (o, h) ? (o, h, null) : default,
        Rnn r => r.Forward(x, h0, lengths) is var (o, h) ? (o, h, null) : default,
        _ => throw new ArgumentException("unknown module"),
    };

    static Tensor All((Tensor Output, Tensor H, Tensor? C) r) =>
        Tensor.Concat(r.C is null ? [r.Output.Reshape(-1), r.H.Reshape(-1)] : [r.Output.Reshape(-1), r.H.Reshape(-1), r.C.Reshape(-1)]);

    public static TheoryData<RecurrentMode> Modes => [RecurrentMode.Lstm, RecurrentMode.Gru, RecurrentMode.RnnTanh, RecurrentMode.RnnRelu];

    static void AssertGrad(Func<Tensor[], Tensor> f, Tensor[] inputs)
    {
        var result = GradCheck.Check(f, inputs);
        Assert.True(result.Passed, result.ToString());
    }

    [Theory, MemberData(nameof(Modes))]
    public void Single_layer_time_first(RecurrentMode mode)
    {
        var m = Make(mode, 1, false, false);
        var x = Check.Input([T, N, In], 3);
        AssertGrad(xs => All(Run(m, xs[0], null, null, null)), [x, .. m.Parameters()]);
    }

    [Theory, MemberData(nameof(Modes))]
    public void Stacked_bidirectional_batch_first_with_initial_state(RecurrentMode mode)
    {
        var m = Make(mode, 2, true, true);
        var x = Check.Input([N, T, In], 4);
        var h0 = Check.Input([4, N, Hid], 5).Mul(0.3).Detach().RequireGrad();
        var c0 = mode == RecurrentMode.Lstm ? Check.Input([4, N, Hid], 6).Mul(0.3).Detach().RequireGrad() : null;
        Tensor[] inputs = c0 is null ? [x, h0, .. m.Parameters()] : [x, h0, c0, .. m.Parameters()];
        AssertGrad(xs => All(Run(m, xs[0], xs[1], c0 is null ? null : xs[2], null)), inputs);
    }

    [Theory, MemberData(nameof(Modes))]
    public void Variable_lengths_bidirectional_with_initial_state(RecurrentMode mode)
    {
        var m = Make(mode, 1, true, false);
        var x = Check.Input([T, N, In], 8);
        var h0 = Check.Input([2, N, Hid], 9).Mul(0.3).Detach().RequireGrad();
        var c0 = mode == RecurrentMode.Lstm ? Check.Input([2, N, Hid], 10).Mul(0.3).Detach().RequireGrad() : null;
        int[] lengths = [5, 2, 4];
        Tensor[] inputs = c0 is null ? [x, h0, .. m.Parameters()] : [x, h0, c0, .. m.Parameters()];
        AssertGrad(xs => All(Run(m, xs[0], xs[1], c0 is null ? null : xs[2], lengths)), inputs);
    }

    [Theory, MemberData(nameof(Modes))]
    public void Only_the_final_state_used(RecurrentMode mode)
    {
        // the output sequence receives no gradient: its slot in the node stays empty
        var m = Make(mode, 1, false, false, bias: false);
        var x = Check.Input([T, N, In], 11);
        AssertGrad(xs => Run(m, xs[0], null, null, null).H, [x, .. m.Parameters()]);
    }

    [Fact]
    public void Lstm_only_the_cell_state_used()
    {
        var m = Make(RecurrentMode.Lstm, 1, false, true);
        var x = Check.Input([N, T, In], 12);
        AssertGrad(xs => Run(m, xs[0], null, null, null).C!, [x, .. m.Parameters()]);
    }

    [Fact]
    public void Cells()
    {
        var g = new Generator(3);
        var x = Check.Input([N, In], 13);
        var h = Check.Input([N, Hid], 14).Mul(0.5).Detach().RequireGrad();
        var c = Check.Input([N, Hid], 15).Mul(0.5).Detach().RequireGrad();
        var lstm = new LstmCell(In, Hid, generator: g, dtype: DType.Float64);
        AssertGrad(xs => lstm.Forward(xs[0], new LstmState(xs[1], xs[2])) is var s ? Tensor.Concat([s.H.Reshape(-1), s.C.Reshape(-1)]) : null!, [x, h, c, .. lstm.Parameters()]);
        var gru = new GruCell(In, Hid, generator: g, dtype: DType.Float64);
        AssertGrad(xs => gru.Forward(xs[0], xs[1]), [x, h, .. gru.Parameters()]);
        var rnn = new RnnCell(In, Hid, generator: g, dtype: DType.Float64);
        AssertGrad(xs => rnn.Forward(xs[0], xs[1]), [x, h, .. rnn.Parameters()]);
        var relu = new RnnCell(In, Hid, relu: true, generator: g, dtype: DType.Float64);
        AssertGrad(xs => relu.Forward(xs[0], null), [x, .. relu.Parameters()]);
    }
}
