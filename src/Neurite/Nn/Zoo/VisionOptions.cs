namespace Neurite.Nn.Zoo;

/// <summary>
/// Options shared by the model zoo: input channels and size, number of classes, a width multiplier for
/// every layer's channel count, batch normalisation and dropout. At the published input size (e.g. 224 for
/// ImageNet models) each network matches its paper's layer sizes; at small sizes (≤ 64, e.g. 28×28
/// Fashion-MNIST or 32×32 CIFAR) the stems are reduced (smaller kernels and strides) as is usual.
/// </summary>
public sealed record VisionOptions(int InChannels = 3, int Classes = 1000, int InputSize = 224, double Width = 1.0, bool BatchNorm = false, double Dropout = 0.5)
{
    /// <summary>True for inputs of at most 64 pixels, which get a CIFAR-style stem.</summary>
    public bool Small => InputSize <= 64;

    /// <summary>Checks the values; returns this.</summary>
    public VisionOptions Validated(string model)
    {
        if (InChannels <= 0) throw new ArgumentOutOfRangeException(nameof(InChannels), InChannels, $"{model}: InChannels must be positive");
        if (Classes <= 0) throw new ArgumentOutOfRangeException(nameof(Classes), Classes, $"{model}: Classes must be positive");
        if (InputSize < 8) throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, $"{model}: InputSize must be at least 8");
        if (!(Width > 0)) throw new ArgumentOutOfRangeException(nameof(Width), Width, $"{model}: Width must be positive");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, $"{model}: Dropout must be in [0, 1)");
        return this;
    }

    /// <summary>A channel count scaled by <see cref="Width"/> (at least 1).</summary>
    public int Ch(int channels) => Math.Max(1, (int)Math.Round(channels * Width));
}

/// <summary>Builds the zoo's networks by name (the CLI's <c>--model</c>): one table of names and builders.</summary>
public static class Zoo
{
    static readonly (string Name, Func<VisionOptions, Sequential> Create)[] Table =
    [
        ("lenet5", LeNet.Create),
        ("alexnet", AlexNet.Create),
        ("vgg11", o => Vgg.Create(Vgg.Vgg11, o)),
        ("vgg16", o => Vgg.Create(Vgg.Vgg16, o)),
        ("resnet18", ResNet.ResNet18),
        ("resnet20", ResNet.ResNet20),
        ("resnet50", ResNet.ResNet50),
        ("nin", NetworkInNetwork.Create),
        ("inception", Inception.Create),
    ];

    /// <summary>The names <see cref="Create"/> accepts: lenet5, alexnet, vgg11, vgg16, resnet18, resnet20, resnet50, nin, inception.</summary>
    public static readonly string[] Names = Table.Select(t => t.Name).ToArray();

    /// <summary>The network named <paramref name="name"/> (exact, lower case) built with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists <see cref="Names"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option out of range.</exception>
    /// <example><code>var net = Zoo.Create("resnet20", new VisionOptions(Classes: 10, InputSize: 32));</code></example>
    public static Module Create(string name, VisionOptions options) =>
        Table.FirstOrDefault(t => t.Name == name).Create?.Invoke(options)
        ?? throw new ArgumentException($"zoo: unknown model '{name}'. Valid: {string.Join(", ", Names)}");
}
