using System.CommandLine;
using System.Globalization;
using Neurite.Data;
using Neurite.Nn;
using Neurite.Serialization;
using Neurite.Training;

namespace Neurite.Cli.Commands;

/// <summary>`neurite eval`: a saved model on a data set's test split (or a whole CSV): accuracy, confusion matrix, per-class precision/recall/F1.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Saved model (the path given to train --output)", Required = true };
        var dataset = new Option<string?>("--dataset") { Description = $"Built-in data set: {string.Join(", ", DataSources.Names)}" };
        var csv = new Option<string?>("--csv") { Description = "Evaluate on every row of a CSV file" };
        var label = new Option<string?>("--label") { Description = "CSV label column, by name or index (default: the last)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder of Fashion-MNIST IDX files" };
        var seed = new Option<ulong>("--seed") { Description = "The seed the model was trained with (selects the same test split)", DefaultValueFactory = _ => 42 };
        var command = new Command("eval", "Evaluate a saved model") { model, dataset, csv, label, dataDir, seed };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(dataset), r.GetValue(csv), r.GetValue(label), r.GetValue(dataDir), r.GetValue(seed), Console.Out));
        return command;
    }

    public static int Run(string modelPath, string? dataset, string? csv, string? label, string? dataDir, ulong seed, TextWriter output)
    {
        var model = ModelFile.Load(modelPath);
        TensorDataset test;
        if (csv is not null)
        {
            LabelColumn column = label is null ? LabelColumn.Last : int.TryParse(label, out int i) ? new LabelColumn.At(i) : new LabelColumn.Named(label);
            test = CsvLoader.Load(csv, new CsvOptions(Label: column)).Data;
        }
        else
        {
            // Networks built by `train` on features start with their Standardize layer; convolutional ones take images.
            bool images = model is not Sequential { Count: > 0 } seq || seq[0] is not Standardize;
            test = DataSources.Load(dataset, null, null, dataDir, false, seed, images).Test;
        }

        var trainer = new Trainer(model, new CrossEntropyLoss(), new Neurite.Optim.Sgd(model.Parameters(), 0));
        var logits = trainer.Predict(test.Features);
        var labels = test.Labels;
        double accuracy = Metrics.Accuracy(logits, labels);
        output.WriteLine($"accuracy {accuracy:P2} on {test.Count} samples; top-2 {Metrics.TopK(logits, labels, Math.Min(2, logits.Shape[1])):P2}");
        var confusion = Metrics.ConfusionMatrix(logits, labels);
        var (precision, recall, f1) = Metrics.PrecisionRecallF1(confusion);
        int c = confusion.GetLength(0);
        output.WriteLine("confusion matrix (rows: true class, columns: predicted):");
        for (int t = 0; t < c; t++)
        {
            var row = string.Join(" ", Enumerable.Range(0, c).Select(p => confusion[t, p].ToString(CultureInfo.InvariantCulture).PadLeft(5)));
            output.WriteLine($"  {t,3} | {row}");
        }
        output.WriteLine("class  precision  recall  f1");
        for (int k = 0; k < c; k++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{k,5}  {precision[k],9:F3}  {recall[k],6:F3}  {f1[k],5:F3}"));
        return 0;
    }
}
