using System.Diagnostics;
using Neurite.Nn;
using Neurite.Nn.Zoo;
using Neurite.Serialization;

namespace Neurite.Tests.Serialization;

/// <summary>The one-file model format: self-describing, atomic, validated before anything is built.</summary>
public sealed class ModelFileFormatTests : IDisposable
{
    readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("neurite-format-");

    public void Dispose() => dir.Delete(recursive: true);

    string PathOf(string name) => Path.Combine(dir.FullName, name);

    [Fact]
    public void OneFileCarriesArchitectureAndInfoInPlainSafetensorsMetadata()
    {
        var model = new Sequential(new Standardize(3), new Linear(3, 2, activation: Activation.ReLU), new Linear(2, 2));
        var info = new ModelInfo
        {
            Task = "classification", ClassNames = ["cat", "dog"], FeatureNames = ["a", "b", "c"], InputShape = [3], Seed = 7,
            Dataset = "pets.csv", Split = new SplitInfo(10, [0.7, 0.1, 0.2], true, [1, 4]),
        };
        string file = ModelFile.Save(model, PathOf("pets"), info);
        Assert.Equal(PathOf("pets.safetensors"), file);

        // any safetensors reader sees plain string metadata
        var (tensors, meta) = SafeTensors.Load(file);
        Assert.Equal("neurite-model", meta["format"]);
        Assert.Equal("""["cat","dog"]""", meta["classes"]);
        Assert.Equal("7", meta["seed"]);
        Assert.StartsWith("""{"type":"Sequential","layers":[{"type":"Standardize","features":3}""", meta["architecture"]);
        Assert.Contains("\"activation\":\"relu\"", meta["architecture"]);
        Assert.Equal(6, tensors.Count);

        var loaded = ModelFile.Read(file);
        Assert.Equal(["cat", "dog"], loaded.Info.ClassNames);
        Assert.Equal(["a", "b", "c"], loaded.Info.FeatureNames);
        Assert.Equal([3], loaded.Info.InputShape!);
        Assert.Equal(7UL, loaded.Info.Seed);
        Assert.Equal([1, 4], loaded.Info.Split!.TestRows!);
        Assert.Equal("classification", loaded.Info.Task);
        var x = Tensor.Randn([4, 3], new Generator(1));
        model.Eval();
        Assert.Equal(model.Forward(x).ToFloatArray(), loaded.Model.Forward(x).ToFloatArray());
    }

    [Fact]
    public void EarlierTwoFileModelsStillLoadAndANewSaveIsPreferred()
    {
        var old = new Sequential(new Linear(2, 3), new Tanh());
        string stem = PathOf("old");
        File.WriteAllText(stem + ".json", """{"type":"Sequential","layers":[{"type":"Linear","in":2,"out":3,"bias":true},{"type":"Tanh"}]}""");
        SafeTensors.Save(stem + ".safetensors", old.StateDict(), new Dictionary<string, string> { ["format"] = "neurite" });
        var x = Tensor.Randn([2, 2], new Generator(2));
        Assert.Equal(old.Forward(x).ToFloatArray(), ModelFile.Load(stem).Forward(x).ToFloatArray());
        Assert.Equal(old.Forward(x).ToFloatArray(), ModelFile.Load(stem + ".json").Forward(x).ToFloatArray());

        // saving over it writes the one-file form, whose embedded architecture wins over the stale .json
        var newer = new Sequential(new Linear(2, 5));
        ModelFile.Save(newer, stem);
        Assert.Equal([2, 5], ModelFile.Load(stem).Forward(x).Shape.ToArray());
    }

    [Fact]
    public void HugeDeclaredLayerWithTinyWeightsIsRefusedBeforeAllocating()
    {
        string stem = PathOf("huge");
        File.WriteAllText(stem + ".json", """{"type":"Sequential","layers":[{"type":"Linear","in":100000,"out":20000,"bias":true}]}""");
        SafeTensors.Save(stem + ".safetensors", new Dictionary<string, Tensor> { ["0.weight"] = Tensor.Zeros(2, 2) });
        foreach (var layer in new[] { """{"type":"Standardize","features":2147483647}""", """{"type":"Embedding","num":2147483647,"dim":2147483647}""",
                                      """{"type":"BatchNorm1d","features":2147483647,"eps":1e-5,"momentum":0.1,"affine":true}""" })
            File.WriteAllText(PathOf(layer.Length + ".json"), layer);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(stem));
        Assert.Contains("tensor '0.weight' is float32 [2, 2], the architecture needs 0.weight float32 [20000, 100000]", e.Message);
        Assert.Contains("2,000,020,000 values", e.Message);
        foreach (var json in Directory.GetFiles(dir.FullName, "*.json").Where(f => !f.EndsWith("huge.json", StringComparison.Ordinal)))
        {
            File.Copy(stem + ".safetensors", Path.ChangeExtension(json, ".safetensors"), overwrite: true);
            Assert.Contains("does not match", Assert.Throws<ModelFormatException>(() => ModelFile.Load(json)).Message);
        }
        Assert.True(clock.ElapsedMilliseconds < 2000, $"{clock.ElapsedMilliseconds} ms");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 8_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void ZooArchitectureWithTinyWeightsStopsAtTheAllocationBudget()
    {
        // a zoo network's tensors are known only when built: the budget (twice the weights + 16 MB) stops VGG-16
        string stem = PathOf("vgg");
        File.WriteAllText(stem + ".json", ModelJson.Zoo("vgg16", new VisionOptions(3, 1000, 224)));
        SafeTensors.Save(stem + ".safetensors", new Dictionary<string, Tensor> { ["0.weight"] = Tensor.Zeros(2) });
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(stem));
        Assert.Contains("needs more memory than its weights", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64_000_000);

