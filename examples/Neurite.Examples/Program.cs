// Runnable examples of the seed notes' lessons: `dotnet run --project examples/Neurite.Examples -c Release -- NAME`.
using Neurite.Examples;

var examples = new Dictionary<string, Action<TextWriter>>
{
    ["xor"] = o => XorExample.Run(o),
    ["spirals"] = o => SpiralsExample.Run(o),
    ["regression"] = o => RegressionExample.Run(o),
    ["activations"] = o => ActivationsExample.Run(o),
    ["readme"] = o => ReadmeExample.Run(o),
    ["transfer"] = o => TransferExample.Run(o),
    ["long-dependencies"] = o => LongDependenciesExample.Run(o),
    ["pokemon-cp"] = o => PokemonCpExample.Run(o),
    ["dates"] = o => DatesExample.Run(o),
    ["init-study"] = o => InitializationStudy.Run(o),
};
string name = args.Length > 0 ? args[0] : "";
if (!examples.TryGetValue(name, out var run))
{
    Console.Error.WriteLine($"usage: Neurite.Examples <{string.Join("|", examples.Keys)}>");
    return 2;
}
run(Console.Out);
return 0;
