using Neurite.Nn;

namespace Neurite.Tests.Recurrent;

/// <summary>The masked sequence cross-entropy: padded positions change neither the value nor any gradient, whatever
/// their logits and targets hold; the value equals the loss of the unpadded sequences taken one by one.</summary>
public class SequenceLossTests
{
    const int N = 3, T = 5, V = 4;
    static readonly int[] Lengths = [5, 2, 3];

    /// <summary>Seeded float64 logits [N, T, V]: moderate at real positions, large garbage (±40) at padded ones.</summary>
    static Tensor Logits(int[] lengths, int seed = 1)
    {
        var g = new Generator((ulong)seed);
        var x = Tensor.Zeros([N, T, V], DType.Float64);
        for (int b = 0; b < N; b++)
            for (int t = 0; t < T; t++)
                for (int v = 0; v < V; v++)
                    x[b, t, v] = t < lengths[b] ? 2 * g.NextDouble() - 1 : 80 * g.NextDouble() - 40;
        return x;
    }

    /// <summary>Targets [N, T]: valid classes at real positions, arbitrary ids (−100, 999, …) at padded ones.</summary>
    static Tensor Targets(int[] lengths, int seed = 2)
    {
        var g = new Generator((ulong)seed);
        long[] junk = [-100, 999, -1, 4, 1_000_000];
        var y = new long[N * T];
        for (int b = 0; b < N; b++)
            for (int t = 0; t < T; t++)
                y[b * T + t] = t < lengths[b] ? g.NextInt(V) : junk[(b + t) % junk.Length];
        return Tensor.FromArray(y, N, T);
    }

    static Tensor Mask(int[] lengths)
    {
        var m = Tensor.Zeros([N, T], DType.Float64);
        for (int b = 0; b < N; b++)
            for (int t = 0; t < lengths[b]; t++) m[b, t] = 1;
        return m;
    }

    /// <summary>Σ over sequences of the cross-entropy of its real steps alone, computed on each unpadded sequence.</summary>
    static Tensor ReferenceSum(Tensor logits, Tensor targets, int[] lengths)
    {
        Tensor? total = null;
        for (int b = 0; b < N; b++)
        {
            var l = logits.Select(0, b).Narrow(0, 0, lengths[b]);               // [len, V]
            var y = targets.Select(0, b).Narrow(0, 0, lengths[b]).Contiguous(); // [len]
            var s = Tensor.CrossEntropy(l, y).Sum();
            total = total is null ? s : total.Add(s);
        }
        return total!;
    }

