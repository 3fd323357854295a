using Neurite.Nn;
using Neurite.Nn.Zoo;
using static Neurite.Onnx.OnnxExporter;

namespace Neurite.Onnx;

// The one table of module types ONNX export knows, and the emitters of the plain layers. An emitter adds the nodes
// of one module and returns the name of its output; the driver (Emit) computes the module's sample output with
// Neurite itself, so shapes (for "same" padding, adaptive pooling, Maxout) are always Neurite's own.
internal sealed partial class OnnxExporter
{
    delegate string Emitter(OnnxExporter g, Module m, OnnxValue x, string path);

    static KeyValuePair<Type, Emitter> Row<T>(Func<OnnxExporter, T, OnnxValue, string, string> emit) where T : Module =>
        new(typeof(T), (g, m, x, path) => emit(g, (T)m, x, path));

    static readonly Dictionary<Type, Emitter> Table = new(
    [
        Row<Sequential>(static (g, s, x, path) =>
        {
            for (int i = 0; i < s.Count; i++) x = g.Emit(s[i], $"{path}.{i}", x);
            return x.Name;
        }),
        Row<Linear>(static (g, l, x, path) => g.Activation(l.Activation, g.Affine(x, l.Weight, l.Bias, path), path)),
        Row<Conv2d>(static (g, c, x, path) => g.Activation(c.Activation, g.Conv2d(c, x, path), path)),
        Row<Conv1d>(static (g, c, x, path) => g.Activation(c.Activation, g.Conv1d(c, x, path), path)),
        Row<ReLU>(static (g, a, x, path) => g.Activation(a.Activation, x.Name, path)),
        Row<Sigmoid>(static (g, a, x, path) => g.Activation(a.Activation, x.Name, path)),
        Row<Tanh>(static (g, a, x, path) => g.Activation(a.Activation, x.Name, path)),
        Row<Softplus>(static (g, a, x, path) => g.Activation(a.Activation, x.Name, path)),
        Row<GELU>(static (g, a, x, path) => g.Activation(a.Activation, x.Name, path)),
        Row<Step>(static (g, a, x, path) => g.Activation(a.Activation, x.Name, path)),
        Row<Identity>(static (g, a, x, path) => x.Name),
        Row<LeakyReLU>(static (g, a, x, path) => g.Activation(a.Activation, x.Name, path)),
        Row<ELU>(static (g, a, x, path) => g.Activation(a.Activation, x.Name, path)),
        Row<PReLU>(static (g, p, x, path) => g.PRelu(p, x, path)),
        // maxout over the last axis: [.., F] → [.., F/k, k] → max over the last
        Row<Maxout>(static (g, m, x, path) => g.Node("ReduceMax", path,
            [g.Node("Reshape", path, [x.Name, g.Int64s($"{path}.shape", [.. Enumerable.Repeat(0L, x.Sample.Rank - 1), -1, m.Pieces])])],
            Ints("axes", -1L), Attr("keepdims", 0L))),
        // Neurite's Flatten keeps dimension 0 and joins the rest (a rank-1 input is left alone)
        Row<Flatten>(static (g, f, x, path) => x.Sample.Rank <= 1 ? x.Name : g.Node("Flatten", path, [x.Name], Attr("axis", 1L))),
        // eval mode: dropout is the identity
        Row<Dropout>(static (g, d, x, path) => x.Name),
        Row<Dropout2d>(static (g, d, x, path) => x.Name),
        Row<BatchNorm1d>(static (g, b, x, path) => g.BatchNorm(b, x, path)),
        Row<BatchNorm2d>(static (g, b, x, path) => g.BatchNorm(b, x, path)),
        Row<Standardize>(static (g, z, x, path) =>
            g.Node("Div", path, [g.Node("Sub", path, [x.Name, g.Weight($"{path}.mean", z.Mean)]), g.Weight($"{path}.std", z.Std)])),
        Row<LayerNorm>(static (g, n, x, path) => g.Node("LayerNormalization", path,
            [x.Name, g.Weight($"{path}.weight", n.Weight ?? Tensor.Ones([.. n.NormalizedShape])), g.Weight($"{path}.bias", n.Bias ?? Tensor.Zeros([.. n.NormalizedShape]))],
            Attr("axis", (long)-n.NormalizedShape.Count), Attr("epsilon", (float)n.Eps))),
        Row<Embedding>(static (g, e, x, path) => g.Node("Gather", path, [g.Weight($"{path}.weight", e.Weight), x.Name], Attr("axis", 0L))),
        Row<MaxPool2d>(static (g, p, x, path) => g.Node("MaxPool", path, [x.Name], Ints("kernel_shape", p.KernelSize.H, p.KernelSize.W),
            Ints("strides", p.Stride.H, p.Stride.W), Ints("pads", p.Padding.H, p.Padding.W, p.Padding.H, p.Padding.W))),
        // Neurite divides by kH·kW, padding counted as zeros (PyTorch's count_include_pad=True)
        Row<AvgPool2d>(static (g, p, x, path) => g.Node("AveragePool", path, [x.Name], Ints("kernel_shape", p.KernelSize.H, p.KernelSize.W),
            Ints("strides", p.Stride.H, p.Stride.W), Ints("pads", p.Padding.H, p.Padding.W, p.Padding.H, p.Padding.W), Attr("count_include_pad", 1L))),
        Row<AdaptiveAvgPool2d>(static (g, p, x, path) => g.AdaptiveAvgPool(p, x, path)),
        // Neurite's GlobalAvgPool2d returns [N, C]
        Row<GlobalAvgPool2d>(static (g, p, x, path) => g.Node("Flatten", path, [g.Node("GlobalAveragePool", path, [x.Name])], Attr("axis", 1L))),
        Row<Lstm>(static (g, r, x, path) => g.Recurrent(r, x, path)),
        Row<Gru>(static (g, r, x, path) => g.Recurrent(r, x, path)),
        Row<Rnn>(static (g, r, x, path) => g.Recurrent(r, x, path)),
        Row<CharLanguageModel>(static (g, lm, x, path) => g.LanguageModel(lm, x, path)),
        Row<BasicBlock>(static (g, b, x, path) => g.Residual([b.conv1, b.bn1, b.conv2, b.bn2], ["conv1", "bn1", "conv2", "bn2"], b.shortcut, x, path)),
        Row<Bottleneck>(static (g, b, x, path) =>
            g.Residual([b.conv1, b.bn1, b.conv2, b.bn2, b.conv3, b.bn3], ["conv1", "bn1", "conv2", "bn2", "conv3", "bn3"], b.shortcut, x, path)),
        Row<InceptionBlock>(static (g, b, x, path) => g.Node("Concat", path,
            [g.Emit(b.b1, path + ".branch1", x).Name, g.Emit(b.b3, path + ".branch3", x).Name, g.Emit(b.b5, path + ".branch5", x).Name,
             g.Emit(b.pool, path + ".pool", x).Name], Attr("axis", 1L))),
    ]);

