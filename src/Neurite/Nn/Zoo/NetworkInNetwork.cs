namespace Neurite.Nn.Zoo;

/// <summary>
/// Network in Network (Lin et al. 2013): each "mlpconv" block is a spatial convolution followed by two 1×1
/// convolutions (a small MLP over channels at every pixel); the last block outputs one map per class, and
/// global average pooling replaces the fully connected classifier.
/// </summary>
public static class NetworkInNetwork
{
    /// <summary>The network, [N, InChannels, InputSize, InputSize] → [N, Classes] logits (the class maps averaged). Default
    /// options: 3 channels, 32×32, 10 classes, dropout 0.5 after each pooling; batch norm after every convolution when asked.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option out of range (see <see cref="VisionOptions.Validated"/>).</exception>
    public static Sequential Create(VisionOptions? options = null)
    {
        var o = (options ?? new VisionOptions(InChannels: 3, Classes: 10, InputSize: 32)).Validated("nin");
        var layers = new List<Module>();
        int c1 = o.Ch(192), c2 = o.Ch(160), c3 = o.Ch(96);
        if (o.Small)
        {
            layers.AddRange(MlpConv(o.InChannels, c1, c2, c3, 5, 1, 2, o.BatchNorm));
            layers.AddRange([new MaxPool2d(3, 2, 1), new Dropout(o.Dropout)]);
            layers.AddRange(MlpConv(c3, c1, c1, c1, 5, 1, 2, o.BatchNorm));
            layers.AddRange([new AvgPool2d(3, 2, 1), new Dropout(o.Dropout)]);
            layers.AddRange(MlpConv(c1, c1, c1, o.Classes, 3, 1, 1, o.BatchNorm, finalRelu: false));
        }
        else
        {
            layers.AddRange(MlpConv(o.InChannels, o.Ch(96), o.Ch(96), o.Ch(96), 11, 4, 0, o.BatchNorm));
            layers.AddRange([new MaxPool2d(3, 2), new Dropout(o.Dropout)]);
            layers.AddRange(MlpConv(o.Ch(96), o.Ch(256), o.Ch(256), o.Ch(256), 5, 1, 2, o.BatchNorm));
            layers.AddRange([new MaxPool2d(3, 2), new Dropout(o.Dropout)]);
            layers.AddRange(MlpConv(o.Ch(256), o.Ch(384), o.Ch(384), o.Ch(384), 3, 1, 1, o.BatchNorm));
            layers.AddRange([new MaxPool2d(3, 2), new Dropout(o.Dropout)]);
            layers.AddRange(MlpConv(o.Ch(384), o.Ch(1024), o.Ch(1024), o.Classes, 3, 1, 1, o.BatchNorm, finalRelu: false));
        }
        layers.Add(new GlobalAvgPool2d());
        return new Sequential(layers.ToArray());
    }

    static Module[] MlpConv(int inC, int c1, int c2, int c3, int k, int stride, int pad, bool bn, bool finalRelu = true)
    {
        var m = new List<Module> { new Conv2d(inC, c1, k, stride: stride, padding: pad) };
        if (bn) m.Add(new BatchNorm2d(c1));
        m.AddRange([new ReLU(), new Conv2d(c1, c2, 1)]);
        if (bn) m.Add(new BatchNorm2d(c2));
        m.AddRange([new ReLU(), new Conv2d(c2, c3, 1)]);
        if (finalRelu) m.Add(new ReLU());
        return m.ToArray();
    }
}
