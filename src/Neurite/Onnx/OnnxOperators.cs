using System.Collections.Frozen;

namespace Neurite.Onnx;

/// <summary>An operator implementation: the node (attributes, errors) and its inputs (null: an optional input left out) → its outputs.</summary>
internal delegate Tensor?[] OnnxKernel(OnnxNode node, Tensor?[] inputs);

/// <summary>
/// One row of the operator table: the opset versions whose semantics the implementation follows
/// (<paramref name="Since"/>–<paramref name="Until"/>), how many inputs and outputs it takes, the attributes it
/// understands (any other attribute is refused at load, so nothing is silently ignored), the kernel, and optionally a
/// check of attribute values run at load.
/// </summary>
internal sealed record OnnxOperator(int Since, int Until, int MinInputs, int MaxInputs, int MaxOutputs, string[] Attributes, OnnxKernel Run)
{
    /// <summary>Checks attribute values at load, so an unsupported variant is refused before anything runs.</summary>
    public Action<OnnxNode>? Check { get; init; }
}

/// <summary>
/// The one table of supported ONNX operators (default domain), op type → implementation. Loading binds each node to
/// its row, checking the opset range, input and output counts and attribute names; nothing else dispatches by name.
/// </summary>
/// <remarks>
/// Opset ranges follow the ONNX changelog: an operator is listed from the first version whose semantics the kernel
/// implements; where a later version moved an attribute to an input (Squeeze/Unsqueeze axes at 13, ReduceMean axes
/// at 18, Dropout ratio at 12) the kernel reads whichever form the node's opset uses.
/// </remarks>
internal static partial class OnnxOperators
{
    const int Latest = OnnxModel.MaxOpset;

