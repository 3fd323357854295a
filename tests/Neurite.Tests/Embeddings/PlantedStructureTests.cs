using Neurite.Embeddings;
using Xunit.Abstractions;

namespace Neurite.Tests.Embeddings;

/// <summary>Skip-gram and GloVe, trained on <see cref="PlantedCorpus"/>, recover its groups and its analogies.</summary>
public sealed class PlantedStructureTests(ITestOutputHelper log)
{
    static readonly EmbeddingCorpus Corpus = EmbeddingCorpus.FromText(PlantedCorpus.Text(), minCount: 1);

    /// <summary>The share of the 400 grid analogies whose planted answer is the top-1 word of all 97.</summary>
    static double AnalogyAccuracy(WordVectors v, AnalogyMethod method) => PlantedCorpus.Analogies()
        .Average(q => v.Analogy(q.A, q.B, q.C, 1, method)[0].Word == q.Answer ? 1.0 : 0.0);

    static IEnumerable<(int Group, Neighbour[] Nearest)> MemberNeighbours(WordVectors v) =>
        from g in Enumerable.Range(0, PlantedCorpus.Groups)
        from m in Enumerable.Range(0, PlantedCorpus.Members)
        select (g, v.Nearest(PlantedCorpus.Member(g, m), PlantedCorpus.Members - 1));

    static bool SameGroup(int group, Neighbour n) => n.Word.StartsWith($"g{group}m", StringComparison.Ordinal);

    /// <summary>The share of the 20 group members whose nearest word is a member of the same group.</summary>
    static double Top1SameGroup(WordVectors v) => MemberNeighbours(v).Average(x => SameGroup(x.Group, x.Nearest[0]) ? 1.0 : 0.0);

    /// <summary>The share of same-group members among each member's 4 nearest words (1: they are exactly its group).</summary>
    static double PrecisionAt4(WordVectors v) => MemberNeighbours(v).Average(x => x.Nearest.Average(n => SameGroup(x.Group, n) ? 1.0 : 0.0));

    void Report(string name, EmbeddingRun run)
    {
        log.WriteLine($"{name}: {run.Elapsed.TotalSeconds:F2} s, {run.WordsPerSecond:N0} words/s; {run.Details}");
        log.WriteLine($"  3CosAdd {AnalogyAccuracy(run.Vectors, AnalogyMethod.Add):P1}, 3CosMul {AnalogyAccuracy(run.Vectors, AnalogyMethod.Mul):P1}, " +
                      $"top-1 same group {Top1SameGroup(run.Vectors):P1}, precision@4 {PrecisionAt4(run.Vectors):P1}");
        log.WriteLine($"  a0o0: {string.Join(", ", run.Vectors.Nearest("a0o0", 5))}; g0m0: {string.Join(", ", run.Vectors.Nearest("g0m0", 5))}");
    }

    [Fact]
    public void SkipGramRecoversPlantedGroupsAndAnalogies()
    {
        // This seed: 100 % on every measure.
        var run = SkipGram.Train(Corpus, new SkipGramOptions(Dim: 20, Window: 3, MinCount: 1, Subsample: 0, Epochs: 5, Seed: 3));
        Report("skipgram", run);
        Assert.Equal(1.0, Top1SameGroup(run.Vectors));
        Assert.True(PrecisionAt4(run.Vectors) >= 0.95, $"precision@4 {PrecisionAt4(run.Vectors)}");
        Assert.True(AnalogyAccuracy(run.Vectors, AnalogyMethod.Add) >= 0.95, $"3CosAdd {AnalogyAccuracy(run.Vectors, AnalogyMethod.Add)}");
        Assert.True(AnalogyAccuracy(run.Vectors, AnalogyMethod.Mul) >= 0.95, $"3CosMul {AnalogyAccuracy(run.Vectors, AnalogyMethod.Mul)}");
    }

    [Fact]
    public void GloVeRecoversPlantedGroupsAndAnalogies()
    {
        // The reference defaults (25 epochs, x_max 100, α 0.75, η 0.05). GloVe fits only the non-zero counts, so
        // neighbouring groups (which share half their contexts) intrude a little: ≈ 95 % precision@4, analogies ≈ 100 %.
        var run = GloVe.Train(Corpus, new GloVeOptions(Dim: 24, Window: 3, MinCount: 1, Seed: 3));
        Report("glove", run);
        Assert.True(Top1SameGroup(run.Vectors) >= 0.9, $"top-1 {Top1SameGroup(run.Vectors)}");
        Assert.True(PrecisionAt4(run.Vectors) >= 0.85, $"precision@4 {PrecisionAt4(run.Vectors)}");
        Assert.True(AnalogyAccuracy(run.Vectors, AnalogyMethod.Add) >= 0.9, $"3CosAdd {AnalogyAccuracy(run.Vectors, AnalogyMethod.Add)}");
        Assert.True(AnalogyAccuracy(run.Vectors, AnalogyMethod.Mul) >= 0.9, $"3CosMul {AnalogyAccuracy(run.Vectors, AnalogyMethod.Mul)}");
    }

    [Fact]
    public void OneThreadAndASeedGiveTheSameVectorsBitForBit()
    {
        var small = EmbeddingCorpus.FromText(PlantedCorpus.Text(2000), minCount: 1);
        var sg = new SkipGramOptions(Dim: 8, Window: 3, MinCount: 1, Subsample: 1e-3, Epochs: 2, Seed: 9);
        Assert.Equal(SkipGram.Train(small, sg).Vectors.Matrix.ToArray(), SkipGram.Train(small, sg).Vectors.Matrix.ToArray());
        Assert.NotEqual(SkipGram.Train(small, sg).Vectors.Matrix.ToArray(), SkipGram.Train(small, sg with { Seed = 10 }).Vectors.Matrix.ToArray());
        var gl = new GloVeOptions(Dim: 8, Window: 3, MinCount: 1, Epochs: 3, Seed: 9);
        Assert.Equal(GloVe.Train(small, gl).Vectors.Matrix.ToArray(), GloVe.Train(small, gl).Vectors.Matrix.ToArray());
    }

    [Fact]
    public void TwoThreadsStillLearn()
    {
        // Hogwild: not reproducible, but as good.
        var run = SkipGram.Train(Corpus, new SkipGramOptions(Dim: 20, Window: 3, MinCount: 1, Subsample: 0, Epochs: 5, Threads: 2, Seed: 3));
        Report("skipgram, 2 threads", run);
        Assert.True(AnalogyAccuracy(run.Vectors, AnalogyMethod.Add) >= 0.9);
        Assert.True(Top1SameGroup(run.Vectors) >= 0.9);
    }
}
