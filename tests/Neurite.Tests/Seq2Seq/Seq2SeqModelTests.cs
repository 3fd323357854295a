using Neurite.Data;
using Neurite.Data.Text;
using Neurite.Nn;
using Neurite.Seq2Seq;
using Neurite.Serialization;

namespace Neurite.Tests.Seq2Seq;

/// <summary>The encoder–decoder: teacher-forced loss over padded batches, padding invariance, the model file, and
/// decoding (greedy, beam search) on an untrained model.</summary>
public class Seq2SeqModelTests
{
    static readonly Tokenizer Chars = new(TokenUnit.Characters);

    internal static Seq2SeqModel Make(Seq2SeqOptions options, IReadOnlyList<(string Source, string Target)> pairs, ulong seed = 1) =>
        new(Vocabulary.Build(pairs.Select(p => Chars.Tokenize(p.Source))), Vocabulary.Build(pairs.Select(p => Chars.Tokenize(p.Target))),
            options, Chars, Chars, new Generator(seed));

    public static TheoryData<Seq2SeqOptions> Variants =>
    [
        new(8, 6),
        new(8, 6, RecurrentMode.Gru, Bidirectional: true, Attention: AttentionKind.General),
        new(8, 6, Bidirectional: true, Attention: AttentionKind.Additive, InputFeeding: false),
        new(8, 6, Attention: AttentionKind.Dot),
        new(8, 6, RecurrentMode.Gru, Attention: null),
        new(8, 6, Bidirectional: true, Attention: null),
        new(8, 6, RecurrentMode.Gru, Bidirectional: true, Attention: null),
        new(8, 6, RecurrentMode.Gru, Attention: AttentionKind.General),
    ];

    [Theory, MemberData(nameof(Variants))]
    public void The_loss_reaches_every_parameter_and_padding_changes_nothing(Seq2SeqOptions options)
    {
        var pairs = Datasets.Dates(3, 5);
        var model = Make(options, pairs);
        var ids = Seq2SeqTraining.Encode(model, pairs);
        var batch = Seq2SeqBatch.Of(ids);
        var loss = model.Loss(batch.Source, batch.SourceLengths, batch.Target, batch.TargetLengths);
        Assert.True(double.IsFinite(loss.Item()) && loss.Item() > 0);
        loss.Backward();
        foreach (var (name, p) in model.NamedParameters())
            Assert.True(p.Grad is not null && p.Grad.ToFloatArray().Any(g => g != 0), $"no gradient reached {name}");
        // each row's logits in the padded batch equal those of the row alone
        var decoderInputs = Tensor.FromArray(ids.SelectMany(p => Shifted(p.Target, batch.Target.Shape[1])).ToArray(), ids.Count, batch.Target.Shape[1]);
        var together = model.Logits(batch.Source, batch.SourceLengths, decoderInputs).ToFloatArray();
        int v = model.TargetVocabulary.Count, t = batch.Target.Shape[1];
        for (int b = 0; b < ids.Count; b++)
        {
            var one = Seq2SeqBatch.Of([ids[b]]);
            var alone = model.Logits(one.Source, one.SourceLengths, Tensor.FromArray(Shifted(ids[b].Target, ids[b].Target.Length), 1, ids[b].Target.Length)).ToFloatArray();
            for (int i = 0; i < alone.Length; i++)
                Assert.True(Math.Abs(alone[i] - together[b * t * v + i]) < 1e-4, $"row {b} element {i}: {alone[i]} vs {together[b * t * v + i]}");
        }
    }

    static long[] Shifted(long[] target, int length)
    {
        var x = new long[length];
        x[0] = Vocabulary.StartId;
        for (int i = 1; i < length; i++) x[i] = i - 1 < target.Length ? target[i - 1] : Vocabulary.PadId;
        return x;
    }

