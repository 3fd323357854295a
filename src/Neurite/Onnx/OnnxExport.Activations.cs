using Neurite.Nn;
using static Neurite.Onnx.OnnxExporter;

namespace Neurite.Onnx;

// Every Activation (Nn/Activation.cs) as ONNX nodes: one row per activation name of its table.
internal sealed partial class OnnxExporter
{
    static readonly Dictionary<string, Func<OnnxExporter, string, float, string, string>> Activations = new()
    {
        ["none"] = static (g, x, _, path) => x,
        ["relu"] = static (g, x, _, path) => g.Node("Relu", path, [x]),
        ["leaky_relu"] = static (g, x, a, path) => g.Node("LeakyRelu", path, [x], Attr("alpha", a)),
        ["elu"] = static (g, x, a, path) => g.Node("Elu", path, [x], Attr("alpha", a)),
        ["sigmoid"] = static (g, x, _, path) => g.Node("Sigmoid", path, [x]),
        ["tanh"] = static (g, x, _, path) => g.Node("Tanh", path, [x]),
        ["softplus"] = static (g, x, _, path) => g.Node("Softplus", path, [x]),
        // NOTE: opset 17 has no Gelu. Neurite's is the exact form 0.5·x·(1 + erf(x/√2)), so it is built from Erf.
        ["gelu"] = static (g, x, _, path) => g.Node("Mul", path,
            [g.Node("Mul", path, [x, g.Node("Add", path, [g.Node("Erf", path, [g.Node("Div", path, [x, g.Scalar((float)Math.Sqrt(2))])]), g.Scalar(1f)])]), g.Scalar(0.5f)]),
        // 1 for x > 0, else 0 (NaN gives 0, as Neurite's comparison does)
        ["step"] = static (g, x, _, path) => g.Node("Cast", path, [g.Node("Greater", path, [x, g.Scalar(0f)])], Attr("to", (long)global::Onnx.TensorProto.Types.DataType.Float)),
    };

    /// <summary>The nodes of <paramref name="activation"/> applied to the value named <paramref name="x"/>.</summary>
    string Activation(Activation activation, string x, string path) =>
        Activations.TryGetValue(activation.Name, out var emit) ? emit(this, x, (float)(activation.Parameter ?? 0), path)
        : throw new OnnxExportException($"ONNX export: {path} applies activation '{activation}', which has no ONNX form");
}
