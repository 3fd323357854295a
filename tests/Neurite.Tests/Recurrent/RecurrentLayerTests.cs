using Neurite.Nn;

namespace Neurite.Tests.Recurrent;

/// <summary>Behaviour of the recurrent layers beyond their gradients: padding, shapes, names, errors.</summary>
public class RecurrentLayerTests
{
    public static TheoryData<RecurrentMode, bool> ModesAndDirections => new()
    {
        { RecurrentMode.Lstm, false }, { RecurrentMode.Lstm, true }, { RecurrentMode.Gru, false }, { RecurrentMode.Gru, true },
        { RecurrentMode.RnnTanh, true }, { RecurrentMode.RnnRelu, false },
    };

    static RecurrentBase Make(RecurrentMode mode, int inF, int hid, int layers, bool bidirectional, bool batchFirst) => mode switch
    {
        RecurrentMode.Lstm => new Lstm(inF, hid, layers, batchFirst: batchFirst, bidirectional: bidirectional, generator: new Generator(5)),
        RecurrentMode.Gru => new Gru(inF, hid, layers, batchFirst: batchFirst, bidirectional: bidirectional, generator: new Generator(5)),
        _ => new Rnn(inF, hid, layers, relu: mode == RecurrentMode.RnnRelu, batchFirst: batchFirst, bidirectional: bidirectional, generator: new Generator(5)),
    };

    [Theory, MemberData(nameof(ModesAndDirections))]
    public void Padding_changes_nothing_at_real_positions(RecurrentMode mode, bool bidirectional)
    {
        const int T = 7, N = 3, I = 5, H = 6;
        int[] lengths = [7, 3, 5];
        var m = Make(mode, I, H, 2, bidirectional, batchFirst: true);
        var x = Tensor.Randn([N, T, I], new Generator(1));
        // garbage at the padded positions
        var padded = x.Clone();
        for (int b = 0; b < N; b++)
            for (int t = lengths[b]; t < T; t++)
                for (int i = 0; i < I; i++) padded[b, t, i] = 100 + t * i;
        var (output, h, c) = RecurrentGradTests.Run(m, padded, null, null, lengths);
        int d = bidirectional ? 2 : 1;
        for (int b = 0; b < N; b++)
        {
            var alone = x.Narrow(0, b, 1).Narrow(1, 0, lengths[b]).Contiguous();
            var (o1, h1, c1) = RecurrentGradTests.Run(m, alone, null, null, null);
            for (int t = 0; t < T; t++)
                for (int k = 0; k < d * H; k++)
                {
                    double expected = t < lengths[b] ? o1[0, t, k] : 0.0;
                    Assert.Equal(expected, output[b, t, k], 5);
                }
            for (int l = 0; l < 2 * d; l++)
                for (int k = 0; k < H; k++)
                {
                    Assert.Equal(h1[l, 0, k], h[l, b, k], 5);
                    if (c is not null) Assert.Equal(c1![l, 0, k], c[l, b, k], 5);
                }
        }
    }

