using System.Text.Json;
using Neurite.Cli;
using Neurite.Cli.Commands;

namespace Neurite.Tests.Search;

[Collection(GlobalStateCollection.Name)]
public class TuneCliTests
{
    const string Space = """
    {
      "lr": { "float": [3e-3, 3e-2], "log": true },
      "optimizer": { "choice": ["adam", "momentum"] },
      "momentum": { "float": [0.5, 0.9], "when": { "optimizer": ["momentum"] } },
      "layers": { "layers": { "depth": [1, 2], "width": [8, 32] } }
    }
    """;

    [Fact]
    public void TuneOnIrisWritesTheTrialsAndTestsTheBestOnceAndResumes()
    {
        string dir = Path.Combine(Path.GetTempPath(), "neurite-tune-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string space = Path.Combine(dir, "space.json"), results = Path.Combine(dir, "out");
            File.WriteAllText(space, Space);
            var settings = new TuneCommand.Settings(space, "bayes", Trials: 4, BudgetEpochs: 2, Dataset: "iris", BatchSize: 16, Results: results);
            var log = new StringWriter();
            Assert.Equal(0, TuneCommand.Run(settings, log));
            string text = log.ToString();
            Assert.Equal(4, text.Split('\n').Count(l => l.StartsWith("trial ", StringComparison.Ordinal)));
            Assert.Contains("test (best configuration retrained on train+dev, 2 epochs): loss ", text);

            var lines = File.ReadAllLines(Path.Combine(results, "study.jsonl"));
            Assert.Equal(4, lines.Length);
            var csv = File.ReadAllLines(Path.Combine(results, "trials.csv"));
            Assert.Equal("trial,score,stopped,epochs,parameters,seconds,lr,optimizer,momentum,layers", csv[0]);
            Assert.Equal(5, csv.Length);
            var scores = csv[1..].Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.All(scores, s => Assert.InRange(s, 0, 5));   // iris dev cross-entropy after 2 epochs
            using var best = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "best.json")));
            var root = best.RootElement;
            Assert.Equal(scores.Min(), root.GetProperty("dev_loss").GetDouble(), 12);
            Assert.Equal(Array.IndexOf(scores, scores.Min()), root.GetProperty("trial").GetInt32());
            Assert.InRange(root.GetProperty("config").GetProperty("lr").GetDouble(), 3e-3, 3e-2);
            Assert.InRange(root.GetProperty("test_accuracy").GetDouble(), 0, 1);

            // run again: every trial comes from the study file, the same best is chosen
            var again = new StringWriter();
            Assert.Equal(0, TuneCommand.Run(settings, again));
            Assert.Equal(4, again.ToString().Split('\n').Count(l => l.Contains("(from the study file)")));
            Assert.Equal(File.ReadAllText(Path.Combine(results, "trials.csv")), string.Join("\n", csv) + "\n");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void BadInputNamesTheOptionAndItsValidValues()
    {
        string dir = Path.Combine(Path.GetTempPath(), "neurite-tune-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string good = Path.Combine(dir, "space.json"), empty = Path.Combine(dir, "empty.json"), log = Path.Combine(dir, "log.json"), unknown = Path.Combine(dir, "unknown.json");
            File.WriteAllText(good, Space);
            File.WriteAllText(empty, "{}");
            File.WriteAllText(log, "{\"lr\": {\"float\": [0, 0.1], \"log\": true}}");
            File.WriteAllText(unknown, "{\"colour\": {\"choice\": [\"red\"]}}");
            string Error(TuneCommand.Settings s) => Assert.Throws<UsageException>(() => TuneCommand.Run(s with { Results = Path.Combine(dir, "out") }, TextWriter.Null)).Message;
            Assert.Contains("space is empty", Error(new(empty, Dataset: "iris")));
            Assert.Contains("needs low > 0", Error(new(log, Dataset: "iris")));
            Assert.Contains("--trials must be in 1..100000, got 0", Error(new(good, Trials: 0, Dataset: "iris")));
            Assert.Equal("--searcher: unknown value 'annealing'. Valid: grid, random, coarse-to-fine, bayes, evolve", Error(new(good, "annealing", Dataset: "iris")));
            Assert.Contains("parameter 'colour' is not one tune knows; tune's parameters: lr (float)", Error(new(unknown, Dataset: "iris")));
            Assert.False(Directory.Exists(Path.Combine(dir, "out")));   // refused before any work
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
