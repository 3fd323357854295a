using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Neurite.Data;
using Neurite.Search;
using Neurite.Serialization;

namespace Neurite.Cli.Commands;

/// <summary>`neurite tune`: searches hyper-parameters and MLP architectures on any data `train` accepts, scoring each trial
/// by its best dev loss, then retrains the best configuration on train+dev and evaluates it once on test.</summary>
public static class TuneCommand
{
    public sealed record Settings(
        string Space, string Searcher = "random", int Trials = 20, int BudgetEpochs = 10,
        string? Dataset = null, string? Csv = null, string? Label = null, string? DataDir = null, bool Regression = false,
        int BatchSize = 64, ulong Seed = 42, string Results = "tune-results", bool MedianStop = true, int GridLevels = 3,
        double ParameterPenalty = 0, double TestFraction = 0.2, double? DevFraction = null, string? Impute = null);

    /// <summary>The searchers by name; each gets the space, the seed and the settings.</summary>
    public static readonly NameTable<Func<SearchSpace, Settings, ISearcher>> Searchers = new("--searcher",
        ("grid", (space, s) => new GridSearch(space, s.GridLevels)),
        ("random", (space, s) => new RandomSearch(space, s.Seed)),
        ("coarse-to-fine", (space, s) => new CoarseToFineSearch(space, s.Seed, Math.Max(1, (s.Trials + 2) / 3))),
        ("bayes", (space, s) => new BayesianSearch(space, s.Seed, initialTrials: Math.Clamp(s.Trials / 4, 2, 10))),
        ("evolve", (space, s) => new EvolutionSearch(space, s.Seed, population: Math.Clamp(s.Trials / 4, 2, 16), tournament: 2, parameterPenalty: s.ParameterPenalty)));

