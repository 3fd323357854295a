using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Neurite.Data;
using Neurite.Data.Text;
using Neurite.Seq2Seq;
using Neurite.Serialization;
using Neurite.Training;

namespace Neurite.Cli.Commands;

/// <summary>
/// `neurite seq2seq`: trains an encoder–decoder (<see cref="Seq2SeqModel"/>) on tab-separated pairs or on generated
/// dates, reports exact match and token accuracy of greedy decoding on a held-out split, and saves the model.
/// </summary>
/// <remarks>
/// The pairs are shuffled with <c>--seed</c> and the last <c>--test-fraction</c> held out; vocabularies come from the
/// training part only. Ctrl-C stops at the next batch and exits with 130 without saving anything (no checkpoint).
/// </remarks>
public static class Seq2SeqCommand
{
    public sealed record Settings(string? Pairs = null, int? Dates = null, string Cell = "lstm", string Attention = "additive", bool Bidirectional = false,
        int Hidden = 128, int Embedding = 64, int Epochs = 10, int BatchSize = 64, double LearningRate = 2e-3, string? Tokens = null,
        double TestFraction = 0.1, ulong Seed = 1, string? Output = null);

    public static Command Create()
    {
        var pairs = new Option<string?>("--pairs") { Description = "Tab-separated file: source<TAB>target on each line" };
        var dates = new Option<int?>("--dates") { Description = "Instead of --pairs: N generated human-format dates → ISO (character level)" };
        var cell = new Option<string>("--cell") { Description = "Encoder and decoder cell: lstm, gru", DefaultValueFactory = _ => "lstm" };
        var attention = new Option<string>("--attention") { Description = "additive (Bahdanau), dot, general (Luong) or none", DefaultValueFactory = _ => "additive" };
        var bidirectional = new Option<bool>("--bidirectional") { Description = "Bidirectional encoder (its final state is bridged to the decoder's size)" };
        var hidden = new Option<int>("--hidden") { Description = "Hidden size of encoder and decoder", DefaultValueFactory = _ => 128 };
        var embedding = new Option<int>("--embedding") { Description = "Token embedding size", DefaultValueFactory = _ => 64 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training pairs", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch-size") { Description = "Pairs per batch", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 2e-3 };
        var tokens = new Option<string?>("--tokens") { Description = "words or chars (default: chars for --dates, words for --pairs)" };
        var testFraction = new Option<double>("--test-fraction") { Description = "Fraction of the pairs held out for evaluation", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (split, initialisation, batch order)", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output", "-o") { Description = "Save the trained model to this file", Required = true };
        var command = new Command("seq2seq", "Train a sequence-to-sequence model (encoder–decoder with attention) and report held-out exact match")
        {
            pairs, dates, cell, attention, bidirectional, hidden, embedding, epochs, batch, lr, tokens, testFraction, seed, output,
        };
        command.SetAction(r => Run(new Settings(r.GetValue(pairs), r.GetValue(dates), r.GetValue(cell)!, r.GetValue(attention)!, r.GetValue(bidirectional),
            r.GetValue(hidden), r.GetValue(embedding), r.GetValue(epochs), r.GetValue(batch), r.GetValue(lr), r.GetValue(tokens),
            r.GetValue(testFraction), r.GetValue(seed), r.GetValue(output)), Console.Out));
        return command;
    }

