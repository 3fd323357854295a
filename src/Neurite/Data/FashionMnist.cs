namespace Neurite.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul &amp; Vollgraf, 2017): 70,000 grey 28×28 images of 10 kinds of clothing,
/// 60,000 for training and 10,000 for testing, read from IDX files on disk.
/// </summary>
/// <remarks>
/// The files are <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>,
/// <c>t10k-labels-idx1-ubyte</c>, each optionally with <c>.gz</c>. Debian and Ubuntu ship them in the
/// <c>dataset-fashion-mnist</c> package under <see cref="DefaultFolder"/>. The same loader reads MNIST's
/// files (same names and format) from another folder.
/// <code>
/// var (train, test) = FashionMnist.Load();          // features [60000, 784] in [0, 1]
/// var images = train.ReshapeFeatures(1, 28, 28);    // [60000, 1, 28, 28]
/// </code>
/// </remarks>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The ten classes, in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>
    /// Loads the training and test sets from <paramref name="folder"/> (default <see cref="DefaultFolder"/>):
    /// features float32 [N, 784] with pixels scaled to [0, 1] (or [N, 1, 28, 28] when <paramref name="images"/>),
    /// labels int64 [N].
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist (the message says how to get the data).</exception>
    /// <exception cref="FileNotFoundException">A file is missing from the folder.</exception>
    /// <exception cref="DataFormatException">A file is corrupt, or images and labels disagree.</exception>
    public static (TensorDataset Train, TensorDataset Test) Load(string? folder = null, bool images = false)
    {
        folder ??= DefaultFolder;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                $"FashionMnist: folder {Path.GetFullPath(folder)} not found. Install the data with `apt-get install dataset-fashion-mnist` " +
                $"(it goes to {DefaultFolder}), or pass a folder holding train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], " +
                "t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz].");
        return (LoadPart(folder, "train", images), LoadPart(folder, "t10k", images));
    }

    static TensorDataset LoadPart(string folder, string prefix, bool images)
    {
        string imagePath = Find(folder, $"{prefix}-images-idx3-ubyte");
        string labelPath = Find(folder, $"{prefix}-labels-idx1-ubyte");
        var x = Idx.Read(imagePath, DType.Float32, scale: 1.0 / 255);
        var y = Idx.Read(labelPath, DType.Int64);
        if (x.Rank != 3)
            throw new DataFormatException(imagePath, 0, $"expected images of shape [N, rows, columns], got {Shape.Format(x.Shape)}");
        if (y.Rank != 1 || y.Size(0) != x.Size(0))
            throw new DataFormatException(labelPath, 0, $"expected {x.Size(0)} labels (one per image in {Path.GetFileName(imagePath)}), got shape {Shape.Format(y.Shape)}");
        foreach (long label in y.Span<long>())
            if ((ulong)label >= 10) throw new DataFormatException(labelPath, 0, $"label {label} is outside 0–9");
        int n = x.Size(0);
        var data = new TensorDataset(x.Reshape(n, x.Size(1) * x.Size(2)), y, ClassNames);
        return images ? data.ReshapeFeatures(1, x.Size(1), x.Size(2)) : data;
    }

    static string Find(string folder, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"FashionMnist: {Path.Combine(Path.GetFullPath(folder), name)}[.gz] not found. Install the data with `apt-get install dataset-fashion-mnist` or pass a folder holding the four IDX files", Path.Combine(folder, name));
    }
}
