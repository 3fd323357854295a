using System.CommandLine;
using System.Globalization;
using Neurite.Nn;
using Neurite.Serialization;

namespace Neurite.Cli.Commands;

/// <summary>`neurite sample`: generates text with a character language model saved by `neurite lm --output`.</summary>
public static class SampleCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Saved language model (the path given to lm --output)", Required = true };
        var length = new Option<int>("--length") { Description = "Characters to generate", DefaultValueFactory = _ => 500 };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature > 0: below 1 more conservative, above 1 more varied", DefaultValueFactory = _ => 1.0 };
        var prime = new Option<string?>("--prime") { Description = "Text the model reads first and continues (printed before the generated text)" };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (same seed, same text)", DefaultValueFactory = _ => 42 };
        var command = new Command("sample", "Generate text with a saved character language model") { model, length, temperature, prime, seed };
        command.SetAction(r => Run(r.GetValue(model)!, r.GetValue(length), r.GetValue(temperature), r.GetValue(prime), r.GetValue(seed), Console.Out));
        return command;
    }

    /// <summary>Prints the prime followed by <paramref name="length"/> generated characters; returns the exit code.</summary>
    public static int Run(string modelPath, int length, double temperature, string? prime, ulong seed, TextWriter output)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new UsageException($"--temperature must be a positive number (> 0; 1 samples the model's own distribution), got {temperature.ToString(CultureInfo.InvariantCulture)}");
        if (length < 0 || length > 10_000_000)
            throw new UsageException($"--length must be in 0…10000000, got {length}");
        var loaded = ModelFile.Load(modelPath);
        if (loaded is not CharLanguageModel lm)
            throw new UsageException($"--model: {modelPath} is a {loaded.GetType().Name}, not a character language model (train one with `neurite lm --output`)");
        string text;
        try { text = lm.Sample(length, temperature, prime, new Generator(seed)); }
        catch (ArgumentException e) when (e.ParamName == "prime")
        {
            // "CharLanguageModel.Sample: the prime's character U+00E9 'é' (at index 3) is not in …" → name the option
            throw new UsageException("--prime: " + e.Message[(e.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..].Replace(" (Parameter 'prime')", ""));
        }
        output.Write(prime);
        output.WriteLine(text);
        return 0;
    }
}
