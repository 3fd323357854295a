using Neurite.Search;

namespace Neurite.Tests.Search;

public class StudyTests
{
    static Trial Finished(int n, params double[] curve) => new(n, new Configuration([new("x", (double)n)]), curve.Min(), curve, false, 0, 0);

    [Fact]
    public void MedianStoppingStopsATrialThatIsClearlyWorse()
    {
        var rule = new MedianStoppingRule(graceEpochs: 1, minTrials: 3);
        Trial[] done = [Finished(0, 1.0, 0.8, 0.6), Finished(1, 0.9, 0.7, 0.5), Finished(2, 1.1, 0.9, 0.7)];
        Assert.Equal(1.0, rule.Median(1, done));            // best-so-far at epoch 1: 1.0, 0.9, 1.1
        Assert.Equal(0.8, rule.Median(2, done)!.Value, 12);  // at epoch 2: 0.8, 0.7, 0.9
        Assert.True(rule.ShouldStop([2.0], done));
        Assert.False(rule.ShouldStop([0.95], done));
        Assert.True(rule.ShouldStop([0.95, 0.85], done));   // fine at 1, behind at 2
        Assert.False(rule.ShouldStop([0.95, 0.75], done));
        Assert.False(rule.ShouldStop([2.0], done[..2]));    // too few finished trials to judge
        Assert.False(new MedianStoppingRule(graceEpochs: 2).ShouldStop([2.0], done));   // still in its grace period
    }

    [Fact]
    public void ResumingAfterAKillGivesTheSameStudy()
    {
        string dir = Path.Combine(Path.GetTempPath(), "neurite-study-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var space = new SearchSpace(new FloatParameter("a", 1e-4, 1, log: true), new ChoiceParameter("opt", ["adam", "sgd"]),
                new FloatParameter("m", 0.5, 0.9) { When = new Condition("opt", ["sgd"]) }, new LayersParameter("layers", 1, 3, 4, 64));
            TrialResult F(Configuration c, TrialContext _)
            {
                double v = Math.Pow(Math.Log10(c.Float("a")) + 2, 2) + c.Layers("layers").Count + (c.Has("m") ? c.Float("m") : 0);
                return new TrialResult(v, [v + 1, v], false, 10 * c.Layers("layers").Sum());
            }
            var whole = new Study(space, new BayesianSearch(space, 9, initialTrials: 3, candidates: 100), 8).Run(F);

            string path = Path.Combine(dir, "study.jsonl");
            int calls = 0;
            var killed = new Study(space, new BayesianSearch(space, 9, initialTrials: 3, candidates: 100), 8, path);
            Assert.Throws<OperationCanceledException>(() => killed.Run((c, ctx) => ++calls == 6 ? throw new OperationCanceledException("killed") : F(c, ctx)));
            Assert.Equal(5, File.ReadAllLines(path).Length);   // five finished trials on disk, the sixth lost

            calls = 0;
            var resumed = new Study(space, new BayesianSearch(space, 9, initialTrials: 3, candidates: 100), 8, path).Run((c, ctx) => { calls++; return F(c, ctx); });
            Assert.Equal(3, calls);   // only the missing trials ran
            Assert.Equal(whole.Select(t => (t.Configuration.ToString(), t.Score, t.Parameters, string.Join(",", t.Curve))),
                         resumed.Select(t => (t.Configuration.ToString(), t.Score, t.Parameters, string.Join(",", t.Curve))));
            Assert.Equal(8, StudyFile.Read(path, space).Count);

            // another seed proposes other trials: the file is refused, not silently mixed in
            var other = new Study(space, new BayesianSearch(space, 10, initialTrials: 3), 8, path);
            Assert.Contains("another space, searcher or seed", Assert.Throws<InvalidOperationException>(() => other.Run(F)).Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void TheStudyFileRoundTripsValuesAndADivergedScore()
    {
        string path = Path.Combine(Path.GetTempPath(), "neurite-study-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            var space = new SearchSpace(new FloatParameter("lr", 1e-5, 1, log: true), new IntParameter("n", 1, 9), new LayersParameter("layers", 0, 2, 1, 8));
            var c = new Configuration([new("lr", 0.1 + 0.2), new("n", 7), new("layers", Array.Empty<int>())]);
            var trials = new[] { new Trial(0, c, double.PositiveInfinity, [0.5, double.NaN], true, 42, 1.5) };
            StudyFile.Write(path, space, trials);
            var back = Assert.Single(StudyFile.Read(path, space));
            Assert.Equal(0.30000000000000004, back.Configuration.Float("lr"));   // bit-exact, so a resumed study compares equal
            Assert.Equal(c, back.Configuration);
            Assert.Equal(double.PositiveInfinity, back.Score);
            Assert.Equal((true, 42L, 2), (back.Stopped, back.Parameters, back.Curve.Count));
            Assert.Contains("line 1", Assert.Throws<InvalidDataException>(() => { File.WriteAllText(path, "{\"number\":0}\n"); StudyFile.Read(path, space); }).Message);
            Assert.StartsWith("trial,score,stopped,epochs,parameters,seconds,lr,n,layers\n0,Infinity,true,2,42,1.500,0.30000000000000004,7,none\n", StudyFile.ToCsv(space, trials));
        }
        finally { File.Delete(path); }
    }
}
