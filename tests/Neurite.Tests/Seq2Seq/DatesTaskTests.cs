using Neurite.Data;
using Neurite.Data.Text;
using Neurite.Data.Vision;
using Neurite.Seq2Seq;

namespace Neurite.Tests.Seq2Seq;

/// <summary>End to end: a small attention model learns human-format dates → ISO (character level); beam search
/// never returns a lower model log-probability than greedy on held-out dates; the heat map is a PNG of the right size.
/// The full run (12,000 dates, with and without attention) is <c>Neurite.Examples dates</c>.</summary>
public class DatesTaskTests
{
    static readonly Lazy<(Seq2SeqModel Model, List<(long[] Source, long[] Target)> Test)> Trained = new(() =>
    {
        var all = Datasets.Dates(2_300, 11);
        var train = all.Take(2_000).ToList();
        var model = Seq2SeqModelTests.Make(new Seq2SeqOptions(EmbeddingDim: 16, HiddenSize: 64), train, seed: 2);
        Seq2SeqTraining.Fit(model, Seq2SeqTraining.Encode(model, train), new Seq2SeqTrainingOptions(Epochs: 6, BatchSize: 32, LearningRate: 5e-3, Seed: 3));
        return (model, Seq2SeqTraining.Encode(model, all.Skip(2_000)));
    });

    [Fact]
    public void An_attention_model_learns_dates_to_iso()
    {
        var (model, test) = Trained.Value;
        var score = Seq2SeqTraining.Evaluate(model, test, 12);
        Assert.True(score.ExactMatch >= 0.9, score.ToString());
        Assert.True(score.TokenAccuracy >= 0.97, score.ToString());
    }

    [Fact]
    public void Beam_search_of_width_five_never_scores_below_greedy()
    {
        var (model, test) = Trained.Value;
        int better = 0;
        foreach (var (source, _) in test)
        {
            var greedy = model.Greedy(source, 12);
            var beam = model.BeamSearch(source, 5, 12)[0];
            // The beam scores its rows in a batch of up to 5, greedy in a batch of 1: the float32 products round
            // differently (≈1e-7 per step), so equal hypotheses may differ in the last bits of their log-probability.
            Assert.True(beam.LogProbability >= greedy.LogProbability - 1e-5, $"beam {beam.LogProbability} < greedy {greedy.LogProbability}");
            if (!beam.Tokens.SequenceEqual(greedy.Tokens)) { Assert.True(beam.LogProbability > greedy.LogProbability); better++; }
        }
        Assert.True(better < test.Count / 10, $"{better} of {test.Count} differ");  // a trained model is mostly sure
    }

    [Fact]
    public void The_attention_heat_map_is_a_png_of_steps_by_source_characters()
    {
        var (model, test) = Trained.Value;
        var h = model.BeamSearch(test[0].Source, 3, 12)[0];
        var png = AttentionHeatMap.Png(h.Attention!, cell: 8);
        var (pixels, width, height, channels) = Png.Decode(png, "heat map");
        Assert.Equal((test[0].Source.Length * 8, h.Length * 8, 1), (width, height, channels));
        Assert.Equal(11, h.Length);  // "yyyy-mm-dd" and </s>
        // the brightest cell of each row is white; every cell is uniform
        Assert.Equal(255, pixels.Max());
        Assert.Equal(pixels[0], pixels[7 * width + 7]);
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionHeatMap.Png(h.Attention!, cell: 0));
        Assert.Throws<ArgumentException>(() => AttentionHeatMap.Png([[0.5f], [0.5f, 0.5f]]));
    }
}
