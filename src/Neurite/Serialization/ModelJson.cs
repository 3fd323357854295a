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
