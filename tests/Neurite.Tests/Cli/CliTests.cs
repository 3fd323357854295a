using Neurite.Cli;
using Neurite.Cli.Commands;

namespace Neurite.Tests.Cli;

[Collection(GlobalStateCollection.Name)]
public class CliTests
{
    [Fact]
    public void TrainOnIrisSavesAModelThatEvalAndPredictReload()
    {
        string dir = Path.Combine(Path.GetTempPath(), "neurite-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string stem = Path.Combine(dir, "iris");
            var log = new StringWriter();
            int code = TrainCommand.Run(new TrainCommand.Settings(Dataset: "iris", Epochs: 60, BatchSize: 16, LearningRate: 0.01, Output: stem, Plain: true), log);
            Assert.Equal(0, code);
            var text = log.ToString();
            var line = text.Split('\n').Single(l => l.StartsWith("test:", StringComparison.Ordinal));
            double accuracy = double.Parse(line.Split("accuracy ")[1].Split(" %")[0], System.Globalization.CultureInfo.InvariantCulture) / 100;
            Assert.True(accuracy >= 0.9, text);
            Assert.True(File.Exists(stem + ".safetensors"));
            Assert.False(File.Exists(stem + ".json"));  // one file

            var evalLog = new StringWriter();
            Assert.Equal(0, EvalCommand.Run(stem, "iris", null, null, null, 42, evalLog));
            Assert.Contains($"accuracy {accuracy:P2}", evalLog.ToString());

            string csv = Path.Combine(dir, "rows.csv");
            File.WriteAllText(csv, "a,b,c,d\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
            var predictLog = new StringWriter();
            Assert.Equal(0, PredictCommand.Run(stem, csv, null, false, predictLog));
            var rows = predictLog.ToString().Trim().Split('\n');
            Assert.Equal("predicted,p_setosa,p_versicolor,p_virginica", rows[0].Trim());
            Assert.StartsWith("setosa,", rows[1]);
            Assert.StartsWith("virginica,", rows[2]);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void BadArgumentsSayWhatIsValid()
    {
        var e = Assert.Throws<UsageException>(() => TrainCommand.Run(new TrainCommand.Settings(Optimizer: "adamx"), TextWriter.Null));
        Assert.Contains("adamx", e.Message);
        Assert.Contains("adam, adamw", e.Message);
        e = Assert.Throws<UsageException>(() => TrainCommand.Run(new TrainCommand.Settings(Dropout: 1.0), TextWriter.Null));
        Assert.Contains("--dropout", e.Message);
        e = Assert.Throws<UsageException>(() => TrainCommand.Run(new TrainCommand.Settings(Model: "mlp:12-x"), TextWriter.Null));
        Assert.Contains("'x'", e.Message);
        e = Assert.Throws<UsageException>(() => TrainCommand.Run(new TrainCommand.Settings(Dataset: "mnist"), TextWriter.Null));
        Assert.Contains("fashion-mnist", e.Message);
    }

    [Fact]
    public void XorCommandShowsTheLesson()
    {
        var log = new StringWriter();
        Assert.Equal(0, XorCommand.Run(300, 1, log));
        Assert.Contains("single neuron 50 %, one hidden layer 100 %", log.ToString());
    }
}

/// <summary>The CLI's convolutional path end to end on CIFAR-10 binary files the test writes (no real data here):
/// learnable synthetic classes (each class a different constant colour plus noise).</summary>
[Collection(GlobalStateCollection.Name)]
public class CifarCliTests
{
    [Fact]
    public void TrainsAZooNetworkOnCifarBinaryFilesWithAugmentationAndReloadsIt()
    {
        string dir = Path.Combine(Path.GetTempPath(), "neurite-cifar-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var g = new Generator(5);
            void Write(string name, int records)
            {
                var bytes = new byte[records * 3073];
                for (int r = 0; r < records; r++)
                {
                    int label = r % 10;
                    bytes[r * 3073] = (byte)label;
                    for (int c = 0; c < 3; c++)
                        for (int p = 0; p < 1024; p++)
                            bytes[r * 3073 + 1 + c * 1024 + p] = (byte)Math.Clamp(25 * label * (c + 1) % 256 + g.NextInt(20), 0, 255);
                }
                File.WriteAllBytes(Path.Combine(dir, name), bytes);
            }
            for (int i = 1; i <= 5; i++) Write($"data_batch_{i}.bin", 40);
            Write("test_batch.bin", 50);

            string stem = Path.Combine(dir, "net");
            var log = new StringWriter();
            int code = Neurite.Cli.Commands.TrainCommand.Run(new Neurite.Cli.Commands.TrainCommand.Settings(
                Dataset: "cifar10", DataDir: dir, Model: "lenet5", Augment: true, Epochs: 15, BatchSize: 20, LearningRate: 0.003,
                Dropout: 0, Output: stem, Plain: true), log);
            Assert.Equal(0, code);
            string text = log.ToString();
            Assert.Contains("data: cifar10: 180 train, 20 dev, 50 test samples", text);
            Assert.Contains("RandomCrop(size=32, padding=4)", text);
            var line = text.Split('\n').Single(l => l.StartsWith("test:", StringComparison.Ordinal));
            double accuracy = double.Parse(line.Split("accuracy ")[1].Split(" %")[0], System.Globalization.CultureInfo.InvariantCulture) / 100;
            Assert.True(accuracy >= 0.8, text);

            var evalLog = new StringWriter();
            Assert.Equal(0, Neurite.Cli.Commands.EvalCommand.Run(stem, "cifar10", null, null, dir, 42, evalLog));
            Assert.Contains($"accuracy {accuracy:P2}", evalLog.ToString());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
