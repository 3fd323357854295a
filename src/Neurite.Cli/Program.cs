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
    LmCommand.Create(),
    SampleCommand.Create(),
    EmbedCommand.Create(),
    SimilarCommand.Create(),
    AnalogyCommand.Create(),
    Seq2SeqCommand.Create(),
    TranslateCommand.Create(),
};
try
{
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
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