    [Fact]
    public void Padding_changes_no_gradient()
    {
        const int T = 6, N = 2, I = 3, H = 4;
        int[] lengths = [6, 2];
        Tensor GradOfX(double padValue)
        {
            var m = new Lstm(I, H, bidirectional: true, batchFirst: true, generator: new Generator(2));
            var x = Tensor.Randn([N, T, I], new Generator(3));
            for (int t = lengths[1]; t < T; t++) for (int i = 0; i < I; i++) x[1, t, i] = padValue;
            x.RequireGrad();
            var (o, s) = m.Forward(x, null, lengths);
            o.Sum().Add(s.H.Sum()).Add(s.C.Mul(2).Sum()).Backward();
            return Tensor.Concat([x.Grad!.Reshape(-1), m.Parameters()[0].Grad!.Reshape(-1), m.Parameters()[5].Grad!.Reshape(-1)]);
        }
        var a = GradOfX(0).ToDoubleArray();
        var b = GradOfX(37).ToDoubleArray();
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 5);
    }

    [Fact]
    public void Parameter_names_and_shapes_follow_PyTorch()
    {
        var lstm = new Lstm(10, 20, numLayers: 2, bidirectional: true);
        var names = lstm.NamedParameters().Select(p => $"{p.Name}:{string.Join("x", p.Parameter.Shape.ToArray())}").ToArray();
        Assert.Equal(new[]
        {
            "weight_ih_l0:80x10", "weight_hh_l0:80x20", "bias_ih_l0:80", "bias_hh_l0:80",
            "weight_ih_l0_reverse:80x10", "weight_hh_l0_reverse:80x20", "bias_ih_l0_reverse:80", "bias_hh_l0_reverse:80",
            "weight_ih_l1:80x40", "weight_hh_l1:80x20", "bias_ih_l1:80", "bias_hh_l1:80",
            "weight_ih_l1_reverse:80x40", "weight_hh_l1_reverse:80x20", "bias_ih_l1_reverse:80", "bias_hh_l1_reverse:80",
        }, names);
        Assert.Equal(new[] { "weight_ih:30x4", "weight_hh:30x10", "bias_ih:30", "bias_hh:30" },
            new GruCell(4, 10).NamedParameters().Select(p => $"{p.Name}:{string.Join("x", p.Parameter.Shape.ToArray())}"));
        // PyTorch's initialisation: U(−1/√H, 1/√H) for every parameter
        var w = new Lstm(8, 25, generator: new Generator(1)).Parameters().SelectMany(p => p.ToDoubleArray()).ToArray();
        Assert.True(w.Max() <= 0.2 && w.Min() >= -0.2);
        Assert.True(w.Max() > 0.19 && w.Min() < -0.19);
    }

    [Fact]
    public void Shapes_of_outputs_and_states()
    {
        var gru = new Gru(5, 7, numLayers: 3, bidirectional: true);
        var (o, h) = gru.Forward(Tensor.Randn(4, 2, 5), null);
        Assert.Equal([4, 2, 14], o.Shape.ToArray());
        Assert.Equal([6, 2, 7], h.Shape.ToArray());
        var lstm = new Lstm(5, 7, batchFirst: true);
        var (o2, s2) = lstm.Forward(Tensor.Randn(2, 4, 5), null);
        Assert.Equal([2, 4, 7], o2.Shape.ToArray());
        Assert.Equal([1, 2, 7], s2.C.Shape.ToArray());
        // the last output of a unidirectional layer is the final hidden state
        for (int k = 0; k < 7; k++) Assert.Equal(o2[1, 3, k], s2.H[0, 1, k], 6);
        Assert.Equal([2, 4, 7], lstm.Forward(Tensor.Randn(2, 4, 5)).Shape.ToArray());
    }

    [Fact]
    public void Bad_input_names_the_layer_and_the_shapes()
    {
        var lstm = new Lstm(64, 256, batchFirst: true);
        var e = Assert.Throws<ShapeException>(() => lstm.Forward(Tensor.Zeros(32, 64)));
        Assert.Equal("Lstm(64 → 256, batch_first) expects [N, T, 64], got [32, 64]", e.Message);
        e = Assert.Throws<ShapeException>(() => lstm.Forward(Tensor.Zeros(2, 3, 63)));
        Assert.Contains("got [2, 3, 63]", e.Message);
        var bad = new LstmState(Tensor.Zeros(1, 3, 256), Tensor.Zeros(1, 2, 256));
        e = Assert.Throws<ShapeException>(() => lstm.Forward(Tensor.Zeros(2, 5, 64), bad));
        Assert.Contains("h0 must be [1, 2, 256]", e.Message);
        var len = Assert.Throws<ArgumentOutOfRangeException>(() => lstm.Forward(Tensor.Zeros(2, 5, 64), null, [5, 6]));
        Assert.Contains("length 6 of sequence 1 must be in [1, 5]", len.Message);
        len = Assert.Throws<ArgumentOutOfRangeException>(() => lstm.Forward(Tensor.Zeros(2, 5, 64), null, [0, 5]));
        Assert.Contains("length 0 of sequence 0", len.Message);
        Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(2, 5, 64), null, [5]));
        var cell = new LstmCell(3, 4);
        e = Assert.Throws<ShapeException>(() => cell.Forward(Tensor.Zeros(2, 3), new LstmState(Tensor.Zeros(2, 5), Tensor.Zeros(2, 4))));
        Assert.Contains("state h must be [2, 4], got [2, 5]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Gru(3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Rnn(3, 4, dropout: 1.0));
    }

    [Fact]
    public void Dropout_between_layers_only_in_training()
    {
        var lstm = new Lstm(3, 4, numLayers: 2, dropout: 0.5, generator: new Generator(9));
        var x = Tensor.Randn(5, 2, 3);
        lstm.Eval();
        var a = lstm.Forward(x).ToDoubleArray();
        var b = lstm.Forward(x).ToDoubleArray();
        Assert.Equal(a, b);
        lstm.Train();
        var c = lstm.Forward(x).ToDoubleArray();
        Assert.NotEqual(a, c);
    }
}

