namespace Neurite.Nn.Zoo;

/// <summary>
/// The basic residual block of He et al. 2016: y = relu(bn(conv3×3(relu(bn(conv3×3(x))))) + shortcut(x)),
/// where the shortcut is the identity, or a 1×1 convolution with batch norm when the stride or the channel
/// count changes. The identity path lets gradients reach early layers undiminished.
/// </summary>
public sealed class BasicBlock : Module
{
    public const int Expansion = 1;
    internal readonly Conv2d conv1, conv2;
    internal readonly BatchNorm2d bn1, bn2;
    internal readonly Sequential? shortcut;

    public BasicBlock(int inChannels, int channels, int stride = 1)
    {
        conv1 = RegisterModule("conv1", new Conv2d(inChannels, channels, 3, stride: stride, padding: 1, bias: false));
        bn1 = RegisterModule("bn1", new BatchNorm2d(channels));
        conv2 = RegisterModule("conv2", new Conv2d(channels, channels, 3, padding: 1, bias: false));
        bn2 = RegisterModule("bn2", new BatchNorm2d(channels));
        if (stride != 1 || inChannels != channels)
            shortcut = RegisterModule("downsample", new Sequential(new Conv2d(inChannels, channels, 1, stride: stride, bias: false), new BatchNorm2d(channels)));
    }

    public override Tensor Forward(Tensor x)
    {
        var y = bn1.Forward(conv1.Forward(x)).Relu();
        y = bn2.Forward(conv2.Forward(y));
        return y.Add(shortcut?.Forward(x) ?? x).Relu();
    }

    public override string Describe() => $"BasicBlock({conv1.InChannels} → {conv2.OutChannels}, s={conv1.Stride.Item1})";
}

/// <summary>
/// The bottleneck block of the deeper ResNets: 1×1 (reduce) – 3×3 – 1×1 (expand ×4) convolutions with batch
/// norm, plus the shortcut, so a 256-channel block does its 3×3 work on 64 channels.
/// </summary>
public sealed class Bottleneck : Module
{
    public const int Expansion = 4;
    internal readonly Conv2d conv1, conv2, conv3;
    internal readonly BatchNorm2d bn1, bn2, bn3;
    internal readonly Sequential? shortcut;

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

    public override Tensor Forward(Tensor x)
    {
        var y = bn1.Forward(conv1.Forward(x)).Relu();
        y = bn2.Forward(conv2.Forward(y)).Relu();
        y = bn3.Forward(conv3.Forward(y));
        return y.Add(shortcut?.Forward(x) ?? x).Relu();
    }

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
    public static Sequential ResNet18(VisionOptions? options = null) => ImageNetStyle(options, [2, 2, 2, 2], bottleneck: false, "resnet18");

    public static Sequential ResNet50(VisionOptions? options = null) => ImageNetStyle(options, [3, 4, 6, 3], bottleneck: true, "resnet50");

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
