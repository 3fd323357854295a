namespace Neurite.Onnx;

// LSTM and GRU on Neurite's fused recurrent layer (Tensor.RecurrentLayer, PyTorch's gate layout). ONNX stacks the
// gates as LSTM [i, o, f, c] and GRU [z, r, h]; PyTorch as [i, f, g, o] and [r, z, n]. The equations are the same
// (for the GRU with linear_before_reset = 1, which is what PyTorch computes and exports), so the weights are
// reordered once per initializer and the layer runs unchanged.
internal static partial class OnnxOperators
{
    static readonly int[] LstmOrder = [0, 2, 3, 1], GruOrder = [1, 0, 2]; // PyTorch gate k is ONNX gate order[k]

    static Tensor?[] Lstm(OnnxNode n, Tensor?[] inputs) => Recurrent(n, inputs, RecurrentMode.Lstm);

    static Tensor?[] Gru(OnnxNode n, Tensor?[] inputs) => Recurrent(n, inputs, RecurrentMode.Gru);

    static void CheckLstm(OnnxNode n) => Settings(n, RecurrentMode.Lstm);

    static void CheckGru(OnnxNode n) => Settings(n, RecurrentMode.Gru);

    /// <summary>The attributes of an LSTM or GRU node, refused (at load) where they leave the standard cell.</summary>
    static (string Direction, int Dirs, bool LinearBeforeReset) Settings(OnnxNode n, RecurrentMode mode)
    {
        bool lstm = mode == RecurrentMode.Lstm;
        if (n.Has("clip")) throw n.Bad("attribute 'clip' is not supported");
        if (lstm && n.Int("input_forget", 0) != 0) throw n.Bad("input_forget 1 is not supported");
        if (lstm && n.Proto.Input.Count > 7 && n.Proto.Input[7].Length > 0) throw n.Bad("peephole weights (input P) are not supported");
        string direction = n.Str("direction", "forward");
        int dirs = direction switch { "forward" or "reverse" => 1, "bidirectional" => 2, _ => throw n.Bad($"direction '{OnnxModel.Quote(direction)}' is not forward, reverse or bidirectional") };
        if (n.Strings("activations") is { } acts)
        {
            string[] standard = lstm ? ["Sigmoid", "Tanh", "Tanh"] : ["Sigmoid", "Tanh"];
            if (acts.Length != standard.Length * dirs || acts.Where((a, i) => !a.Equals(standard[i % standard.Length], StringComparison.OrdinalIgnoreCase)).Any())
                throw n.Bad($"activations [{string.Join(", ", acts)}] are not supported (only the defaults {string.Join(", ", standard)})");
        }
        return (direction, dirs, lstm || n.Int("linear_before_reset", 0) != 0);
    }

