using Neurite.Data;
using Neurite.Data.Vision;
using Neurite.Serialization;

namespace Neurite.Cli;

/// <summary>A data set split for training: train, dev (validation) and test, what the model must map, and how the
/// rows were divided (saved with the model, so <c>eval</c> scores exactly the test rows).</summary>
public sealed record PreparedData(string Name, TensorDataset Train, TensorDataset Dev, TensorDataset Test, int Inputs, int Outputs, bool Classification,
    IReadOnlyList<string>? ClassNames, SplitInfo Split)
{
    /// <summary>The raw input columns of tabular data, in order; null for images and generated sets.</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>The fitted preprocessing of tabular data (JSON), saved with the model.</summary>
    public string? Preprocessing { get; init; }
}

/// <summary>What a data set is asked for: where its files are, the seed and fractions of the split, images or flat features.</summary>
/// <param name="DevFraction">Null: the data set's own default (<see cref="DataSetSpec.DevFraction"/>).</param>
public sealed record DataRequest(string? DataDir, ulong Seed, bool Images, double TestFraction = 0.2, double? DevFraction = null);

/// <summary>A built-in data set: how to load it whole, or with a fixed test part of its own (Fashion-MNIST, CIFAR-10).</summary>
/// <param name="Load">The rows; <c>FixedTest</c> when the data set comes with its own test files.</param>
/// <param name="DevFraction">The part of the (training) rows used for validation unless --dev-fraction says otherwise.</param>
public sealed record DataSetSpec(Func<DataRequest, (TensorDataset All, TensorDataset? FixedTest, IReadOnlyList<string>? ClassNames)> Load, bool Classification, bool Images,
    double DevFraction = 0.1);

/// <summary>Resolves `--dataset NAME` (one table) or `--csv FILE` into splits.</summary>
public static class DataSources
{
    public static readonly NameTable<DataSetSpec> Sets = new("--dataset",
        ("digits", new(r => (r.Images ? Datasets.Digits(images: true, scale: 1.0 / 16) : Datasets.Digits(), null, null), true, true)),
        ("iris", new(_ => (Datasets.Iris(), null, null), true, false)),
        // 5,000 of the 60,000 training images for validation
        ("fashion-mnist", new(r => { var (train, test) = FashionMnist.Load(r.DataDir, images: r.Images); return (train, test, FashionMnist.ClassNames); }, true, true, 1.0 / 12)),
        ("cifar10", new(r =>
        {
            var (train, test) = Cifar10.Load(r.DataDir ?? throw new UsageException("--dataset cifar10 needs --data-dir FOLDER holding data_batch_1.bin … test_batch.bin"));
            return r.Images ? (train, test, Cifar10.ClassNames) : (Flat(train), Flat(test), Cifar10.ClassNames);
        }, true, true)),
        ("xor", new(r => (Datasets.Xor(1000, 0.1, r.Seed), null, null), true, false)),
        ("spirals", new(r => (Datasets.TwoSpirals(1000, 0.1, r.Seed), null, null), true, false)),
        ("moons", new(r => (Datasets.Moons(1000, 0.1, r.Seed), null, null), true, false)),
        ("circles", new(r => (Datasets.Circles(1000, 0.05, 0.5, r.Seed), null, null), true, false)),
        ("blobs", new(r => (Datasets.Blobs(1000, 3, 1.0, 2, r.Seed), null, null), true, false)),
        ("curve", new(r => (Datasets.NoisyCurve(500, 0.1, r.Seed), null, null), false, false)));

    /// <summary>Data sets that are images, for convolutional networks: [N, C, H, W] with pixels in [0, 1].</summary>
    public static IEnumerable<string> ImageNames => Sets.Names.Where(n => Sets.Parse(n).Images);

    public static PreparedData Load(string? dataset, string? csv, string? label, bool regression, DataRequest request, string? impute = null)
    {
        if (csv is not null)
        {
            if (request.Images) throw new UsageException("convolutional models need an image data set (--dataset " + string.Join(", ", ImageNames) + "), not --csv");
            return Tabular.Load(csv, label, regression, request, impute);
        }
        string name = dataset ?? (request.Images ? "fashion-mnist" : "digits");
        var spec = Sets.Parse(name);
        if (request.Images && !spec.Images)
            throw new UsageException($"--dataset: '{name}' is not an image data set; convolutional models train on {string.Join(", ", ImageNames)}");
        var (all, fixedTest, classNames) = spec.Load(request);
        return Divide(name, all, fixedTest, spec.Classification, classNames ?? all.ClassNames, request with { DevFraction = request.DevFraction ?? spec.DevFraction });
    }

    static TensorDataset Flat(TensorDataset images) => images.WithFeatures(images.Features.Reshape(images.Count, -1));

    /// <summary>Splits the rows by the request's seed and fractions (stratified for classes); a data set with a test part
    /// of its own keeps it and takes the dev rows from its training part.</summary>
    internal static PreparedData Divide(string name, TensorDataset all, TensorDataset? fixedTest, bool classification, IReadOnlyList<string>? classNames, DataRequest r)
    {
        int inputs = all.Features.NumEl / Math.Max(1, all.Count);
        int outputs = classification ? (int)all.Labels.ToLongArray().Max() + 1 : Math.Max(1, all.Labels.NumEl / Math.Max(1, all.Count));
        if (fixedTest is not null)
        {
            double dev = r.DevFraction ?? 0.1;
            var (fit, devPart) = Split.TrainTest(all, dev, r.Seed, stratified: classification);
            return new PreparedData(name, fit, devPart, fixedTest, inputs, outputs, classification, classNames,
                new SplitInfo(all.Count, [1 - dev, dev, 0], classification, null));
        }
        double devFraction = r.DevFraction ?? 0.1;
        var fractions = (1 - r.TestFraction - devFraction, devFraction, r.TestFraction);
        var rows = Split.Indices(all.Count, fractions, r.Seed, classification ? all.Labels.ToLongArray() : null);
        return new PreparedData(name, all.Select(rows.Train), all.Select(rows.Dev), all.Select(rows.Test), inputs, outputs, classification, classNames,
            new SplitInfo(all.Count, [fractions.Item1, fractions.Item2, fractions.Item3], classification, [.. rows.Test.Order()]));
    }

    /// <summary>The test rows a model was trained without, from what its file says (<c>eval</c> with no data argument).</summary>
    public static (TensorDataset Test, string Description) TestRowsOf(ModelInfo info, string modelFile, string? dataDir)
    {
        if (info.Dataset is null || info.Split is null || info.Seed is null)
            throw new UsageException($"eval: {modelFile} does not say which data it was trained on (a model saved by an earlier version); give --dataset NAME or --csv FILE");
        bool images = info.InputShape is { Length: 3 };
        var request = new DataRequest(dataDir, info.Seed.Value, images, info.Split.Fractions[2], info.Split.Fractions[1]);
        if (info.Preprocessing is not null) return Tabular.TestRows(info, request);
        var spec = Sets.Parse(info.Dataset);
        var (all, fixedTest, _) = spec.Load(request);
        if (all.Count != info.Split.Rows)
            throw new UsageException($"eval: the data set '{info.Dataset}' has {all.Count} rows now, but {info.Split.Rows} when {modelFile} was trained");
        if (info.Split.TestRows is null)
            return (fixedTest ?? throw new UsageException($"eval: {modelFile} names no test rows"), $"the test set of {info.Dataset}");
        return (all.Select(info.Split.TestRows), $"the {info.Split.TestRows.Length} test rows of {info.Dataset} held out in training (seed {info.Seed})");
    }
}
