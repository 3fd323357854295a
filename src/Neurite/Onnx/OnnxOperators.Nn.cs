namespace Neurite.Onnx;

// Convolution, pooling and normalisation over NCHW (and NCL: a height-1 view).
internal static partial class OnnxOperators
{
    /// <summary>Per spatial axis: kernel, stride, dilation and the padding before and after.</summary>
    readonly record struct Window(int[] Kernel, int[] Strides, int[] Dilations, int[] Begin, int[] End);

    /// <summary>
    /// Reads kernel_shape, strides, dilations and pads (or auto_pad: SAME_UPPER puts an odd total padding at the end,
    /// SAME_LOWER at the start, VALID none) for an input whose spatial dimensions are <paramref name="size"/>.
    /// </summary>
    static Window WindowOf(OnnxNode n, ReadOnlySpan<int> size, int[]? kernel)
    {
        int s = size.Length;
        kernel ??= n.SmallInts("kernel_shape") ?? throw n.Bad("attribute 'kernel_shape' is required");
        int[] strides = n.SmallInts("strides") ?? Enumerable.Repeat(1, s).ToArray();
        int[] dilations = n.SmallInts("dilations") ?? Enumerable.Repeat(1, s).ToArray();
        int[] pads = n.SmallInts("pads") ?? new int[2 * s];
        if (kernel.Length != s || strides.Length != s || dilations.Length != s || pads.Length != 2 * s)
            throw n.Bad($"kernel_shape [{string.Join(", ", kernel)}], strides, dilations and pads do not fit {s} spatial dimensions");
        if (kernel.Any(k => k < 1) || strides.Any(v => v < 1) || dilations.Any(v => v < 1) || pads.Any(v => v < 0))
            throw n.Bad("kernel_shape, strides and dilations must be positive and pads non-negative");
        int[] begin = pads[..s], end = pads[s..];
        string autoPad = AutoPad(n);
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            for (int i = 0; i < s; i++)
            {
                int outSize = (size[i] + strides[i] - 1) / strides[i];
                int total = Math.Max(0, (outSize - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - size[i]);
                begin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                end[i] = total - begin[i];
            }
        else if (autoPad == "VALID") { begin = new int[s]; end = new int[s]; }
        return new Window(kernel, strides, dilations, begin, end);
    }

    static string AutoPad(OnnxNode n) => n.Str("auto_pad", "NOTSET") is var a && a is "NOTSET" or "SAME_UPPER" or "SAME_LOWER" or "VALID"
        ? a : throw n.Bad($"auto_pad '{OnnxModel.Quote(a)}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");

    /// <summary>What the pooling kernels cannot do, refused at load.</summary>
    static void CheckPool(OnnxNode n, bool average)
    {
        AutoPad(n);
        if (n.SmallInts("dilations") is { } d && d.Any(v => v != 1)) throw n.Bad("dilations other than 1 are not supported");
        if (!average && n.Int("storage_order", 0) != 0) throw n.Bad("storage_order 1 is not supported");
        if (average && n.Int("ceil_mode", 0) != 0) throw n.Bad("ceil_mode 1 is not supported for AveragePool");
        if (n.Ints("kernel_shape") is null) throw n.Bad("attribute 'kernel_shape' is required");
    }

    static void CheckInference(OnnxNode n)
    {
        if (n.Int("training_mode", 0) != 0) throw n.Bad("training_mode 1 is not supported (inference only)");
    }

    /// <summary>A 1-D input [N, C, L] as [N, C, 1, L] (and its window with a unit height); 2-D as it is.</summary>
    static (Tensor X, int Spatial) As2d(OnnxNode n, Tensor x)
    {
        if (x.Rank is not (3 or 4)) throw n.Bad($"expects input [N, C, L] or [N, C, H, W], got {Neurite.Shape.Format(x.Shape)} (only 1-D and 2-D are supported)");
        return (x.Rank == 3 ? x.Unsqueeze(2) : x, x.Rank - 2);
    }

    static Window Lift(Window w) => w.Kernel.Length == 2 ? w
        : new Window([1, w.Kernel[0]], [1, w.Strides[0]], [1, w.Dilations[0]], [0, w.Begin[0]], [0, w.End[0]]);

    static Tensor Back(Tensor y, int spatial) => spatial == 1 ? y.Squeeze(2) : y;

    static Tensor Conv(OnnxNode n, Tensor?[] inputs)
    {
        Tensor x = Float(n, inputs, 0), w = Float(n, inputs, 1);
        var b = OnnxNode.Optional(inputs, 2);
        var (x4, spatial) = As2d(n, x);
        if (w.Rank != x.Rank) throw n.Bad($"weight {Neurite.Shape.Format(w.Shape)} does not fit input {Neurite.Shape.Format(x.Shape)}");
        var win = Lift(WindowOf(n, x.Shape[2..], n.SmallInts("kernel_shape") ?? [.. w.Shape[2..]]));
        var w4 = spatial == 1 ? w.Unsqueeze(2) : w;
        if (win.Kernel[0] != w4.Shape[2] || win.Kernel[1] != w4.Shape[3]) throw n.Bad($"kernel_shape disagrees with weight {Neurite.Shape.Format(w.Shape)}");
        int groups = n.SmallInt("group", 1);
        (int, int) stride = (win.Strides[0], win.Strides[1]), dilation = (win.Dilations[0], win.Dilations[1]);
        var pads = (win.Begin[0], win.End[0], win.Begin[1], win.End[1]);
        var y = n.FusedRelu ? Tensor.Conv2dRelu(x4, w4, b, stride, pads, dilation, groups) : Tensor.Conv2d(x4, w4, b, stride, pads, dilation, groups);
        return Back(y, spatial);
    }

    static Tensor MaxPool(OnnxNode n, Tensor?[] inputs)
    {
        var (x, spatial) = As2d(n, Float(n, inputs, 0));
        var win = Lift(WindowOf(n, x.Shape[(4 - spatial)..], null));
        var (kernel, stride) = ((win.Kernel[0], win.Kernel[1]), (win.Strides[0], win.Strides[1]));
        var end = CeilEnd(n, x, win);
        if (Symmetric(win.Begin, end, win.Kernel)) return Back(x.MaxPool2d(kernel, stride, (win.Begin[0], win.Begin[1])), spatial);
        // padding beyond what the kernel takes: pad with −∞ explicitly (a max never picks it)
        return Back(Pad(x, win.Begin, end, float.NegativeInfinity).MaxPool2d(kernel, stride), spatial);
    }

    static Tensor AveragePool(OnnxNode n, Tensor?[] inputs)
    {
        var (x, spatial) = As2d(n, Float(n, inputs, 0));
        var win = Lift(WindowOf(n, x.Shape[(4 - spatial)..], null));
        var (kernel, stride) = ((win.Kernel[0], win.Kernel[1]), (win.Strides[0], win.Strides[1]));
        bool includePad = n.Int("count_include_pad", 0) != 0;
        bool padded = win.Begin.Concat(win.End).Any(p => p != 0);
        if (!padded || includePad && Symmetric(win.Begin, win.End, win.Kernel))
            return Back(x.AvgPool2d(kernel, stride, (win.Begin[0], win.Begin[1])), spatial);
        // zero padding counted in the divisor; without count_include_pad divide by the share of real positions,
        // the same pooling of a 0/1 mask: Σ real / (k·k) ÷ (#real / (k·k)) = Σ real / #real
        var y = Pad(x, win.Begin, win.End, 0).AvgPool2d(kernel, stride);
        if (includePad) return Back(y, spatial);
        var mask = Pad(Tensor.Ones(1, 1, x.Shape[2], x.Shape[3]), win.Begin, win.End, 0).AvgPool2d(kernel, stride);
        return Back(y.Div(mask), spatial);
    }

    /// <summary>The end padding, grown for ceil_mode so the last window that starts inside the input is kept.</summary>
    static int[] CeilEnd(OnnxNode n, Tensor x, Window w)
    {
        if (n.Int("ceil_mode", 0) == 0) return w.End;
        var end = (int[])w.End.Clone();
        for (int i = 0; i < 2; i++)
        {
            int size = x.Shape[2 + i], span = size + w.Begin[i] + w.End[i] - w.Kernel[i];
            int outSize = (span + w.Strides[i] - 1) / w.Strides[i] + 1;
            if ((outSize - 1) * w.Strides[i] >= size + w.Begin[i]) outSize--; // a window may not start in the end padding
            end[i] = Math.Max(w.End[i], (outSize - 1) * w.Strides[i] + w.Kernel[i] - size - w.Begin[i]);
        }
        return end;
    }

    /// <summary>Padding Neurite's pooling takes itself: the same on both sides, at most half the kernel.</summary>
    static bool Symmetric(int[] begin, int[] end, int[] kernel) =>
        begin[0] == end[0] && begin[1] == end[1] && 2 * begin[0] <= kernel[0] && 2 * begin[1] <= kernel[1];

    /// <summary>[N, C, H, W] with rows and columns of <paramref name="value"/> added before and after.</summary>
    static Tensor Pad(Tensor x, int[] begin, int[] end, double value) => PadAxes(x, 2, begin, end, value);

    /// <summary>Adds begin[i] and end[i] elements of <paramref name="value"/> on axis first + i (a negative count crops).</summary>
    static Tensor PadAxes(Tensor x, int first, int[] begin, int[] end, double value)
    {
        for (int i = 0; i < begin.Length; i++)
        {
            int axis = first + i, b = begin[i], e = end[i];
            if (b < 0 || e < 0)
            {
                int from = Math.Max(0, -b), to = x.Shape[axis] - Math.Max(0, -e);
                if (to < from) throw new ArgumentException($"pads {b}, {e} crop more than axis {axis} of size {x.Shape[axis]} holds");
                x = x.Narrow(axis, from, to - from);
                (b, e) = (Math.Max(b, 0), Math.Max(e, 0));
            }
            if (b == 0 && e == 0) continue;
            int[] sb = [.. x.Shape], se = [.. x.Shape];
            (sb[axis], se[axis]) = (b, e);
            x = Tensor.Concat([Tensor.Full(sb, value, x.DType), x, Tensor.Full(se, value, x.DType)], axis);
        }
        return x;
    }

    /// <summary>Constant padding (opset ≥ 11: pads [begin…, end…] and the value as inputs; from 18 optional axes).</summary>
    static Tensor PadOp(OnnxNode n, Tensor?[] inputs)
    {
        var x = n.In(inputs, 0);
        var pads = n.ToInts(n.Longs(n.In(inputs, 1), "pads"), "pads");
        var value = OnnxNode.Optional(inputs, 2) is { } v && v.NumEl > 0 ? v.Item() : 0;
        int[] axes = OnnxNode.Optional(inputs, 3) is { } a ? n.Longs(a, "axes").Select(ax => n.Axis(ax, x.Rank, "axes")).ToArray() : Enumerable.Range(0, x.Rank).ToArray();
        if (pads.Length != 2 * axes.Length) throw n.Bad($"pads has {pads.Length} values for {axes.Length} axes (expected {2 * axes.Length})");
        int[] begin = new int[x.Rank], end = new int[x.Rank];
        for (int i = 0; i < axes.Length; i++) (begin[axes[i]], end[axes[i]]) = (pads[i], pads[axes.Length + i]);
        return PadAxes(x, 0, begin, end, value);
    }

    static Tensor GlobalAveragePool(OnnxNode n, Tensor?[] inputs)
    {
        var x = Float(n, inputs, 0);
        if (x.Rank < 3) throw n.Bad($"expects input [N, C, …], got {Neurite.Shape.Format(x.Shape)}");
        return x.Rank == 4 ? x.AdaptiveAvgPool2d(1, 1) : x.Mean(Enumerable.Range(2, x.Rank - 2).ToArray(), keepDim: true);
    }

    /// <summary>Inference batch norm: y = scale·(x − mean)/√(var + ε) + B per channel (training_mode must be 0).</summary>
    static Tensor BatchNormalization(OnnxNode n, Tensor?[] x)
    {
        return Tensor.BatchNorm(Float(n, x, 0), Float(n, x, 1), Float(n, x, 2), Float(n, x, 3), Float(n, x, 4), training: false, eps: n.Float("epsilon", 1e-5f));
    }

    /// <summary>y = (x − μ)/√(σ² + ε)·scale + B over the dimensions from <c>axis</c> on (σ² biased).</summary>
    static Tensor LayerNormalization(OnnxNode n, Tensor?[] inputs)
    {
        Tensor x = Float(n, inputs, 0), scale = Float(n, inputs, 1);
        var b = OnnxNode.Optional(inputs, 2);
        int axis = n.Axis(n.Int("axis", -1), x.Rank);
        var axes = Enumerable.Range(axis, x.Rank - axis).ToArray();
        double eps = n.Float("epsilon", 1e-5f);
        var centered = x.Sub(x.Mean(axes, keepDim: true));
        var y = centered.Div(centered.Square().Mean(axes, keepDim: true).Add(eps).Sqrt()).Mul(scale);
        return b is null ? y : y.Add(b);
    }
}
