using Microsoft.Extensions.Logging;
using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Training;

namespace Neurite.Tests.Training;

/// <summary>Fit reports each finished epoch through IProgress and logs through Microsoft.Extensions.Logging.</summary>
public class ProgressLoggingTests
{
    sealed class Collect<T> : IProgress<T> { public readonly List<T> Items = []; public void Report(T value) => Items.Add(value); }

    sealed class ListLogger : ILogger
    {
        public readonly List<(LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> Fields)> Entries = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception), state as IReadOnlyList<KeyValuePair<string, object?>> ?? []));
    }

    static (Trainer Trainer, DataLoader Train, DataLoader Dev) Setup(double lr = 0.01)
    {
        var (train, dev) = Split.TrainTest(Datasets.Iris(), testFraction: 0.3, seed: 1, stratified: true);
        var model = new Sequential(new Linear(4, 8, activation: Activation.ReLU, generator: new Generator(1)), new Linear(8, 3, generator: new Generator(2)));
        return (new Trainer(model, new CrossEntropyLoss(), new Adam(model.Parameters(), learningRate: lr)), new DataLoader(train, 16, shuffle: true, seed: 1), new DataLoader(dev, 64));
    }

    [Fact]
    public void EveryFinishedEpochIsReportedAndLoggedWithItsFields()
    {
        var (trainer, train, dev) = Setup();
        var logger = new ListLogger();
        trainer.Logger = logger;
        var progress = new Collect<EpochResult>();
        var history = trainer.Fit(train, 3, dev, progress);
        Assert.Equal(history.Epochs, progress.Items);
        var epochs = logger.Entries.Where(e => e.Level == LogLevel.Information && e.Message.StartsWith("epoch ")).ToList();
        Assert.Equal(3, epochs.Count);
        Assert.Equal(2, epochs[1].Fields.First(f => f.Key == "Epoch").Value);
        Assert.Equal(history.Epochs[2].TrainLoss, epochs[2].Fields.First(f => f.Key == "TrainLoss").Value);
    }

    [Fact]
    public void ADivergenceIsAWarning()
    {
        var (trainer, train, dev) = Setup(lr: 1e30);
        var logger = new ListLogger();
        trainer.Logger = logger;
        var history = trainer.Fit(train, 3, dev, new Collect<EpochResult>());
        Assert.NotNull(history.Divergence);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("diverged"));
    }
}