    /// <summary>The module types with an ONNX form, for messages.</summary>
    public static IEnumerable<string> Exportable => Table.Keys.Select(t => t.Name);

    /// <summary>Adds the nodes of <paramref name="module"/> (at <paramref name="path"/> in the model) applied to <paramref name="x"/>.</summary>
    /// <exception cref="OnnxExportException">A module type without an emitter, named by path and type.</exception>
    public OnnxValue Emit(Module module, string path, OnnxValue x)
    {
        if (!Table.TryGetValue(module.GetType(), out var emit))
            throw new OnnxExportException($"ONNX export: {path} ({module.GetType().Name}) has no ONNX form; exportable modules: {string.Join(", ", Exportable)}");
        var sample = module.Forward(x.Sample);
        return new OnnxValue(emit(this, module, x, path), sample, x.BatchAxis);
    }

    /// <summary>The first module that reads the input: the start of nested Sequentials.</summary>
    static Module First(Module m) => m is Sequential { Count: > 0 } s ? First(s[0]) : m;

    /// <summary>1 when the model starts with a time-first recurrent layer ([T, N, F]), otherwise 0.</summary>
    public static int BatchAxisOf(Module model) => First(model) is RecurrentBase { BatchFirst: false } ? 1 : 0;

    /// <summary>int64 ids for a model that starts with an embedding, float32 for any other.</summary>
    public static DType InputTypeOf(Module model) => First(model) is Embedding or CharLanguageModel ? DType.Int64 : DType.Float32;

    /// <summary>x·Wᵀ + b: Gemm for a matrix, MatMul (with Wᵀ stored) and Add for [*, in].</summary>
    string Affine(OnnxValue x, Tensor weight, Tensor? bias, string path)
    {
        if (x.Sample.Rank == 2)
            return Node("Gemm", path, bias is null ? [x.Name, Weight($"{path}.weight", weight)] : [x.Name, Weight($"{path}.weight", weight), Weight($"{path}.bias", bias)],
                Attr("transB", 1L));
        var y = Node("MatMul", path, [x.Name, Weight($"{path}.weight_t", weight.Transpose(0, 1).Contiguous())]);
        return bias is null ? y : Node("Add", path, [y, Weight($"{path}.bias", bias)]);
    }

