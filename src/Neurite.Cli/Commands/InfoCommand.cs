using System.CommandLine;

namespace Neurite.Cli.Commands;

/// <summary>`neurite info`: what can be trained with what.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "List data sets, models, activations, optimisers and schedules");
        command.SetAction(_ => Run(Console.Out));
        return command;
    }

    public static int Run(TextWriter output)
    {
        output.WriteLine($"Neurite {typeof(Tensor).Assembly.GetName().Version}  (.NET {Environment.Version}, {Environment.ProcessorCount} cores, {Engine.Threads} kernel threads)");
        output.WriteLine($"data sets:   {DataSources.Sets.Valid}, or --csv FILE [--label COLUMN]");
        output.WriteLine($"models:      mlp:H1-H2-… (hidden sizes, e.g. mlp:256-128), linear; convolutional: {string.Join(", ", Neurite.Nn.Zoo.Zoo.Names)}");
        output.WriteLine($"classical:   {string.Join(", ", ClassicalTraining.Models.Names.Select(n => ClassicalTraining.Models.Parse(n).Options is { Length: > 0 } o ? $"{n} ({string.Join(" ", o)})" : n))}");
        output.WriteLine($"activations: {Specs.Activations.Valid}");
        output.WriteLine($"optimizers:  {Specs.Optimizers.Valid}");
        output.WriteLine($"schedules:   {Specs.Schedules.Valid}");
        output.WriteLine("options:     --dropout P, --batch-norm, --augment, --width W, --l1 λ, --l2 λ, --weight-decay λ, --early-stopping N, --clip-norm C, --checkpoint/--resume (see neurite train --help)");
        return 0;
    }
}
