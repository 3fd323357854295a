using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Training;

namespace Neurite.Tests.Training;

/// <summary>Seed 003's bias/variance cases (sections 5 and 11) and learning curves.</summary>
public class DiagnosisTests
{
    [Theory]
    [InlineData(0.01, 0.11, null, 0.0, FitCase.HighVariance)]          // train 1 %, dev 11 %
    [InlineData(0.15, 0.16, null, 0.0, FitCase.HighBias)]              // train 15 %, dev 16 %
    [InlineData(0.15, 0.30, null, 0.0, FitCase.HighBiasAndVariance)]
    [InlineData(0.005, 0.01, null, 0.0, FitCase.Good)]
    [InlineData(0.15, 0.16, null, 0.14, FitCase.Good)]                 // close to human-level: no avoidable bias
    [InlineData(0.01, 0.10, 0.015, 0.0, FitCase.DataMismatch)]         // the gap is between train-dev and dev
    public void TheCaseFollowsTheGaps(double train, double dev, double? trainDev, double human, FitCase expected)
    {
        var r = Diagnosis.BiasVariance(train, dev, trainDev, humanError: human);
        Assert.Equal(expected, r.Case);
        Assert.Equal(train - human, r.AvoidableBias, 12);
        Assert.Equal((trainDev ?? dev) - train, r.Variance, 12);
    }

    [Fact]
    public void RemediesAreTheSeedsAndTheReportPrintsThem()
    {
        var r = Diagnosis.BiasVariance(0.15, 0.30);
        Assert.Contains(r.Remedies, x => x.Contains("bigger network"));
        Assert.Contains(r.Remedies, x => x.Contains("regularisation"));
        string text = r.ToString();
        Assert.Contains("avoidable bias 15.00 %, variance 15.00 %", text);
        Assert.Contains("high bias and high variance", text);
        Assert.Empty(Diagnosis.BiasVariance(0.01, 0.01).Remedies);
        Assert.Throws<ArgumentOutOfRangeException>(() => Diagnosis.BiasVariance(1.5, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Diagnosis.BiasVariance(0.1, 0.1, tolerance: -1));
    }

    [Fact]
    public void TheDevErrorFallsAsTheTrainingSetGrows()
    {
        var (train, dev) = Split.TrainTest(Datasets.Digits(), testFraction: 0.3, seed: 4, stratified: true);
        var curve = Diagnosis.LearningCurve(() => new Sequential(new Linear(64, 32, activation: Activation.ReLU, generator: new Generator(5)), new Linear(32, 10, generator: new Generator(6))),
            m => new Trainer(m, new CrossEntropyLoss(), new Adam(m.Parameters(), learningRate: 0.01)), train, dev, [30, 150, 800], epochs: 15, seed: 7);
        Assert.Equal(new[] { 30, 150, 800 }, curve.Select(p => p.Size));
        Assert.True(curve[0].DevError > curve[2].DevError + 0.1, $"dev error {curve[0].DevError:P1} at 30 rows vs {curve[2].DevError:P1} at 800");
        Assert.True(curve[0].TrainError < curve[0].DevError, "a small training set is fitted better than held-out data");
        Assert.Throws<ArgumentOutOfRangeException>(() => Diagnosis.LearningCurve(() => new Linear(64, 10), m => new Trainer(m, new CrossEntropyLoss(), new Sgd(m.Parameters(), 0.1)), train, dev, [0], 1, 1));
    }
}

public class DiagnoseCliTests
{
    [Fact]
    public void DiagnoseReadsTheTrainingSplitAndNamesTheCase()
    {
        var dir = Directory.CreateTempSubdirectory("neurite-diagnose-");
        try
        {
            string stem = Path.Combine(dir.FullName, "digits");
            Assert.Equal(0, Neurite.Cli.Commands.TrainCommand.Run(new Neurite.Cli.Commands.TrainCommand.Settings(Epochs: 3, Output: stem, Plain: true), TextWriter.Null));
            var log = new StringWriter();
            Assert.Equal(0, Neurite.Cli.Commands.DiagnoseCommand.Run(stem + ".safetensors", null, 0.0, 4, null, log));
            string text = log.ToString();
            Assert.Contains("digits split with seed 42 (1258 train, 180 dev, 359 test rows)", text);
            Assert.Contains("diagnosis: ", text);
            Assert.Contains("confusion matrix", text);
            Assert.Equal(4, text.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d+\s+\S+ → ")));
            // the test error it reports is the one eval reports for the same held-out rows
            var eval = new StringWriter();
            Neurite.Cli.Commands.EvalCommand.Run(stem + ".safetensors", null, null, null, null, null, eval);
            string accuracy = System.Text.RegularExpressions.Regex.Match(eval.ToString(), @"accuracy ([0-9.]+) %").Groups[1].Value;
            Assert.Contains($"accuracy {accuracy} %", text);
            Assert.Throws<Neurite.Cli.UsageException>(() => Neurite.Cli.Commands.DiagnoseCommand.Run(stem + ".safetensors", null, 1.5, 4, null, TextWriter.Null));
        }
        finally { dir.Delete(recursive: true); }
    }
}
