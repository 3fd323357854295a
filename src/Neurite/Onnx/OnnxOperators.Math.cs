using Neurite.Kernels;

namespace Neurite.Onnx;

// Arithmetic, activations, softmax, reductions and casts.
internal static partial class OnnxOperators
{
    /// <summary>Y = α·A'·B' + β·C with A' = Aᵀ if transA, B' = Bᵀ if transB; C broadcasts to [M, N].</summary>
    static Tensor Gemm(OnnxNode n, Tensor?[] x)
    {
        Tensor a = Float(n, x, 0), b = Float(n, x, 1);
        var c = OnnxNode.Optional(x, 2);
        if (a.Rank != 2 || b.Rank != 2) throw n.Bad($"A and B must be matrices, got {Neurite.Shape.Format(a.Shape)} and {Neurite.Shape.Format(b.Shape)}");
        float alpha = n.Float("alpha", 1), beta = n.Float("beta", 1);
        bool transA = n.Int("transA", 0) != 0, transB = n.Int("transB", 0) != 0;
        // NOTE: the form every exported Linear takes (x·Wᵀ + b, W as [out, in]) is Tensor.Linear: one GEMM with the
        // bias added in its tile epilogue
        if (!transA && transB && alpha == 1 && (c is null || beta == 1 && c.Rank == 1 && c.Shape[0] == b.Shape[0]))
            return n.FusedRelu ? Tensor.LinearRelu(a, b, c) : Tensor.Linear(a, b, c);
        var y = (transA ? a.T : a).MatMul(transB ? b.T : b);
        if (alpha != 1) y = y.Mul(alpha);
        if (c is not null && beta != 0) y = y.Add(beta == 1 ? c : c.Mul(beta));
        return n.FusedRelu ? y.Relu() : y;
    }

    static Tensor Pow(OnnxNode n, Tensor?[] x)
    {
        var b = Float(n, x, 0);
        var e = n.In(x, 1);
        // a scalar exponent (x² in LayerNorm and GELU graphs) is the scalar op
        return e.NumEl == 1 && e.Rank <= b.Rank ? b.Pow(e.Item()) : b.Pow(e.To(b.DType));
    }

    /// <summary>erf, elementwise (the exact GELU graph: 0.5·x·(1 + erf(x/√2))).</summary>
    static Tensor Erf(Tensor x)
    {
        var c = x.Contiguous();
        if (c.DType == DType.Float32)
        {
            var v = c.ToFloatArray();
            for (int i = 0; i < v.Length; i++) v[i] = (float)SpecialFunctions.Erf(v[i]);
            return Tensor.Wrap(v).Reshape([.. x.Shape]);
        }
        var d = c.ToDoubleArray();
        for (int i = 0; i < d.Length; i++) d[i] = SpecialFunctions.Erf(d[i]);
        return Tensor.FromArray(d).Reshape([.. x.Shape]);
    }

    /// <summary>
    /// Softmax or log-softmax. From opset 13 along <c>axis</c> (default −1); before 13 the input is viewed as a
    /// matrix [∏ dims before axis, ∏ dims from axis] (default axis 1) and normalised by rows.
    /// </summary>
    static Tensor SoftmaxLike(OnnxNode n, Tensor?[] inputs, bool log)
    {
        var x = Float(n, inputs, 0);
        if (n.Opset >= 13)
        {
            int axis = n.Axis(n.Int("axis", -1), x.Rank);
            return log ? x.LogSoftmax(axis) : x.Softmax(axis);
        }
        int a = n.Axis(n.Int("axis", 1), x.Rank);
        int rows = 1;
        for (int i = 0; i < a; i++) rows *= x.Shape[i];
        var m = x.Reshape(rows, -1);
        return (log ? m.LogSoftmax(1) : m.Softmax(1)).Reshape([.. x.Shape]);
    }

    static DType CastTarget(OnnxNode n) => n.Int("to", 0) switch
    {
        1 => DType.Float32,
        11 => DType.Float64,
        6 or 7 or 9 => DType.Int64, // int32 and bool are held as int64
        var to => throw n.Bad($"cast to data type {to} is not supported (FLOAT, DOUBLE, INT32, INT64, BOOL)"),
    };

    static Tensor Cast(OnnxNode n, Tensor?[] x)
    {
        var t = n.In(x, 0);
        DType target = CastTarget(n);
        // bool: 1 where x ≠ 0
        return n.Int("to", 0) == 9 ? t.Eq(Tensor.Scalar(0, t.DType)).Neg().Add(1).To(DType.Int64) : t.To(target);
    }

    /// <summary>ReduceMean / ReduceSum over <c>axes</c> (an attribute, or from opset 18 for ReduceMean and 13 for
    /// ReduceSum an optional input); no axes: all of them, unless noop_with_empty_axes.</summary>
    static Tensor Reduce(OnnxNode n, Tensor?[] inputs, bool mean)
    {
        var x = Float(n, inputs, 0);
        bool axesAsInput = mean ? n.Opset >= 18 : n.Opset >= 13;
        long[]? axes = axesAsInput ? (OnnxNode.Optional(inputs, 1) is { } a ? n.Longs(a, "axes") : null) : n.Ints("axes");
        if (!axesAsInput && inputs.Length > 1) throw n.Bad("axes are an attribute before opset 18, not an input");
        bool keep = n.Int("keepdims", 1) != 0;
        if (axes is null || axes.Length == 0)
        {
            if (n.Int("noop_with_empty_axes", 0) != 0) return x;
            axes = Enumerable.Range(0, x.Rank).Select(i => (long)i).ToArray();
        }
        var dims = axes.Select(a => n.Axis(a, x.Rank, "axes")).Distinct().ToArray();
        if (dims.Length == 0) return x;
        return mean ? x.Mean(dims, keep) : x.Sum(dims, keep);
    }

    /// <summary>min(max(x, lo), hi): the bounds are attributes before opset 11 and optional scalar inputs from 11 (ReLU6).</summary>
    static Tensor Clip(OnnxNode n, Tensor?[] inputs)
    {
        var x = Float(n, inputs, 0);
        if (n.Opset < 11)
        {
            if (inputs.Length > 1) throw n.Bad("min and max are attributes before opset 11, not inputs");
            return x.Clamp(n.Has("min") ? n.Float("min", 0) : null, n.Has("max") ? n.Float("max", 0) : null);
        }
        if (n.Proto.Attribute.Count > 0) throw n.Bad("min and max are inputs from opset 11, not attributes");
        double? Bound(int i) => OnnxNode.Optional(inputs, i) is { } t
            ? (t.NumEl == 1 ? t.Item() : throw n.Bad($"input {i} must be a scalar, got {Neurite.Shape.Format(t.Shape)}")) : null;
        return x.Clamp(Bound(1), Bound(2));
    }

    /// <summary>Elementwise Max or Min of any number of inputs, broadcast together.</summary>
    static Tensor Fold(OnnxNode n, Tensor?[] inputs, Func<Tensor, Tensor, Tensor> f)
    {
        var y = Float(n, inputs, 0);
        for (int i = 1; i < inputs.Length; i++) y = f(y, Float(n, inputs, i));
        return y;
    }
}
