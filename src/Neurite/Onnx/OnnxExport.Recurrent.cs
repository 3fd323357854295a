using Neurite.Nn;
using static Neurite.Onnx.OnnxExporter;

namespace Neurite.Onnx;

// Lstm, Gru and Rnn as ONNX's LSTM, GRU and RNN ops: one op per layer, both directions in one op.
internal sealed partial class OnnxExporter
{
    /// <summary>
    /// PyTorch's gate blocks (Neurite's layout) in ONNX's order: LSTM i, f, g, o → i, o, f, c(=g); GRU r, z, n → z, r, h.
    /// </summary>
    static int[] GateOrder(RecurrentMode mode) => mode switch
    {
        RecurrentMode.Lstm => [0, 3, 1, 2],
        RecurrentMode.Gru => [1, 0, 2],
        _ => [0],
    };

    static string OpOf(RecurrentMode mode) => mode switch { RecurrentMode.Lstm => "LSTM", RecurrentMode.Gru => "GRU", _ => "RNN" };

    /// <summary>
    /// The output sequence of a recurrent layer. ONNX's ops read [T, N, F] and write Y [T, directions, N, H]; Neurite's
    /// layer output is [T, N, directions·H] (forward then reverse), or [N, T, ·] batch-first, so Y is transposed and
    /// reshaped, and a batch-first input transposed on the way in and out.
    /// </summary>
    string Recurrent(RecurrentBase r, OnnxValue x, string path)
    {
        var state = r.StateDict();
        int dirs = r.Directions, h = r.HiddenSize;
        int[] order = GateOrder(r.Mode);
        string input = r.BatchFirst ? Node("Transpose", path, [x.Name], Ints("perm", 1L, 0L, 2L)) : x.Name;
        for (int layer = 0; layer < r.NumLayers; layer++)
        {
            string[] suffixes = [.. Enumerable.Range(0, dirs).Select(d => $"_l{layer}{(d == 1 ? "_reverse" : "")}")];
            int inF = layer == 0 ? r.InputSize : h * dirs;
            int gh = order.Length * h;
            string at = $"{path}.l{layer}";
            var w = Weight($"{at}.W", Stack(suffixes.Select(s => Reorder(state["weight_ih" + s], order))), dirs, gh, inF);
            var rw = Weight($"{at}.R", Stack(suffixes.Select(s => Reorder(state["weight_hh" + s], order))), dirs, gh, h);
            // B = [Wb, Rb] per direction: ONNX adds both, and the GRU applies the reset gate to Rb_h as PyTorch does to b_hn
            string b = r.HasBias
                ? Weight($"{at}.B", Stack(suffixes.Select(s => Stack([Reorder(state["bias_ih" + s], order), Reorder(state["bias_hh" + s], order)]))), dirs, 2 * gh)
                : "";
            var attributes = new List<global::Onnx.AttributeProto> { Attr("hidden_size", (long)h), Attr("direction", dirs == 2 ? "bidirectional" : "forward") };
            if (r.Mode == RecurrentMode.Gru) attributes.Add(Attr("linear_before_reset", 1L));
            if (r.Mode is RecurrentMode.RnnTanh or RecurrentMode.RnnRelu)
                attributes.Add(Attr("activations", [.. Enumerable.Repeat(r.Mode == RecurrentMode.RnnRelu ? "Relu" : "Tanh", dirs)]));
            string y = Node(OpOf(r.Mode), at, b.Length > 0 ? [input, w, rw, b] : [input, w, rw], [.. attributes]);
            // [T, dirs, N, H] → [T, N, dirs, H] → [T, N, dirs·H]
            input = Node("Reshape", at, [Node("Transpose", at, [y], Ints("perm", 0L, 2L, 1L, 3L)), Int64s($"{at}.shape", 0, 0, -1)]);
        }
        return r.BatchFirst ? Node("Transpose", path, [input], Ints("perm", 1L, 0L, 2L)) : input;
    }

    /// <summary>The rows of a [gates·H, ·] weight (or [gates·H] bias) with its gate blocks of H rows in <paramref name="order"/>.</summary>
    static float[] Reorder(Tensor t, int[] order)
    {
        var src = t.ToFloatArray();
        int block = src.Length / order.Length;
        var dst = new float[src.Length];
        for (int k = 0; k < order.Length; k++) Array.Copy(src, order[k] * block, dst, k * block, block);
        return dst;
    }

    static float[] Stack(IEnumerable<float[]> parts) => [.. parts.SelectMany(p => p)];

    /// <summary>Embedding → recurrent layer (batch-first) → decoder, as <see cref="CharLanguageModel.Forward(Tensor)"/> in eval mode.</summary>
    string LanguageModel(CharLanguageModel lm, OnnxValue x, string path)
    {
        var e = Emit(lm.Embedding, path + ".embedding", x);
        var r = Emit(lm.Recurrent, path + ".rnn", e);
        return Emit(lm.Decoder, path + ".decoder", r).Name;
    }
}
