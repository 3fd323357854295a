using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Neurite.Data.Text;
using Neurite.Embeddings;

namespace Neurite.Cli.Commands;

/// <summary>
/// `neurite embed`: learns word vectors with skip-gram (negative sampling) or GloVe from the built-in King James Bible
/// or a UTF-8 text file (one sentence per line, lower-cased, punctuation dropped) and saves them: one safetensors file
/// (<see cref="WordVectors.Save"/>) or, with <c>--text-format</c>, the word2vec text format.
/// </summary>
/// <remarks>An output name without an extension gets ".safetensors" (or ".txt" with --text-format).
/// --threads defaults to the processor count (Hogwild: not reproducible); --threads 1 with --seed is.</remarks>
public static class EmbedCommand
{
    public sealed record Settings(
        string Method = "skipgram", string? Text = null, int Dim = 100, string Output = "vectors", int? Epochs = null, int? Window = null,
        int MinCount = 5, int Negatives = 5, double Subsample = 1e-4, int? Threads = null, ulong Seed = 1, double? LearningRate = null,
        bool TextFormat = false);

    public static Command Create()
    {
        var method = new Option<string>("--method") { Description = "skipgram (word2vec, negative sampling) or glove", DefaultValueFactory = _ => "skipgram" };
        var text = new Option<string?>("--text") { Description = "UTF-8 text file, one sentence per line (default: the built-in King James Bible)" };
        var dim = new Option<int>("--dim") { Description = "Vector length", DefaultValueFactory = _ => 100 };
        var output = new Option<string>("--output", "-o") { Description = "Where to save the vectors (.safetensors added without an extension)", Required = true };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the corpus (default: skipgram 5, glove 25)" };
        var window = new Option<int?>("--window") { Description = "Context window (default: skipgram 5, glove 10)" };
        var minCount = new Option<int>("--min-count") { Description = "Drop words seen fewer times", DefaultValueFactory = _ => 5 };
        var negatives = new Option<int>("--negatives") { Description = "skipgram: noise words per pair", DefaultValueFactory = _ => 5 };
        var subsample = new Option<double>("--subsample") { Description = "skipgram: frequent-word subsampling t (0: off)", DefaultValueFactory = _ => 1e-4 };
        var threads = new Option<int?>("--threads") { Description = "Worker threads (default: all processors; 1 is reproducible)" };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1 };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default: skipgram 0.025, linearly decayed; glove 0.05, AdaGrad)" };
        var textFormat = new Option<bool>("--text-format") { Description = "Save in word2vec's text format instead of safetensors" };
        var command = new Command("embed", "Learn word vectors (skip-gram or GloVe) from a text")
        {
            method, text, dim, output, epochs, window, minCount, negatives, subsample, threads, seed, lr, textFormat,
        };
        command.SetAction(r => Run(new Settings(r.GetValue(method)!, r.GetValue(text), r.GetValue(dim), r.GetValue(output)!, r.GetValue(epochs),
            r.GetValue(window), r.GetValue(minCount), r.GetValue(negatives), r.GetValue(subsample), r.GetValue(threads), r.GetValue(seed),
            r.GetValue(lr), r.GetValue(textFormat)), Console.Out));
        return command;
    }

    /// <summary>Trains and saves; returns the exit code (0, or <see cref="Interrupt.ExitCode"/> after Ctrl-C). Also used by tests.</summary>
    public static int Run(Settings s, TextWriter output, CancellationToken cancel = default)
    {
        bool glove = s.Method switch
        {
            "skipgram" or "skip-gram" or "sg" => false,
            "glove" => true,
            _ => throw new UsageException($"--method: unknown method '{s.Method}'. Valid: skipgram, glove"),
        };
        Range("--dim", s.Dim, 1, 10_000);
        Range("--min-count", s.MinCount, 1, int.MaxValue);
        Range("--negatives", s.Negatives, 1, 1000);
        if (s.Epochs is { } e) Range("--epochs", e, 1, 100_000);
        if (s.Window is { } w) Range("--window", w, 1, 1000);
        if (s.Threads is { } t) Range("--threads", t, 1, 1024);
        if (!(s.Subsample >= 0 && s.Subsample < 1)) throw new UsageException(Invariant($"--subsample must be in [0, 1) (0: off), got {s.Subsample}"));
        if (s.LearningRate is { } l && !(l > 0 && l <= 10)) throw new UsageException(Invariant($"--lr must be in (0, 10], got {l}"));
        if (string.IsNullOrWhiteSpace(s.Output)) throw new UsageException("--output: give a file name");
        if (s.Text is not null && !File.Exists(s.Text)) throw new UsageException($"--text: file not found: {s.Text}");
        string path = Path.HasExtension(s.Output) ? s.Output : s.Output + (s.TextFormat ? ".txt" : ".safetensors");
        OutputPath.Check("--output", path, createDirs: null);  // before training, not after

        var wall = Stopwatch.StartNew();
        string source = s.Text is null ? "King James Bible (built-in)" : Path.GetFileName(s.Text);
        var corpus = EmbeddingCorpus.FromText(s.Text is null ? Corpora.KingJamesBible() : TextFile.ReadUtf8(s.Text), s.MinCount);
        output.WriteLine(Invariant($"corpus: {source}: {corpus.SentenceCount:N0} sentences, {corpus.RawTokens:N0} word tokens, {corpus.Tokens.Length:N0} kept; vocabulary {corpus.Words.Count:N0} words (min count {s.MinCount})"));
        int threads = s.Threads ?? Environment.ProcessorCount;
        using var interrupt = new Interrupt(cancel);
        EmbeddingRun run;
        try
        {
            if (glove)
            {
                var o = new GloVeOptions(s.Dim, s.Window ?? 10, s.MinCount, s.Epochs ?? 25, s.LearningRate ?? 0.05, Threads: threads, Seed: s.Seed);
                output.WriteLine($"glove: {o}");
                run = GloVe.Train(corpus, o, interrupt.Token);
            }
            else
            {
                var o = new SkipGramOptions(s.Dim, s.Window ?? 5, s.Negatives, s.MinCount, s.Subsample, s.Epochs ?? 5, s.LearningRate ?? 0.025, threads, s.Seed);
                output.WriteLine($"skipgram: {o}");
                run = SkipGram.Train(corpus, o, interrupt.Token);
            }
        }
        catch (OperationCanceledException) when (interrupt.Requested)
        {
            output.WriteLine("interrupted; nothing saved");
            return Interrupt.ExitCode;
        }
        output.WriteLine(Invariant($"trained: {run.Elapsed.TotalSeconds:F1} s, {run.Tokens:N0} words, {run.WordsPerSecond:N0} words/s; {run.Details}"));

        if (s.TextFormat) run.Vectors.SaveText(path);
        else run.Vectors.Save(path);
        output.WriteLine($"saved: {path} ({run.Vectors})");
        // A few neighbours of words of middling frequency (the most frequent are function words).
        foreach (int rank in new[] { 50, 100, 200, 400 }.Where(r => r < corpus.Words.Count))
        {
            string word = corpus.Words[rank];
            output.WriteLine($"  {word}: {string.Join(", ", run.Vectors.Nearest(word, 5))}");
        }
        output.WriteLine(Invariant($"time: {wall.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    static void Range(string option, int value, int min, int max)
    {
        if (value < min || value > max) throw new UsageException(Invariant($"{option} must be in {min}…{max}, got {value}"));
    }

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
