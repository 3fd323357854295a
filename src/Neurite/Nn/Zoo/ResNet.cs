namespace Neurite.Nn.Zoo;

/// <summary>
/// The basic residual block of He et al. 2016: y = relu(bn(conv3×3(relu(bn(conv3×3(x))))) + shortcut(x)),
/// where the shortcut is the identity, or a 1×1 convolution with batch norm when the stride or the channel
/// count changes. The identity path lets gradients reach early layers undiminished.
/// </summary>
public sealed class BasicBlock : Module
{
    /// <summary>Output channels per <c>channels</c>: 1 (the block outputs <c>channels</c>).</summary>
    public const int Expansion = 1;
    internal readonly Conv2d conv1, conv2;
    internal readonly BatchNorm2d bn1, bn2;
    internal readonly Sequential? shortcut;

    /// <summary>Two 3×3 convolutions (the first with <paramref name="stride"/>), each with batch norm, and the shortcut.</summary>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="channels">Channels of both convolutions and of the output.</param>
    /// <param name="stride">Stride of the first convolution and the shortcut (2 halves H and W).</param>
    public BasicBlock(int inChannels, int channels, int stride = 1)
    {
        conv1 = RegisterModule("conv1", new Conv2d(inChannels, channels, 3, stride: stride, padding: 1, bias: false));
        bn1 = RegisterModule("bn1", new BatchNorm2d(channels));
        conv2 = RegisterModule("conv2", new Conv2d(channels, channels, 3, padding: 1, bias: false));
        bn2 = RegisterModule("bn2", new BatchNorm2d(channels));
        if (stride != 1 || inChannels != channels)
            shortcut = RegisterModule("downsample", new Sequential(new Conv2d(inChannels, channels, 1, stride: stride, bias: false), new BatchNorm2d(channels)));
    }

    /// <summary>[N, in, H, W] → [N, channels, ⌈H/stride⌉, ⌈W/stride⌉]: relu(residual(x) + shortcut(x)).</summary>
    public override Tensor Forward(Tensor x)
    {
        if (Folding.Applies(this, x))
        {
            var h = Folding.ConvBn(conv1, bn1, x, Activation.ReLU);
            var f = Folding.ConvBn(conv2, bn2, h, Activation.None);
            Folding.Recycle(h);                       // this block's own intermediate, read only by conv2
            var s = Shortcut(shortcut, x);
            Folding.AddRelu(f, s);
            if (s != x) Folding.Recycle(s);
            return f;
        }
        var y = bn1.Invoke(conv1.Invoke(x)).Relu();
        y = bn2.Invoke(conv2.Invoke(y));
        return y.Add(shortcut?.Invoke(x) ?? x).Relu();
    }

    /// <summary>The shortcut on the folded path: the identity, or the 1×1 convolution with its batch norm folded in.</summary>
    internal static Tensor Shortcut(Sequential? shortcut, Tensor x) =>
        shortcut is null ? x : Folding.ConvBn((Conv2d)shortcut.Layers[0], (BatchNorm)shortcut.Layers[1], x, Activation.None);

    /// <summary>E.g. <c>BasicBlock(64 → 128, s=2)</c>.</summary>
    public override string Describe() => $"BasicBlock({conv1.InChannels} → {conv2.OutChannels}, s={conv1.Stride.Item1})";
}

/// <summary>
/// The bottleneck block of the deeper ResNets: 1×1 (reduce) – 3×3 – 1×1 (expand ×4) convolutions with batch
/// norm, plus the shortcut, so a 256-channel block does its 3×3 work on 64 channels.
/// </summary>
public sealed class Bottleneck : Module
{
    /// <summary>Output channels per <c>channels</c>: 4 (the last 1×1 convolution expands to 4·channels).</summary>
    public const int Expansion = 4;
    internal readonly Conv2d conv1, conv2, conv3;
    internal readonly BatchNorm2d bn1, bn2, bn3;
    internal readonly Sequential? shortcut;

    /// <summary>1×1 (to <paramref name="channels"/>) – 3×3 with <paramref name="stride"/> – 1×1 (to 4·channels), each with batch
    /// norm, and the shortcut (the stride on the 3×3, as torchvision's ResNet v1.5).</summary>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="channels">Channels of the inner convolutions; the block outputs <see cref="Expansion"/>·channels.</param>
    /// <param name="stride">Stride of the 3×3 convolution and the shortcut.</param>
    public Bottleneck(int inChannels, int channels, int stride = 1)
    {
        int outChannels = channels * Expansion;
        conv1 = RegisterModule("conv1", new Conv2d(inChannels, channels, 1, bias: false));
        bn1 = RegisterModule("bn1", new BatchNorm2d(channels));
        conv2 = RegisterModule("conv2", new Conv2d(channels, channels, 3, stride: stride, padding: 1, bias: false));
        bn2 = RegisterModule("bn2", new BatchNorm2d(channels));
        conv3 = RegisterModule("conv3", new Conv2d(channels, outChannels, 1, bias: false));
        bn3 = RegisterModule("bn3", new BatchNorm2d(outChannels));
        if (stride != 1 || inChannels != outChannels)
            shortcut = RegisterModule("downsample", new Sequential(new Conv2d(inChannels, outChannels, 1, stride: stride, bias: false), new BatchNorm2d(outChannels)));
    }

