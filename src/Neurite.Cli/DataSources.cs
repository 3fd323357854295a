using Neurite.Data;
using Neurite.Data.Vision;

namespace Neurite.Cli;

/// <summary>A data set split for training: train, dev (validation) and test, and what the model must map.</summary>
public sealed record PreparedData(string Name, TensorDataset Train, TensorDataset Dev, TensorDataset Test, int Inputs, int Outputs, bool Classification, IReadOnlyList<string>? ClassNames);

/// <summary>Resolves `--dataset NAME` or `--csv FILE` into splits.</summary>
public static class DataSources
{
    public static readonly string[] Names = ["digits", "iris", "fashion-mnist", "cifar10", "xor", "spirals", "moons", "circles", "blobs", "curve"];

    /// <summary>Data sets that are images, for convolutional networks: [N, C, H, W] with pixels in [0, 1].</summary>
    public static readonly string[] ImageNames = ["fashion-mnist", "cifar10", "digits"];

    public static PreparedData Load(string? dataset, string? csv, string? label, string? dataDir, bool regression, ulong seed, bool images = false)
    {
        if (images)
        {
            if (csv is not null) throw new UsageException("convolutional models need an image data set (--dataset fashion-mnist, cifar10 or digits), not --csv");
            return LoadImages(dataset ?? "fashion-mnist", dataDir, seed);
        }
        if (csv is not null)
        {
            LabelColumn column = label is null ? LabelColumn.Last
                : int.TryParse(label, out int index) ? new LabelColumn.At(index) : new LabelColumn.Named(label);
            var data = CsvLoader.Load(csv, new CsvOptions(Label: column, Kind: regression ? LabelKind.Regression : LabelKind.Class));
            return Split3(Path.GetFileName(csv), data.Data, seed, !regression, data.ClassNames);
        }
        string name = dataset ?? "digits";
        switch (name)
        {
            case "fashion-mnist":
                var (train, test) = FashionMnist.Load(dataDir);
                var (fit, dev) = Split.TrainTest(train, 1.0 / 12, seed, stratified: true); // 5,000 dev images
                return new PreparedData(name, fit, dev, test, 784, 10, true, FashionMnist.ClassNames);
            case "cifar10":
                var (ctrain, ctest) = Cifar10.Load(dataDir ?? throw new UsageException("--dataset cifar10 needs --data-dir FOLDER holding data_batch_1.bin … test_batch.bin"));
                var (cfit, cdev) = Split.TrainTest(Flat(ctrain), 0.1, seed, stratified: true);
                return new PreparedData(name, cfit, cdev, Flat(ctest), 3072, 10, true, Cifar10.ClassNames);
            case "digits": return Split3(name, Datasets.Digits(), seed, true, null);
            case "iris": return Split3(name, Datasets.Iris(), seed, true, null);
            case "xor": return Split3(name, Datasets.Xor(1000, 0.1, seed), seed, true, null);
            case "spirals": return Split3(name, Datasets.TwoSpirals(1000, 0.1, seed), seed, true, null);
            case "moons": return Split3(name, Datasets.Moons(1000, 0.1, seed), seed, true, null);
            case "circles": return Split3(name, Datasets.Circles(1000, 0.05, 0.5, seed), seed, true, null);
            case "blobs": return Split3(name, Datasets.Blobs(1000, 3, 1.0, 2, seed), seed, true, null);
            case "curve": return Split3(name, Datasets.NoisyCurve(500, 0.1, seed), seed, false, null);
            default: throw new UsageException($"--dataset: unknown data set '{name}'. Valid: {string.Join(", ", Names)}, or --csv FILE");
        }
    }

    static PreparedData LoadImages(string name, string? dataDir, ulong seed)
    {
        switch (name)
        {
            case "fashion-mnist":
                var (train, test) = FashionMnist.Load(dataDir, images: true);
                var (fit, dev) = Split.TrainTest(train, 1.0 / 12, seed, stratified: true);
                return new PreparedData(name, fit, dev, test, 784, 10, true, FashionMnist.ClassNames);
            case "cifar10":
                var (ctrain, ctest) = Cifar10.Load(dataDir ?? throw new UsageException("--dataset cifar10 needs --data-dir FOLDER holding data_batch_1.bin … test_batch.bin"));
                var (cfit, cdev) = Split.TrainTest(ctrain, 0.1, seed, stratified: true);
                return new PreparedData(name, cfit, cdev, ctest, 3072, 10, true, Cifar10.ClassNames);
            case "digits":
                return Split3(name, Datasets.Digits(images: true, scale: 1.0 / 16), seed, true, null);
            default:
                throw new UsageException($"--dataset: '{name}' is not an image data set; convolutional models train on {string.Join(", ", ImageNames)}");
        }
    }

    static TensorDataset Flat(TensorDataset images) => images.WithFeatures(images.Features.Reshape(images.Count, -1));

    static PreparedData Split3(string name, TensorDataset data, ulong seed, bool classification, IReadOnlyList<string>? classNames)
    {
        var splits = Split.TrainDevTest(data, (0.7, 0.1, 0.2), seed, stratified: classification);
        int inputs = data.Features.NumEl / Math.Max(1, data.Count);
        int outputs = classification ? (int)data.Labels.ToLongArray().Max() + 1 : Math.Max(1, data.Labels.NumEl / Math.Max(1, data.Count));
        return new PreparedData(name, splits.Train, splits.Dev, splits.Test, inputs, outputs, classification, classNames ?? data.ClassNames);
    }
}
