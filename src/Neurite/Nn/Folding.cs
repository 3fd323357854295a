using System.Numerics.Tensors;

namespace Neurite.Nn;

/// <summary>
/// Inference with batch norm folded into the convolution before it: in evaluation mode batch norm is the affine
/// map y = γ(x − μ)/√(σ² + ε) + β with fixed statistics, so conv then batch norm equals one convolution with
/// weights W·s and bias β + (b − μ)·s, s = γ/√(σ² + ε) per output channel (ONNX Runtime and TensorRT do the same
/// when they load a model). One kernel and one output array instead of three passes (conv, batch norm, ReLU) and
/// three arrays; the zoo's residual blocks take this path when they run in evaluation mode without a graph.
/// Measured on ResNet-20 inference, batch 64, one thread: see bench/README.md ("ort").
/// </summary>
internal static class Folding
{
    /// <summary>True when <paramref name="block"/> may fold: evaluation mode and no graph being recorded (so no
    /// gradient needs the unfolded ops), float32, and no module hooked (a hook must see each layer's own output).</summary>
    public static bool Applies(Module block, Tensor x) => !block.IsTraining && !Autograd.IsEnabled && x.DType == DType.Float32 && !Module.AnyHooks;

    /// <summary><paramref name="then"/>(bn(conv(x))) as one convolution.</summary>
    public static Tensor ConvBn(Conv2d conv, BatchNorm bn, Tensor x, Activation then)
    {
        int outC = conv.OutChannels;
        var scale = new float[outC];
        var shift = new float[outC];
        var mean = bn.RunningMean.Span<float>();
        var variance = bn.RunningVar.Span<float>();
        for (int c = 0; c < outC; c++)
        {
            float s = (bn.Weight?.Span<float>()[c] ?? 1f) / MathF.Sqrt(variance[c] + (float)bn.Eps);
            scale[c] = s;
            shift[c] = (bn.Bias?.Span<float>()[c] ?? 0f) + ((conv.Bias?.Span<float>()[c] ?? 0f) - mean[c]) * s;
        }
        var weight = Tensor.Uninitialized(conv.Weight.Shape.ToArray(), DType.Float32);
        var w = conv.Weight.Span<float>();
        var folded = weight.Span<float>();
        int perChannel = w.Length / outC;
        for (int c = 0; c < outC; c++) TensorPrimitives.Multiply(w.Slice(c * perChannel, perChannel), scale[c], folded.Slice(c * perChannel, perChannel));
        return Conv2d.Convolve(x, weight, Tensor.FromArray(shift), conv.Stride, conv.PaddingFor(x), conv.Dilation, conv.Groups, then);
    }

    /// <summary>
    /// Built-in modules that keep no reference to their input or output once their forward returns, when no graph is
    /// recorded: in a folding <see cref="Sequential"/>, an intermediate output that one of them produced and another
    /// consumed (and that the consumer's output does not share, as a view would) is dead, and its array goes back to
    /// the <see cref="StoragePool"/> for the next activation of that size. A user's module is never in this set, so
    /// what it receives or returns is never recycled.
    /// </summary>
    static readonly HashSet<Type> Retainless =
    [
        typeof(Zoo.BasicBlock), typeof(Zoo.Bottleneck), typeof(Conv2d), typeof(BatchNorm2d), typeof(ReLU), typeof(MaxPool2d), typeof(AvgPool2d),
        typeof(GlobalAvgPool2d), typeof(AdaptiveAvgPool2d), typeof(Linear), typeof(Flatten), typeof(Dropout), typeof(Dropout2d),
    ];

    /// <summary>True for a module of <see cref="Retainless"/>.</summary>
    public static bool KeepsNothing(Module m) => Retainless.Contains(m.GetType());

    /// <summary>Gives <paramref name="dead"/>'s array back for reuse.</summary>
    public static void Recycle(Tensor dead) => StoragePool.Recycle(dead.data);

    /// <summary>relu(y + shortcut) into y, which the caller owns (it was allocated by this block's forward).</summary>
    public static Tensor AddRelu(Tensor y, Tensor shortcut)
    {
        y.AddInPlace(shortcut);
        var v = y.Span<float>();
        TensorPrimitives.Max(v, 0f, v);
        return y;
    }
}