    internal static readonly FrozenDictionary<string, OnnxOperator> Table = new Dictionary<string, OnnxOperator>(StringComparer.Ordinal)
    {
        // arithmetic with numpy broadcasting (Tensor.Add/Sub/Mul/Div broadcast); int64 for shape arithmetic
        ["Add"] = Binary(7, (a, b) => a.Add(b)),
        ["Sub"] = Binary(7, (a, b) => a.Sub(b)),
        ["Mul"] = Binary(7, (a, b) => a.Mul(b)),
        ["Div"] = Binary(7, (a, b) => a.Div(b)),
        ["Pow"] = Op(7, Latest, 2, 2, [], Pow),
        ["MatMul"] = Op(1, Latest, 2, 2, [], (n, x) => Float(n, x, 0).MatMul(Float(n, x, 1))),
        ["Gemm"] = Op(7, Latest, 2, 3, ["alpha", "beta", "transA", "transB"], Gemm),

        // elementwise functions
        ["Relu"] = Unary(6, x => x.Relu()),
        ["Sigmoid"] = Unary(6, x => x.Sigmoid()),
        ["Tanh"] = Unary(6, x => x.Tanh()),
        ["Exp"] = Unary(6, x => x.Exp()),
        ["Log"] = Unary(6, x => x.Log()),
        ["Sqrt"] = Unary(6, x => x.Sqrt()),
        ["Neg"] = Unary(6, x => x.Neg()),
        ["Abs"] = Unary(6, x => x.Abs()),
        ["Erf"] = Unary(9, Erf),
        ["LeakyRelu"] = Op(6, Latest, 1, 1, ["alpha"], (n, x) => Float(n, x, 0).LeakyRelu(n.Float("alpha", 0.01f))),
        ["Elu"] = Op(6, Latest, 1, 1, ["alpha"], (n, x) => Float(n, x, 0).Elu(n.Float("alpha", 1f))),
        ["Softmax"] = Op(1, Latest, 1, 1, ["axis"], (n, x) => SoftmaxLike(n, x, log: false)),
        ["LogSoftmax"] = Op(1, Latest, 1, 1, ["axis"], (n, x) => SoftmaxLike(n, x, log: true)),
        ["Reciprocal"] = Unary(6, x => Tensor.Scalar(1, x.DType).Div(x)),
        ["Softplus"] = Unary(1, x => x.Softplus()),
        ["Clip"] = Op(6, Latest, 1, 3, ["max", "min"], Clip),
        ["Max"] = Op(8, Latest, 1, int.MaxValue, [], (n, x) => Fold(n, x, (a, b) => a.Maximum(b))),
        ["Min"] = Op(8, Latest, 1, int.MaxValue, [], (n, x) => Fold(n, x, (a, b) => a.Minimum(b))),
        ["Cast"] = Op(6, Latest, 1, 1, ["to", "saturate"], Cast) with { Check = n => CastTarget(n) },

        // reductions
        ["ReduceMean"] = Op(1, Latest, 1, 2, ["axes", "keepdims", "noop_with_empty_axes"], (n, x) => Reduce(n, x, mean: true)),
        ["ReduceSum"] = Op(13, Latest, 1, 2, ["keepdims", "noop_with_empty_axes"], (n, x) => Reduce(n, x, mean: false)),

        // layers
        ["Conv"] = Op(1, Latest, 2, 3, ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"], Conv) with { Check = n => AutoPad(n) },
        ["MaxPool"] = Op(8, Latest, 1, 1, ["auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"], MaxPool) with { Check = n => CheckPool(n, average: false) },
        ["AveragePool"] = Op(7, Latest, 1, 1, ["auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides"], AveragePool) with { Check = n => CheckPool(n, average: true) },
        ["GlobalAveragePool"] = Op(1, Latest, 1, 1, [], GlobalAveragePool),
        ["BatchNormalization"] = Op(9, Latest, 5, 5, ["epsilon", "momentum", "training_mode"], BatchNormalization) with { Check = CheckInference },
        ["LayerNormalization"] = Op(17, Latest, 2, 3, ["axis", "epsilon", "stash_type"], LayerNormalization),
        ["LSTM"] = new(7, Latest, 3, 8, 3, ["activations", "clip", "direction", "hidden_size", "input_forget", "layout"], Lstm) { Check = CheckLstm },
        ["GRU"] = new(7, Latest, 3, 6, 2, ["activations", "clip", "direction", "hidden_size", "layout", "linear_before_reset"], Gru) { Check = CheckGru },

        // shapes, copies and constants
        ["Flatten"] = Op(1, Latest, 1, 1, ["axis"], Flatten),
        ["Reshape"] = Op(5, Latest, 2, 2, ["allowzero"], Reshape),
        ["Transpose"] = Op(1, Latest, 1, 1, ["perm"], Transpose),
        ["Split"] = new(11, Latest, 1, 2, int.MaxValue, ["axis", "num_outputs", "split"], Split),
        ["Pad"] = Op(11, Latest, 2, 4, ["mode"], PadOp) with { Check = n => { if (n.Str("mode", "constant") != "constant") throw n.Bad($"mode '{OnnxModel.Quote(n.Str("mode", ""))}' is not supported (constant only)"); } },
        ["Expand"] = Op(8, Latest, 2, 2, [], Expand),
        ["Concat"] = Op(4, Latest, 1, int.MaxValue, ["axis"], Concat),
        ["Gather"] = Op(1, Latest, 2, 2, ["axis"], Gather),
        ["Slice"] = Op(10, Latest, 3, 5, [], Slice),
        ["Shape"] = Op(1, Latest, 1, 1, ["start", "end"], Shape),
        ["Unsqueeze"] = Op(1, Latest, 1, 2, ["axes"], Unsqueeze),
        ["Squeeze"] = Op(1, Latest, 1, 2, ["axes"], Squeeze),
        ["ConstantOfShape"] = Op(9, Latest, 1, 1, ["value"], ConstantOfShape),
        ["Constant"] = Op(1, Latest, 0, 0, ["value", "value_float", "value_floats", "value_int", "value_ints"], Constant),
        ["Identity"] = Op(1, Latest, 1, 1, [], (n, x) => n.In(x, 0)),
        ["Dropout"] = new(7, Latest, 1, 3, 1, ["ratio", "seed"], (n, x) => [n.In(x, 0)]), // inference: the identity
    }.ToFrozenDictionary(StringComparer.Ordinal);

    static OnnxOperator Op(int since, int until, int minInputs, int maxInputs, string[] attributes, Func<OnnxNode, Tensor?[], Tensor> run) =>
        new(since, until, minInputs, maxInputs, 1, attributes, (n, x) => [run(n, x)]);

    static OnnxOperator Unary(int since, Func<Tensor, Tensor> f) => Op(since, Latest, 1, 1, [], (n, x) => f(Float(n, x, 0)));

    /// <summary>A float input; int64 data where the op needs floats is a model error.</summary>
    static Tensor Float(OnnxNode node, Tensor?[] inputs, int i)
    {
        var t = node.In(inputs, i);
        return t.DType == DType.Int64 ? throw node.Bad($"input {i} is int64, this operator takes floats") : t;
    }

    /// <summary>Broadcasting arithmetic; two int64 operands (shape arithmetic) are computed in float64, exact below 2⁵³.</summary>
    static OnnxOperator Binary(int since, Func<Tensor, Tensor, Tensor> f) => Op(since, Latest, 2, 2, [], (n, x) =>
    {
        Tensor a = n.In(x, 0), b = n.In(x, 1);
        if (a.DType != b.DType) throw n.Bad($"operands are {a.DType.Name()} and {b.DType.Name()}; they must have one type");
        return a.DType == DType.Int64 ? f(a.To(DType.Float64), b.To(DType.Float64)).To(DType.Int64) : f(a, b);
    });
}
