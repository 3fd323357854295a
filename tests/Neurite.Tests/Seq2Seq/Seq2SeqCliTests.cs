using Neurite.Cli;
using Neurite.Cli.Commands;

namespace Neurite.Tests.Seq2Seq;

/// <summary>`neurite seq2seq` and `neurite translate`: a word-level TSV round trip, option ranges, Ctrl-C.</summary>
public class Seq2SeqCliTests
{
    static string Temp(string name) => Path.Combine(Path.GetTempPath(), $"neurite-s2s-cli-{Guid.NewGuid():N}-{name}");

    [Fact]
    public void Trains_on_a_tsv_saves_and_translates()
    {
        // reverse three words: learnable in a few epochs at word level
        string[] words = ["red", "green", "blue", "cat", "dog", "sun", "moon", "tree"];
        var g = new Generator(4);
        var lines = Enumerable.Range(0, 400).Select(_ =>
        {
            var s = Enumerable.Range(0, 3).Select(_ => words[g.NextInt(words.Length)]).ToArray();
            return string.Join(" ", s) + "\t" + string.Join(" ", s.Reverse());
        });
        string tsv = Temp("pairs.tsv"), model = Temp("m.safetensors");
        File.WriteAllLines(tsv, lines);
        try
        {
            var log = new StringWriter();
            int rc = Seq2SeqCommand.Run(new Seq2SeqCommand.Settings(Pairs: tsv, Hidden: 32, Embedding: 16, Epochs: 15, BatchSize: 16, LearningRate: 1e-2, Output: model), log);
            Assert.Equal(0, rc);
            var text = log.ToString();
            Assert.Contains("(words)", text);
            var exact = double.Parse(System.Text.RegularExpressions.Regex.Match(text, @"exact match ([\d.]+) %").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(exact >= 80, text);
            // corpus BLEU-4 (method1 smoothing, as NLTK) of the 40 held-out 3-word outputs: with every output exact, the
            // unigram to trigram precisions are 1 and the empty 4-gram order is smoothed to 0.1/40, so BLEU is
            // 100·(0.1/40)^¼ = 22.36 (NLTK's corpus_bleu gives 0.2236068 for the same); fewer exact outputs give less.
            var bleu = double.Parse(System.Text.RegularExpressions.Regex.Match(text, @"BLEU ([\d.]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(exact == 100 ? Math.Abs(bleu - 22.36) < 0.005 : bleu is > 0 and < 22.36, text);
            var output = new StringWriter();
            Assert.Equal(0, TranslateCommand.Run(model, 3, 10, 1, 0, ["red cat moon"], output));
            Assert.Equal("moon cat red", output.ToString().Trim());
            output = new StringWriter();
            Assert.Equal(0, TranslateCommand.Run(model, 3, 10, 2, 0, ["sun dog tree"], output));
            var best = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, best.Length);
            Assert.StartsWith("1. tree dog sun\tlog p ", best[0]);
        }
        finally { File.Delete(tsv); File.Delete(model); }
    }

    [Fact]
    public void Options_out_of_range_are_usage_errors()
    {
        var d = new Seq2SeqCommand.Settings(Dates: 100, Output: Temp("x"));
        foreach (var (s, word) in new (Seq2SeqCommand.Settings, string)[]
        {
            (d with { Cell = "rnn" }, "--cell"), (d with { Attention = "cosine" }, "--attention"), (d with { Hidden = 0 }, "--hidden"),
            (d with { Epochs = 0 }, "--epochs"), (d with { BatchSize = -1 }, "--batch-size"), (d with { LearningRate = 0 }, "--lr"),
            (d with { Tokens = "bytes" }, "--tokens"), (d with { TestFraction = 1 }, "--test-fraction"), (d with { Dates = null }, "--pairs"),
            (d with { Attention = "dot", Bidirectional = true }, "--attention dot"), (d with { Pairs = "/nonexistent.tsv", Dates = null }, "--pairs"),
        })
            Assert.Contains(word, Assert.Throws<UsageException>(() => Seq2SeqCommand.Run(s, TextWriter.Null)).Message);
        Assert.Contains("--beam", Assert.Throws<UsageException>(() => TranslateCommand.Run("m", 0, 10, 1, 0, ["x"], TextWriter.Null)).Message);
        Assert.Contains("--max-length", Assert.Throws<UsageException>(() => TranslateCommand.Run("m", 2, 0, 1, 0, ["x"], TextWriter.Null)).Message);
        Assert.Contains("--n-best", Assert.Throws<UsageException>(() => TranslateCommand.Run("m", 2, 5, 3, 0, ["x"], TextWriter.Null)).Message);
    }

    [Fact]
    public void Ctrl_c_stops_training_and_saves_nothing()
    {
        string model = Temp("m.safetensors");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var log = new StringWriter();
        Assert.Equal(Interrupt.ExitCode, Seq2SeqCommand.Run(new Seq2SeqCommand.Settings(Dates: 200, Hidden: 8, Embedding: 4, Output: model), log, cancel.Token));
        Assert.Contains("nothing saved", log.ToString());
        Assert.False(File.Exists(model));
    }
}
