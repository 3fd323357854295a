// The `neurite` command: parses arguments, calls the library, prints.
using System.CommandLine;
using Neurite.Cli;
using Neurite.Cli.Commands;

var root = new RootCommand("Neurite: deep learning for .NET — train, evaluate and inspect neural networks")
{
    TrainCommand.Create(),
    TuneCommand.Create(),
    EvalCommand.Create(),
    PredictCommand.Create(),
    InfoCommand.Create(),
    XorCommand.Create(),
    LmCommand.Create(),
    SampleCommand.Create(),
    EmbedCommand.Create(),
    SimilarCommand.Create(),
    AnalogyCommand.Create(),
    Seq2SeqCommand.Create(),
    TranslateCommand.Create(),
    ExportCommand.Create(),
    DiagnoseCommand.Create(),
};
try
{
    var parsed = root.Parse(args);
    // A command line that does not parse (unknown option, missing argument) is a usage error like a bad value: exit 2.
    if (parsed.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h" or "-?"))
    {
        foreach (var error in parsed.Errors) Console.Error.WriteLine($"neurite: {error.Message}");
        Console.Error.WriteLine($"see: neurite {string.Join(" ", args.TakeWhile(a => !a.StartsWith('-')).Take(1))} --help".Replace("  ", " "));
        return 2;
    }
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (UsageException e)
{
    Console.Error.WriteLine($"neurite: {e.Message}");
    return 2;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException
                          or Neurite.Data.DataFormatException or Neurite.Serialization.ModelFormatException)
{
    // Bad input (a missing or malformed file, a shape that does not fit): the message names it; no stack trace.
    Console.Error.WriteLine($"neurite: {e.Message}");
    return 1;
}