    [Fact]
    public void Padded_batch_equals_the_unpadded_sequences_one_by_one_in_value_and_gradient()
    {
        int real = Lengths.Sum();
        foreach (bool useMask in new[] { false, true })
            foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum })
            {
                var loss = new SequenceCrossEntropyLoss(reduction);
                var logits = Logits(Lengths).RequireGrad();
                var targets = Targets(Lengths);
                var value = useMask ? loss.Forward(logits, targets, Mask(Lengths)) : loss.Forward(logits, targets, Lengths);
                value.Backward();

                var refLogits = Logits(Lengths).RequireGrad();
                var expected = ReferenceSum(refLogits, Targets(Lengths), Lengths);
                if (reduction == Reduction.Mean) expected = expected.Div(Tensor.Scalar(real, DType.Float64));
                expected.Backward();

                Assert.Equal(expected.Item(), value.Item(), 12);
                var grad = logits.Grad!;
                for (int b = 0; b < N; b++)
                    for (int t = 0; t < T; t++)
                        for (int v = 0; v < V; v++)
                            if (t < Lengths[b]) Assert.Equal(refLogits.Grad![b, t, v], grad[b, t, v], 12);
                            else Assert.Equal(0.0, grad[b, t, v]); // exactly 0: padded logits are never read
            }
    }

    [Fact]
    public void Padded_positions_do_not_change_anything()
    {
        // two batches that agree at real positions and differ everywhere else give the same loss and gradient
        var loss = new SequenceCrossEntropyLoss();
        var a = Logits(Lengths, seed: 1).RequireGrad();
        var b = Logits(Lengths, seed: 1);
        var other = Logits(Lengths, seed: 9);
        for (int n = 0; n < N; n++)
            for (int t = Lengths[n]; t < T; t++)
                for (int v = 0; v < V; v++) b[n, t, v] = other[n, t, v] * 3;
        b = b.RequireGrad();
        var ta = Targets(Lengths);
        var tb = Targets(Lengths);
        for (int n = 0; n < N; n++)
            for (int t = Lengths[n]; t < T; t++) tb[n, t] = 7 + n;
        var la = loss.Forward(a, ta, Lengths);
        var lb = loss.Forward(b, tb, Lengths);
        la.Backward();
        lb.Backward();
        Assert.Equal(la.Item(), lb.Item(), 14);
        Assert.Equal(a.Grad!.ToDoubleArray(), b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Without_padding_it_is_the_cross_entropy_of_every_position()
    {
        var logits = Logits([T, T, T]);
        var targets = Targets([T, T, T]);
        double flat = new CrossEntropyLoss().Forward(logits.Reshape(N * T, V), targets.Reshape(N * T)).Item();
        Assert.Equal(flat, new SequenceCrossEntropyLoss().Forward(logits, targets).Item(), 12);
        Assert.Equal(flat, new SequenceCrossEntropyLoss().Forward(logits, targets, [T, T, T]).Item(), 12);
        Assert.Equal(flat * N * T, new SequenceCrossEntropyLoss(Reduction.Sum).Forward(logits, targets).Item(), 10);
    }

    [Fact]
    public void Time_first_layout_gives_the_same_loss()
    {
        var logits = Logits(Lengths);
        var targets = Targets(Lengths);
        double batchFirst = new SequenceCrossEntropyLoss().Forward(logits, targets, Lengths).Item();
        var tf = new SequenceCrossEntropyLoss(timeFirst: true);
        var logitsTf = logits.Transpose(0, 1);              // [T, N, V], not contiguous
        var targetsTf = targets.Transpose(0, 1).Contiguous(); // [T, N]
        Assert.True(tf.TimeFirst);
        Assert.Equal(batchFirst, tf.Forward(logitsTf, targetsTf, Lengths).Item(), 12);
        Assert.Equal(batchFirst, tf.Forward(logitsTf, targetsTf, Mask(Lengths).Transpose(0, 1).Contiguous()).Item(), 12);
        var none = new SequenceCrossEntropyLoss(Reduction.None, timeFirst: true).Forward(logitsTf, targetsTf, Lengths);
        Check.Shape([T, N], none);
        Assert.Equal(0.0, none[T - 1, 1]); // sequence 1 has 2 real steps
    }

    [Fact]
    public void No_reduction_gives_per_position_losses_with_zeros_at_padding()
    {
        var logits = Logits(Lengths);
        var targets = Targets(Lengths);
        var none = new SequenceCrossEntropyLoss(Reduction.None).Forward(logits, targets, Lengths);
        Check.Shape([N, T], none);
        for (int b = 0; b < N; b++)
        {
            var expected = Tensor.CrossEntropy(logits.Select(0, b).Narrow(0, 0, Lengths[b]), targets.Select(0, b).Narrow(0, 0, Lengths[b]).Contiguous()).ToDoubleArray();
            for (int t = 0; t < T; t++) Assert.Equal(t < Lengths[b] ? expected[t] : 0.0, none[b, t], 12);
        }
        // an arbitrary (non-prefix) mask selects exactly its positions
        var mask = Tensor.FromArray(new long[] { 1, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1 }, N, T);
        var masked = new SequenceCrossEntropyLoss(Reduction.None).Forward(Logits([T, T, T]), Targets([T, T, T]), mask);
        var all = new SequenceCrossEntropyLoss(Reduction.None).Forward(Logits([T, T, T]), Targets([T, T, T]));
        var m = mask.ToLongArray();
        var (got, full) = (masked.ToDoubleArray(), all.ToDoubleArray());
        for (int i = 0; i < m.Length; i++) Assert.Equal(m[i] == 1 ? full[i] : 0.0, got[i], 14);
    }

    [Fact]
    public void Gradcheck_float64()
    {
        var targets = Targets(Lengths);
        Check.Grad(xs => new SequenceCrossEntropyLoss().Forward(xs[0], targets, Lengths), Logits(Lengths).RequireGrad());
        Check.Grad(xs => new SequenceCrossEntropyLoss(Reduction.Sum).Forward(xs[0], targets, Mask(Lengths)), Logits(Lengths).RequireGrad());
        Check.Grad(xs => new SequenceCrossEntropyLoss(Reduction.None).Forward(xs[0], targets, Lengths), Logits(Lengths).RequireGrad());
        var targetsTf = targets.Transpose(0, 1).Contiguous();
        Check.Grad(xs => new SequenceCrossEntropyLoss(timeFirst: true).Forward(xs[0].Transpose(0, 1), targetsTf, Lengths), Logits(Lengths).RequireGrad());
    }

    [Fact]
    public void Through_an_lstm_padded_inputs_do_not_change_the_loss_or_the_parameter_gradients()
    {
        var lstm = new Lstm(2, 3, batchFirst: true, generator: new Generator(4), dtype: DType.Float64);
        var head = new Head64(3, V, 5);
        var targets = Targets(Lengths);
        (double, double[]) Run(int seed)
        {
            var g = new Generator((ulong)seed);
            var x = Tensor.Zeros([N, T, 2], DType.Float64);
            var fixedPart = new Generator(11);
            for (int b = 0; b < N; b++)
                for (int t = 0; t < T; t++)
                    for (int f = 0; f < 2; f++)
                    {
                        double real = fixedPart.NextDouble(), pad = 10 * g.NextDouble();
                        x[b, t, f] = t < Lengths[b] ? real : pad;
                    }
            lstm.ZeroGrad();
            head.ZeroGrad();
            var (h, _) = lstm.Forward(x, null, Lengths);
            var loss = new SequenceCrossEntropyLoss().Forward(head.Forward(h), targets, Lengths);
            loss.Backward();
            return (loss.Item(), [.. lstm.Parameters().Concat(head.Parameters()).SelectMany(p => p.Grad!.ToDoubleArray())]);
        }
        var (l1, g1) = Run(1);
        var (l2, g2) = Run(2);
        Assert.Equal(l1, l2, 14);
        Assert.Equal(g1.Length, g2.Length);
        for (int i = 0; i < g1.Length; i++) Assert.Equal(g1[i], g2[i], 14);
    }

    [Fact]
    public void Bad_input_fails_with_the_shapes_in_the_message()
    {
        var loss = new SequenceCrossEntropyLoss();
        var logits = Logits(Lengths);
        var targets = Targets(Lengths);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Forward(logits, targets, [5, 6, 3]));
        Assert.Contains("length 6 of sequence 1 must be in [1, 5]", e.Message);
        Assert.Contains("[3, 5, 4]", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Forward(logits, targets, [5, 0, 3]));
        Assert.Contains("length 0 of sequence 1", e.Message);
        var s = Assert.Throws<ShapeException>(() => loss.Forward(logits, targets, [5, 2]));
        Assert.Contains("2 lengths for a batch of 3", s.Message);

        s = Assert.Throws<ShapeException>(() => loss.Forward(logits, targets.Narrow(1, 0, 4).Contiguous(), Lengths));
        Assert.Contains("[3, 5, 4]", s.Message);
        Assert.Contains("[3, 4]", s.Message);
        s = Assert.Throws<ShapeException>(() => loss.Forward(logits, targets.Reshape(N * T)));
        Assert.Contains("int64 targets [3, 5]", s.Message);
        s = Assert.Throws<ShapeException>(() => loss.Forward(logits, Tensor.Zeros([N, T], DType.Float64)));
        Assert.Contains("got float64 [3, 5]", s.Message);
        s = Assert.Throws<ShapeException>(() => loss.Forward(logits.Reshape(N * T, V), targets));
        Assert.Contains("expects logits [N, T, V], got [15, 4]", s.Message);
        // time-first logits [T, N, V] = [3, 5, 4] need targets [T, N] = [3, 5], not the batch-first [5, 3]
        s = Assert.Throws<ShapeException>(() => new SequenceCrossEntropyLoss(timeFirst: true).Forward(logits, targets.Transpose(0, 1).Contiguous()));
        Assert.Contains("logits [3, 5, 4] ([T, N, V]) need int64 targets [3, 5], got int64 [5, 3]", s.Message);

        s = Assert.Throws<ShapeException>(() => loss.Forward(logits, targets, Tensor.Ones([N, T + 1], DType.Float64)));
        Assert.Contains("mask [3, 6]", s.Message);
        var a = Assert.Throws<ArgumentException>(() => loss.Forward(logits, targets, Mask(Lengths).Mul(0.5)));
        Assert.Contains("0 or 1", a.Message);
        a = Assert.Throws<ArgumentException>(() => loss.Forward(logits, targets, Tensor.Zeros([N, T], DType.Float64)));
        Assert.Contains("selects no position", a.Message);

        // a bad class at a real position is an error, naming where; at a padded position it is ignored
        var bad = Targets(Lengths);
        bad[2, 1] = 4;
        e = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Forward(logits, bad, Lengths));
        Assert.Contains("target 4 of sequence 2 at step 1 is out of range for 4 classes", e.Message);
        bad[2, 1] = 0;
        bad[2, 4] = -5;
        Assert.True(double.IsFinite(loss.Forward(logits, bad, Lengths).Item()));
    }
}