    public static Command Create()
    {
        var space = new Option<string>("--space") { Description = "Search-space file (JSON): " + SpaceFile.Forms, Required = true };
        var searcher = new Option<string>("--searcher") { Description = $"Searcher: {Searchers.Valid}", DefaultValueFactory = _ => "random" };
        var trials = new Option<int>("--trials") { Description = "Number of trials", DefaultValueFactory = _ => 20 };
        var budget = new Option<int>("--budget-epochs") { Description = "Epochs per trial (and for the final fit)", DefaultValueFactory = _ => 10 };
        var dataset = new Option<string?>("--dataset") { Description = $"Built-in data set: {DataSources.Sets.Valid} (default digits)" };
        var csv = new Option<string?>("--csv") { Description = "Tune on a CSV file (as `train --csv`)" };
        var label = new Option<string?>("--label", "--target") { Description = "CSV label column, by name or index (default: the last)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder of a data set's files (fashion-mnist, cifar10)" };
        var regression = new Option<bool>("--regression") { Description = "Treat the label as a regression target (MSE loss)" };
        var batchSize = new Option<int>("--batch-size") { Description = "Mini-batch size when the space has no batch_size", DefaultValueFactory = _ => 64 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the split, the searcher and every trial (same seed, same study)", DefaultValueFactory = _ => 42 };
        var results = new Option<string>("--results") { Description = "Folder for study.jsonl (resumable), trials.csv and best.json", DefaultValueFactory = _ => "tune-results" };
        var noMedian = new Option<bool>("--no-median-stop") { Description = "Run every trial for the whole budget (no median stopping rule)" };
        var levels = new Option<int>("--grid-levels") { Description = "grid: values per numeric parameter", DefaultValueFactory = _ => 3 };
        var penalty = new Option<double>("--parameter-penalty") { Description = "evolve: add this × log10(parameter count) to a trial's score" };
        var testFraction = new Option<double>("--test-fraction") { Description = "Fraction of the rows held out for the test", DefaultValueFactory = _ => 0.2 };
        var devFraction = new Option<double?>("--dev-fraction") { Description = "Fraction of the (training) rows for the dev set that scores the trials (default 0.1)" };
        var impute = new Option<string?>("--impute") { Description = "Fill missing CSV cells: mean, median" };
        var command = new Command("tune", "Search hyper-parameters and architectures; retrain the best and test it once")
        {
            space, searcher, trials, budget, dataset, csv, label, dataDir, regression, batchSize, seed, results, noMedian, levels, penalty,
            testFraction, devFraction, impute,
        };
        command.SetAction(r => Run(new Settings(r.GetValue(space)!, r.GetValue(searcher)!, r.GetValue(trials), r.GetValue(budget),
            r.GetValue(dataset), r.GetValue(csv), r.GetValue(label), r.GetValue(dataDir), r.GetValue(regression), r.GetValue(batchSize),
            r.GetValue(seed), r.GetValue(results)!, !r.GetValue(noMedian), r.GetValue(levels), r.GetValue(penalty),
            r.GetValue(testFraction), r.GetValue(devFraction), r.GetValue(impute)), Console.Out));
        return command;
    }

    /// <summary>Runs (or resumes) a study; returns the exit code (0; 130 after Ctrl-C, the finished trials kept).</summary>
    public static int Run(Settings s, TextWriter output, CancellationToken cancel = default)
    {
        var (space, makeSearcher) = Validate(s);
        Directory.CreateDirectory(s.Results);
        string studyFile = Path.Combine(s.Results, "study.jsonl");
        OutputPath.Check("--results", studyFile, createDirs: true);

        var request = new DataRequest(s.DataDir, s.Seed, Images: false, s.TestFraction, s.DevFraction);
        var data = DataSources.Load(s.Dataset, s.Csv, s.Label, s.Regression, request, s.Impute);
        if (data.Train.Count == 0 || data.Dev.Count == 0) throw new UsageException($"tune scores trials on the dev set: --test-fraction {s.TestFraction} and --dev-fraction {s.DevFraction} leave {data.Train.Count} train and {data.Dev.Count} dev rows of {data.Name}");
        output.WriteLine($"data: {data.Name}: {data.Train.Count} train, {data.Dev.Count} dev, {data.Test.Count} test samples");
        output.WriteLine($"search: {s.Searcher}, {s.Trials} trials of up to {s.BudgetEpochs} epochs{(s.MedianStop ? ", median stopping" : "")}; " +
                         $"trials run one at a time, each with all {Engine.Threads} kernel threads (the thread count is process-wide)");
        if (File.Exists(studyFile)) output.WriteLine($"resuming: {studyFile}");

        var study = new Study(space, makeSearcher(space, s), s.Trials, studyFile, s.MedianStop ? new MedianStoppingRule(graceEpochs: 1, minTrials: 2) : null);
        double best = double.PositiveInfinity;
        IReadOnlyList<Trial> trials;
        using (var interrupt = new Interrupt(cancel))
        {
            trials = study.Run((c, ctx) => RunTrial(c, ctx, data, s), (t, resumed) =>
            {
                best = Math.Min(best, t.Score);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"trial {t.Number + 1,3}/{s.Trials}  dev_loss {t.Score,9:F4}  best {best,9:F4}  epochs {t.Curve.Count,3}{(t.Stopped ? " stopped" : "        ")}  {t.Parameters,9:N0} params  {t.Configuration}{(resumed ? "  (from the study file)" : "")}"));
            }, interrupt.Token);
            if (interrupt.Requested)
            {
                output.WriteLine($"interrupted after {trials.Count} trials; they are in {studyFile}: run the same command to resume");
                return Interrupt.ExitCode;
            }
        }
        if (trials.Count == 0) throw new UsageException("tune: the searcher proposed no trials");
        AtomicFile.WriteAllText(Path.Combine(s.Results, "trials.csv"), StudyFile.ToCsv(space, trials));

