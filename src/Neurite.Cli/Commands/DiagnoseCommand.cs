using System.CommandLine;
using System.Globalization;
using Neurite.Data;
using Neurite.Nn;
using Neurite.Serialization;
using Neurite.Training;

namespace Neurite.Cli.Commands;

/// <summary>`neurite diagnose -m MODEL`: a classifier's train, dev and test errors on the split its training used,
/// the bias/variance reading with the seed's remedies (seed 003), the confusion matrix and the worst test examples.</summary>
public static class DiagnoseCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Saved classifier (trained on a built-in data set)", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = $"The data set it was trained on, if the file does not say: {DataSources.Sets.Valid}" };
        var human = new Option<double?>("--human-error") { Description = "Human-level (Bayes) error as a fraction in [0, 1], for the avoidable bias (default 0)" };
        var worst = new Option<int>("--worst") { Description = "How many of the worst test examples (highest loss) to list", DefaultValueFactory = _ => 10 };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder of the data set's files (Fashion-MNIST, CIFAR-10)" };
        var command = new Command("diagnose", "Bias/variance, confusion matrix and worst examples of a trained classifier") { model, dataset, human, worst, dataDir };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(dataset), r.GetValue(human), r.GetValue(worst), r.GetValue(dataDir), Console.Out));
        return command;
    }

    public static int Run(string modelPath, string? dataset, double? humanError, int worst, string? dataDir, TextWriter output)
    {
        if (humanError is { } h && !(h >= 0 && h <= 1)) throw new UsageException($"--human-error must be a fraction in [0, 1], got {h.ToString(CultureInfo.InvariantCulture)}");
        if (worst < 0) throw new UsageException($"--worst must be non-negative, got {worst}");
        var loaded = ModelFile.Read(modelPath);
        string name = dataset ?? loaded.Info.Dataset
            ?? throw new UsageException($"diagnose: {modelPath} does not say which data set it was trained on; give --dataset");
        if (!DataSources.Sets.Contains(name)) throw new UsageException($"diagnose: --dataset must be a built-in data set ({DataSources.Sets.Valid}), got '{name}'");
        if (loaded.Info.Task == "regression") throw new UsageException("diagnose: classifiers only (this model is a regression)");
        var (data, seed) = EvalCommand.SplitOf(loaded, name, dataDir, null);
        var trainer = new Trainer(loaded.Model, new CrossEntropyLoss(), new Neurite.Optim.Sgd(loaded.Model.Parameters(), 1));
        double Error(TensorDataset d) => d.Count == 0 ? double.NaN : 1 - (trainer.Evaluate(new DataLoader(d, 1000)).Accuracy ?? throw new UsageException("diagnose: classifiers only (labels are not classes)"));
        var logits = trainer.Predict(data.Test.Features);       // the test rows once: their error, confusion matrix and worst rows
        var predicted = logits.ArgMax(1).ToLongArray();
        var labels = data.Test.Labels.ToLongArray();
        double train = Error(data.Train), dev = Error(data.Dev), test = labels.Length == 0 ? double.NaN : 1 - predicted.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
        output.WriteLine($"model: {loaded.Path}; data: {name} split with seed {seed} ({data.Train.Count} train, {data.Dev.Count} dev, {data.Test.Count} test rows)");
        output.WriteLine(Diagnosis.BiasVariance(train, double.IsNaN(dev) ? test : dev, testError: test, humanError: humanError));
        output.WriteLine();
        EvalCommand.Classification(logits, data.Test.Labels, loaded.Info.ClassNames ?? data.ClassNames, output);
        if (worst == 0) return 0;
        var losses = Tensor.CrossEntropy(logits, data.Test.Labels).ToDoubleArray();
        var names = loaded.Info.ClassNames ?? data.ClassNames;
        string Name(long c) => names is not null && c < names.Count ? names[(int)c] : c.ToString(CultureInfo.InvariantCulture);
        output.WriteLine();
        output.WriteLine($"worst {Math.Min(worst, losses.Length)} test examples (row of the test split, true → predicted, loss):");
        foreach (int i in Enumerable.Range(0, losses.Length).OrderByDescending(i => losses[i]).Take(worst))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {i,6}  {Name(labels[i])} → {Name(predicted[i])}  {losses[i]:F3}"));
        return 0;
    }
}