/// <summary>The float32 path (packed recurrent weights, vector row kernels) against the float64 one with the same weights.</summary>
public class RecurrentFloat32Tests
{
    [Theory]
    [InlineData(RecurrentMode.Lstm, 5, 40, 1)]   // 40 units: vector bodies and scalar tails in the row kernels
    [InlineData(RecurrentMode.Gru, 5, 40, 1)]
    [InlineData(RecurrentMode.RnnTanh, 5, 40, 1)]
    [InlineData(RecurrentMode.Lstm, 17, 72, 2)]  // rows split over two threads (an odd batch)
    [InlineData(RecurrentMode.Gru, 17, 72, 2)]
    [InlineData(RecurrentMode.RnnRelu, 20, 210, 2)]
    public void Float32_equals_float64(RecurrentMode mode, int N, int H, int threads)
    {
        int saved = Neurite.Kernels.Threads.Count;
        Neurite.Kernels.Threads.Count = threads;
        try { Compare(mode, N, H); }
        finally { Neurite.Kernels.Threads.Count = saved; }
    }

    static void Compare(RecurrentMode mode, int N, int H)
    {
        const int T = 9, I = 20;
        RecurrentBase Make(DType d) => mode switch
        {
            RecurrentMode.Lstm => new Lstm(I, H, 2, bidirectional: true, generator: new Generator(4), dtype: d),
            RecurrentMode.Gru => new Gru(I, H, 2, bidirectional: true, generator: new Generator(4), dtype: d),
            _ => new Rnn(I, H, 2, relu: mode == RecurrentMode.RnnRelu, bidirectional: true, generator: new Generator(4), dtype: d),
        };
        var m32 = Make(DType.Float32);
        var m64 = Make(DType.Float64);
        var x64 = Tensor.Randn([T, N, I], new Generator(6), DType.Float64).RequireGrad();
        var x32 = x64.Detach().To(DType.Float32).RequireGrad();
        int[] lengths = Enumerable.Range(0, N).Select(b => new[] { 9, 4, 1, 7, 9 }[b % 5]).ToArray();
        var (o32, h32, _) = RecurrentGradTests.Run(m32, x32, null, null, lengths);
        var (o64, h64, _) = RecurrentGradTests.Run(m64, x64, null, null, lengths);
        var w = Tensor.Randn(o64.Shape.ToArray(), new Generator(8), DType.Float64);
        o32.Mul(w.To(DType.Float32)).Sum().Add(h32.Sum()).Backward();
        o64.Mul(w).Sum().Add(h64.Sum()).Backward();
        Near(o64, o32, 1e-5);
        Near(h64, h32, 1e-5);
        Near(x64.Grad!, x32.Grad!, 1e-4);
        var p32 = m32.Parameters();
        var p64 = m64.Parameters();
        for (int i = 0; i < p32.Count; i++) Near(p64[i].Grad!, p32[i].Grad!, 1e-4);
    }

    static void Near(Tensor expected, Tensor actual, double tol)
    {
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= tol * (1 + Math.Abs(e[i])), $"element {i}: {e[i]} vs {a[i]}");
    }
}
