using System.Globalization;
using Neurite.Nn;
using Neurite.Nn.Zoo;

namespace Neurite.Onnx;

internal sealed partial class OnnxWriter
{
    delegate string Emitter(OnnxWriter w, Module module, string x, string path);

    /// <summary>The modules export can express, each with how it becomes ONNX nodes. Adding a layer: one line here.</summary>
    static readonly Dictionary<Type, Emitter> Emitters = new()
    {
        [typeof(Sequential)] = (w, m, x, p) => ((Sequential)m).Layers.Select((layer, i) => (layer, i))
            .Aggregate(x, (v, l) => w.Emit(l.layer, v, $"{p}.{l.i.ToString(CultureInfo.InvariantCulture)}")),
        [typeof(Linear)] = (w, m, x, p) =>
        {
            var l = (Linear)m;
            string[] inputs = l.Bias is null ? [x, w.Initializer($"{p}.weight", l.Weight)] : [x, w.Initializer($"{p}.weight", l.Weight), w.Initializer($"{p}.bias", l.Bias)];
            return w.Activation(l.Activation, w.Node("Gemm", p, inputs, Attr("transB", 1L)), p);
        },
        [typeof(Conv2d)] = (w, m, x, p) => w.Conv2d((Conv2d)m, x, p),
        [typeof(Conv1d)] = (w, m, x, p) =>
        {
            var c = (Conv1d)m;
            if (c.Padding.IsSame && c.Stride != 1) throw new OnnxExportException($"onnx export: {p} (Conv1d) has 'same' padding with stride {c.Stride}; give explicit padding");
            var (before, after) = c.Padding.Along(0, c.KernelSize, 1, c.Dilation, height: false);
            string[] inputs = c.Bias is null ? [x, w.Initializer($"{p}.weight", c.Weight)] : [x, w.Initializer($"{p}.weight", c.Weight), w.Initializer($"{p}.bias", c.Bias)];
            return w.Activation(c.Activation, w.Node("Conv", p, inputs, Attr("kernel_shape", [c.KernelSize]), Attr("strides", [c.Stride]),
                Attr("pads", before, after), Attr("dilations", [c.Dilation]), Attr("group", (long)c.Groups)), p);
        },
        [typeof(ReLU)] = ActivationModule, [typeof(Sigmoid)] = ActivationModule, [typeof(Tanh)] = ActivationModule,
        [typeof(Softplus)] = ActivationModule, [typeof(GELU)] = ActivationModule, [typeof(LeakyReLU)] = ActivationModule,
        [typeof(ELU)] = ActivationModule, [typeof(Identity)] = ActivationModule, [typeof(Step)] = ActivationModule,
        [typeof(Dropout)] = (_, _, x, _) => x,       // evaluation form: the identity
        [typeof(Dropout2d)] = (_, _, x, _) => x,
        [typeof(Flatten)] = (w, _, x, p) => w.Node("Flatten", p, [x], Attr("axis", 1L)),
        [typeof(MaxPool2d)] = (w, m, x, p) =>
        {
            var q = (MaxPool2d)m;
            return w.Node("MaxPool", p, [x], Attr("kernel_shape", q.KernelSize.H, q.KernelSize.W), Attr("strides", q.Stride.H, q.Stride.W),
                Attr("pads", q.Padding.H, q.Padding.W, q.Padding.H, q.Padding.W));
        },
        [typeof(AvgPool2d)] = (w, m, x, p) =>
        {
            var q = (AvgPool2d)m;   // Neurite divides by the whole window, padding included
            return w.Node("AveragePool", p, [x], Attr("kernel_shape", q.KernelSize.H, q.KernelSize.W), Attr("strides", q.Stride.H, q.Stride.W),
                Attr("pads", q.Padding.H, q.Padding.W, q.Padding.H, q.Padding.W), Attr("count_include_pad", 1L));
        },
        [typeof(GlobalAvgPool2d)] = (w, _, x, p) => w.Node("Flatten", p, [w.Node("GlobalAveragePool", p, [x])], Attr("axis", 1L)),   // [N, C]
        [typeof(AdaptiveAvgPool2d)] = (w, m, x, p) => ((AdaptiveAvgPool2d)m).OutputSize == (1, 1) ? w.Node("GlobalAveragePool", p, [x])
            : throw new OnnxExportException($"onnx export: {p} (AdaptiveAvgPool2d{((AdaptiveAvgPool2d)m).OutputSize}) is exported only with output size 1×1"),
        [typeof(BatchNorm1d)] = (w, m, x, p) => w.BatchNorm((BatchNorm)m, x, p),
        [typeof(BatchNorm2d)] = (w, m, x, p) => w.BatchNorm((BatchNorm)m, x, p),
        [typeof(Standardize)] = (w, m, x, p) =>
        {
            var s = (Standardize)m;
            return w.Node("Div", p, [w.Node("Sub", p, [x, w.Initializer($"{p}.mean", s.Mean)]), w.Initializer($"{p}.std", s.Std)]);
        },
        [typeof(BasicBlock)] = (w, m, x, p) => w.Residual(m, x, p, ["conv1", "bn1", "relu", "conv2", "bn2"]),
        [typeof(Bottleneck)] = (w, m, x, p) => w.Residual(m, x, p, ["conv1", "bn1", "relu", "conv2", "bn2", "relu", "conv3", "bn3"]),
    };