    /// <summary>Runs a training job; returns the exit code (0, or <see cref="Interrupt.ExitCode"/> after Ctrl-C). Also used by tests.</summary>
    public static int Run(Settings s, TextWriter output, CancellationToken cancel = default)
    {
        var (options, unit) = Validate(s);
        string modelFile = OutputPath.Model(s.Output!, "seq2seq", createDirs: null);  // checked before training
        var wall = Stopwatch.StartNew();
        var all = s.Pairs is not null ? ReadPairs(s.Pairs) : [.. Datasets.Dates(s.Dates!.Value, s.Seed)];
        string dataset = s.Pairs is not null ? Path.GetFileName(s.Pairs) : $"dates:{s.Dates}";
        var order = Enumerable.Range(0, all.Count).ToArray();
        new Generator(s.Seed).Shuffle(order.AsSpan());
        int testCount = (int)Math.Round(all.Count * s.TestFraction);
        if (testCount < 1 || testCount >= all.Count)
            throw new UsageException(Invariant($"--test-fraction {s.TestFraction} of {all.Count} pairs leaves {testCount} for testing and {all.Count - testCount} for training; both need at least 1"));
        var train = order[testCount..].Select(i => all[i]).ToList();
        var test = order[..testCount].Select(i => all[i]).ToList();
        var tokenizer = new Tokenizer(unit);
        var model = new Seq2SeqModel(Vocabulary.Build(train.Select(p => tokenizer.Tokenize(p.Source))), Vocabulary.Build(train.Select(p => tokenizer.Tokenize(p.Target))),
            options, tokenizer, tokenizer, new Generator(s.Seed + 1));
        output.WriteLine(Invariant($"data: {dataset}: {all.Count:N0} pairs, {train.Count:N0} train, {test.Count:N0} held out; {model.SourceVocabulary.Count} source and {model.TargetVocabulary.Count} target tokens ({(unit == TokenUnit.Characters ? "chars" : "words")})"));
        output.WriteLine($"model: {model}");
        var trainIds = Seq2SeqTraining.Encode(model, train);
        int maxLength = trainIds.Max(p => p.Target.Length) + 10;

        using var interrupt = new Interrupt(cancel);
        var clock = Stopwatch.StartNew();
        long targetTokens = trainIds.Sum(p => (long)p.Target.Length);
        int done = Seq2SeqTraining.Fit(model, trainIds, new Seq2SeqTrainingOptions(s.Epochs, s.BatchSize, s.LearningRate, Seed: s.Seed + 2),
            (epoch, loss) => output.WriteLine(Invariant($"epoch {epoch}/{s.Epochs}: loss {loss:F4}, {clock.Elapsed.TotalSeconds:F1} s ({targetTokens * epoch / clock.Elapsed.TotalSeconds:N0} target tokens/s)")),
            interrupt.Token);
        if (interrupt.Requested)
        {
            output.WriteLine($"interrupted after {done} complete epoch(s); nothing saved");
            return Interrupt.ExitCode;
        }

        var (score, bleu) = Evaluate(model, test, maxLength);
        output.WriteLine(Invariant($"held-out: exact match {score.ExactMatch:P2}, token accuracy {score.TokenAccuracy:P2} ({score.Count:N0} pairs, greedy)") +
                         (bleu is { } b ? Invariant($", BLEU {b:F2}") : ""));
        var info = new ModelInfo
        {
            Task = "translation", Seed = s.Seed, Dataset = dataset,
            Extra = new Dictionary<string, string> { ["seq2seq.exact_match"] = score.ExactMatch.ToString("R", CultureInfo.InvariantCulture) },
        };
        string file = ModelFile.Save(model, modelFile, info);
        output.WriteLine($"saved: {file}");
        output.WriteLine(Invariant($"time: {wall.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    static (Seq2SeqScore Score, double? Bleu) Evaluate(Seq2SeqModel model, List<(string Source, string Target)> test, int maxLength)
    {
        var ids = Seq2SeqTraining.Encode(model, test);
        var outputs = new List<long[]>();
        for (int start = 0; start < ids.Count; start += 256)
            outputs.AddRange(model.Greedy(ids.Skip(start).Take(256).Select(p => p.Source).ToList(), maxLength).Select(h => h.Tokens));
        var score = Seq2SeqTraining.Score(outputs, ids.Select(p => p.Target).ToList());
        var hypotheses = outputs.Select(o => model.TargetVocabulary.Decode(o)).ToList();
        var references = test.Select(p => model.TargetTokenizer.Tokenize(p.Target)).ToList();
        return (score, CorpusBleu(hypotheses, references));
    }

    /// <summary>Corpus BLEU-4 (in percent, as papers report it) of the hypotheses against one reference each; method1
    /// smoothing so a short held-out set without 4-gram matches does not read as 0.</summary>
    static double? CorpusBleu(IReadOnlyList<string[]> hypotheses, IReadOnlyList<string[]> references) =>
        hypotheses.Count == 0 ? null
        : 100 * Bleu.Corpus(hypotheses, references.Select(r => (IReadOnlyList<IReadOnlyList<string>>)[r]).ToList(), smoothing: BleuSmoothing.Method1());

    static List<(string Source, string Target)> ReadPairs(string path)
    {
        var pairs = ParallelCorpus.ReadTsv(path);
        if (pairs.Count < 2) throw new DataFormatException(path, pairs[0].Line, $"needs at least 2 pairs (one to train, one to test), got {pairs.Count}");
        return pairs.Select(p => (p.Source, p.Target)).ToList();
    }

    static (Seq2SeqOptions, TokenUnit) Validate(Settings s)
    {
        static void Range(string option, double value, double min, double max)
        {
            if (!(value >= min && value <= max)) throw new UsageException(Invariant($"{option} must be in {min}…{max}, got {value}"));
        }
        if ((s.Pairs is null) == (s.Dates is null)) throw new UsageException("give either --pairs FILE.tsv or --dates N");
        if (s.Pairs is not null && !File.Exists(s.Pairs)) throw new UsageException($"--pairs: file not found: {s.Pairs}");
        if (s.Dates is { } n) Range("--dates", n, 2, 10_000_000);
        var cell = Seq2SeqOptions.ParseCell(s.Cell) ?? throw new UsageException($"--cell: unknown cell '{s.Cell}'. Valid: lstm, gru");
        if (!Seq2SeqOptions.TryParseAttention(s.Attention, out var attention))
            throw new UsageException($"--attention: unknown attention '{s.Attention}'. Valid: additive, dot, general, none");
        if (attention == AttentionKind.Dot && s.Bidirectional)
            throw new UsageException("--attention dot needs encoder outputs of the decoder's size; with --bidirectional use general or additive");
        Range("--hidden", s.Hidden, 1, 8192);
        Range("--embedding", s.Embedding, 1, 8192);
        Range("--epochs", s.Epochs, 1, 1_000_000);
        Range("--batch-size", s.BatchSize, 1, 100_000);
        if (!(s.LearningRate > 0 && s.LearningRate <= 10)) throw new UsageException(Invariant($"--lr must be in (0, 10], got {s.LearningRate}"));
        if (!(s.TestFraction > 0 && s.TestFraction < 1)) throw new UsageException(Invariant($"--test-fraction must be in (0, 1), got {s.TestFraction}"));
        var unit = (s.Tokens ?? (s.Dates is not null ? "chars" : "words")) switch
        {
            "words" => TokenUnit.Words,
            "chars" => TokenUnit.Characters,
            var t => throw new UsageException($"--tokens: unknown unit '{t}'. Valid: words, chars"),
        };
        if (s.Output is null) throw new UsageException("--output is required");
        return (new Seq2SeqOptions(s.Embedding, s.Hidden, cell, s.Bidirectional, attention), unit);
    }

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