    /// <summary>[N, in, H, W] → [N, 4·channels, ⌈H/stride⌉, ⌈W/stride⌉]: relu(residual(x) + shortcut(x)).</summary>
    public override Tensor Forward(Tensor x)
    {
        if (Folding.Applies(this, x))
        {
            var h1 = Folding.ConvBn(conv1, bn1, x, Activation.ReLU);
            var h2 = Folding.ConvBn(conv2, bn2, h1, Activation.ReLU);
            Folding.Recycle(h1);
            var f = Folding.ConvBn(conv3, bn3, h2, Activation.None);
            Folding.Recycle(h2);
            var s = BasicBlock.Shortcut(shortcut, x);
            Folding.AddRelu(f, s);
            if (s != x) Folding.Recycle(s);
            return f;
        }
        var y = bn1.Invoke(conv1.Invoke(x)).Relu();
        y = bn2.Invoke(conv2.Invoke(y)).Relu();
        y = bn3.Invoke(conv3.Invoke(y));
        return y.Add(shortcut?.Invoke(x) ?? x).Relu();
    }

    /// <summary>E.g. <c>Bottleneck(256 → 512, s=2)</c>.</summary>
    public override string Describe() => $"Bottleneck({conv1.InChannels} → {conv3.OutChannels}, s={conv2.Stride.Item1})";
}

/// <summary>
/// Residual networks. ResNet-18/50 follow torchvision (11,689,512 and 25,557,032 parameters at 224×224 with
/// 1000 classes); small inputs get a 3×3 stride-1 stem without max pooling. ResNet-20 is the CIFAR network of
/// He et al. §4.2: a 3×3 stem of 16 channels and three stages of three basic blocks (16, 32, 64 channels),
/// with 1×1 projection shortcuts where the shape changes.
/// </summary>
public static class ResNet
{
    /// <summary>ResNet-18 (<c>torchvision.models.resnet18</c>): basic blocks [2, 2, 2, 2] at 64, 128, 256, 512 channels.
    /// Default options: 3 channels, 224×224, 1000 classes. Batch norm is always used; the dropout option is ignored.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option out of range (see <see cref="VisionOptions.Validated"/>).</exception>
    public static Sequential ResNet18(VisionOptions? options = null) => ImageNetStyle(options, [2, 2, 2, 2], bottleneck: false, "resnet18");

    /// <summary>ResNet-50 (<c>torchvision.models.resnet50</c>): bottleneck blocks [3, 4, 6, 3], output 256 … 2048 channels.
    /// Default options: 3 channels, 224×224, 1000 classes. Batch norm is always used; the dropout option is ignored.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option out of range (see <see cref="VisionOptions.Validated"/>).</exception>
    public static Sequential ResNet50(VisionOptions? options = null) => ImageNetStyle(options, [3, 4, 6, 3], bottleneck: true, "resnet50");

    /// <summary>ResNet-20 for CIFAR (He et al. §4.2): three stages of three basic blocks at 16, 32, 64 channels
    /// (1×1 projection shortcuts). Default options: 3 channels, 32×32, 10 classes. Batch norm is always used; the dropout option is ignored.</summary>
    /// <example><code>var net = ResNet.ResNet20();  // [N, 3, 32, 32] → [N, 10]</code></example>
    /// <exception cref="ArgumentOutOfRangeException">An option out of range (see <see cref="VisionOptions.Validated"/>).</exception>
    public static Sequential ResNet20(VisionOptions? options = null)
    {
        var o = (options ?? new VisionOptions(InChannels: 3, Classes: 10, InputSize: 32)).Validated("resnet20");
        int c = o.Ch(16);
        var layers = new List<Module> { new Conv2d(o.InChannels, c, 3, padding: 1, bias: false), new BatchNorm2d(c), new ReLU() };
        int channels = c;
        foreach (var (width, stride) in new[] { (o.Ch(16), 1), (o.Ch(32), 2), (o.Ch(64), 2) })
            for (int b = 0; b < 3; b++)
            {
                layers.Add(new BasicBlock(channels, width, b == 0 ? stride : 1));
                channels = width;
            }
        layers.AddRange([new GlobalAvgPool2d(), new Linear(channels, o.Classes)]);
        return new Sequential(layers.ToArray());
    }

    static Sequential ImageNetStyle(VisionOptions? options, int[] blocks, bool bottleneck, string name)
    {
        var o = (options ?? new VisionOptions()).Validated(name);
        int stem = o.Ch(64);
        var layers = new List<Module>();
        if (o.Small) layers.AddRange([new Conv2d(o.InChannels, stem, 3, padding: 1, bias: false), new BatchNorm2d(stem), new ReLU()]);
        else layers.AddRange([new Conv2d(o.InChannels, stem, 7, stride: 2, padding: 3, bias: false), new BatchNorm2d(stem), new ReLU(), new MaxPool2d(3, 2, 1)]);
        int channels = stem;
        int[] widths = [o.Ch(64), o.Ch(128), o.Ch(256), o.Ch(512)];
        for (int s = 0; s < 4; s++)
            for (int b = 0; b < blocks[s]; b++)
            {
                int stride = b == 0 && s > 0 ? 2 : 1;
                if (bottleneck)
                {
                    layers.Add(new Bottleneck(channels, widths[s], stride));
                    channels = widths[s] * Bottleneck.Expansion;
                }
                else
                {
                    layers.Add(new BasicBlock(channels, widths[s], stride));
                    channels = widths[s];
                }
            }
        layers.AddRange([new GlobalAvgPool2d(), new Linear(channels, o.Classes)]);
        return new Sequential(layers.ToArray());
    }
}