        var winner = Study.Best(trials);
        output.WriteLine($"best: trial {winner.Number + 1}, dev loss {winner.Score:F4}: {winner.Configuration}");
        var all = TuneModels.TrainPlusDev(data);
        ulong seed = s.Seed + (ulong)winner.Number;   // the winning trial's seed: the same initial weights, more rows
        Generator.ManualSeed(seed);
        var (trainer, batch) = TuneModels.Build(winner.Configuration, all, new Generator(seed), s.BatchSize);
        trainer.Fit(new DataLoader(all.Train, batch, shuffle: true, seed: seed), s.BudgetEpochs);
        var test = trainer.Evaluate(new DataLoader(data.Test, 1000));
        output.WriteLine(test.Accuracy is { } acc
            ? $"test (best configuration retrained on train+dev, {s.BudgetEpochs} epochs): loss {test.Loss:F4}, accuracy {acc:P2} ({data.Test.Count} samples)"
            : $"test (best configuration retrained on train+dev, {s.BudgetEpochs} epochs): MSE {test.Loss:F5} ({data.Test.Count} samples)");
        AtomicFile.WriteAllText(Path.Combine(s.Results, "best.json"), BestJson(s, winner, test));
        output.WriteLine($"results: {studyFile}, {Path.Combine(s.Results, "trials.csv")}, {Path.Combine(s.Results, "best.json")}");
        return 0;
    }

    static TrialResult RunTrial(Configuration c, TrialContext ctx, PreparedData data, Settings s)
    {
        ulong seed = s.Seed + (ulong)ctx.Number;
        Generator.ManualSeed(seed);   // dropout draws from the default generator
        var (trainer, batch) = TuneModels.Build(c, data, new Generator(seed), s.BatchSize);
        var stopping = ctx.StoppingCallback();
        trainer.Fit(new DataLoader(data.Train, batch, shuffle: true, seed: seed), s.BudgetEpochs, 0, new DataLoader(data.Dev, 1000), ctx.Cancellation, stopping);
        double score = stopping.Curve.Where(double.IsFinite).DefaultIfEmpty(double.PositiveInfinity).Min();
        // a diverged run keeps the best of the epochs before it diverged (the guard restored them)
        return new TrialResult(score, stopping.Curve, stopping.Stopped,
            trainer.Model.Parameters().Sum(p => (long)p.NumEl));
    }

    static string BestJson(Settings s, Trial best, Training.Evaluation test)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("searcher", s.Searcher);
            w.WriteNumber("seed", s.Seed);
            w.WriteNumber("trial", best.Number);
            w.WriteNumber("dev_loss", best.Score);
            w.WriteStartObject("config");
            foreach (var (name, value) in best.Configuration.Values)
                switch (value)
                {
                    case double d: w.WriteNumber(name, d); break;
                    case int i: w.WriteNumber(name, i); break;
                    case int[] widths: w.WriteStartArray(name); foreach (int x in widths) w.WriteNumberValue(x); w.WriteEndArray(); break;
                    default: w.WriteString(name, Search.Parameter.Format(value)); break;
                }
            w.WriteEndObject();
            if (double.IsFinite(test.Loss)) w.WriteNumber("test_loss", test.Loss);
            if (test.Accuracy is { } a) w.WriteNumber("test_accuracy", a);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    static (SearchSpace, Func<SearchSpace, Settings, ISearcher>) Validate(Settings s)
    {
        var make = Searchers.Parse(s.Searcher);
        if (s.Trials < 1 || s.Trials > 100_000) throw new UsageException($"--trials must be in 1..100000, got {s.Trials}");
        if (s.BudgetEpochs < 1 || s.BudgetEpochs > 1_000_000) throw new UsageException($"--budget-epochs must be in 1..1000000, got {s.BudgetEpochs}");
        if (s.BatchSize < 1) throw new UsageException($"--batch-size must be ≥ 1, got {s.BatchSize}");
        if (s.GridLevels < 1 || s.GridLevels > 100) throw new UsageException($"--grid-levels must be in 1..100, got {s.GridLevels}");
        if (!(s.ParameterPenalty >= 0)) throw new UsageException($"--parameter-penalty must be ≥ 0, got {s.ParameterPenalty}");
        if (s.Csv is not null && s.Dataset is not null) throw new UsageException("give either --dataset or --csv, not both");
        if (s.Dataset is not null) DataSources.Sets.Parse(s.Dataset);
        SearchSpace space;
        try { space = SpaceFile.Load(s.Space); }
        catch (SearchSpaceException e) { throw new UsageException($"--space: {e.Message}"); }
        TuneModels.Check(space, s.Space);
        return (space, make);
    }
}