    /// <summary>
    /// X [T, N, I] (layout 1: [N, T, I]), W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H] (input then recurrent biases),
    /// sequence_lens [N], initial_h and initial_c [D, N, H] → Y [T, D, N, H], Y_h and Y_c [D, N, H] (layout 1:
    /// [N, T, D, H] and [N, D, H]). Direction forward, reverse or bidirectional (D = 2: forward, then reverse).
    /// </summary>
    static Tensor?[] Recurrent(OnnxNode n, Tensor?[] inputs, RecurrentMode mode)
    {
        bool lstm = mode == RecurrentMode.Lstm;
        int gates = Tensor.Gates(mode);
        Tensor x = Float(n, inputs, 0), w = Float(n, inputs, 1), r = Float(n, inputs, 2);
        Tensor? b = OnnxNode.Optional(inputs, 3), lens = OnnxNode.Optional(inputs, 4), h0 = OnnxNode.Optional(inputs, 5);
        Tensor? c0 = lstm ? OnnxNode.Optional(inputs, 6) : null;
        var (direction, dirs, linearBeforeReset) = Settings(n, mode);
        bool batchFirst = n.Int("layout", 0) != 0;
        if (x.Rank != 3) throw n.Bad($"X must be [T, N, I], got {Neurite.Shape.Format(x.Shape)}");
        if (batchFirst) (x, h0, c0) = (x.Transpose(0, 1), h0?.Transpose(0, 1), c0?.Transpose(0, 1));
        int steps = x.Shape[0], batch = x.Shape[1];
        int hidden = r.Rank == 3 ? r.Shape[2] : -1;
        if (w.Rank != 3 || r.Rank != 3 || w.Shape[0] != dirs || r.Shape[0] != dirs || w.Shape[1] != gates * hidden || r.Shape[1] != gates * hidden || w.Shape[2] != x.Shape[2])
            throw n.Bad($"W {Neurite.Shape.Format(w.Shape)} and R {Neurite.Shape.Format(r.Shape)} do not fit X {Neurite.Shape.Format(x.Shape)} with {dirs} direction(s) (expected [{dirs}, {gates}·H, {x.Shape[2]}] and [{dirs}, {gates}·H, H])");
        if (n.Int("hidden_size", hidden) != hidden) throw n.Bad($"hidden_size {n.Int("hidden_size", 0)} disagrees with R {Neurite.Shape.Format(r.Shape)}");
        if (b is not null && !Neurite.Shape.Equal([.. b.Shape], [dirs, 2 * gates * hidden]))
            throw n.Bad($"B must be [{dirs}, {2 * gates * hidden}], got {Neurite.Shape.Format(b.Shape)}");
        foreach (var (t, name) in new[] { (h0, "initial_h"), (c0, "initial_c") })
            if (t is not null && !Neurite.Shape.Equal([.. t.Shape], [dirs, batch, hidden]))
                throw new ArgumentException($"{name} must be [{dirs}, {batch}, {hidden}] (after layout), got {Neurite.Shape.Format(t.Shape)}");
        var lengths = Lengths(n, lens, steps, batch);
        if (!linearBeforeReset) return Finish(GruResetFirst(x, w, r, b, h0, lengths, direction, dirs, hidden), batchFirst);
        var weights = Prepare(n, w, r, b, mode, dirs, hidden);

        var ys = new Tensor[dirs];
        var hs = new Tensor[dirs];
        var cs = new Tensor[dirs];
        for (int d = 0; d < dirs; d++)
        {
            var p = weights[d];
            var outs = Tensor.RecurrentLayer(mode, x, p[0]!, p[1]!, p[2], p[3], h0?.Select(0, d), c0?.Select(0, d), lengths,
                reverse: d == 1 || direction == "reverse");
            (ys[d], hs[d]) = (outs[0], outs[1]);
            if (lstm) cs[d] = outs[2];
        }
        return Finish((ys, hs, lstm ? cs : null), batchFirst);
    }

    /// <summary>Stacks the directions: Y [T, D, N, H], Y_h and Y_c [D, N, H] (layout 1: batch first).</summary>
    static Tensor?[] Finish((Tensor[] Ys, Tensor[] Hs, Tensor[]? Cs) d, bool batchFirst)
    {
        Tensor y = Tensor.Stack(d.Ys, 1), yh = Tensor.Stack(d.Hs, 0);
        Tensor? yc = d.Cs is null ? null : Tensor.Stack(d.Cs, 0);
        if (batchFirst) (y, yh, yc) = (y.Permute(2, 0, 1, 3), yh.Transpose(0, 1), yc?.Transpose(0, 1));
        return [y, yh, yc];
    }

    /// <summary>sequence_lens as lengths in [1, T], or null when every row is T long (the faster path).</summary>
    static int[]? Lengths(OnnxNode n, Tensor? lens, int steps, int batch)
    {
        if (lens is null) return null;
        var v = n.Longs(lens, "sequence_lens");
        if (v.Length != batch) throw new ArgumentException($"sequence_lens has {v.Length} values for a batch of {batch}");
        if (v.Any(l => l < 1 || l > steps)) throw new ArgumentException($"sequence_lens [{string.Join(", ", v)}] must lie in [1, {steps}]");
        return v.All(l => l == steps) ? null : v.Select(l => (int)l).ToArray();
    }

    sealed record PreparedWeights(Tensor R, Tensor? B, Tensor?[][] PerDirection);

