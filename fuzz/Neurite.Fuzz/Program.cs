using System.Globalization;
using Neurite.Fuzz;

// dotnet run --project fuzz/Neurite.Fuzz -c Release -- --cases 10000 --seed 1 [--target weights|architecture|checkpoint|all] [--case N] [--show K]
// Exit code 0: every case loaded, was refused with ModelFormatException or found no file; 1: a crash, hang,
// over-allocation or partial checkpoint load; 2: bad arguments.
var options = new FuzzOptions();
string target = "all";
int show = 5;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        int Int() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : throw new ArgumentException($"{args[i - 1]} needs a non-negative integer, got '{args[i]}'");
        switch (args[i])
        {
            case "--cases": options = options with { Cases = Int() }; break;
            case "--seed": options = options with { Seed = Int() }; break;
            case "--case": options = options with { OnlyCase = Int() }; break;
            case "--timeout": options = options with { TimeLimit = TimeSpan.FromSeconds(Int()) }; break;
            case "--show": show = Int(); break;
            case "--target": target = Value(); break;
            default: throw new ArgumentException($"unknown option '{args[i]}'");
        }
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"neurite-fuzz: {e.Message}");
    return 2;
}
FuzzTarget[] targets = target switch
{
    "weights" => [FuzzTarget.Weights],
    "architecture" => [FuzzTarget.Architecture],
    "checkpoint" => [FuzzTarget.Checkpoint],
    "all" => [FuzzTarget.Weights, FuzzTarget.Architecture, FuzzTarget.Checkpoint],
    _ => [],
};
if (targets.Length == 0)
{
    Console.Error.WriteLine($"neurite-fuzz: --target must be weights, architecture, checkpoint or all, got '{target}'");
    return 2;
}
if (options.OnlyCase is not null) show = int.MaxValue;
bool failed = false;
foreach (var t in targets)
{
    var report = Harness.Run(t, options);
    Harness.Print(report, options, Console.Out, show);
    if (options.OnlyCase is not null && report.Failures.Count == 0) Console.WriteLine("  (the case did not fail)");
    failed |= report.FailureCount > 0;
}
return failed ? 1 : 0;
