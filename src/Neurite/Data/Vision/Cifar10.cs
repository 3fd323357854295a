namespace Neurite.Data.Vision;

/// <summary>
/// CIFAR-10 (Krizhevsky 2009): 60,000 colour 32×32 images of 10 classes, 50,000 for training and 10,000
/// for testing, read from the "binary version" files.
/// </summary>
/// <remarks>
/// The folder holds <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c> and <c>test_batch.bin</c> (or a
/// <c>cifar-10-batches-bin</c> sub-folder that does). Each file is a run of 3,073-byte records: one label
/// byte (0–9), then 3,072 pixel bytes — the 1,024 red values of the 32×32 image row by row, then the green,
/// then the blue — which is exactly NCHW, so a record becomes a sample with one scaled copy.
/// <code>
/// var (train, test) = Cifar10.Load("data/cifar-10-batches-bin");   // x float32 [50000, 3, 32, 32] in [0, 1]
/// var augment = new Compose(new RandomCrop(new(32, 4)), new RandomHorizontalFlip(), new Normalize(Cifar10.Mean, Cifar10.Std));
/// </code>
/// </remarks>
public static class Cifar10
{
    /// <summary>Bytes per record: 1 label + 3 × 32 × 32 pixels.</summary>
    public const int RecordSize = 1 + PixelsPerImage;

    const int PixelsPerImage = 3 * 32 * 32;

    /// <summary>The ten classes, in label order (from <c>batches.meta.txt</c>).</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>Per-channel (R, G, B) mean of the training images in [0, 1], for <see cref="Normalize"/>.</summary>
    public static IReadOnlyList<float> Mean { get; } = [0.4914f, 0.4822f, 0.4465f];

    /// <summary>Per-channel (R, G, B) standard deviation of the training images in [0, 1].</summary>
    public static IReadOnlyList<float> Std { get; } = [0.2470f, 0.2435f, 0.2616f];

    /// <summary>The training files, in order.</summary>
    public static IReadOnlyList<string> TrainFiles { get; } =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    /// <summary>The test file.</summary>
    public const string TestFile = "test_batch.bin";

    /// <summary>
    /// Loads the training set (the five data batches, concatenated in order) and the test set: features
    /// float32 [N, 3, 32, 32] with pixels scaled to [0, 1], labels int64 [N], <see cref="ClassNames"/> attached.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing (the message names it and lists the six expected).</exception>
    /// <exception cref="DataFormatException">A file's size is not a multiple of 3,073 bytes, or a label is outside 0–9.</exception>
    public static (TensorDataset Train, TensorDataset Test) Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Cifar10: folder {Path.GetFullPath(folder)} not found; it should hold the binary version " +
                $"(cifar-10-binary.tar.gz, extracted): {string.Join(", ", TrainFiles)} and {TestFile}");
        string nested = Path.Combine(folder, "cifar-10-batches-bin");
        if (!File.Exists(Path.Combine(folder, TestFile)) && Directory.Exists(nested)) folder = nested;
        return (Read(TrainFiles.Select(f => Locate(folder, f)).ToArray()), Read([Locate(folder, TestFile)]));
    }

    /// <summary>Reads one or more CIFAR-10 binary files into a single data set, records in file order.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="DataFormatException">A file's size is not a multiple of 3,073 bytes, or a label is outside 0–9.</exception>
    public static TensorDataset Read(params string[] files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var sizes = new long[files.Length];
        long total = 0;
        for (int f = 0; f < files.Length; f++)
        {
            var info = new FileInfo(files[f]);
            if (!info.Exists) throw new FileNotFoundException($"Cifar10: {Path.GetFullPath(files[f])} not found", files[f]);
            if (info.Length % RecordSize != 0)
                throw new DataFormatException(files[f], 0,
                    $"size {info.Length} bytes is not a multiple of {RecordSize} (a CIFAR-10 record is 1 label byte + {PixelsPerImage} pixel bytes); " +
                    $"{info.Length / RecordSize} whole records and {info.Length % RecordSize} bytes left over");
            sizes[f] = info.Length / RecordSize;
            total += sizes[f];
        }
        if (total * PixelsPerImage > Array.MaxLength)
            throw new DataFormatException(files[0], 0, $"{total} images are too many for one tensor");
        int n = (int)total;
        var x = new float[n * PixelsPerImage];
        var y = new long[n];
        var record = new byte[RecordSize];
        int at = 0;
        for (int f = 0; f < files.Length; f++)
        {
            using var stream = new FileStream(files[f], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            for (long r = 0; r < sizes[f]; r++, at++)
            {
                stream.ReadExactly(record);
                if (record[0] > 9)
                    throw new DataFormatException(files[f], 0, $"record {r} (byte offset {r * RecordSize}) has label {record[0]}, expected 0–9");
                y[at] = record[0];
                var pixels = x.AsSpan(at * PixelsPerImage, PixelsPerImage);
                for (int i = 0; i < PixelsPerImage; i++) pixels[i] = record[1 + i] * (1f / 255);
            }
        }
        return new TensorDataset(Tensor.Wrap(x, n, 3, 32, 32), Tensor.FromArray(y, n), ClassNames);
    }

    static string Locate(string folder, string name)
    {
        string path = Path.Combine(folder, name);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"Cifar10: {Path.GetFullPath(path)} not found; expected {string.Join(", ", TrainFiles)} and {TestFile} in {Path.GetFullPath(folder)}", path);
        return path;
    }
}
