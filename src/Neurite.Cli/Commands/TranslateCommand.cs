using System.CommandLine;
using System.Globalization;
using Neurite.Seq2Seq;
using Neurite.Serialization;

namespace Neurite.Cli.Commands;

/// <summary>`neurite translate`: decodes text with a model saved by `neurite seq2seq` (beam search; width 1 is greedy).</summary>
public static class TranslateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Saved seq2seq model (the file given to seq2seq --output)", Required = true };
        var beam = new Option<int>("--beam") { Description = "Beam width (1: greedy)", DefaultValueFactory = _ => 5 };
        var maxLength = new Option<int>("--max-length") { Description = "Most output tokens", DefaultValueFactory = _ => 100 };
        var nBest = new Option<int>("--n-best") { Description = "Print the N best outputs with their log-probabilities (N ≤ --beam)", DefaultValueFactory = _ => 1 };
        var alpha = new Option<double>("--alpha") { Description = "Length normalisation: rank by log p / length^alpha (0: none)", DefaultValueFactory = _ => 0.0 };
        var text = new Argument<string[]>("text") { Description = "Text to translate (each argument is one input)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("translate", "Translate text with a trained seq2seq model") { model, beam, maxLength, nBest, alpha, text };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(beam), r.GetValue(maxLength), r.GetValue(nBest), r.GetValue(alpha), r.GetValue(text)!, Console.Out));
        return command;
    }

    public static int Run(string modelPath, int beam, int maxLength, int nBest, double alpha, string[] texts, TextWriter output)
    {
        if (beam is < 1 or > 1000) throw new UsageException($"--beam must be in 1…1000, got {beam}");
        if (maxLength is < 1 or > 100_000) throw new UsageException($"--max-length must be in 1…100000, got {maxLength}");
        if (nBest < 1 || nBest > beam) throw new UsageException($"--n-best must be in 1…{beam} (the beam width), got {nBest}");
        if (!(alpha >= 0 && alpha <= 10)) throw new UsageException($"--alpha must be in 0…10, got {alpha.ToString(CultureInfo.InvariantCulture)}");
        if (!File.Exists(ModelFile.FileOf(modelPath))) throw new UsageException($"--model: file not found: {ModelFile.FileOf(modelPath)}");
        var loaded = ModelFile.Load(modelPath);
        if (loaded is not Seq2SeqModel m)
            throw new UsageException($"--model: {modelPath} is a {loaded.GetType().Name}, not a seq2seq model (train one with `neurite seq2seq --output`)");
        m.Eval();
        foreach (var text in texts)
        {
            var list = m.BeamSearch(m.SourceIds(text), beam, maxLength, alpha, nBest);
            if (nBest == 1 && texts.Length == 1) { output.WriteLine(m.TargetText(list[0].Tokens)); continue; }
            if (texts.Length > 1) output.WriteLine(text);
            for (int i = 0; i < list.Count; i++)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(nBest > 1 ? $"{i + 1}. " : "")}{m.TargetText(list[i].Tokens)}\tlog p {list[i].LogProbability:F4}{(list[i].Finished ? "" : " (unfinished)")}"));
        }
        return 0;
    }
}
