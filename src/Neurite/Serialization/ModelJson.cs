using System.Text.Json;
using System.Text.Json.Nodes;
using Neurite.Nn;

namespace Neurite.Serialization;

/// <summary>
/// The architecture of a network as JSON, so a saved model can be rebuilt without code:
/// <c>{"type":"Sequential","layers":[{"type":"Linear","in":64,"out":128,"bias":true}, {"type":"ReLU"}, …]}</c>.
/// Covers Sequential and the built-in layers; weights live beside it in safetensors.
/// </summary>
public static class ModelJson
{
    public static string ToJson(Module model) => Describe(model).ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    static JsonObject Describe(Module m) => m switch
    {
        Sequential s => new JsonObject { ["type"] = "Sequential", ["layers"] = new JsonArray(s.Layers.Select(l => (JsonNode)Describe(l)).ToArray()) },
        Linear l => WithActivation(new JsonObject { ["type"] = "Linear", ["in"] = l.InFeatures, ["out"] = l.OutFeatures, ["bias"] = l.Bias is not null }, l.Activation),
        Dropout d => new JsonObject { ["type"] = "Dropout", ["p"] = d.P },
        BatchNorm1d b => new JsonObject { ["type"] = "BatchNorm1d", ["features"] = b.NumFeatures, ["eps"] = b.Eps, ["momentum"] = b.Momentum, ["affine"] = b.Weight is not null },
        Standardize z => new JsonObject { ["type"] = "Standardize", ["features"] = z.Features },
        // the shape comes from the layer, not its weight, which is absent without elementwise affine
        LayerNorm n => new JsonObject { ["type"] = "LayerNorm", ["shape"] = new JsonArray(n.NormalizedShape.Select(v => (JsonNode)v).ToArray()), ["eps"] = n.Eps, ["affine"] = n.Weight is not null },
        Embedding e => new JsonObject { ["type"] = "Embedding", ["num"] = e.NumEmbeddings, ["dim"] = e.EmbeddingDim },
        LeakyReLU r => new JsonObject { ["type"] = "LeakyReLU", ["alpha"] = r.Alpha },
        ELU r => new JsonObject { ["type"] = "ELU", ["alpha"] = r.Alpha },
        PReLU p => new JsonObject { ["type"] = "PReLU", ["num"] = p.Alpha.NumEl },
        Maxout x => new JsonObject { ["type"] = "Maxout", ["pieces"] = x.Pieces },
        Conv2d c => WithActivation(new JsonObject { ["type"] = "Conv2d", ["in"] = c.InChannels, ["out"] = c.OutChannels, ["kh"] = c.KernelSize.H, ["kw"] = c.KernelSize.W, ["sh"] = c.Stride.H, ["sw"] = c.Stride.W, ["padding"] = c.Padding.IsSame ? "same" : $"{c.Padding.H},{c.Padding.W}", ["dh"] = c.Dilation.H, ["dw"] = c.Dilation.W, ["groups"] = c.Groups, ["bias"] = c.Bias is not null }, c.Activation),
        Conv1d c => WithActivation(new JsonObject { ["type"] = "Conv1d", ["in"] = c.InChannels, ["out"] = c.OutChannels, ["k"] = c.KernelSize, ["stride"] = c.Stride, ["padding"] = c.Padding.IsSame ? "same" : $"{c.Padding.W}", ["dilation"] = c.Dilation, ["groups"] = c.Groups, ["bias"] = c.Bias is not null }, c.Activation),
        MaxPool2d p => new JsonObject { ["type"] = "MaxPool2d", ["kh"] = p.KernelSize.H, ["kw"] = p.KernelSize.W, ["sh"] = p.Stride.H, ["sw"] = p.Stride.W, ["ph"] = p.Padding.H, ["pw"] = p.Padding.W },
        AvgPool2d p => new JsonObject { ["type"] = "AvgPool2d", ["kh"] = p.KernelSize.H, ["kw"] = p.KernelSize.W, ["sh"] = p.Stride.H, ["sw"] = p.Stride.W, ["ph"] = p.Padding.H, ["pw"] = p.Padding.W },
        AdaptiveAvgPool2d p => new JsonObject { ["type"] = "AdaptiveAvgPool2d", ["h"] = p.OutputSize.H, ["w"] = p.OutputSize.W },
        BatchNorm2d b => new JsonObject { ["type"] = "BatchNorm2d", ["features"] = b.NumFeatures, ["eps"] = b.Eps, ["momentum"] = b.Momentum, ["affine"] = b.Weight is not null },
        Dropout2d d => new JsonObject { ["type"] = "Dropout2d", ["p"] = d.P },
        GlobalAvgPool2d => new JsonObject { ["type"] = "GlobalAvgPool2d" },
        RecurrentBase r => DescribeRecurrent(r),
        CharLanguageModel lm => DescribeCharLanguageModel(lm),
        ReLU or Sigmoid or Tanh or Softplus or GELU or Step or Identity or Flatten => new JsonObject { ["type"] = m.GetType().Name },
        _ => throw new NotSupportedException($"model json: layer type {m.GetType().Name} cannot be described; save its weights with SafeTensors and rebuild it in code"),
    };

