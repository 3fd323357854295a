// The `neurite` command: parses arguments, calls the library, prints.
using System.CommandLine;
using Neurite.Cli;
using Neurite.Cli.Commands;

var root = new RootCommand("Neurite: deep learning for .NET — train, evaluate and inspect neural networks")
{
    TrainCommand.Create(),
    EvalCommand.Create(),
    PredictCommand.Create(),
    InfoCommand.Create(),
    XorCommand.Create(),
};
try
{
    return root.Parse(args).Invoke();
}
catch (UsageException e)
{
    Console.Error.WriteLine($"neurite: {e.Message}");
    return 2;
}