    string Conv2d(Nn.Conv2d c, OnnxValue x, string path)
    {
        var (top, bottom) = c.Padding.Along(x.Sample.Shape[2], c.KernelSize.H, c.Stride.H, c.Dilation.H, height: true);
        var (left, right) = c.Padding.Along(x.Sample.Shape[3], c.KernelSize.W, c.Stride.W, c.Dilation.W, height: false);
        return Node("Conv", path, Inputs(x, c.Weight, c.Bias, path), Ints("kernel_shape", c.KernelSize.H, c.KernelSize.W), Ints("strides", c.Stride.H, c.Stride.W),
            Ints("pads", top, left, bottom, right), Ints("dilations", c.Dilation.H, c.Dilation.W), Attr("group", (long)c.Groups));
    }

    string Conv1d(Nn.Conv1d c, OnnxValue x, string path)
    {
        var (left, right) = c.Padding.Along(x.Sample.Shape[2], c.KernelSize, c.Stride, c.Dilation, height: false);
        return Node("Conv", path, Inputs(x, c.Weight, c.Bias, path), Ints("kernel_shape", (long)c.KernelSize), Ints("strides", (long)c.Stride),
            Ints("pads", left, right), Ints("dilations", (long)c.Dilation), Attr("group", (long)c.Groups));
    }

    string[] Inputs(OnnxValue x, Tensor weight, Tensor? bias, string path) =>
        bias is null ? [x.Name, Weight($"{path}.weight", weight)] : [x.Name, Weight($"{path}.weight", weight), Weight($"{path}.bias", bias)];

    string PRelu(PReLU p, OnnxValue x, string path)
    {
        // one slope for everything, or one per channel (dimension 1) broadcast over the rest
        int[] shape = p.Alpha.NumEl == 1 ? [1] : [1, p.Alpha.NumEl, .. Enumerable.Repeat(1, Math.Max(0, x.Sample.Rank - 2))];
        return Node("PRelu", path, [x.Name, Weight($"{path}.weight", p.Alpha, shape)]);
    }

    string BatchNorm(Nn.BatchNorm b, OnnxValue x, string path) => Node("BatchNormalization", path,
        [x.Name, Weight($"{path}.weight", b.Weight ?? Tensor.Ones(b.NumFeatures)), Weight($"{path}.bias", b.Bias ?? Tensor.Zeros(b.NumFeatures)),
         Weight($"{path}.running_mean", b.RunningMean), Weight($"{path}.running_var", b.RunningVar)],
        Attr("epsilon", (float)b.Eps));

    /// <summary>GlobalAveragePool for a 1×1 output; AveragePool when the input divides evenly (PyTorch's adaptive windows are then
    /// equal and disjoint); otherwise the windows overlap unevenly and ONNX has no op for them.</summary>
    string AdaptiveAvgPool(AdaptiveAvgPool2d p, OnnxValue x, string path)
    {
        int h = x.Sample.Shape[^2], w = x.Sample.Shape[^1];
        if (p.OutputSize == (1, 1)) return Node("GlobalAveragePool", path, [x.Name]);
        if (h % p.OutputSize.H != 0 || w % p.OutputSize.W != 0)
            throw new OnnxExportException($"ONNX export: {path} ({p.Describe()}) on a {h}×{w} input has uneven windows, which ONNX cannot express; " +
                                          $"export with an input size whose last two dimensions are multiples of {p.OutputSize.H}×{p.OutputSize.W}");
        var (kh, kw) = (h / p.OutputSize.H, w / p.OutputSize.W);
        return Node("AveragePool", path, [x.Name], Ints("kernel_shape", kh, kw), Ints("strides", kh, kw));
    }

    /// <summary>relu(body(x) + shortcut(x)), as BasicBlock and Bottleneck compute it: a ReLU after every batch norm but the last.</summary>
    string Residual(Module[] body, string[] names, Sequential? shortcut, OnnxValue x, string path)
    {
        var y = x;
        for (int i = 0; i < body.Length; i++)
        {
            y = Emit(body[i], $"{path}.{names[i]}", y);
            if (body[i] is Nn.BatchNorm && i < body.Length - 1) y = y with { Name = Node("Relu", $"{path}.{names[i]}", [y.Name]), Sample = y.Sample.Relu() };
        }
        string skip = shortcut is null ? x.Name : Emit(shortcut, path + ".downsample", x).Name;
        return Node("Relu", path, [Node("Add", path, [y.Name, skip])]);
    }
}
