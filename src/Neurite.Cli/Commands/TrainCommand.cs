using System.CommandLine;
using System.Diagnostics;
using Neurite.Data;
using Neurite.Data.Vision;
using Neurite.Nn.Zoo;
using Neurite.Nn;
using Neurite.Serialization;
using Neurite.Training;

namespace Neurite.Cli.Commands;

/// <summary>`neurite train`: trains a network on a built-in data set or a CSV file, evaluates it on the test split, saves it.</summary>
public static class TrainCommand
{
    public sealed record Settings(
        string? Dataset = null, string? Csv = null, string? Label = null, string? DataDir = null, bool Regression = false,
        string Model = "mlp:256-128", string Activation = "relu", double Dropout = 0.2, bool BatchNorm = false,
        string Optimizer = "adam", double? LearningRate = null, string Schedule = "none", int BatchSize = 64, int Epochs = 30,
        ulong Seed = 42, double L1 = 0, double L2 = 0, double WeightDecay = 0, int EarlyStopping = 0, double? ClipNorm = null,
        string? Output = null, string? History = null, bool Plain = false,
        string? Checkpoint = null, int CheckpointEvery = 1, string? Resume = null, bool Augment = false, double Width = 1.0);

    public static Command Create()
    {
        var dataset = new Option<string?>("--dataset") { Description = $"Built-in data set: {string.Join(", ", DataSources.Names)} (default digits)" };
        var csv = new Option<string?>("--csv") { Description = "Train on a CSV file (header row, numeric features)" };
        var label = new Option<string?>("--label") { Description = "CSV label column, by name or index (default: the last)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder of Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)" };
        var regression = new Option<bool>("--regression") { Description = "Treat the label as a regression target (MSE loss)" };
        var model = new Option<string>("--model") { Description = $"Architecture: mlp:H1-H2-…, linear, or a convolutional network: {string.Join(", ", Zoo.Names)}", DefaultValueFactory = _ => "mlp:256-128" };
        var augment = new Option<bool>("--augment") { Description = "Augment training images on the fly: random crop with padding and horizontal flips (convolutional models)" };
        var width = new Option<double>("--width") { Description = "Channel-width multiplier of a convolutional network", DefaultValueFactory = _ => 1.0 };
        var activation = new Option<string>("--activation") { Description = $"Hidden activation: {string.Join(", ", Specs.Activations)}", DefaultValueFactory = _ => "relu" };
        var dropout = new Option<double>("--dropout") { Description = "Dropout probability after each hidden layer, in [0, 1)", DefaultValueFactory = _ => 0.2 };
        var batchNorm = new Option<bool>("--batch-norm") { Description = "Batch normalisation after each hidden linear layer" };
        var optimizer = new Option<string>("--optimizer") { Description = $"Optimiser: {string.Join(", ", Specs.Optimizers)}", DefaultValueFactory = _ => "adam" };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default: 1e-3 for adam/adamw/rmsprop, 1e-2 adagrad, 0.05 sgd)" };
        var schedule = new Option<string>("--schedule") { Description = $"Learning-rate schedule: {string.Join(", ", Specs.Schedules)}", DefaultValueFactory = _ => "none" };
        var batchSize = new Option<int>("--batch-size") { Description = "Mini-batch size", DefaultValueFactory = _ => 64 };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => 30 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (same seed, same run)", DefaultValueFactory = _ => 42 };
        var l1 = new Option<double>("--l1") { Description = "λ of an L1 penalty on the weights" };
        var l2 = new Option<double>("--l2") { Description = "λ of an L2 penalty Σw² on the weights (biases not penalised)" };
        var weightDecay = new Option<double>("--weight-decay") { Description = "Optimiser weight decay" };
        var early = new Option<int>("--early-stopping") { Description = "Stop after this many epochs without validation improvement (0: off); restores the best weights" };
        var clip = new Option<double?>("--clip-norm") { Description = "Clip the global gradient norm to this value" };
        var output = new Option<string?>("--output", "-o") { Description = "Save the model as OUTPUT.json + OUTPUT.safetensors" };
        var history = new Option<string?>("--history") { Description = "Write the per-epoch history to a .csv or .json file" };
        var plain = new Option<bool>("--plain") { Description = "One line per epoch instead of a live progress bar" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Save a resumable checkpoint (weights, optimiser, epoch, RNG) to this file" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Epochs between checkpoints", DefaultValueFactory = _ => 1 };
        var resume = new Option<string?>("--resume") { Description = "Resume from a checkpoint written by --checkpoint with the same options" };
        var command = new Command("train", "Train a network and report its test accuracy")
        {
            dataset, csv, label, dataDir, regression, model, activation, dropout, batchNorm, optimizer, lr, schedule,
            batchSize, epochs, seed, l1, l2, weightDecay, early, clip, output, history, plain, checkpoint, checkpointEvery, resume, augment, width,
        };
        command.SetAction(r => Run(new Settings(
            r.GetValue(dataset), r.GetValue(csv), r.GetValue(label), r.GetValue(dataDir), r.GetValue(regression),
            r.GetValue(model)!, r.GetValue(activation)!, r.GetValue(dropout), r.GetValue(batchNorm),
            r.GetValue(optimizer)!, r.GetValue(lr), r.GetValue(schedule)!, r.GetValue(batchSize), r.GetValue(epochs),
            r.GetValue(seed), r.GetValue(l1), r.GetValue(l2), r.GetValue(weightDecay), r.GetValue(early), r.GetValue(clip),
            r.GetValue(output), r.GetValue(history), r.GetValue(plain), r.GetValue(checkpoint), r.GetValue(checkpointEvery), r.GetValue(resume), r.GetValue(augment), r.GetValue(width)), Console.Out));
        return command;
    }

    /// <summary>Runs a training job; returns the process exit code. Also used by tests.</summary>
    public static int Run(Settings s, TextWriter output)
    {
        Validate(s);
        var clock = Stopwatch.StartNew();
        Generator.ManualSeed(s.Seed);
        bool convolutional = Zoo.Names.Contains(s.Model);
        var data = DataSources.Load(s.Dataset, s.Csv, s.Label, s.DataDir, s.Regression, s.Seed, images: convolutional);
        output.WriteLine($"data: {data.Name}: {data.Train.Count} train, {data.Dev.Count} dev, {data.Test.Count} test samples, {data.Inputs} features, " +
                         (data.Classification ? $"{data.Outputs} classes" : $"{data.Outputs} targets"));

        var generator = new Generator(s.Seed);
        Module model;
        string? architecture = null;
        ITransform? augmentation = null;
        if (convolutional)
        {
            int[] sample = data.Train.SampleShape;
            var options = new VisionOptions(InChannels: sample[0], Classes: data.Outputs, InputSize: sample[1], Width: s.Width, BatchNorm: s.BatchNorm, Dropout: s.Dropout);
            model = Zoo.Create(s.Model, options);
            architecture = ModelJson.Zoo(s.Model, options);
            if (s.Augment)
                augmentation = new Compose(new RandomCrop(new RandomCropOptions(sample[1], Math.Max(1, sample[1] / 8))), new RandomHorizontalFlip(0.5));
        }
        else
        {
            if (s.Augment) throw new UsageException("--augment applies to image models (--model " + string.Join("|", Zoo.Names) + ")");
            var scaler = new StandardScaler();
            scaler.Fit(data.Train);  // fitted on the training split only, reused on dev/test (inside the model)
            var network = Specs.Mlp(s.Model, data.Inputs, data.Outputs, s.Activation, s.Dropout, s.BatchNorm, generator);
            model = new Sequential([new Standardize(scaler.Mean, scaler.Std), .. network.Layers]);
        }
        output.Write(ModelSummary.Of(model, data.Train.SampleShape));
        if (augmentation is not null) output.WriteLine($"augmentation: {augmentation}");
        var optimizer = Specs.Optimizer(s.Optimizer, model.Parameters(), s.LearningRate ?? Specs.DefaultLearningRate(s.Optimizer), s.WeightDecay);
        output.WriteLine($"optimizer: {optimizer}");

        Loss loss = data.Classification ? new CrossEntropyLoss() : new MSELoss();
        var trainer = new Trainer(model, loss, optimizer) { L1 = s.L1, L2 = s.L2, ClipGradNorm = s.ClipNorm };
        var callbacks = new List<Callback>();
        var scheduler = Specs.Schedule(s.Schedule, optimizer, s.Epochs);
        if (scheduler is not null) callbacks.Add(new SchedulerCallback(scheduler));
        if (s.Checkpoint is not null) callbacks.Add(new CheckpointCallback(s.Checkpoint, s.CheckpointEvery, scheduler));
        if (s.EarlyStopping > 0) callbacks.Add(new EarlyStopping(s.EarlyStopping));
        if (s.History is not null) callbacks.Add(new HistoryWriter(s.History));
        var train = new DataLoader(data.Train, s.BatchSize, shuffle: true, seed: s.Seed, transform: augmentation);
        var dev = data.Dev.Count > 0 ? new DataLoader(data.Dev, 1000) : null;
        int startEpoch = 0;
        if (s.Resume is not null)
        {
            startEpoch = Neurite.Training.Checkpoint.Load(s.Resume, model, optimizer, scheduler);
            train.Epoch = startEpoch;
            output.WriteLine($"resumed: {s.Resume} after epoch {startEpoch}");
        }
        History history;
        if (s.Plain || Console.IsOutputRedirected || output != Console.Out)
        {
            callbacks.Add(new PlainProgress(output));
            history = trainer.Fit(train, s.Epochs, startEpoch, dev, callbacks.ToArray());
        }
        else
        {
            var live = new LiveProgress(train.BatchCount);
            callbacks.Add(live);
            history = live.Run(() => trainer.Fit(train, s.Epochs, startEpoch, dev, callbacks.ToArray()));
        }
        if (history.StopReason is not null) output.WriteLine(history.StopReason);

        var (testLoss, testAccuracy) = trainer.Evaluate(new DataLoader(data.Test, 1000));
        output.WriteLine(testAccuracy is { } acc
            ? $"test: loss {testLoss:F4}, accuracy {acc:P2} ({data.Test.Count} samples)"
            : $"test: MSE {testLoss:F5} ({data.Test.Count} samples)");
        if (s.Output is not null)
        {
            ModelFile.Save(model, s.Output, architecture);
            output.WriteLine($"saved: {s.Output}.json, {s.Output}.safetensors");
        }
        output.WriteLine($"time: {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    static void Validate(Settings s)
    {
        if (s.Epochs <= 0) throw new UsageException($"--epochs must be positive, got {s.Epochs}");
        if (s.BatchSize <= 0) throw new UsageException($"--batch-size must be positive, got {s.BatchSize}");
        if (!(s.Dropout >= 0 && s.Dropout < 1)) throw new UsageException($"--dropout must be in [0, 1), got {s.Dropout}");
        if (s.LearningRate is { } lr && !(lr > 0)) throw new UsageException($"--lr must be positive, got {lr}");
        if (s.L1 < 0 || s.L2 < 0 || s.WeightDecay < 0) throw new UsageException("--l1, --l2 and --weight-decay must be non-negative");
        if (s.Csv is not null && s.Dataset is not null) throw new UsageException("give either --dataset or --csv, not both");
        if (s.CheckpointEvery <= 0) throw new UsageException($"--checkpoint-every must be positive, got {s.CheckpointEvery}");
        if (s.Resume is not null && !File.Exists(s.Resume)) throw new UsageException($"--resume: checkpoint file not found: {s.Resume}");
        if (!(s.Width > 0)) throw new UsageException($"--width must be positive, got {s.Width}");
        if (!Specs.Activations.Contains(s.Activation)) throw new UsageException($"--activation: unknown activation '{s.Activation}'. Valid: {string.Join(", ", Specs.Activations)}");
        if (!Specs.Optimizers.Contains(s.Optimizer)) throw new UsageException($"--optimizer: unknown optimizer '{s.Optimizer}'. Valid: {string.Join(", ", Specs.Optimizers)}");
        if (!Specs.Schedules.Contains(s.Schedule)) throw new UsageException($"--schedule: unknown schedule '{s.Schedule}'. Valid: {string.Join(", ", Specs.Schedules)}");
    }
}
