using Neurite.Nn;

namespace Neurite.Serialization;

/// <summary>A model read from a file: the network (in evaluation mode), its architecture and what the file says about it.</summary>
public sealed record LoadedModel(Module Model, LayerConfig Architecture, ModelInfo Info, string Path);

/// <summary>
/// A saved model is one safetensors file, readable by any safetensors reader: the weights and buffers as tensors,
/// and in <c>__metadata__</c> the architecture (<c>"architecture"</c>, the JSON of its <see cref="LayerConfig"/>)
/// beside <see cref="ModelInfo"/>'s fields. It is written atomically (temporary file in the same folder, flush,
/// rename), so a killed save leaves the previous model whole. Files of earlier versions — NAME.json (architecture)
/// beside NAME.safetensors (weights) — still load.
/// </summary>
/// <remarks>
/// Loading checks before it builds anything: the weights file is validated against its own length (so its
/// tensors take at most its size), the architecture is parsed strictly, and the tensors the architecture would
/// create (<see cref="LayerConfig.State"/>: names, shapes, dtypes, total count) are compared with the weights.
/// Networks whose tensors are known only once built (the zoo) are built under an <see cref="AllocationBudget"/>
/// of twice the weights' size. Every problem is a <see cref="ModelFormatException"/> naming the file and the field.
/// </remarks>
public static class ModelFile
{
    /// <summary>The value of the metadata field <c>format</c> that marks a safetensors file as a Neurite model; loading refuses a file without it.</summary>
    public const string Format = "neurite-model";
    const long MaxLegacyArchitectureBytes = 16 << 20;

    /// <summary>The file a model path names: PATH itself when it ends in .safetensors, else PATH.safetensors
    /// (a legacy NAME.json names NAME.safetensors).</summary>
    public static string FileOf(string path) =>
        path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? path
        : path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? path[..^".json".Length] + ".safetensors"
        : path + ".safetensors";

    /// <summary>Saves the model as one file; <paramref name="architecture"/> when the model is not described layer by
    /// layer (a zoo network: <see cref="ZooConfig"/>). Returns the file written.</summary>
    public static string Save(Module model, string path, ModelInfo? info = null, LayerConfig? architecture = null)
    {
        string file = FileOf(path);
        var config = architecture ?? LayerConfigs.Describe(model);
        var meta = (info ?? new ModelInfo()).ToMetadata();
        meta["format"] = Format;
        meta["architecture"] = System.Text.Json.JsonSerializer.Serialize(config, LayerConfigs.Compact.Info<LayerConfig>());
        SafeTensors.Save(file, model.StateDict(), meta);
        return file;
    }

    /// <summary>Saves with an architecture given as JSON text (<see cref="ModelJson.Zoo"/>, or an earlier version's).</summary>
    public static string Save(Module model, string path, string architectureJson, ModelInfo? info = null) =>
        Save(model, path, info, LayerConfigs.FromJson(architectureJson, "architecture"));

    /// <summary>Rebuilds the architecture and loads the weights; the model comes back in evaluation mode.</summary>
    public static Module Load(string path) => Read(path).Model;

    /// <summary>The model with its architecture and metadata.</summary>
    public static LoadedModel Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string file = FileOf(path), legacyJson = file[..^".safetensors".Length] + ".json";
        if (!File.Exists(file))
            throw new FileNotFoundException($"model: file not found: {file}" + (File.Exists(legacyJson) ? $" (only its architecture {legacyJson} is there)" : ""), file);
        var (tensors, meta) = SafeTensors.Load(file);
        string source;
        string json;
        if (meta.TryGetValue("architecture", out var embedded))
        {
            if (meta.GetValueOrDefault("format") != Format)
                throw new ModelFormatException($"{file}: metadata field 'format' must be '{Format}', got '{meta.GetValueOrDefault("format")}'");
            (source, json) = ($"{file} (metadata 'architecture')", embedded);
        }
        else if (File.Exists(legacyJson))
        {
            long length = new FileInfo(legacyJson).Length;
            if (length > MaxLegacyArchitectureBytes)
                throw new ModelFormatException($"{legacyJson}: the architecture file is {length} bytes, more than the {MaxLegacyArchitectureBytes} byte limit");
            (source, json) = (legacyJson, File.ReadAllText(legacyJson));
        }
        else throw new ModelFormatException($"{file}: not a Neurite model: its metadata has no 'architecture' and there is no {Path.GetFileName(legacyJson)} beside it");

        var config = LayerConfigs.FromJson(json, source);
        var info = ModelInfo.FromMetadata(meta, file);
        long weightBytes = tensors.Values.Sum(t => (long)t.NumEl * t.DType.Size());
        IEnumerable<StateEntry>? expected;
        try { expected = config.State()?.ToList(); }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException) { throw new ModelFormatException($"{source}: invalid architecture: {e.Message}"); }
        if (expected is not null) Match(expected, tensors, file, source);

        Module model;
        try
        {
            using (AllocationBudget.Limit(2 * weightBytes + (16 << 20))) model = LayerConfigs.Build(config, source);
        }
        catch (AllocationBudgetExceededException e)
        {
            throw new ModelFormatException($"{source}: the architecture needs more memory than its weights in {file} account for ({weightBytes} bytes): {e.Message}");
        }
        if (expected is null) Match(model.StateDict().Select(kv => new StateEntry(kv.Key, kv.Value.Shape.ToArray(), kv.Value.DType)), tensors, file, source);
        model.LoadStateDict(tensors);
        model.Eval();
        return new LoadedModel(model, config, info, file);
    }

    /// <summary>Every tensor the architecture declares is in the weights with its shape and dtype, and nothing else is.</summary>
    static void Match(IEnumerable<StateEntry> expected, IReadOnlyDictionary<string, Tensor> tensors, string file, string source)
    {
        var declared = new Dictionary<string, StateEntry>();
        foreach (var e in expected)
            if (!declared.TryAdd(e.Name, e)) throw new ModelFormatException($"{source}: the architecture declares tensor '{e.Name}' twice");
        long declaredCount = declared.Values.Sum(e => e.Count), storedCount = tensors.Values.Sum(t => (long)t.NumEl);
        string counts = $"(the architecture declares {declared.Count} tensors of {declaredCount:N0} values, {Path.GetFileName(file)} holds {tensors.Count} of {storedCount:N0})";
        foreach (var e in declared.Values)
        {
            if (!tensors.TryGetValue(e.Name, out var t))
                throw new ModelFormatException($"{file} does not match {source}: tensor '{e.Name}' {e.DType.Name()} [{string.Join(", ", e.Shape)}] is missing {counts}");
            if (t.DType != e.DType || !t.Shape.ToArray().AsSpan().SequenceEqual(e.Shape))
                throw new ModelFormatException($"{file} does not match {source}: tensor '{e.Name}' is {t.DType.Name()} [{string.Join(", ", t.Shape.ToArray())}], the architecture needs {e} {counts}");
        }
        foreach (var name in tensors.Keys)
            if (!declared.ContainsKey(name))
                throw new ModelFormatException($"{file} does not match {source}: tensor '{name}' is not part of the architecture {counts}");
    }
}
