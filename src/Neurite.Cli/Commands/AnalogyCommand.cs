using System.CommandLine;
using System.Globalization;
using Neurite.Embeddings;

namespace Neurite.Cli.Commands;

/// <summary>`neurite analogy -m VECTORS A B C`: A is to B as C is to ?, by 3CosAdd or 3CosMul.</summary>
public static class AnalogyCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Word vectors: a `neurite embed` file or a word2vec / GloVe text file", Required = true };
        var method = new Option<string>("--method") { Description = "add (3CosAdd) or mul (3CosMul, Levy & Goldberg 2014)", DefaultValueFactory = _ => "add" };
        var k = new Option<int>("-k") { Description = "How many answers", DefaultValueFactory = _ => 5 };
        var a = new Argument<string>("a");
        var b = new Argument<string>("b");
        var c = new Argument<string>("c");
        var command = new Command("analogy", "A is to B as C is to ? (e.g. man king woman → queen)") { model, method, k, a, b, c };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(a)!, r.GetValue(b)!, r.GetValue(c)!, r.GetValue(method)!, r.GetValue(k), Console.Out));
        return command;
    }

    /// <summary>Prints the best answers with their scores; returns the exit code. Also used by tests.</summary>
    public static int Run(string model, string a, string b, string c, string method, int k, TextWriter output)
    {
        var m = method switch
        {
            "add" or "3cosadd" => AnalogyMethod.Add,
            "mul" or "3cosmul" => AnalogyMethod.Mul,
            _ => throw new UsageException($"--method: unknown method '{method}'. Valid: add, mul"),
        };
        if (k < 1 || k > 100_000) throw new UsageException($"-k must be in 1…100000, got {k}");
        var vectors = SimilarCommand.LoadVectors(model);
        output.WriteLine($"{a} : {b} :: {c} : ?");
        foreach (var n in SimilarCommand.Lookup(() => vectors.Analogy(a, b, c, Math.Max(1, Math.Min(k, vectors.Count - 3)), m)))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n.Word}\t{n.Similarity:F4}"));
        return 0;
    }
}
