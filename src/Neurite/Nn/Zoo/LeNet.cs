namespace Neurite.Nn.Zoo;

/// <summary>
/// LeNet-5 (LeCun et al. 1998) with ReLU and max pooling as in BENCHMARKS.md: conv 5×5 (6) – pool –
/// conv 5×5 (16) – pool – 120 – 84 – classes. For 28×28 input the first convolution pads by 2, so the
/// feature map entering the classifier is 16×5×5 as for the original 32×32 input.
/// </summary>
public static class LeNet
{
    /// <summary>The network, [N, InChannels, InputSize, InputSize] → [N, Classes] logits. Default options: 1 channel, 28×28,
    /// 10 classes, no dropout (dropout &gt; 0 adds one after the 120-unit layer); the batch-norm option is ignored.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option out of range (see <see cref="VisionOptions.Validated"/>).</exception>
    /// <exception cref="ArgumentException">The input is too small for the two 5×5 convolutions and poolings.</exception>
    public static Sequential Create(VisionOptions? options = null)
    {
        var o = (options ?? new VisionOptions(InChannels: 1, Classes: 10, InputSize: 28, Dropout: 0)).Validated("lenet5");
        int pad = o.InputSize < 32 ? (32 - o.InputSize + 1) / 2 : 0;
        int afterConv1 = (o.InputSize + 2 * pad - 4) / 2;
        int afterConv2 = (afterConv1 - 4) / 2;
        if (afterConv2 < 1) throw new ArgumentException($"lenet5: input size {o.InputSize} is too small");
        int c1 = o.Ch(6), c2 = o.Ch(16);
        var layers = new List<Module>
        {
            new Conv2d(o.InChannels, c1, 5, padding: pad), new ReLU(), new MaxPool2d(2),
            new Conv2d(c1, c2, 5), new ReLU(), new MaxPool2d(2),
            new Flatten(),
            new Linear(c2 * afterConv2 * afterConv2, o.Ch(120)), new ReLU(),
        };
        if (o.Dropout > 0) layers.Add(new Dropout(o.Dropout));
        layers.AddRange([new Linear(o.Ch(120), o.Ch(84)), new ReLU(), new Linear(o.Ch(84), o.Classes)]);
        return new Sequential(layers.ToArray());
    }
}
