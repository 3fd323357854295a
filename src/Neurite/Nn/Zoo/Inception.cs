namespace Neurite.Nn.Zoo;

/// <summary>
/// A GoogLeNet-style Inception block (Szegedy et al. 2015): four parallel branches — 1×1; 1×1 reduction then
/// 3×3; 1×1 reduction then 5×5; 3×3 max pool then 1×1 projection — concatenated along the channels. The 1×1
/// reductions are what keep the larger kernels affordable.
/// </summary>
public sealed class InceptionBlock : Module
{
    internal readonly Sequential b1, b3, b5, pool;

    /// <summary>Channels of the output: c1 + c3 + c5 + proj.</summary>
    public int OutChannels { get; }

    /// <summary>A block with GoogLeNet's channel parameters (e.g. 3a: 192 → 64, 96, 128, 16, 32, 32).</summary>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="c1">Output channels of the 1×1 branch.</param>
    /// <param name="r3">Channels of the 1×1 reduction before the 3×3.</param>
    /// <param name="c3">Output channels of the 3×3 branch.</param>
    /// <param name="r5">Channels of the 1×1 reduction before the 5×5.</param>
    /// <param name="c5">Output channels of the 5×5 branch.</param>
    /// <param name="proj">Output channels of the 1×1 projection after the 3×3 max pool.</param>
    /// <param name="batchNorm">Whether each convolution is followed by batch norm (then it has no bias).</param>
    public InceptionBlock(int inChannels, int c1, int r3, int c3, int r5, int c5, int proj, bool batchNorm = true)
    {
        b1 = RegisterModule("branch1", new Sequential(Conv(inChannels, c1, 1, batchNorm)));
        b3 = RegisterModule("branch3", new Sequential([.. Conv(inChannels, r3, 1, batchNorm), .. Conv(r3, c3, 3, batchNorm)]));
        b5 = RegisterModule("branch5", new Sequential([.. Conv(inChannels, r5, 1, batchNorm), .. Conv(r5, c5, 5, batchNorm)]));
        pool = RegisterModule("pool", new Sequential([new MaxPool2d(3, 1, 1), .. Conv(inChannels, proj, 1, batchNorm)]));
        OutChannels = c1 + c3 + c5 + proj;
    }

    static Module[] Conv(int inC, int outC, int k, bool bn) => bn
        ? [new Conv2d(inC, outC, k, padding: k / 2, bias: false), new BatchNorm2d(outC), new ReLU()]
        : [new Conv2d(inC, outC, k, padding: k / 2), new ReLU()];

    /// <summary>[N, in, H, W] → [N, OutChannels, H, W]: the four branches (all keeping H and W) concatenated along the channels.</summary>
    public override Tensor Forward(Tensor x) => Tensor.Concat([b1.Invoke(x), b3.Invoke(x), b5.Invoke(x), pool.Invoke(x)], 1);

    /// <summary>E.g. <c>InceptionBlock(→ 256)</c>.</summary>
    public override string Describe() => $"InceptionBlock(→ {OutChannels})";
}

/// <summary>
/// A small Inception network: a convolutional stem, Inception blocks 3a and 3b of GoogLeNet (channel counts
/// scaled by the width option), a max pool, blocks 4a and 4b, global average pooling, dropout and a linear
/// classifier. Sized for 28×28/32×32 inputs; at larger inputs the stem downsamples by 4 first.
/// </summary>
public static class Inception
{
    /// <summary>The network, [N, InChannels, InputSize, InputSize] → [N, Classes] logits. Default options: 3 channels, 32×32,
    /// 10 classes, batch norm, dropout 0.2.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option out of range (see <see cref="VisionOptions.Validated"/>).</exception>
    public static Sequential Create(VisionOptions? options = null)
    {
        var o = (options ?? new VisionOptions(InChannels: 3, Classes: 10, InputSize: 32, BatchNorm: true, Dropout: 0.2)).Validated("inception");
        int stem = o.Ch(64), wide = o.Ch(192);
        var layers = new List<Module>();
        if (o.Small) layers.AddRange([new Conv2d(o.InChannels, stem, 3, padding: 1), new ReLU(), new Conv2d(stem, wide, 3, padding: 1), new ReLU()]);
        else layers.AddRange([new Conv2d(o.InChannels, stem, 7, stride: 2, padding: 3), new ReLU(), new MaxPool2d(3, 2, 1), new Conv2d(stem, wide, 3, padding: 1), new ReLU(), new MaxPool2d(3, 2, 1)]);
        var a3 = new InceptionBlock(wide, o.Ch(64), o.Ch(96), o.Ch(128), o.Ch(16), o.Ch(32), o.Ch(32), o.BatchNorm);
        var b3 = new InceptionBlock(a3.OutChannels, o.Ch(128), o.Ch(128), o.Ch(192), o.Ch(32), o.Ch(96), o.Ch(64), o.BatchNorm);
        var a4 = new InceptionBlock(b3.OutChannels, o.Ch(192), o.Ch(96), o.Ch(208), o.Ch(16), o.Ch(48), o.Ch(64), o.BatchNorm);
        var b4 = new InceptionBlock(a4.OutChannels, o.Ch(160), o.Ch(112), o.Ch(224), o.Ch(24), o.Ch(64), o.Ch(64), o.BatchNorm);
        layers.AddRange([a3, b3, new MaxPool2d(3, 2, 1), a4, b4, new GlobalAvgPool2d()]);
        if (o.Dropout > 0) layers.Add(new Dropout(o.Dropout));
        layers.Add(new Linear(b4.OutChannels, o.Classes));
        return new Sequential(layers.ToArray());
    }
}
