using Neurite.Data.Text;
using Neurite.Nn;
using Neurite.Serialization;

namespace Neurite.Tests.Recurrent;

[Collection(GlobalStateCollection.Name)]
public class CharLanguageModelTests
{
    static readonly CharVocabulary Vocab = CharVocabulary.Build("abcdefgh \n");

    static Tensor Tokens(int n, int t, ulong seed)
    {
        var g = new Generator(seed);
        return Tensor.FromArray(Enumerable.Range(0, n * t).Select(_ => (long)g.NextInt(Vocab.Count)).ToArray(), n, t);
    }

    static CharLanguageModel Model(RecurrentMode cell, int layers = 1, double dropout = 0, ulong seed = 1) =>
        new(Vocab, new CharLanguageModelOptions(EmbeddingDim: 6, HiddenSize: 12, NumLayers: layers, Dropout: dropout, Cell: cell), new Generator(seed));

    [Theory]
    [InlineData(RecurrentMode.Lstm)]
    [InlineData(RecurrentMode.Gru)]
    [InlineData(RecurrentMode.RnnTanh)]
    public void ForwardGivesLogitsPerStepAndTheFinalState(RecurrentMode cell)
    {
        var model = Model(cell, layers: 2);
        var (logits, state) = model.Forward(Tokens(3, 7, 5), null);
        Assert.Equal([3, 7, Vocab.Count], logits.Shape.ToArray());
        Assert.Equal([2, 3, 12], state.H.Shape.ToArray());
        Assert.Equal(cell == RecurrentMode.Lstm, state.C is not null);
        Assert.Equal(logits.ToFloatArray(), model.Forward(Tokens(3, 7, 5)).ToFloatArray());
        Assert.Equal(["embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0"],
            model.StateDict().Keys.Take(5).ToArray());
        Assert.Throws<ShapeException>(() => model.Forward(Tensor.Zeros(3, 7)));  // float, not token ids
    }

    [Theory]
    [InlineData(RecurrentMode.Lstm)]
    [InlineData(RecurrentMode.Gru)]
    [InlineData(RecurrentMode.RnnRelu)]
    public void TwoChunksWithTheStateCarriedEqualTheWholeSequence(RecurrentMode cell)
    {
        var model = Model(cell, layers: 2);
        var tokens = Tokens(2, 10, 9);
        var whole = model.Forward(tokens).ToFloatArray();
        var (first, state) = model.Forward(tokens.Narrow(1, 0, 6), null);
        var (second, _) = model.Forward(tokens.Narrow(1, 6, 4), state.Detach());
        var joined = Tensor.Concat([first, second], 1).ToFloatArray();
        Assert.Equal(whole.Length, joined.Length);
        for (int i = 0; i < whole.Length; i++) Assert.True(Math.Abs(whole[i] - joined[i]) <= 1e-5, $"logit {i}: {whole[i]} vs {joined[i]}");
    }

    [Fact]
    public void SamplingIsSeededAndCarriesTheStateInsteadOfRecomputingThePrefix()
    {
        var model = Model(RecurrentMode.Lstm, dropout: 0.3);
        string a = model.Sample(40, 0.9, "abc", new Generator(7));
        Assert.Equal(40, a.Length);
        Assert.Equal(a, model.Sample(40, 0.9, "abc", new Generator(7)));
        Assert.NotEqual(a, model.Sample(40, 0.9, "abc", new Generator(8)));
        Assert.True(model.IsTraining);  // restored after sampling in evaluation mode
        Assert.All(a, c => Assert.Contains(c, "abcdefgh \n"));

        // The same draws from the whole prefix recomputed at every step (the slow way) give the same text.
        model.Eval();
        var g = new Generator(7);
        var ids = Vocab.Encode("abc").ToList();
        for (int i = 0; i < 40; i++)
        {
            using var _ = Autograd.NoGrad();
            var logits = model.Forward(Tensor.FromArray(ids.ToArray(), 1, ids.Count));
            ids.Add(Sampling.Categorical(logits.Select(1, ids.Count - 1).ToFloatArray(), 0.9, g));
        }
        Assert.Equal(a, Vocab.Decode(ids.Skip(3).ToArray()));
    }

