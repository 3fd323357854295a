using Neurite.Nn;
using Neurite.Optim;
using Neurite.Serialization;

namespace Neurite.Tests.Serialization;

public sealed class ModelFileTests : IDisposable
{
    readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("neurite-model-");

    public void Dispose() => dir.Delete(recursive: true);

    string PathOf(string name) => Path.Combine(dir.FullName, name);

    static Sequential TrainedMlp()
    {
        var g = new Generator(21);
        var model = new Sequential(new Linear(4, 8, generator: g), new ReLU(), new Dropout(0.2, g), new BatchNorm1d(8), new Linear(8, 3, generator: g));
        var opt = new Adam(model.Parameters(), learningRate: 0.01);
        var x = Tensor.Randn([16, 4], new Generator(22));
        var y = Tensor.RandInt(0, 3, [16], new Generator(23));
        for (int i = 0; i < 5; i++)  // moves weights and running statistics away from their initial values
        {
            opt.ZeroGrad();
            new CrossEntropyLoss().Forward(model.Forward(x), y).Backward();
            opt.Step();
        }
        return model;
    }

    [Fact]
    public void SavedMlpReloadsToBitIdenticalPredictions()
    {
        var model = TrainedMlp();
        model.Eval();
        var x = Tensor.Randn([7, 4], new Generator(24));
        var expected = model.Forward(x).ToFloatArray();
        var path = PathOf("mlp");
        ModelFile.Save(model, path);
        Assert.Equal(["mlp.safetensors"], Directory.GetFiles(dir.FullName).Select(f => Path.GetFileName(f)!).ToArray());  // one file

        var loaded = ModelFile.Load(path);
        Assert.False(loaded.IsTraining);
        Assert.Equal(expected, loaded.Forward(x).ToFloatArray());
        Assert.Equal(model.StateDict().Keys, loaded.StateDict().Keys);
        Assert.Equal(model.StateDict()["3.running_var"].ToFloatArray(), loaded.StateDict()["3.running_var"].ToFloatArray());
        // the architecture came back too
        var seq = Assert.IsType<Sequential>(loaded);
        Assert.Equal(0.2, Assert.IsType<Dropout>(seq[2]).P);
        Assert.Equal("BatchNorm1d(8)", seq[3].Describe());
        // either file name works as the path
        Assert.Equal(expected, ModelFile.Load(path + ".safetensors").Forward(x).ToFloatArray());
    }

    [Fact]
    public void EveryLayerTypeRoundTripsThroughJson()
    {
        var model = new Sequential(new Linear(4, 6, bias: false), new LeakyReLU(0.3), new ELU(0.7), new PReLU(), new Maxout(2),
            new LayerNorm(3), new Sigmoid(), new Tanh(), new Softplus(), new GELU(), new Identity(), new Flatten(), new Step(), new ReLU());
        var json = ModelJson.ToJson(model);
        var rebuilt = ModelJson.FromJson(json);
        Assert.Equal(json, ModelJson.ToJson(rebuilt));
        Assert.Equal(model.StateDict().Keys, rebuilt.StateDict().Keys);
        var emb = ModelJson.FromJson(ModelJson.ToJson(new Embedding(5, 2)));
        Assert.Equal("Embedding(5, 2)", emb.Describe());
    }

    [Fact]
    public void LayerNormWithoutAffineRoundTrips()
    {
        var model = new Sequential(new LayerNorm([2, 3], eps: 1e-3, elementwiseAffine: false));
        var rebuilt = ModelJson.FromJson(ModelJson.ToJson(model));
        var norm = Assert.IsType<LayerNorm>(Assert.IsType<Sequential>(rebuilt)[0]);
        Assert.Equal("LayerNorm([2, 3])", norm.Describe());
        Assert.Null(norm.Weight);
        Assert.Equal(1e-3, norm.Eps);
    }

    [Theory]
    [InlineData("not json", "invalid JSON")]
    [InlineData("[]", "expected a JSON object")]
    [InlineData("""{"type":"Conv9d"}""", "unknown layer type 'Conv9d'")]
    [InlineData("""{"type":"Linear","in":2}""", "Linear needs 'out'")]
    [InlineData("""{"type":"Linear","in":"two","out":3,"bias":true}""", "'in' of Linear has the wrong type")]
    [InlineData("""{"type":"Sequential"}""", "Sequential needs 'layers'")]
    public void BadArchitectureJsonIsAFormatError(string json, string because)
    {
        var e = Assert.Throws<ModelFormatException>(() => ModelJson.FromJson(json, "arch.json"));
        Assert.Contains("arch.json", e.Message);
        Assert.Contains(because, e.Message);
    }

    [Fact]
    public void WeightsThatDoNotMatchTheArchitectureAreAFormatError()
    {
        // the two-file form of earlier versions: NAME.json beside NAME.safetensors
        var path = PathOf("m");
        File.WriteAllText(path + ".json", ModelJson.ToJson(new Sequential(new Linear(2, 3))));
        SafeTensors.Save(path + ".safetensors", new Sequential(new Linear(2, 4)).StateDict());
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));
        Assert.Contains("does not match", e.Message);
        Assert.Contains("tensor '0.weight' is float32 [4, 2], the architecture needs 0.weight float32 [3, 2]", e.Message);
        Assert.Contains("declares 2 tensors of 9 values, m.safetensors holds 2 of 12", e.Message);
        File.Delete(path + ".json");
        Assert.Contains("no 'architecture'", Assert.Throws<ModelFormatException>(() => ModelFile.Load(path)).Message);
        File.Delete(path + ".safetensors");
        Assert.Throws<FileNotFoundException>(() => ModelFile.Load(path));
    }

    [Fact]
    public void AtomicWriteLeavesThePreviousFileIntactWhenTheWriterFails()
    {
        var path = PathOf("data.bin");
        AtomicFile.WriteAllText(path, "previous");
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new con"u8);
            throw new IOException("disk full (simulated)");
        }));
        Assert.Equal("disk full (simulated)", e.Message);
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.FullName));  // no temp file left behind
    }

    [Fact]
    public void AtomicWriteReplacesAndCreatesFolders()
    {
        var path = PathOf(Path.Combine("sub", "deeper", "file.txt"));
        AtomicFile.WriteAllText(path, "one");
        AtomicFile.WriteAllText(path, "two");
        Assert.Equal("two", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void FailedSafeTensorsSaveKeepsTheOldFile()
    {
        // a tensor of an unsupported kind fails mid-save (the header is fine, the data is not): simulate
        // with a writer that fails after the header through AtomicFile directly, then check Save's own file
        var path = PathOf("w.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = Tensor.Ones(2) });
        var before = File.ReadAllBytes(path);
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s => { s.Write(before.AsSpan(0, 10)); throw new InvalidOperationException("boom"); }));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([1.0, 1.0], SafeTensors.Load(path).tensors["a"].ToDoubleArray());
        Assert.Single(Directory.GetFiles(dir.FullName));
    }
}