    static string ActivationModule(OnnxWriter w, Module m, string x, string p) => w.Activation(((IActivationModule)m).Activation, x, p);

    /// <summary>The activation as ONNX nodes (none for <see cref="Nn.Activation.None"/>).</summary>
    string Activation(Activation a, string x, string p) => a.Name switch
    {
        "none" => x,
        "relu" => Node("Relu", p, [x]),
        "sigmoid" => Node("Sigmoid", p, [x]),
        "tanh" => Node("Tanh", p, [x]),
        "softplus" => Node("Softplus", p, [x]),
        "leaky_relu" => Node("LeakyRelu", p, [x], Attr("alpha", (float)a.Parameter!.Value)),
        "elu" => Node("Elu", p, [x], Attr("alpha", (float)a.Parameter!.Value)),
        // exact GELU, as Neurite computes it: x · ½(1 + erf(x/√2)); opset 17 has no Gelu
        "gelu" => Node("Mul", p, [x, Node("Mul", p, [Scalar(0.5f), Node("Add", p, [Scalar(1f), Node("Erf", p, [Node("Div", p, [x, Scalar(MathF.Sqrt(2))])])])])]),
        // 1 where x > 0, else 0
        "step" => Node("Cast", p, [Node("Greater", p, [x, Scalar(0f)])], Attr("to", (long)global::Onnx.TensorProto.Types.DataType.Float)),
        _ => throw new OnnxExportException($"onnx export: {p}: activation {a} has no ONNX form"),
    };

    string Scalar(float v) => Initializer(Fresh("const"), Tensor.FromArray([v]));

    string Conv2d(Conv2d c, string x, string p)
    {
        if (c.Padding.IsSame && c.Stride != (1, 1)) throw new OnnxExportException($"onnx export: {p} (Conv2d) has 'same' padding with stride {c.Stride}; give explicit padding");
        var (top, bottom) = c.Padding.Along(0, c.KernelSize.H, 1, c.Dilation.H, height: true);
        var (left, right) = c.Padding.Along(0, c.KernelSize.W, 1, c.Dilation.W, height: false);
        string[] inputs = c.Bias is null ? [x, Initializer($"{p}.weight", c.Weight)] : [x, Initializer($"{p}.weight", c.Weight), Initializer($"{p}.bias", c.Bias)];
        return Activation(c.Activation, Node("Conv", p, inputs, Attr("kernel_shape", c.KernelSize.H, c.KernelSize.W), Attr("strides", c.Stride.H, c.Stride.W),
            Attr("pads", top, left, bottom, right), Attr("dilations", c.Dilation.H, c.Dilation.W), Attr("group", (long)c.Groups)), p);
    }

    string BatchNorm(BatchNorm b, string x, string p)
    {
        var scale = b.Weight ?? Tensor.Ones(b.NumFeatures);
        var shift = b.Bias ?? Tensor.Zeros(b.NumFeatures);
        return Node("BatchNormalization", p, [x, Initializer($"{p}.weight", scale), Initializer($"{p}.bias", shift),
            Initializer($"{p}.running_mean", b.RunningMean), Initializer($"{p}.running_var", b.RunningVar)], Attr("epsilon", (float)b.Eps));
    }

    /// <summary>relu(main path + shortcut): the main path's children in order ("relu" between them), the shortcut
    /// the "downsample" child or the identity — the zoo's residual blocks, read through their registered children.</summary>
    string Residual(Module block, string x, string p, string[] main)
    {
        string y = x;
        foreach (var name in main)
            y = name == "relu" ? Node("Relu", p, [y]) : Emit(Child(block, name) ?? throw new OnnxExportException($"onnx export: {p} has no child '{name}'"), y, $"{p}.{name}");
        string shortcut = Child(block, "downsample") is { } d ? Emit(d, x, $"{p}.downsample") : x;
        return Node("Relu", p, [Node("Add", p, [y, shortcut])]);
    }
}
