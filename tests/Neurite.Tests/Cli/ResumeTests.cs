using Neurite.Cli.Commands;
using Neurite.Serialization;

namespace Neurite.Tests.Cli;

/// <summary>Checkpoints hold everything training depends on: stopping after 2 epochs and resuming to 4
/// gives bit-identical weights to 4 epochs in one go (with shuffling, dropout and Adam's moments).</summary>
[Collection(GlobalStateCollection.Name)]
public class ResumeTests
{
    [Theory]
    [InlineData("adam", "none")]
    [InlineData("momentum", "step")]
    public void TwoPlusTwoEpochsEqualFour(string optimizer, string schedule)
    {
        string dir = Path.Combine(Path.GetTempPath(), "neurite-resume-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            TrainCommand.Settings Run(int epochs) => new(Dataset: "digits", Model: "mlp:32", Dropout: 0.3, BatchNorm: true, Epochs: epochs,
                Optimizer: optimizer, Schedule: schedule, Seed: 7, Plain: true);

            Assert.Equal(0, TrainCommand.Run(Run(4) with { Output = Path.Combine(dir, "straight") }, TextWriter.Null));
            Assert.Equal(0, TrainCommand.Run(Run(2) with { Checkpoint = Path.Combine(dir, "ckpt.safetensors") }, TextWriter.Null));
            var log = new StringWriter();
            Assert.Equal(0, TrainCommand.Run(Run(4) with { Resume = Path.Combine(dir, "ckpt.safetensors"), Output = Path.Combine(dir, "resumed") }, log));
            Assert.Contains("resumed:", log.ToString());
            Assert.Contains("epoch 3/4", log.ToString());
            Assert.DoesNotContain("epoch 2/4", log.ToString());

            var (a, _) = SafeTensors.Load(Path.Combine(dir, "straight.safetensors"));
            var (b, _) = SafeTensors.Load(Path.Combine(dir, "resumed.safetensors"));
            Assert.Equal(a.Keys.Order(), b.Keys.Order());
            foreach (var key in a.Keys) Assert.Equal(a[key].ToFloatArray(), b[key].ToFloatArray());
            Assert.NotEqual(0, a["1.weight"].Abs().Sum().Item());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