    /// <summary>Adds <c>"activation": "relu"</c> (the text form of <see cref="Activation"/>) unless it is None.</summary>
    static JsonObject WithActivation(JsonObject o, Activation a)
    {
        if (!a.IsNone) o["activation"] = a.ToString();
        return o;
    }

    /// <summary>The layer's optional "activation" (absent: None).</summary>
    static Activation ActivationOf(JsonObject o, string source)
    {
        if (o["activation"] is null) return Activation.None;
        string text = Get<string>(o, "activation", source);
        try { return Activation.Parse(text); }
        catch (FormatException e) { throw new ModelFormatException($"{source}: {o["type"]} {e.Message}"); }
    }

    /// <summary>Rebuilds a model from <see cref="ToJson"/>'s output (weights freshly initialised).</summary>
    public static Module FromJson(string json, string source = "model json")
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException e) { throw new ModelFormatException($"{source}: invalid JSON ({e.Message})"); }
        return Build(root as JsonObject ?? throw new ModelFormatException($"{source}: expected a JSON object"), source);
    }

    /// <summary>The architecture of a zoo network, which ModelJson cannot describe layer by layer (residual and
    /// Inception blocks): its name and options, rebuilt by <see cref="Nn.Zoo.Zoo.Create"/>.</summary>
    public static string Zoo(string name, Nn.Zoo.VisionOptions o) => new JsonObject
    {
        ["type"] = "Zoo", ["name"] = name, ["in_channels"] = o.InChannels, ["classes"] = o.Classes, ["input_size"] = o.InputSize,
        ["width"] = o.Width, ["batch_norm"] = o.BatchNorm, ["dropout"] = o.Dropout,
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    static Module Build(JsonObject o, string source)
    {
        string type = Get<string>(o, "type", source);
        return type switch
        {
            "Zoo" => Nn.Zoo.Zoo.Create(Get<string>(o, "name", source), new Nn.Zoo.VisionOptions(Get<int>(o, "in_channels", source), Get<int>(o, "classes", source),
                Get<int>(o, "input_size", source), Get<double>(o, "width", source), Get<bool>(o, "batch_norm", source), Get<double>(o, "dropout", source))),
            "Sequential" => new Sequential((o["layers"] as JsonArray ?? throw new ModelFormatException($"{source}: Sequential needs 'layers'"))
                .Select(l => Build(l as JsonObject ?? throw new ModelFormatException($"{source}: a layer is not an object"), source)).ToArray()),
            "Linear" => new Linear(Get<int>(o, "in", source), Get<int>(o, "out", source), Get<bool>(o, "bias", source), activation: ActivationOf(o, source)),
            "Dropout" => new Dropout(Get<double>(o, "p", source)),
            "BatchNorm1d" => new BatchNorm1d(Get<int>(o, "features", source), Get<double>(o, "eps", source), Get<double>(o, "momentum", source), Get<bool>(o, "affine", source)),
            "Standardize" => new Standardize(Get<int>(o, "features", source)),
            "LayerNorm" => new LayerNorm((o["shape"] as JsonArray ?? throw new ModelFormatException($"{source}: LayerNorm needs 'shape'")).Select(v => v!.GetValue<int>()).ToArray(), Get<double>(o, "eps", source), o["affine"] is null || Get<bool>(o, "affine", source)),
            "Embedding" => new Embedding(Get<int>(o, "num", source), Get<int>(o, "dim", source)),
            "LeakyReLU" => new LeakyReLU(Get<double>(o, "alpha", source)),
            "ELU" => new ELU(Get<double>(o, "alpha", source)),
            "PReLU" => new PReLU(Get<int>(o, "num", source)),
            "Maxout" => new Maxout(Get<int>(o, "pieces", source)),
            "Conv2d" => new Conv2d(Get<int>(o, "in", source), Get<int>(o, "out", source), (Get<int>(o, "kh", source), Get<int>(o, "kw", source)), (Get<int>(o, "sh", source), Get<int>(o, "sw", source)), Padding.Parse(Get<string>(o, "padding", source)), (Get<int>(o, "dh", source), Get<int>(o, "dw", source)), Get<int>(o, "groups", source), Get<bool>(o, "bias", source), activation: ActivationOf(o, source)),
            "Conv1d" => new Conv1d(Get<int>(o, "in", source), Get<int>(o, "out", source), Get<int>(o, "k", source), Get<int>(o, "stride", source), Padding.Parse(Get<string>(o, "padding", source)), Get<int>(o, "dilation", source), Get<int>(o, "groups", source), Get<bool>(o, "bias", source), activation: ActivationOf(o, source)),
            "MaxPool2d" => new MaxPool2d((Get<int>(o, "kh", source), Get<int>(o, "kw", source)), (Get<int>(o, "sh", source), Get<int>(o, "sw", source)), (Get<int>(o, "ph", source), Get<int>(o, "pw", source))),
            "AvgPool2d" => new AvgPool2d((Get<int>(o, "kh", source), Get<int>(o, "kw", source)), (Get<int>(o, "sh", source), Get<int>(o, "sw", source)), (Get<int>(o, "ph", source), Get<int>(o, "pw", source))),
            "AdaptiveAvgPool2d" => new AdaptiveAvgPool2d(Get<int>(o, "h", source), Get<int>(o, "w", source)),
            "BatchNorm2d" => new BatchNorm2d(Get<int>(o, "features", source), Get<double>(o, "eps", source), Get<double>(o, "momentum", source), Get<bool>(o, "affine", source)),
            "Dropout2d" => new Dropout2d(Get<double>(o, "p", source)),
            "GlobalAvgPool2d" => new GlobalAvgPool2d(),
            "Rnn" or "Lstm" or "Gru" => BuildRecurrent(type, o, source),
            "CharLanguageModel" => BuildCharLanguageModel(o, source),
            "ReLU" => new ReLU(),
            "Sigmoid" => new Sigmoid(),
            "Tanh" => new Tanh(),
            "Softplus" => new Softplus(),
            "GELU" => new GELU(),
            "Step" => new Step(),
            "Identity" => new Identity(),
            "Flatten" => new Flatten(),
            _ => throw new ModelFormatException($"{source}: unknown layer type '{type}'"),
        };
    }

    // Recurrent layers: every constructor option, so the rebuilt layer has the same parameters (names, shapes,
    // dtype) and computes the same function. "nonlinearity" only for Rnn, as PyTorch's nn.RNN.
    static JsonObject DescribeRecurrent(RecurrentBase r)
    {
        var o = new JsonObject
        {
            ["type"] = r.GetType().Name, ["input"] = r.InputSize, ["hidden"] = r.HiddenSize, ["layers"] = r.NumLayers, ["bias"] = r.HasBias,
            ["batch_first"] = r.BatchFirst, ["dropout"] = r.Dropout, ["bidirectional"] = r.Bidirectional,
            ["dtype"] = r.Parameters()[0].DType.Name(),
        };
        if (r is Rnn) o["nonlinearity"] = r.Mode == RecurrentMode.RnnRelu ? "relu" : "tanh";
        return o;
    }

    static Module BuildRecurrent(string type, JsonObject o, string source)
    {
        int input = Get<int>(o, "input", source), hidden = Get<int>(o, "hidden", source), layers = Get<int>(o, "layers", source);
        bool bias = Get<bool>(o, "bias", source), batchFirst = Get<bool>(o, "batch_first", source), bidirectional = Get<bool>(o, "bidirectional", source);
        double dropout = Get<double>(o, "dropout", source);
        string dtypeName = o["dtype"] is null ? "float32" : Get<string>(o, "dtype", source);
        var dtype = dtypeName switch
        {
            "float32" => DType.Float32,
            "float64" => DType.Float64,
            _ => throw new ModelFormatException($"{source}: 'dtype' of {type} must be float32 or float64, got '{dtypeName}'"),
        };
        try
        {
            return type switch
            {
                "Lstm" => new Lstm(input, hidden, layers, bias, batchFirst, dropout, bidirectional, dtype: dtype),
                "Gru" => new Gru(input, hidden, layers, bias, batchFirst, dropout, bidirectional, dtype: dtype),
                _ => new Rnn(input, hidden, layers, Get<string>(o, "nonlinearity", source) switch
                {
                    "tanh" => false,
                    "relu" => true,
                    var n => throw new ModelFormatException($"{source}: 'nonlinearity' of Rnn must be tanh or relu, got '{n}'"),
                }, bias, batchFirst, dropout, bidirectional, dtype: dtype),
            };
        }
        catch (ArgumentOutOfRangeException e) { throw new ModelFormatException($"{source}: invalid {type}: {e.Message}"); }
    }

    // A character language model with its vocabulary (code points in id order), so a loaded model reads and writes
    // the same characters without the training text.
    static JsonObject DescribeCharLanguageModel(CharLanguageModel lm) => new()
    {
        ["type"] = "CharLanguageModel", ["cell"] = lm.Options.CellName, ["embedding"] = lm.Options.EmbeddingDim, ["hidden"] = lm.Options.HiddenSize,
        ["layers"] = lm.Options.NumLayers, ["dropout"] = lm.Options.Dropout, ["vocabulary"] = JsonNode.Parse(lm.Vocabulary.ToJson()),
    };

    static Module BuildCharLanguageModel(JsonObject o, string source)
    {
        string cellName = Get<string>(o, "cell", source);
        var cell = CharLanguageModelOptions.ParseCell(cellName) ?? throw new ModelFormatException($"{source}: 'cell' of CharLanguageModel must be lstm, gru, rnn or rnn-relu, got '{cellName}'");
        var vocabularyNode = o["vocabulary"] as JsonArray ?? throw new ModelFormatException($"{source}: CharLanguageModel needs 'vocabulary' (an array of code points)");
        Data.Text.CharVocabulary vocabulary;
        try { vocabulary = Data.Text.CharVocabulary.FromJson(vocabularyNode.ToJsonString()); }
        catch (ArgumentException e) { throw new ModelFormatException($"{source}: 'vocabulary' of CharLanguageModel: {e.Message}"); }
        var options = new CharLanguageModelOptions(Get<int>(o, "embedding", source), Get<int>(o, "hidden", source), Get<int>(o, "layers", source), Get<double>(o, "dropout", source), cell);
        try { return new CharLanguageModel(vocabulary, options); }
        catch (ArgumentOutOfRangeException e) { throw new ModelFormatException($"{source}: invalid CharLanguageModel: {e.Message}"); }
    }

    static T Get<T>(JsonObject o, string key, string source)
    {
        try
        {
            return o[key] is { } v ? v.GetValue<T>() : throw new ModelFormatException($"{source}: {o["type"]} needs '{key}'");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ModelFormatException($"{source}: '{key}' of {o["type"]} has the wrong type ({e.Message})");
        }
    }
}