    [Fact]
    public void LowTemperatureIsGreedyAndBadOptionsAreNamed()
    {
        var model = Model(RecurrentMode.Gru);
        // τ → 0 picks the most likely character: two different seeds agree
        Assert.Equal(model.Sample(30, 1e-4, "ab", new Generator(1)), model.Sample(30, 1e-4, "ab", new Generator(2)));
        Assert.Equal("", model.Sample(0, 1.0, "ab", new Generator(1)));
        Assert.Equal(20, model.Sample(20, 1.0, null, new Generator(1)).Length);  // no prime: starts after a newline

        foreach (double t in new[] { 0.0, -1.0, double.NaN, double.PositiveInfinity })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(10, t, "ab", new Generator(1)));
            Assert.Equal("temperature", e.ParamName);
            Assert.Contains("temperature must be", e.Message);
        }
        var bad = Assert.Throws<ArgumentException>(() => model.Sample(10, 1.0, "abZ", new Generator(1)));
        Assert.Equal("prime", bad.ParamName);
        Assert.Contains("U+005A 'Z'", bad.Message);
        Assert.Contains("index 2", bad.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(-1, 1.0, "ab", new Generator(1)));
    }

    [Fact]
    public void CategoricalFollowsTheTemperedSoftmax()
    {
        // logits ln 1, ln 3 → p = 1/4, 3/4 at τ = 1; at τ = 2 weights 1, √3 → p₁ = √3 / (1 + √3) ≈ 0.634
        float[] logits = [0f, (float)Math.Log(3)];
        var g = new Generator(3);
        int ones = Enumerable.Range(0, 20000).Count(_ => Sampling.Categorical(logits, 1.0, g) == 1);
        Assert.InRange(ones / 20000.0, 0.74, 0.76);
        ones = Enumerable.Range(0, 20000).Count(_ => Sampling.Categorical(logits, 2.0, g) == 1);
        Assert.InRange(ones / 20000.0, 0.624, 0.644);
    }

    [Theory]
    [InlineData(RecurrentMode.Lstm, 1, 0.0)]
    [InlineData(RecurrentMode.Gru, 2, 0.25)]
    [InlineData(RecurrentMode.RnnRelu, 2, 0.0)]
    public void ModelFileRoundTripsTheModelAndItsVocabulary(RecurrentMode cell, int layers, double dropout)
    {
        var vocab = CharVocabulary.Build("Hé! ✓ 🙂\n");  // beyond ASCII and the BMP
        var model = new CharLanguageModel(vocab, new CharLanguageModelOptions(5, 7, layers, dropout, cell), new Generator(4));
        string stem = Path.Combine(Path.GetTempPath(), "neurite-charlm-" + Guid.NewGuid().ToString("N"));
        try
        {
            ModelFile.Save(model, stem);
            var loaded = Assert.IsType<CharLanguageModel>(ModelFile.Load(stem));
            Assert.Equal(model.Options, loaded.Options);
            Assert.Equal(vocab.ToJson(), loaded.Vocabulary.ToJson());
            Assert.Equal(model.ToString(), loaded.ToString());
            model.Eval();
            var tokens = Tensor.FromArray(vocab.Encode("H🙂 é✓!"), 1, 6);
            Assert.Equal(model.Forward(tokens).ToFloatArray(), loaded.Forward(tokens).ToFloatArray());  // bitwise
            Assert.Equal(model.Sample(25, 0.7, "H", new Generator(2)), loaded.Sample(25, 0.7, "H", new Generator(2)));
        }
        finally
        {
            File.Delete(stem + ".json");
            File.Delete(stem + ".safetensors");
        }
    }

    public static TheoryData<string> RecurrentLayers() => ["lstm", "lstm-all-options", "gru", "gru-all-options", "rnn", "rnn-relu-all-options"];

    static RecurrentBase Layer(string name) => name switch
    {
        "lstm" => new Lstm(3, 4),
        "lstm-all-options" => new Lstm(3, 4, numLayers: 2, bias: false, batchFirst: true, dropout: 0.5, bidirectional: true, dtype: DType.Float64),
        "gru" => new Gru(3, 4),
        "gru-all-options" => new Gru(3, 4, numLayers: 3, bias: true, batchFirst: true, dropout: 0.125, bidirectional: true),
        "rnn" => new Rnn(3, 4),
        _ => new Rnn(3, 4, numLayers: 2, relu: true, bias: false, batchFirst: false, dropout: 0.25, bidirectional: true, dtype: DType.Float64),
    };

    [Theory]
    [MemberData(nameof(RecurrentLayers))]
    public void ModelJsonRebuildsRecurrentLayersWithEveryOption(string name)
    {
        var layer = Layer(name);
        var rebuilt = Assert.IsAssignableFrom<RecurrentBase>(ModelJson.FromJson(ModelJson.ToJson(layer)));
        Assert.Equal(layer.GetType(), rebuilt.GetType());
        Assert.Equal((layer.Mode, layer.InputSize, layer.HiddenSize, layer.NumLayers, layer.HasBias, layer.BatchFirst, layer.Bidirectional, layer.Dropout),
            (rebuilt.Mode, rebuilt.InputSize, rebuilt.HiddenSize, rebuilt.NumLayers, rebuilt.HasBias, rebuilt.BatchFirst, rebuilt.Bidirectional, rebuilt.Dropout));
        Assert.Equal(layer.NamedParameters().Select(p => (p.Name, p.Parameter.DType, string.Join(",", p.Parameter.Shape.ToArray()))),
            rebuilt.NamedParameters().Select(p => (p.Name, p.Parameter.DType, string.Join(",", p.Parameter.Shape.ToArray()))));

        // inside a Sequential, through ModelFile: the same outputs bit for bit
        var model = new Sequential(layer);
        string stem = Path.Combine(Path.GetTempPath(), "neurite-rnnjson-" + Guid.NewGuid().ToString("N"));
        try
        {
            ModelFile.Save(model, stem);
            var loaded = ModelFile.Load(stem);
            model.Eval();
            var dtype = layer.Parameters()[0].DType;
            var x = Tensor.Randn([2, 5, 3], new Generator(6), dtype);
            var a = model.Forward(x);
            var b = loaded.Forward(x);
            Assert.Equal(a.ToDoubleArray(), b.ToDoubleArray());
        }
        finally
        {
            File.Delete(stem + ".json");
            File.Delete(stem + ".safetensors");
        }
    }

    [Fact]
    public void ModelJsonNamesBadRecurrentEntries()
    {
        var e = Assert.Throws<ModelFormatException>(() => ModelJson.FromJson("""{"type":"Rnn","input":3,"hidden":4,"layers":1,"bias":true,"batch_first":false,"dropout":0,"bidirectional":false,"nonlinearity":"sigmoid"}"""));
        Assert.Contains("nonlinearity", e.Message);
        e = Assert.Throws<ModelFormatException>(() => ModelJson.FromJson("""{"type":"Lstm","input":3,"hidden":0,"layers":1,"bias":true,"batch_first":false,"dropout":0,"bidirectional":false}"""));
        Assert.Contains("hiddenSize", e.Message);
        e = Assert.Throws<ModelFormatException>(() => ModelJson.FromJson("""{"type":"CharLanguageModel","cell":"lstm","embedding":4,"hidden":4,"layers":1,"dropout":0,"vocabulary":[98,97]}"""));
        Assert.Contains("vocabulary", e.Message);
        e = Assert.Throws<ModelFormatException>(() => ModelJson.FromJson("""{"type":"CharLanguageModel","cell":"tcn","embedding":4,"hidden":4,"layers":1,"dropout":0,"vocabulary":[97,98]}"""));
        Assert.Contains("'tcn'", e.Message);
    }
}
