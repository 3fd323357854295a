namespace Neurite.Nn.Zoo;

/// <summary>
/// AlexNet (Krizhevsky et al. 2012) in the single-tower form torchvision uses: five convolutions with
/// ReLU and overlapping max pooling, adaptive average pooling to 6×6, and a classifier of two 4096-unit
/// layers with dropout. At 224×224 and 1000 classes it has 61,100,840 parameters. For small inputs the
/// stem is a 3×3 convolution with stride 1, pooling shrinks the map to 4×4 (or less), and the classifier
/// is 1024 wide.
/// </summary>
public static class AlexNet
{
    /// <summary>The network, [N, InChannels, InputSize, InputSize] → [N, Classes] logits. Default options: 3 channels, 224×224,
    /// 1000 classes, dropout 0.5; the batch-norm option is ignored.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option out of range (see <see cref="VisionOptions.Validated"/>).</exception>
    public static Sequential Create(VisionOptions? options = null)
    {
        var o = (options ?? new VisionOptions()).Validated("alexnet");
        var c = new[] { o.Ch(64), o.Ch(192), o.Ch(384), o.Ch(256), o.Ch(256) };
        var layers = new List<Module>();
        if (o.Small)
        {
            layers.AddRange([new Conv2d(o.InChannels, c[0], 3, padding: 1), new ReLU(), new MaxPool2d(2)]);
            layers.AddRange([new Conv2d(c[0], c[1], 3, padding: 1), new ReLU(), new MaxPool2d(2)]);
        }
        else
        {
            layers.AddRange([new Conv2d(o.InChannels, c[0], 11, stride: 4, padding: 2), new ReLU(), new MaxPool2d(3, 2)]);
            layers.AddRange([new Conv2d(c[0], c[1], 5, padding: 2), new ReLU(), new MaxPool2d(3, 2)]);
        }
        layers.AddRange([
            new Conv2d(c[1], c[2], 3, padding: 1), new ReLU(),
            new Conv2d(c[2], c[3], 3, padding: 1), new ReLU(),
            new Conv2d(c[3], c[4], 3, padding: 1), new ReLU(),
        ]);
        int pooled = o.Small ? 3 : 6;
        int hidden = o.Small ? o.Ch(1024) : o.Ch(4096);
        if (!o.Small) layers.Add(new MaxPool2d(3, 2));
        layers.AddRange([
            new AdaptiveAvgPool2d(pooled, pooled), new Flatten(),
            new Dropout(o.Dropout), new Linear(c[4] * pooled * pooled, hidden), new ReLU(),
            new Dropout(o.Dropout), new Linear(hidden, hidden), new ReLU(),
            new Linear(hidden, o.Classes),
        ]);
        return new Sequential(layers.ToArray());
    }
}
