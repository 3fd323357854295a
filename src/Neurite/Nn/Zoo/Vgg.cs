namespace Neurite.Nn.Zoo;

/// <summary>
/// VGG (Simonyan &amp; Zisserman 2014): stacks of 3×3 convolutions (padding 1) with ReLU, separated by 2×2 max
/// pooling, then a classifier. At 224×224 and 1000 classes VGG-16 has 138,357,544 parameters (no batch
/// norm), VGG-11 132,863,336. For small inputs the classifier pools to 1×1 and is 512 wide.
/// </summary>
public static class Vgg
{
    /// <summary>Configuration A: channel counts, 0 for a max pool.</summary>
    public static readonly int[] Vgg11 = [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0];

    /// <summary>Configuration D.</summary>
    public static readonly int[] Vgg16 = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0];

    /// <summary>The VGG network of <paramref name="config"/> (<see cref="Vgg11"/>, <see cref="Vgg16"/> or your own list), like
    /// <c>torchvision.models.vgg16</c> (or <c>vgg16_bn</c> with batch norm): [N, InChannels, InputSize, InputSize] → [N, Classes] logits.
    /// Default options: 3 channels, 224×224, 1000 classes, dropout 0.5.</summary>
    /// <param name="config">Channel counts of the 3×3 convolutions in order, 0 for a 2×2 max pool.</param>
    /// <param name="options">Input, classes, width, batch norm and dropout.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option out of range (see <see cref="VisionOptions.Validated"/>).</exception>
    public static Sequential Create(int[] config, VisionOptions? options = null)
    {
        var o = (options ?? new VisionOptions()).Validated("vgg");
        var layers = new List<Module>();
        int channels = o.InChannels, size = o.InputSize;
        foreach (int v in config)
        {
            if (v == 0)
            {
                // Small inputs cannot be halved five times: stop pooling at 1×1.
                if (size >= 2) { layers.Add(new MaxPool2d(2)); size /= 2; }
                continue;
            }
            int c = o.Ch(v);
            layers.Add(new Conv2d(channels, c, 3, padding: 1));  // with a bias even before batch norm, as torchvision
            if (o.BatchNorm) layers.Add(new BatchNorm2d(c));
            layers.Add(new ReLU());
            channels = c;
        }
        int pooled = o.Small ? 1 : 7;
        int hidden = o.Small ? o.Ch(512) : o.Ch(4096);
        layers.AddRange([
            new AdaptiveAvgPool2d(pooled, pooled), new Flatten(),
            new Linear(channels * pooled * pooled, hidden), new ReLU(), new Dropout(o.Dropout),
            new Linear(hidden, hidden), new ReLU(), new Dropout(o.Dropout),
            new Linear(hidden, o.Classes),
        ]);
        return new Sequential(layers.ToArray());
    }
}
