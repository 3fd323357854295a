using System.CommandLine;
using System.Diagnostics;
using Neurite.Data;
using Neurite.Data.Vision;
using Neurite.Nn.Zoo;
using Neurite.Nn;
using Neurite.Serialization;
using Neurite.Training;
using Spectre.Console;

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
        string? Checkpoint = null, int CheckpointEvery = 1, string? Resume = null, bool Augment = false, double Width = 1.0,
        double TestFraction = 0.2, double? DevFraction = null, string? Impute = null, bool CreateDirs = false,
        ClassicalOptions? Classical = null, double? MaxNorm = null, bool Diagnose = false, int? DiagnoseEvery = null);

    /// <summary>The exit code of a run the divergence guard stopped (the loss became NaN/∞ or exploded).</summary>
    public const int DivergedExitCode = 3;

    public static Command Create()
    {
        var dataset = new Option<string?>("--dataset") { Description = $"Built-in data set: {DataSources.Sets.Valid} (default digits)" };
        var csv = new Option<string?>("--csv") { Description = "Train on a CSV file (header row; numeric or text (one-hot) feature columns)" };
        var testFraction = new Option<double>("--test-fraction") { Description = "Fraction of the rows held out for the test (not for data sets with their own test files)", DefaultValueFactory = _ => 0.2 };
        var devFraction = new Option<double?>("--dev-fraction") { Description = "Fraction of the (training) rows for validation (default 0.1; Fashion-MNIST 1/12, i.e. 5,000 images)" };
        var impute = new Option<string?>("--impute") { Description = "Fill missing CSV cells with the training mean or median (text columns: the most frequent value) instead of refusing them: mean, median" };
        var createDirs = new Option<bool>("--create-dirs") { Description = "Create the --output / --checkpoint folder when it does not exist" };
        var label = new Option<string?>("--label", "--target") { Description = "CSV label (target) column, by name or index (default: the last)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder of Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)" };
        var regression = new Option<bool>("--regression") { Description = "Treat the label as a regression target (MSE loss)" };
        var model = new Option<string>("--model") { Description = $"Architecture: mlp:H1-H2-…, linear, a convolutional network: {string.Join(", ", Zoo.Names)}; or a classical model: {ClassicalTraining.Models.Valid}", DefaultValueFactory = _ => "mlp:256-128" };
        var alpha = new Option<double?>("--alpha") { Description = "ridge: the L2 penalty α (default 1); bernoulli-nb, multinomial-nb: the additive smoothing α (default 1)" };
        var c = new Option<double?>("--C") { Description = "logreg: the inverse regularisation strength C of C·Σ loss + ½‖w‖² (default 1)" };
        var regParam = new Option<double?>("--reg-param") { Description = "qda: shrinkage r ∈ [0, 1] of each class covariance towards I (default 0)" };
        var varSmoothing = new Option<double?>("--var-smoothing") { Description = "gaussian-nb: the part of the largest feature variance added to every variance (default 1e-9)" };
        var binarize = new Option<double?>("--binarize") { Description = "bernoulli-nb: a feature is 1 when above this threshold (default 0)" };
        var augment = new Option<bool>("--augment") { Description = "Augment training images on the fly: random crop with padding and horizontal flips (convolutional models)" };
        var width = new Option<double>("--width") { Description = "Channel-width multiplier of a convolutional network", DefaultValueFactory = _ => 1.0 };
        var activation = new Option<string>("--activation") { Description = $"Hidden activation: {Specs.Activations.Valid}", DefaultValueFactory = _ => "relu" };
        var dropout = new Option<double>("--dropout") { Description = "Dropout probability after each hidden layer, in [0, 1)", DefaultValueFactory = _ => 0.2 };
        var batchNorm = new Option<bool>("--batch-norm") { Description = "Batch normalisation after each hidden linear layer" };
        var optimizer = new Option<string>("--optimizer") { Description = $"Optimiser: {Specs.Optimizers.Valid}", DefaultValueFactory = _ => "adam" };
        var lr = new Option<double?>("--lr") { Description = "Learning rate (default: 1e-3 for adam/adamw/rmsprop, 1e-2 adagrad, 0.05 sgd)" };
        var schedule = new Option<string>("--schedule") { Description = $"Learning-rate schedule: {Specs.Schedules.Valid}", DefaultValueFactory = _ => "none" };
        var batchSize = new Option<int>("--batch-size") { Description = "Mini-batch size", DefaultValueFactory = _ => 64 };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs", DefaultValueFactory = _ => 30 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (same seed, same run)", DefaultValueFactory = _ => 42 };
        var l1 = new Option<double>("--l1") { Description = "λ of an L1 penalty on the weights" };
        var l2 = new Option<double>("--l2") { Description = "λ of an L2 penalty Σw² on the weights (biases not penalised)" };
        var weightDecay = new Option<double>("--weight-decay") { Description = "Optimiser weight decay" };
        var early = new Option<int>("--early-stopping") { Description = "Stop after this many epochs without validation improvement (0: off); restores the best weights" };
        var clip = new Option<double?>("--clip-norm") { Description = "Clip the global gradient norm to this value" };
        var maxNorm = new Option<double?>("--max-norm") { Description = "Max-norm constraint: after every step, scale each unit's incoming weights to a norm of at most this (e.g. 3)" };
        var output = new Option<string?>("--output", "-o") { Description = "Save the model as one file OUTPUT.safetensors (a path ending in '/': a file named after the run in that folder)" };
        var history = new Option<string?>("--history") { Description = "Write the per-epoch history to a .csv or .json file" };
        var plain = new Option<bool>("--plain") { Description = "One line per epoch instead of a live progress bar" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Save a resumable checkpoint (weights, optimiser, epoch, RNG) to this file" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Epochs between checkpoints", DefaultValueFactory = _ => 1 };
        var resume = new Option<string?>("--resume") { Description = "Resume from a checkpoint written by --checkpoint with the same options" };
        var diagnose = new Option<bool>("--diagnose") { Description = "Print each layer's activation statistics, dead ReLUs, saturated units, gradient norm and update/weight ratio, with warnings (once per epoch unless --diagnose-every)" };
        var diagnoseEvery = new Option<int?>("--diagnose-every") { Description = "Diagnostics every N optimizer steps (implies --diagnose)" };
        var command = new Command("train", "Train a network and report its test accuracy")
        {
            dataset, csv, label, dataDir, regression, model, activation, dropout, batchNorm, optimizer, lr, schedule,
            batchSize, epochs, seed, l1, l2, weightDecay, early, clip, output, history, plain, checkpoint, checkpointEvery, resume, augment, width,
            testFraction, devFraction, impute, createDirs, alpha, c, regParam, varSmoothing, binarize, maxNorm, diagnose, diagnoseEvery,
        };
        command.SetAction(r => Run(new Settings(
            r.GetValue(dataset), r.GetValue(csv), r.GetValue(label), r.GetValue(dataDir), r.GetValue(regression),
            r.GetValue(model)!, r.GetValue(activation)!, r.GetValue(dropout), r.GetValue(batchNorm),
            r.GetValue(optimizer)!, r.GetValue(lr), r.GetValue(schedule)!, r.GetValue(batchSize), r.GetValue(epochs),
            r.GetValue(seed), r.GetValue(l1), r.GetValue(l2), r.GetValue(weightDecay), r.GetValue(early), r.GetValue(clip),
            r.GetValue(output), r.GetValue(history), r.GetValue(plain), r.GetValue(checkpoint), r.GetValue(checkpointEvery), r.GetValue(resume), r.GetValue(augment), r.GetValue(width),
            r.GetValue(testFraction), r.GetValue(devFraction), r.GetValue(impute), r.GetValue(createDirs),
            new ClassicalOptions(r.GetValue(alpha), r.GetValue(c), r.GetValue(regParam), r.GetValue(varSmoothing), r.GetValue(binarize)), r.GetValue(maxNorm),
            r.GetValue(diagnose), r.GetValue(diagnoseEvery)), Console.Out));
        return command;
    }

    /// <summary>Runs a training job; returns the process exit code (0; <see cref="DivergedExitCode"/> when the divergence
    /// guard stopped it; 130 after Ctrl-C, with a checkpoint written). Also used by tests.</summary>
    public static int Run(Settings s, TextWriter output, CancellationToken cancel = default)
    {
        Validate(s);
        var clock = Stopwatch.StartNew();
        bool convolutional = Specs.IsZoo(s.Model);
        string runName = OutputPath.RunName(s.Csv ?? s.Dataset ?? (convolutional ? "fashion-mnist" : "digits"), s.Model);
        // Every file the run writes is checked before any work starts.
        string? modelFile = s.Output is null ? null : OutputPath.Model(s.Output, runName, s.CreateDirs);
        if (ClassicalTraining.IsClassical(s.Model)) return ClassicalTraining.Run(s, s.Classical ?? new(), modelFile, output);
        if (s.Checkpoint is not null) OutputPath.Check("--checkpoint", s.Checkpoint, s.CreateDirs);
        if (s.History is not null) OutputPath.Check("--history", s.History, s.CreateDirs);

        Generator.ManualSeed(s.Seed);
        var request = new DataRequest(s.DataDir, s.Seed, convolutional, s.TestFraction, s.DevFraction);
        var data = DataSources.Load(s.Dataset, s.Csv, s.Label, s.Regression, request, s.Impute);
        if (data.Train.Count == 0) throw new UsageException($"--test-fraction {s.TestFraction} and --dev-fraction {s.DevFraction} leave no training rows of {data.Name}'s {data.Split.Rows}");
        if (data.Test.Count == 0) output.WriteLine("warning: --test-fraction 0 leaves no test rows; the test figures below are empty");
        output.WriteLine($"data: {data.Name}: {data.Train.Count} train, {data.Dev.Count} dev, {data.Test.Count} test samples, {data.Inputs} features, " +
                         (data.Classification ? $"{data.Outputs} classes" : $"{data.Outputs} targets"));

        var generator = new Generator(s.Seed);
        Module model;
        LayerConfig? architecture = null;
        ITransform? augmentation = null;
        if (convolutional)
        {
            int[] sample = data.Train.SampleShape;
            var options = new VisionOptions(InChannels: sample[0], Classes: data.Outputs, InputSize: sample[1], Width: s.Width, BatchNorm: s.BatchNorm, Dropout: s.Dropout);
            model = Zoo.Create(s.Model, options);
            architecture = ZooConfig.Of(s.Model, options);
            if (s.Augment)
                augmentation = new Compose(new RandomCrop(new RandomCropOptions(sample[1], Math.Max(1, sample[1] / 8))), new RandomHorizontalFlip(0.5));
        }
        else
        {
            if (s.Augment) throw new UsageException("--augment applies to image models (--model " + string.Join("|", Zoo.Names) + ")");
            var scaler = new StandardScaler();
            scaler.Fit(data.Train);  // fitted on the training split only, reused on dev/test (inside the model)
            var network = Specs.Mlp(s.Model, data.Inputs, data.Outputs, s.Activation, s.Dropout, s.BatchNorm, generator);
            model = new Sequential([new Standardize(scaler.Mean, scaler.Std), .. network.Layers, .. TargetScale(data)]);
        }
        output.Write(ModelSummary.Of(model, data.Train.SampleShape));
        if (augmentation is not null) output.WriteLine($"augmentation: {augmentation}");
        var optimizerSpec = Specs.Optimizers.Parse(s.Optimizer);
        var optimizer = optimizerSpec.Create(model.Parameters(), s.LearningRate ?? optimizerSpec.DefaultLearningRate, s.WeightDecay);
        output.WriteLine($"optimizer: {optimizer}");

        Loss loss = data.Classification ? new CrossEntropyLoss() : new MSELoss();
        var train = new DataLoader(data.Train, s.BatchSize, shuffle: true, seed: s.Seed, transform: augmentation);
        bool diagnose = s.Diagnose || s.DiagnoseEvery is not null;
        var trainer = new Trainer(model, loss, optimizer)
        {
            L1 = s.L1, L2 = s.L2, ClipGradNorm = s.ClipNorm,
            Diagnostics = diagnose ? new Diagnostics(s.DiagnoseEvery ?? train.BatchCount) : null,
        };
        var callbacks = new List<Callback>();
        var scheduler = Specs.Schedules.Parse(s.Schedule)(optimizer, s.Epochs);
        if (scheduler is not null) callbacks.Add(new SchedulerCallback(scheduler));
        if (s.Checkpoint is not null) callbacks.Add(new CheckpointCallback(s.Checkpoint, s.CheckpointEvery, scheduler));
        if (s.EarlyStopping > 0) callbacks.Add(new EarlyStopping(s.EarlyStopping));
        if (s.MaxNorm is { } limit) callbacks.Add(new MaxNorm(limit));
        if (s.History is not null) callbacks.Add(new HistoryWriter(s.History));
        var dev = data.Dev.Count > 0 ? new DataLoader(data.Dev, 1000) : null;
        int startEpoch = 0;
        if (s.Resume is not null)
        {
            startEpoch = Neurite.Training.Checkpoint.Load(s.Resume, model, optimizer, scheduler);
            train.Epoch = startEpoch;
            output.WriteLine($"resumed: {s.Resume} after epoch {startEpoch}");
        }
        History history;
        using (var interrupt = new Interrupt(cancel))
        {
            if (s.Plain || Console.IsOutputRedirected || output != Console.Out)
            {
                callbacks.Add(new PlainProgress(output));
                if (diagnose) callbacks.Add(new DiagnosticsPrinter(output.Write));
                history = trainer.Fit(train, s.Epochs, startEpoch, dev, interrupt.Token, callbacks.ToArray());
            }
            else
            {
                var live = new LiveProgress(train.BatchCount);
                callbacks.Add(live);
                if (diagnose) callbacks.Add(new DiagnosticsPrinter(text => AnsiConsole.Write(new Text(text))));
                history = live.Run(() => trainer.Fit(train, s.Epochs, startEpoch, dev, interrupt.Token, callbacks.ToArray()));
            }
        }
        if (history.Interrupted)
        {
            string ckpt = s.Checkpoint ?? (modelFile is not null ? modelFile[..^".safetensors".Length] : runName) + ".checkpoint.safetensors";
            Neurite.Training.Checkpoint.Save(ckpt, model, optimizer, history.LastCompletedEpoch, scheduler);
            output.WriteLine($"interrupted: checkpoint of epoch {history.LastCompletedEpoch} written to {ckpt}");
            output.WriteLine($"resume with: neurite {ResumeArguments(ckpt)}");
            return Interrupt.ExitCode;
        }
        if (history.Divergence is not null)
        {
            output.WriteLine(history.StopReason);
            output.WriteLine("no model saved: lower --lr, add --clip-norm, or use --batch-norm");
            return DivergedExitCode;
        }
        if (history.StopReason is not null) output.WriteLine(history.StopReason);

        var (testLoss, testAccuracy, _) = trainer.Evaluate(new DataLoader(data.Test, 1000));
        output.WriteLine(testAccuracy is { } acc
            ? $"test: loss {testLoss:F4}, accuracy {acc:P2} ({data.Test.Count} samples)"
            : $"test: MSE {testLoss:F5} ({data.Test.Count} samples)");
        if (modelFile is not null)
        {
            ModelFile.Save(model, modelFile, InfoOf(s, data), architecture);
            output.WriteLine($"saved: {modelFile}");
        }
        output.WriteLine($"time: {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>What the model file says about the run: the task, names, preprocessing, seed, data and split (so `eval` finds the test rows).</summary>
    internal static ModelInfo InfoOf(Settings s, PreparedData data) => new()
    {
        Task = data.Classification ? "classification" : "regression",
        ClassNames = data.Classification ? data.ClassNames ?? Enumerable.Range(0, data.Outputs).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray() : null,
        FeatureNames = data.FeatureNames, Preprocessing = data.Preprocessing, InputShape = data.Train.SampleShape, Seed = s.Seed,
        Dataset = s.Csv is not null ? Path.GetFullPath(s.Csv) : data.Name, Split = data.Split,
    };

    /// <summary>For regression, a fixed last layer y = z·std + mean with the training targets' statistics, so the network
    /// learns standardised targets (a target in the thousands is out of reach of lr 1e-3 steps otherwise) while the
    /// model still outputs, and the loss still measures, the target's own units. Written as Standardize with
    /// mean −m/s and std 1/s: (z + m/s)·s = z·s + m.</summary>
    internal static Module[] TargetScale(PreparedData data)
    {
        if (data.Classification) return [];
        var targets = new StandardScaler();
        targets.Fit(data.Train.Labels.Reshape(data.Train.Count, data.Outputs));  // σ = 1 for a constant target
        return [new Standardize(targets.Mean.ToArray().Select((m, j) => -m / targets.Std[j]).ToArray(), targets.Std.ToArray().Select(sd => 1 / sd).ToArray())];
    }

    /// <summary>This run's command line with <c>--resume FILE</c> (replacing an earlier one).</summary>
    static string ResumeArguments(string checkpoint)
    {
        var args = Environment.GetCommandLineArgs().Skip(1).ToList();
        int at = args.IndexOf("train");
        args = at >= 0 ? args[at..] : ["train", "…"];
        int resume = args.IndexOf("--resume");
        if (resume >= 0) args.RemoveRange(resume, Math.Min(2, args.Count - resume));
        args.AddRange(["--resume", checkpoint]);
        return string.Join(" ", args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
    }

    static void Validate(Settings s)
    {
        Range("--epochs", s.Epochs, 1, 1_000_000);
        Range("--batch-size", s.BatchSize, 1, 1 << 20);
        Range("--checkpoint-every", s.CheckpointEvery, 1, 1_000_000);
        Range("--early-stopping", s.EarlyStopping, 0, 1_000_000);
        if (s.DiagnoseEvery is { } every) Range("--diagnose-every", every, 1, 1_000_000_000);
        if (!(s.Dropout >= 0 && s.Dropout < 1)) throw new UsageException($"--dropout must be in [0, 1), got {s.Dropout}");
        if (s.LearningRate is { } lr && !(lr > 0 && double.IsFinite(lr))) throw new UsageException($"--lr must be a positive number, got {lr}");
        if (!(s.L1 >= 0 && s.L2 >= 0 && s.WeightDecay >= 0) || !double.IsFinite(s.L1 + s.L2 + s.WeightDecay)) throw new UsageException("--l1, --l2 and --weight-decay must be non-negative numbers");
        if (s.ClipNorm is { } clip && !(clip > 0 && double.IsFinite(clip))) throw new UsageException($"--clip-norm must be a positive number, got {clip}");
        if (s.MaxNorm is { } max && !(max > 0 && double.IsFinite(max))) throw new UsageException($"--max-norm must be a positive number, got {max}");
        if (!(s.TestFraction >= 0 && s.TestFraction < 1)) throw new UsageException($"--test-fraction must be in [0, 1), got {s.TestFraction}");
        if (s.DevFraction is { } dev && !(dev >= 0 && dev < 1)) throw new UsageException($"--dev-fraction must be in [0, 1), got {dev}");
        if (!(s.TestFraction + (s.DevFraction ?? 0.1) < 1)) throw new UsageException($"--test-fraction + --dev-fraction must be below 1, got {s.TestFraction} + {s.DevFraction ?? 0.1}");
        if (s.Csv is not null && s.Dataset is not null) throw new UsageException("give either --dataset or --csv, not both");
        if (s.Resume is not null && !File.Exists(s.Resume)) throw new UsageException($"--resume: checkpoint file not found: {s.Resume}");
        if (!(s.Width > 0 && s.Width <= 16)) throw new UsageException($"--width must be in (0, 16], got {s.Width}");
        if (s.Impute is not null and not ("mean" or "median")) throw new UsageException($"--impute: unknown value '{s.Impute}'. Valid: mean, median");
        ClassicalTraining.CheckOptions(s.Model, s.Classical ?? new());
        if (!ClassicalTraining.IsClassical(s.Model)) Specs.CheckModel(s.Model);
        Specs.Activations.Parse(s.Activation);
        Specs.Optimizers.Parse(s.Optimizer);
        Specs.Schedules.Parse(s.Schedule);
        if (s.Dataset is not null) DataSources.Sets.Parse(s.Dataset);
    }

    static void Range(string option, int value, int min, int max)
    {
        if (value < min || value > max) throw new UsageException($"{option} must be in {min}..{max}, got {value}");
    }
}
