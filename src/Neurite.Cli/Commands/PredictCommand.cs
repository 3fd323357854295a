using System.CommandLine;
using System.Globalization;
using System.Text;
using Neurite.Data;
using Neurite.Serialization;

namespace Neurite.Cli.Commands;

/// <summary>`neurite predict`: a saved model on a CSV of feature rows; writes the predicted class and class probabilities (or the regression outputs).</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Saved model (the path given to train --output)", Required = true };
        var input = new Option<string>("--input", "-i") { Description = "CSV of feature rows with a header row (no label column)", Required = true };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the predictions CSV (default: standard output)" };
        var regression = new Option<bool>("--regression") { Description = "Write the raw outputs instead of class and probabilities" };
        var command = new Command("predict", "Predict with a saved model from a CSV file") { model, input, output, regression };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(input)!, r.GetValue(output), r.GetValue(regression), Console.Out));
        return command;
    }

    public static int Run(string modelPath, string inputPath, string? outputPath, bool regression, TextWriter console)
    {
        var model = ModelFile.Load(modelPath);
        var features = CsvLoader.Load(inputPath, new CsvOptions(Kind: LabelKind.None)).Data.Features;
        Tensor outputs;
        using (Autograd.NoGrad()) outputs = model.Forward(features);
        var sb = new StringBuilder();
        int n = outputs.Shape[0], k = outputs.Rank > 1 ? outputs.Shape[1] : 1;
        if (regression)
        {
            sb.AppendLine(string.Join(",", Enumerable.Range(0, k).Select(j => $"output_{j}")));
            var v = outputs.ToDoubleArray();
            for (int i = 0; i < n; i++) sb.AppendLine(string.Join(",", Enumerable.Range(0, k).Select(j => v[i * k + j].ToString("R", CultureInfo.InvariantCulture))));
        }
        else
        {
            var probs = outputs.Softmax(-1).ToDoubleArray();
            var predicted = outputs.ArgMax(1).ToLongArray();
            sb.AppendLine("predicted," + string.Join(",", Enumerable.Range(0, k).Select(j => $"p_{j}")));
            for (int i = 0; i < n; i++)
                sb.AppendLine(predicted[i].ToString(CultureInfo.InvariantCulture) + "," + string.Join(",", Enumerable.Range(0, k).Select(j => probs[i * k + j].ToString("0.######", CultureInfo.InvariantCulture))));
        }
        if (outputPath is null) console.Write(sb.ToString());
        else
        {
            AtomicFile.WriteAllText(outputPath, sb.ToString());
            console.WriteLine($"wrote {n} predictions to {outputPath}");
        }
        return 0;
    }
}