/// <summary>Saves a model as two files: <c>NAME.json</c> (architecture) and <c>NAME.safetensors</c> (weights and buffers).</summary>
public static class ModelFile
{
    /// <summary>Saves the weights and the architecture (<paramref name="architectureJson"/>, or <see cref="ModelJson.ToJson"/> of the model).</summary>
    public static void Save(Module model, string path, string? architectureJson = null)
    {
        string stem = Stem(path);
        string json = architectureJson ?? ModelJson.ToJson(model);
        SafeTensors.Save(stem + ".safetensors", model.StateDict(), new Dictionary<string, string> { ["format"] = "neurite" });
        AtomicFile.WriteAllText(stem + ".json", json);
    }

    /// <summary>Rebuilds the architecture and loads the weights; the model comes back in evaluation mode.</summary>
    public static Module Load(string path)
    {
        string stem = Stem(path);
        string jsonPath = stem + ".json";
        if (!File.Exists(jsonPath)) throw new FileNotFoundException($"model: architecture file not found: {jsonPath}", jsonPath);
        var model = ModelJson.FromJson(File.ReadAllText(jsonPath), jsonPath);
        var (tensors, _) = SafeTensors.Load(stem + ".safetensors");
        try { model.LoadStateDict(tensors); }
        catch (ArgumentException e) { throw new ModelFormatException($"{stem}.safetensors does not match {jsonPath}: {e.Message}"); }
        model.Eval();
        return model;
    }

    static string Stem(string path) =>
        path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? path[..^".safetensors".Length]
        : path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? path[..^".json".Length] : path;
}
