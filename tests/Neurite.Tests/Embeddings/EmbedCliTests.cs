using Neurite.Cli;
using Neurite.Cli.Commands;
using Neurite.Embeddings;
using Neurite.Tests.Cli;

namespace Neurite.Tests.Embeddings;

/// <summary>`neurite embed`, `similar` and `analogy` through their Run methods, and exit codes through the real program.</summary>
public sealed class EmbedCliTests : IDisposable
{
    readonly string dir = Path.Combine(Path.GetTempPath(), "neurite-embed-" + Guid.NewGuid().ToString("N"));
    readonly string textFile;

    public EmbedCliTests()
    {
        Directory.CreateDirectory(dir);
        textFile = Path.Combine(dir, "planted.txt");
        File.WriteAllText(textFile, PlantedCorpus.Text(6000));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void EmbedSavesVectorsThatSimilarAndAnalogyQuery()
    {
        string stem = Path.Combine(dir, "sg");
        var log = new StringWriter();
        Assert.Equal(0, EmbedCommand.Run(new EmbedCommand.Settings(Text: textFile, Dim: 20, Output: stem, Epochs: 5, Window: 3, MinCount: 1,
            Subsample: 0, Threads: 1, Seed: 3), log));
        string text = log.ToString();
        Assert.Contains("vocabulary 97 words", text);
        Assert.Contains("42,000 word tokens", text);
        Assert.Matches(@"trained: [\d.]+ s, 210,000 words, [\d,]+ words/s", text);
        Assert.Contains($"saved: {stem}.safetensors (WordVectors(97 words × 20, skipgram))", text);

        var similar = new StringWriter();
        Assert.Equal(0, SimilarCommand.Run(stem, "g2m0", 4, similar));   // "sg" finds "sg.safetensors"
        var lines = similar.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("g2m", l));

        var analogy = new StringWriter();
        Assert.Equal(0, AnalogyCommand.Run(stem + ".safetensors", "a1o2", "a1o1", "a3o2", "mul", 2, analogy));
        Assert.StartsWith("a1o2 : a1o1 :: a3o2 : ?\na3o1\t", analogy.ToString().Replace("\r", ""));

        // The text format reads back to the same neighbours.
        Assert.Equal(0, EmbedCommand.Run(new EmbedCommand.Settings(Method: "glove", Text: textFile, Dim: 8, Output: Path.Combine(dir, "gl"), Epochs: 2, MinCount: 1,
            Threads: 1, TextFormat: true), TextWriter.Null));
        var fromText = WordVectors.Load(Path.Combine(dir, "gl.txt"));
        Assert.Equal((97, 8, "text"), (fromText.Count, fromText.Dim, fromText.Method));
    }

    [Fact]
    public void BadOptionsAndWordsAreUsageErrors()
    {
        var s = new EmbedCommand.Settings(Text: textFile, Output: Path.Combine(dir, "x"));
        Assert.Contains("--dim must be in 1…10000, got 0", Assert.Throws<UsageException>(() => EmbedCommand.Run(s with { Dim = 0 }, TextWriter.Null)).Message);
        Assert.Contains("unknown method 'cbow'", Assert.Throws<UsageException>(() => EmbedCommand.Run(s with { Method = "cbow" }, TextWriter.Null)).Message);
        Assert.Contains("--threads must be in", Assert.Throws<UsageException>(() => EmbedCommand.Run(s with { Threads = 0 }, TextWriter.Null)).Message);
        Assert.Contains("--subsample", Assert.Throws<UsageException>(() => EmbedCommand.Run(s with { Subsample = 1 }, TextWriter.Null)).Message);

        string vectors = Path.Combine(dir, "v.txt");
        File.WriteAllText(vectors, "king 1 0\nqueen 0.9 0.1\nman 0 1\nwoman 0.1 0.9\n");
        Assert.Contains("closest by spelling: king", Assert.Throws<UsageException>(() => SimilarCommand.Run(vectors, "kin", 3, TextWriter.Null)).Message);
        Assert.Contains("-k must be in", Assert.Throws<UsageException>(() => SimilarCommand.Run(vectors, "king", 0, TextWriter.Null)).Message);
        Assert.Contains("repeats a word", Assert.Throws<UsageException>(() => AnalogyCommand.Run(vectors, "man", "king", "man", "add", 1, TextWriter.Null)).Message);
        Assert.Contains("file not found", Assert.Throws<UsageException>(() => SimilarCommand.Run(Path.Combine(dir, "none"), "king", 3, TextWriter.Null)).Message);
    }

    [Fact]
    public void TheProgramExitsWith2ForUsageAnd1ForABadFile()
    {
        string bad = Path.Combine(dir, "bad.txt");
        File.WriteAllText(bad, "king 1 0\nqueen 0.9\n");
        var (code, _, err) = CliProcess.Run("similar", "-m", bad, "king");
        Assert.Equal(1, code);
        Assert.Contains($"{bad}, line 2: 'queen' has 1 values, expected 2", err);
        (code, _, err) = CliProcess.Run("analogy", "-m", bad, "a", "b", "c", "--method", "sum");
        Assert.Equal(2, code);
        Assert.Contains("unknown method 'sum'", err);
    }
}
