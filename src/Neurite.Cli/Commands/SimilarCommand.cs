using System.CommandLine;
using System.Globalization;
using Neurite.Embeddings;

namespace Neurite.Cli.Commands;

/// <summary>`neurite similar -m VECTORS WORD`: the words nearest to WORD by cosine.</summary>
public static class SimilarCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Word vectors: a `neurite embed` file or a word2vec / GloVe text file", Required = true };
        var k = new Option<int>("-k") { Description = "How many words", DefaultValueFactory = _ => 10 };
        var word = new Argument<string>("word") { Description = "The word to look up" };
        var command = new Command("similar", "The nearest words to a word, by cosine of their vectors") { model, k, word };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(word)!, r.GetValue(k), Console.Out));
        return command;
    }

    /// <summary>Prints the <paramref name="k"/> nearest words, one per line with the cosine; returns the exit code. Also used by tests.</summary>
    public static int Run(string model, string word, int k, TextWriter output)
    {
        if (k < 1 || k > 100_000) throw new UsageException($"-k must be in 1…100000, got {k}");
        var vectors = LoadVectors(model);
        foreach (var n in Lookup(() => vectors.Nearest(word, Math.Min(k, vectors.Count - 1))))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n.Word}\t{n.Similarity:F4}"));
        return 0;
    }

    /// <summary>Vectors from -m; a missing file is a usage error (exit 2), a malformed one a data error (exit 1).</summary>
    internal static WordVectors LoadVectors(string model)
    {
        string path = !File.Exists(model) && File.Exists(model + ".safetensors") ? model + ".safetensors" : model;
        if (!File.Exists(path)) throw new UsageException($"-m: file not found: {model}");
        return WordVectors.Load(path);
    }

    /// <summary>An unknown word or repeated analogy word is a usage error: its message names the word and suggestions.</summary>
    internal static Neighbour[] Lookup(Func<Neighbour[]> query)
    {
        try { return query(); }
        catch (UnknownWordException e) { throw new UsageException(e.Message); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }
}