        // a real zoo model round-trips through the one-file form
        var options = new VisionOptions(1, 10, 28, Width: 0.25, Dropout: 0);
        var lenet = Neurite.Nn.Zoo.Zoo.Create("lenet5", options);
        ModelFile.Save(lenet, PathOf("lenet"), new ModelInfo { InputShape = [1, 28, 28] }, ZooConfig.Of("lenet5", options));
        var x = Tensor.Rand([2, 1, 28, 28], new Generator(3));
        lenet.Eval();
        Assert.Equal(lenet.Forward(x).ToFloatArray(), ModelFile.Load(PathOf("lenet")).Forward(x).ToFloatArray());
    }

    [Theory]
    [InlineData("""{"type":"Conv2d","in":1,"out":1,"kh":3,"kw":3,"sh":1,"sw":1,"padding":"x","dh":1,"dw":1,"groups":1,"bias":true}""", "Padding: expected")]
    [InlineData("""{"type":"LayerNorm","shape":null,"eps":1e-5}""", "'Shape' of LayerNorm must not be null")]
    [InlineData("""{"type":"LayerNorm","eps":1e-5}""", "LayerNorm needs 'shape'")]
    [InlineData("""{"type":"Linear","in":2,"out":3,"bias":true,"bias":false}""", "duplicate key 'bias' in Linear")]
    [InlineData("""{"type":"Linear","in":2,"out":3,"bias":true,"extra":1}""", "unknown key 'extra' in Linear")]
    [InlineData("""{"type":"Sequential","layers":[{"type":"ReLU"},{"type":"Linear","in":2,"out":3,"bias":1}]}""", "'bias' of Linear has the wrong type (at $.layers[1].bias")]
    [InlineData("""{"type":"Sequential","layers":[{"type":"ReLU"},{"type":"MaxPool2d","kh":0,"kw":2,"sh":2,"sw":2,"ph":0,"pw":0}]}""", "layers[1]: ")]
    [InlineData("""{"type":"Conv2d","in":3,"out":4,"kh":3,"kw":3,"sh":1,"sw":1,"padding":"same","dh":1,"dw":1,"groups":0,"bias":true}""", "multiples of groups (0)")]
    [InlineData("""{"type":"BatchNorm1d","features":4,"eps":-1,"momentum":0.1,"affine":true}""", "eps must be positive")]
    [InlineData("""{"type":"Lstm","input":3,"hidden":1073741824,"layers":1,"bias":true,"batch_first":false,"dropout":0,"bidirectional":false}""", "invalid architecture")]
    [InlineData("""{"type":"Linear","in":2,"out":3,"bias":true,"activation":"\ud800"}""", "'activation' of Linear")]
    public void BadArchitecturesAreFormatErrorsNamingTheField(string json, string expected)
    {
        string stem = PathOf("bad");
        File.WriteAllText(stem + ".json", json);
        SafeTensors.Save(stem + ".safetensors", new Dictionary<string, Tensor>());
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(stem));
        Assert.Contains(expected, e.Message);
        Assert.Contains("bad.json", e.Message);
    }

    [Fact]
    public void DeepNestingIsRefused()
    {
        string json = string.Concat(Enumerable.Repeat("""{"type":"Sequential","layers":[""", 100)) + string.Concat(Enumerable.Repeat("]}", 100));
        var e = Assert.Throws<ModelFormatException>(() => ModelJson.FromJson(json, "deep.json"));
        Assert.Contains("deep.json", e.Message);
        Assert.Contains("depth", e.Message);
    }

    [Fact]
    public void EveryTableLayerListsTheTensorsItsModuleOwns()
    {
        // State() is what loading checks before building; it must agree with the built module, layer by layer.
        var vocabulary = Neurite.Data.Text.CharVocabulary.Build("abc d");
        Module[] layers =
        [
            new Linear(3, 4), new Linear(3, 4, bias: false), new Conv2d(4, 6, (3, 2), groups: 2), new Conv2d(2, 3, 1, bias: false), new Conv1d(4, 2, 3, groups: 2),
            new BatchNorm1d(5), new BatchNorm2d(3, affine: false), new Standardize(4), new LayerNorm([2, 3]), new LayerNorm([2], elementwiseAffine: false),
            new Embedding(7, 3), new PReLU(3), new Lstm(3, 4, 2, bidirectional: true), new Gru(2, 3, bias: false), new Rnn(3, 2, 3, relu: true),
            new Lstm(2, 2, dtype: DType.Float64), new CharLanguageModel(vocabulary, new CharLanguageModelOptions(4, 5, 2, 0.1, RecurrentMode.Gru)),
            new Neurite.Seq2Seq.Seq2SeqModel(Neurite.Data.Text.Vocabulary.Build([["a", "b"]]), Neurite.Data.Text.Vocabulary.Build([["c"]]), new(4, 3, RecurrentMode.Lstm, Bidirectional: true)),
            new Sequential(new ReLU(), new Sequential(new Linear(2, 2)), new Dropout(0.3), new MaxPool2d(2), new AvgPool2d(2), new AdaptiveAvgPool2d(1),
                new GlobalAvgPool2d(), new Flatten(), new Maxout(2), new LeakyReLU(), new ELU(), new Dropout2d(0.1)),
        ];
        foreach (var layer in layers)
        {
            var config = LayerConfigs.Describe(layer);
            var declared = config.State()!.ToDictionary(e => e.Name, e => (string.Join(",", e.Shape), e.DType));
            var actual = layer.StateDict().ToDictionary(kv => kv.Key, kv => (string.Join(",", kv.Value.Shape.ToArray()), kv.Value.DType));
            Assert.Equal(actual.OrderBy(kv => kv.Key), declared.OrderBy(kv => kv.Key));
            // and the JSON round trip gives the same config
            string json = LayerConfigs.ToJson(config);
            Assert.Equal(json, LayerConfigs.ToJson(LayerConfigs.FromJson(json, "test")));
        }
    }

    [Fact]
    public void StaleTemporaryFilesOfAKilledSaveAreRemovedByTheNextSave()
    {
        string file = PathOf("m.safetensors");
        // a killed save of another (finished) process: pid 2^22+1 exceeds Linux's pid_max default; one of this process stays
        string stale = PathOf($".m.safetensors.{(1 << 22) + 1}.{Guid.NewGuid():N}.tmp"), mine = PathOf($".m.safetensors.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        string other = PathOf($".n.safetensors.{(1 << 22) + 1}.{Guid.NewGuid():N}.tmp");
        foreach (var f in new[] { stale, mine, other }) File.WriteAllText(f, "half");
        ModelFile.Save(new Sequential(new Linear(1, 1)), file);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(mine));   // a save in progress in this process
        Assert.True(File.Exists(other));  // another model's: its own next save cleans it
        Assert.True(File.Exists(file));
    }

    [Fact]
    public void UnicodePathsWork()
    {
        string stem = PathOf("模型-ÄÖ ü");
        ModelFile.Save(new Sequential(new Linear(2, 2)), stem);
        Assert.IsType<Sequential>(ModelFile.Load(stem));
    }

    [Fact]
    public void MalformedInfoFieldsAreFormatErrors()
    {
        string file = PathOf("i.safetensors");
        var model = new Sequential(new Linear(1, 1));
        var arch = LayerConfigs.ToJson(LayerConfigs.Describe(model)).ReplaceLineEndings("");
        foreach (var (key, value, expected) in new[]
                 {
                     ("seed", "-1", "'seed' must be a non-negative integer"), ("classes", "[1,2]", "'classes' is not valid"),
                     ("task", "poetry", "'task' must be"), ("input_shape", "[0]", "'input_shape' must be"),
                     ("split", """{"rows":3,"fractions":[0.5,0.5,0],"stratified":false,"test_rows":[2,1]}""", "not ascending"),
                     ("split", """{"rows":3,"fractions":[0.5,0.5,0]}""", "'split' is not valid"),
                 })
        {
            SafeTensors.Save(file, model.StateDict(), new Dictionary<string, string> { ["format"] = "neurite-model", ["architecture"] = arch, [key] = value });
            var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(file));
            Assert.Contains(expected, e.Message);
            Assert.Contains(file, e.Message);
        }
    }
}
