using System.Diagnostics;
using Neurite.Data;
using Neurite.Data.Text;
using Neurite.Seq2Seq;

namespace Neurite.Examples;

/// <summary>
/// Seq2seq with attention on dates: character-level translation of human-format dates ("monday, may 3, 1999",
/// "03.05.1999", …) into ISO ("1999-05-03"). Trains the same encoder–decoder with additive attention and without
/// attention, reports exact match on held-out dates for both, and writes the attention of one example as a PNG heat
/// map (rows: output characters, columns: input characters). Run:
/// <c>dotnet run --project examples/Neurite.Examples -c Release -- dates</c>.
/// </summary>
public static class DatesExample
{
    const int TrainCount = 12_000, TestCount = 1_000, Epochs = 6, MaxLength = 12;
    const string HeatMapFile = "dates-attention.png";

    public static void Run(TextWriter o)
    {
        var all = Datasets.Dates(TrainCount + TestCount, seed: 2026);
        var train = all.Take(TrainCount).ToList();
        var test = all.Skip(TrainCount).ToList();
        var chars = new Tokenizer(TokenUnit.Characters);
        var sourceVocab = Vocabulary.Build(train.Select(p => chars.Tokenize(p.Source)));
        var targetVocab = Vocabulary.Build(train.Select(p => chars.Tokenize(p.Target)));
        o.WriteLine($"dates: {train.Count} training and {test.Count} held-out pairs, {sourceVocab.Count} source and {targetVocab.Count} target symbols");
        Seq2SeqModel? withAttention = null;
        foreach (var kind in new AttentionKind?[] { AttentionKind.Additive, null })
        {
            var options = new Seq2SeqOptions(EmbeddingDim: 32, HiddenSize: 128, Attention: kind);
            var model = new Seq2SeqModel(sourceVocab, targetVocab, options, chars, chars, new Generator(1));
            var watch = Stopwatch.StartNew();
            var trainIds = Seq2SeqTraining.Encode(model, train);
            Seq2SeqTraining.Fit(model, trainIds, new Seq2SeqTrainingOptions(Epochs, BatchSize: 64, LearningRate: 3e-3, Seed: 7),
                (epoch, loss) => o.WriteLine($"  {options.AttentionName,-8} epoch {epoch,2}  loss {loss:F4}  ({watch.Elapsed.TotalSeconds:F0} s)"));
            var score = Seq2SeqTraining.Evaluate(model, Seq2SeqTraining.Encode(model, test), MaxLength);
            o.WriteLine($"attention {options.AttentionName}: {score} in {watch.Elapsed.TotalSeconds:F1} s ({model.ParameterCount():N0} parameters)");
            if (kind is not null) withAttention = model;
        }
        var (source, target) = test[0];
        var best = withAttention!.BeamSearch(withAttention.SourceIds(source), beamWidth: 5, maxLength: MaxLength)[0];
        File.WriteAllBytes(HeatMapFile, AttentionHeatMap.Png(best.Attention!, cell: 16));
        o.WriteLine($"\"{source}\" → \"{withAttention.TargetText(best.Tokens)}\" (reference {target}, log p {best.LogProbability:F4}); " +
                    $"attention heat map in {HeatMapFile}: {best.Attention!.Length} output steps (the last is </s>) × {best.Attention[0].Length} input characters (the last is </s>)");
    }
}