    [Theory, MemberData(nameof(Variants))]
    public void A_saved_model_loads_with_its_vocabularies_and_decodes_the_same(Seq2SeqOptions options)
    {
        var pairs = Datasets.Dates(20, 6);
        var model = Make(options, pairs);
        string path = Path.Combine(Path.GetTempPath(), $"neurite-s2s-{Guid.NewGuid():N}.safetensors");
        try
        {
            ModelFile.Save(model, path);
            var loaded = Assert.IsType<Seq2SeqModel>(ModelFile.Load(path));
            Assert.Equal(model.Describe(), loaded.Describe());
            Assert.Equal(model.SourceVocabulary.ToJson(), loaded.SourceVocabulary.ToJson());
            Assert.Equal(model.TargetTokenizer, loaded.TargetTokenizer);
            var source = model.SourceIds(pairs[0].Source);
            Assert.Equal(source, loaded.SourceIds(pairs[0].Source));
            var a = model.BeamSearch(source, 3, 12, nBest: 3);
            var b = loaded.BeamSearch(source, 3, 12, nBest: 3);
            Assert.Equal(a.Select(h => string.Join(",", h.Tokens)), b.Select(h => string.Join(",", h.Tokens)));
            Assert.Equal(a.Select(h => h.LogProbability), b.Select(h => h.LogProbability));
        }
        finally { File.Delete(path); }
    }

    [Theory, MemberData(nameof(Variants))]
    public void Beam_width_one_is_greedy_decoding(Seq2SeqOptions options)
    {
        var pairs = Datasets.Dates(10, 7);
        var model = Make(options, pairs, seed: 3);
        foreach (var (source, _) in pairs)
        {
            var ids = model.SourceIds(source);
            var greedy = model.Greedy(ids, 15);
            var beam = Assert.Single(model.BeamSearch(ids, 1, 15));
            Assert.Equal(greedy.Tokens, beam.Tokens);
            Assert.Equal(greedy.LogProbability, beam.LogProbability);
            Assert.Equal(greedy.Finished, beam.Finished);
            if (options.Attention is null) { Assert.Null(greedy.Attention); Assert.Null(beam.Attention); continue; }
            Assert.Equal(greedy.Length, greedy.Attention!.Length);
            for (int s = 0; s < greedy.Length; s++)
            {
                Assert.Equal(greedy.Attention[s], beam.Attention![s]);
                Assert.Equal(ids.Length, greedy.Attention[s].Length);
                Assert.Equal(1.0, greedy.Attention[s].Sum(), 5);
            }
        }
    }

    [Fact]
    public void Beam_search_returns_n_best_in_score_order_and_batched_greedy_equals_one_by_one()
    {
        var pairs = Datasets.Dates(8, 8);
        var model = Make(new Seq2SeqOptions(8, 6), pairs, seed: 4);
        var ids = pairs.Select(p => model.SourceIds(p.Source)).ToList();
        var list = model.BeamSearch(ids[0], 4, 10, alpha: 0.7, nBest: 4);
        Assert.Equal(4, list.Count);
        for (int i = 1; i < list.Count; i++) Assert.True(list[i - 1].Score >= list[i].Score);
        foreach (var h in list.Where(h => h.Finished)) Assert.Equal(h.LogProbability / Math.Pow(h.Length, 0.7), h.Score, 12);
        var batched = model.Greedy(ids, 10);
        for (int i = 0; i < ids.Count; i++)
        {
            var alone = model.Greedy(ids[i], 10);
            Assert.Equal(alone.Tokens, batched[i].Tokens);
            Assert.Equal(alone.LogProbability, batched[i].LogProbability, 4);
        }
    }

    [Fact]
    public void Bad_decoding_arguments_name_the_argument_and_its_range()
    {
        var pairs = Datasets.Dates(4, 9);
        var model = Make(new Seq2SeqOptions(8, 6), pairs);
        var source = model.SourceIds(pairs[0].Source);
        foreach (var (call, name) in new (Action, string)[]
        {
            (() => model.BeamSearch(source, 0, 10), "beamWidth"),
            (() => model.BeamSearch(source, -3, 10), "beamWidth"),
            (() => model.BeamSearch(source, 2, 0), "maxLength"),
            (() => model.Greedy(source, -1), "maxLength"),
            (() => model.BeamSearch(source, 2, 5, nBest: 3), "nBest"),
            (() => model.BeamSearch(source, 2, 5, alpha: -1), "alpha"),
        })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(call);
            Assert.Equal(name, e.ParamName);
            Assert.Contains("[", e.Message);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new Seq2SeqOptions(0, 4).Validate());
        Assert.Throws<ArgumentException>(() => new Seq2SeqOptions(4, 4, Bidirectional: true, Attention: AttentionKind.Dot).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Seq2SeqOptions(4, 4, RecurrentMode.RnnTanh).Validate());
    }
}
