using Neurite.Data;

namespace Neurite.Cli;

/// <summary>A data set split for training: train, dev (validation) and test, and what the model must map.</summary>
public sealed record PreparedData(string Name, TensorDataset Train, TensorDataset Dev, TensorDataset Test, int Inputs, int Outputs, bool Classification, IReadOnlyList<string>? ClassNames);

/// <summary>Resolves `--dataset NAME` or `--csv FILE` into splits.</summary>
public static class DataSources
{
    public static readonly string[] Names = ["digits", "iris", "fashion-mnist", "xor", "spirals", "moons", "circles", "blobs", "curve"];

    public static PreparedData Load(string? dataset, string? csv, string? label, string? dataDir, bool regression, ulong seed)
    {
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

    static PreparedData Split3(string name, TensorDataset data, ulong seed, bool classification, IReadOnlyList<string>? classNames)
    {
        var splits = Split.TrainDevTest(data, (0.7, 0.1, 0.2), seed, stratified: classification);
        int inputs = data.Features.NumEl / Math.Max(1, data.Count);
        int outputs = classification ? (int)data.Labels.ToLongArray().Max() + 1 : Math.Max(1, data.Labels.NumEl / Math.Max(1, data.Count));
        return new PreparedData(name, splits.Train, splits.Dev, splits.Test, inputs, outputs, classification, classNames ?? data.ClassNames);
    }
}
