using System.CommandLine;
using System.Globalization;
using System.Text;
using Neurite.Data;
using Neurite.Data.Vision;
using Neurite.Serialization;

namespace Neurite.Cli.Commands;

/// <summary>`neurite predict`: a saved model on a CSV of feature rows (columns matched by name to the model's features)
/// or on images (an IDX file, a PNG/PGM/PPM file or a folder of them); writes the predicted class name and the class
/// probabilities, or the regression outputs.</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Saved model (the file train --output wrote)", Required = true };
        var input = new Option<string>("--input", "-i") { Description = "A CSV of feature rows with a header row, or for image models an IDX file, a PNG/PGM/PPM image or a folder of them", Required = true };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the predictions CSV (default: standard output)" };
        var regression = new Option<bool>("--regression") { Description = "Write the raw outputs instead of class and probabilities (automatic for regression models)" };
        var resize = new Option<bool>("--resize") { Description = "Resize images of another size to the model's input (bilinear) instead of refusing them" };
        var command = new Command("predict", "Predict with a saved model from a CSV file or images") { model, input, output, regression, resize };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(input)!, r.GetValue(output), r.GetValue(regression), Console.Out, r.GetValue(resize)));
        return command;
    }

    public static int Run(string modelPath, string inputPath, string? outputPath, bool regression, TextWriter console, bool resize = false)
    {
        if (outputPath is not null) OutputPath.Check("--output", outputPath, createDirs: null);
        var loaded = ModelFile.Read(modelPath);
        var info = loaded.Info;
        var (features, names) = Inputs(loaded, inputPath, resize);
        var trainer = new Neurite.Training.Trainer(loaded.Model, new Neurite.Nn.MSELoss(), new Neurite.Optim.Sgd(loaded.Model.Parameters(), 1));
        var outputs = trainer.Predict(features);
        var sb = new StringBuilder();
        int n = outputs.Shape[0], k = outputs.Rank > 1 ? outputs.Shape[1] : 1;
        string first = names is null ? "" : "name,";
        string Row(int i) => names is null ? "" : Csv(names[i]) + ",";
        if (regression || info.Task == "regression")
        {
            sb.AppendLine(first + string.Join(",", Enumerable.Range(0, k).Select(j => k == 1 ? "output" : $"output_{j}")));
            var v = outputs.ToDoubleArray();
            for (int i = 0; i < n; i++) sb.AppendLine(Row(i) + string.Join(",", Enumerable.Range(0, k).Select(j => v[i * k + j].ToString("R", CultureInfo.InvariantCulture))));
        }
        else
        {
            var classes = info.ClassNames is { } c && c.Count == k ? c : Enumerable.Range(0, k).Select(j => j.ToString(CultureInfo.InvariantCulture)).ToArray();
            var probs = outputs.Softmax(-1).ToDoubleArray();
            var predicted = outputs.ArgMax(1).ToLongArray();
            sb.AppendLine(first + "predicted," + string.Join(",", classes.Select(name => Csv("p_" + name))));
            for (int i = 0; i < n; i++)
            {
                bool finite = Enumerable.Range(0, k).All(j => double.IsFinite(probs[i * k + j]));
                sb.AppendLine(Row(i) + (finite ? Csv(classes[(int)predicted[i]]) : "") + "," +
                              string.Join(",", Enumerable.Range(0, k).Select(j => probs[i * k + j].ToString("0.######", CultureInfo.InvariantCulture))));
            }
        }
        if (outputPath is null) console.Write(sb.ToString());
        else
        {
            AtomicFile.WriteAllText(outputPath, sb.ToString());
            console.WriteLine($"wrote {n} predictions to {outputPath}");
        }
        return 0;
    }

    /// <summary>The model's input from the file: images for a model whose input is [C, H, W], else CSV rows.</summary>
    static (Tensor Features, string[]? Names) Inputs(LoadedModel loaded, string inputPath, bool resize)
    {
        var info = loaded.Info;
        if (info.InputShape is [int channels, int height, int width])
        {
            if (!File.Exists(inputPath) && !Directory.Exists(inputPath)) throw new FileNotFoundException($"predict: no such file or folder: {inputPath}", inputPath);
            var (images, names) = ImageFiles.Load(inputPath, channels, height, width, resize: resize);
            return (images, names);
        }
        if (info.Preprocessing is not null)
        {
            var schema = TabularSchema.FromJson(info.Preprocessing, $"{loaded.Path} (metadata 'preprocessing')");
            return (schema.EncodeFeatures(CsvTable.Read(inputPath)), null);
        }
        // a model of an earlier version or built-in features: the columns in training order, checked by count (and name when known)
        var table = CsvTable.Read(inputPath);
        var x = TabularSchema.Fit(table, new TabularOptions(Kind: LabelKind.None)).EncodeFeatures(table);  // the file read once
        int expected = info.InputShape is [int d] ? d : x.Shape[1];
        if (x.Shape[1] != expected)
            throw new DataFormatException(inputPath, 1, $"has {x.Shape[1]} columns ({string.Join(", ", table.ColumnNames)}), but the model takes {expected} features");
        return (x, null);
    }

    static string Csv(string cell) => cell.IndexOfAny([',', '"', '\n', '\r']) < 0 ? cell : "\"" + cell.Replace("\"", "\"\"") + "\"";
}
