using Neurite.Cli;
using Neurite.Cli.Commands;

namespace Neurite.Tests.Cli;

/// <summary>`neurite train --diagnose`: a diagnostics table per epoch (or per --diagnose-every steps) with warnings.
/// In the global-state collection: diagnostics attach hooks, which turn inference folding off process-wide.</summary>
[Collection(GlobalStateCollection.Name)]
public class DiagnoseOptionTests
{
    static string Train(TrainCommand.Settings s)
    {
        var log = new StringWriter();
        Assert.Equal(0, TrainCommand.Run(s, log));
        return log.ToString();
    }

    [Fact]
    public void DiagnoseTablesOncePerEpochBeforeTheEpochLine()
    {
        // digits: 1,150 training rows / 64 = 18 batches an epoch
        string text = Train(new TrainCommand.Settings(Dataset: "digits", Epochs: 2, Plain: true, Diagnose: true));
        var lines = text.Split('\n');
        var heads = lines.Where(l => l.StartsWith("diagnostics: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, heads.Length);
        int batches = int.Parse(heads[0].Split("batch ")[1].Split(' ')[0]);
        Assert.Equal($"diagnostics: epoch 2, batch {batches} (step {2 * batches})", heads[1]);
        int at = Array.IndexOf(lines, heads[0]);
        Assert.StartsWith("layer ", lines[at + 1]);
        Assert.StartsWith("1 ", lines[at + 2]);         // layer 0 is Standardize: no parameters, not an activation
        Assert.Contains("Linear(64 → 256)", lines[at + 2]);
        Assert.Contains("ReLU()", lines[at + 3]);
        Assert.StartsWith("epoch 1/2", lines.First(l => l.StartsWith("epoch ", StringComparison.Ordinal) && Array.IndexOf(lines, l) > at));
    }

    [Fact]
    public void AHighLearningRateIsNamedInTheWarnings()
    {
        string text = Train(new TrainCommand.Settings(Dataset: "digits", Epochs: 1, Plain: true, DiagnoseEvery: 10, Optimizer: "sgd", LearningRate: 3, Activation: "tanh"));
        Assert.Contains("diagnostics: epoch 1, batch 10 (step 10)", text);
        Assert.Matches(@"warning: layer 1 \(Linear\(64 → 256\)\): update/weight ratio [0-9.e-]+ \(about 1e-3 is healthy\) — lower the learning rate", text);
        Assert.Matches(@"warning: layer \d \(Tanh\): \d+ % of Tanh outputs saturated", text);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void ANonPositiveIntervalIsRefusedBeforeTraining(int every)
    {
        var log = new StringWriter();
        var e = Assert.Throws<UsageException>(() => TrainCommand.Run(new TrainCommand.Settings(Dataset: "digits", DiagnoseEvery: every), log));
        Assert.Equal($"--diagnose-every must be in 1..1000000000, got {every}", e.Message);
        Assert.Equal("", log.ToString());
    }
}
