using System.CommandLine;
using System.Globalization;
using Neurite.Data;
using Neurite.Nn;
using Neurite.Serialization;
using Neurite.Training;

namespace Neurite.Cli.Commands;

/// <summary>`neurite eval`: a saved model on exactly the test rows its training held out (or a data set / CSV given):
/// accuracy, confusion matrix and per-class precision/recall/F1 by class name; MSE, MAE and R² for regression.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Saved model (the file train --output wrote)", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = $"Evaluate on this built-in data set's test split instead: {DataSources.Sets.Valid}" };
        var csv = new Option<string?>("--csv") { Description = "Evaluate on every row of a CSV file instead (columns matched by name)" };
        var label = new Option<string?>("--label") { Description = "CSV label column of a model saved without its preprocessing (default: the last)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder of the data set's files (Fashion-MNIST, CIFAR-10)" };
        var seed = new Option<ulong?>("--seed") { Description = "With --dataset: the seed that selects the test split (default: the model's training seed)" };
        var command = new Command("eval", "Evaluate a saved model; with no data argument, on the test rows its training held out") { model, dataset, csv, label, dataDir, seed };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(dataset), r.GetValue(csv), r.GetValue(label), r.GetValue(dataDir), r.GetValue(seed), Console.Out));
        return command;
    }

    public static int Run(string modelPath, string? dataset, string? csv, string? label, string? dataDir, ulong? seed, TextWriter output)
    {
        if (dataset is not null && csv is not null) throw new UsageException("eval: give either --dataset or --csv, not both");
        var loaded = ModelFile.Read(modelPath);
        var info = loaded.Info;
        var (test, description) = TestData(loaded, dataset, csv, label, dataDir, seed);
        output.WriteLine($"model: {loaded.Path}" + (info.Task is null ? "" : $" ({info.Task})"));
        output.WriteLine($"data: {description}");

        var model = loaded.Model;
        var trainer = new Trainer(model, new MSELoss(), new Neurite.Optim.Sgd(model.Parameters(), 1));
        var outputs = trainer.Predict(test.Features);
        if (test.Labels.DType != DType.Int64 || info.Task == "regression")
        {
            var target = test.Labels.To(DType.Float32);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"regression on {test.Count} samples: MSE {Metrics.MeanSquaredError(outputs, target):G6}, MAE {Metrics.MeanAbsoluteError(outputs, target):G6}, R² {Metrics.R2(outputs, target):F4}"));
            return 0;
        }
        Classification(outputs, test.Labels, info.ClassNames ?? test.ClassNames, output);
        return 0;
    }

    static (TensorDataset Test, string Description) TestData(LoadedModel loaded, string? dataset, string? csv, string? label, string? dataDir, ulong? seed)
    {
        var info = loaded.Info;
        if (csv is not null)
        {
            if (info.Preprocessing is not null)
            {
                var schema = TabularSchema.FromJson(info.Preprocessing, $"{loaded.Path} (metadata 'preprocessing')");
                return (schema.Encode(CsvTable.Read(csv)), $"every row of {csv}");
            }
            // a model of an earlier version: numeric columns in the training order, labels as class indices
            var data = CsvLoader.Load(csv, new CsvOptions(Label: Tabular.LabelOf(label))).Data;
            return (data, $"every row of {csv}");
        }
        if (dataset is not null)
        {
            var (prepared, used) = SplitOf(loaded, dataset, dataDir, seed);
            return (prepared.Test, $"the test split of {dataset} (seed {used})");
        }
        return DataSources.TestRowsOf(info, loaded.Path, dataDir);
    }

    /// <summary>A built-in data set split as the model's training run split it (its seed and fractions, unless given).</summary>
    internal static (PreparedData Data, ulong Seed) SplitOf(LoadedModel loaded, string dataset, string? dataDir, ulong? seed)
    {
        var info = loaded.Info;
        // models of earlier versions carry no input shape: networks `train` built on features start with Standardize
        bool images = info.InputShape is { } shape ? shape.Length == 3 : !(loaded.Model is Sequential { Count: > 0 } s && s[0] is Standardize);
        // the training run's fractions when it cut its own test part, else the defaults
        var split = info.Split is { TestRows: not null } s2 ? s2 : null;
        var request = new DataRequest(dataDir, seed ?? info.Seed ?? 42, images, split?.Fractions[2] ?? 0.2, split?.Fractions[1]);
        return (DataSources.Load(dataset, null, null, false, request), request.Seed);
    }

    internal static void Classification(Tensor logits, Tensor labels, IReadOnlyList<string>? classNames, TextWriter output)
    {
        int c = logits.Shape[1];
        long outside = labels.ToLongArray().Count(l => l < 0 || l >= c);
        if (outside > 0) throw new UsageException($"eval: {outside} labels are outside the model's {c} classes 0..{c - 1}");
        string Name(int k) => classNames is not null && k < classNames.Count ? classNames[k] : k.ToString(CultureInfo.InvariantCulture);
        int invalid = Metrics.InvalidRows(logits);
        string top2 = c > 2 ? FormattableString.Invariant($"; top-2 {Metrics.TopK(logits, labels, 2):P2}") : "";
        output.WriteLine(FormattableString.Invariant($"accuracy {Metrics.Accuracy(logits, labels):P2} on {labels.NumEl} samples") + top2);
        if (invalid > 0) output.WriteLine($"warning: {invalid} samples have NaN or infinite outputs; they count as wrong and are left out of the confusion matrix");
        var confusion = Metrics.ConfusionMatrix(logits, labels);
        var (precision, recall, f1) = Metrics.PrecisionRecallF1(confusion);
        int width = Math.Max(5, Enumerable.Range(0, c).Max(k => $"{k} {Name(k)}".Length));
        output.WriteLine("confusion matrix (rows: true class, columns: predicted):");
        output.WriteLine($"  {"".PadLeft(width)} | {string.Join(" ", Enumerable.Range(0, c).Select(p => p.ToString(CultureInfo.InvariantCulture).PadLeft(5)))}");
        for (int t = 0; t < c; t++)
            output.WriteLine($"  {$"{t} {Name(t)}".PadLeft(width)} | {string.Join(" ", Enumerable.Range(0, c).Select(p => confusion[t, p].ToString(CultureInfo.InvariantCulture).PadLeft(5)))}");
        output.WriteLine($"{"class".PadRight(width)}  precision  recall  f1");
        for (int k = 0; k < c; k++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name(k).PadRight(width)}  {precision[k],9:F3}  {recall[k],6:F3}  {f1[k],5:F3}"));
    }
}