    /// <summary>Per direction [W_ih, W_hh, b_ih, b_hh] in PyTorch's gate order, computed once per W initializer.</summary>
    static Tensor?[][] Prepare(OnnxNode n, Tensor w, Tensor r, Tensor? b, RecurrentMode mode, int dirs, int hidden)
    {
        if (n.Prepared.TryGetValue(w, out var cached) && cached is PreparedWeights p && ReferenceEquals(p.R, r) && ReferenceEquals(p.B, b))
            return p.PerDirection;
        int[] order = mode == RecurrentMode.Lstm ? LstmOrder : GruOrder;
        int g = order.Length * hidden;
        Tensor Reorder(Tensor t) => Tensor.Concat(order.Select(k => t.Narrow(0, k * hidden, hidden)).ToArray(), 0);
        var per = new Tensor?[dirs][];
        for (int d = 0; d < dirs; d++)
            per[d] = [Reorder(w.Select(0, d)), Reorder(r.Select(0, d)),
                b is null ? null : Reorder(b.Select(0, d).Narrow(0, 0, g)), b is null ? null : Reorder(b.Select(0, d).Narrow(0, g, g))];
        n.Prepared.AddOrUpdate(w, new PreparedWeights(r, b, per));
        return per;
    }

    /// <summary>
    /// The GRU with linear_before_reset = 0 (ONNX's default, not what PyTorch computes):
    /// h̃ = tanh(W_h·x + R_h·(r ⊙ h) + Rb_h + Wb_h), which the fused layer does not do, so it runs step by step on Neurite
    /// ops: one GEMM for every step's input projection, then per step the recurrent products. A padded step
    /// (t ≥ length) keeps the state and outputs 0, as in the fused layer.
    /// </summary>
    static (Tensor[], Tensor[], Tensor[]?) GruResetFirst(Tensor x, Tensor w, Tensor r, Tensor? b, Tensor? h0, int[]? lengths, string direction, int dirs, int hidden)
    {
        int steps = x.Shape[0], batch = x.Shape[1], h3 = 3 * hidden;
        var (ys, hs) = (new Tensor[dirs], new Tensor[dirs]);
        for (int d = 0; d < dirs; d++)
        {
            Tensor rd = r.Select(0, d), rzr = rd.Narrow(0, 0, 2 * hidden), rh = rd.Narrow(0, 2 * hidden, hidden); // gates z, r, h
            var xp = x.MatMul(w.Select(0, d).T); // [T, N, 3H]
            if (b is not null) xp = xp.Add(b.Select(0, d).Narrow(0, 0, h3));
            Tensor? rb = b?.Select(0, d).Narrow(0, h3, h3);
            var h = h0?.Select(0, d) ?? Tensor.Zeros([batch, hidden], x.DType);
            var outs = new Tensor[steps];
            bool reverse = d == 1 || direction == "reverse";
            for (int k = 0; k < steps; k++)
            {
                int t = reverse ? steps - 1 - k : k;
                var xt = xp.Select(0, t);
                var zr = xt.Narrow(1, 0, 2 * hidden).Add(h.MatMul(rzr.T));
                zr = (rb is null ? zr : zr.Add(rb.Narrow(0, 0, 2 * hidden))).Sigmoid();
                Tensor z = zr.Narrow(1, 0, hidden), reset = zr.Narrow(1, hidden, hidden);
                var cand = xt.Narrow(1, 2 * hidden, hidden).Add(reset.Mul(h).MatMul(rh.T));
                cand = (rb is null ? cand : cand.Add(rb.Narrow(0, 2 * hidden, hidden))).Tanh();
                var next = z.Neg().Add(1).Mul(cand).Add(z.Mul(h)); // (1 − z) ⊙ h̃ + z ⊙ h
                if (lengths is null) { (h, outs[t]) = (next, next); continue; }
                var live = Tensor.FromArray(lengths.Select(l => t < l ? 1f : 0f).ToArray(), batch, 1).To(x.DType);
                outs[t] = next.Mul(live);
                h = outs[t].Add(h.Mul(live.Neg().Add(1)));
            }
            (ys[d], hs[d]) = (Tensor.Stack(outs, 0), h);
        }
        return (ys, hs, null);
    }
}
