using System.Globalization;
using System.Text.Json;

namespace Neurite.Serialization;

/// <summary>How the rows of a data set were divided when the model was trained, so <c>eval</c> can score exactly
/// the rows training never saw.</summary>
/// <param name="Rows">Rows in the whole data set (a check that the same data comes back).</param>
/// <param name="Fractions">Train, dev and test fractions.</param>
/// <param name="Stratified">Whether each class was split on its own.</param>
/// <param name="TestRows">0-based indices of the test rows in the data set, ascending; null when the split is a
/// fixed one of the data set itself (Fashion-MNIST's test file).</param>
public sealed record SplitInfo(int Rows, double[] Fractions, bool Stratified, int[]? TestRows);

/// <summary>
/// What a saved model says about itself besides its architecture and weights, in the safetensors
/// <c>__metadata__</c> of its file: the task, class and feature names, preprocessing, the shape of one input,
/// the training seed, the data it was trained on and how that was split.
/// </summary>
public sealed record ModelInfo
{
    /// <summary>"classification", "regression", "language-model" or "translation" (sequence to sequence).</summary>
    public string? Task { get; init; }

    /// <summary>Class i's name at index i.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The raw input columns the model reads, in order (before any one-hot encoding).</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>The fitted preprocessing of tabular input (the JSON of a <c>TabularSchema</c>), or null.</summary>
    public string? Preprocessing { get; init; }

    /// <summary>The shape of one input sample, e.g. [1, 28, 28] or [64].</summary>
    public int[]? InputShape { get; init; }

    /// <summary>The random seed training used (initialisation, shuffling, the split), or null.</summary>
    public ulong? Seed { get; init; }

    /// <summary>The data set's name ("digits", "fashion-mnist") or the CSV file's name.</summary>
    public string? Dataset { get; init; }

    /// <summary>How the data was split into train, validation and test rows, so the same test rows can be recovered; or null.</summary>
    public SplitInfo? Split { get; init; }

    /// <summary>The metadata keys this record writes; anything else in a file's metadata is kept in <see cref="Extra"/>.</summary>
    static readonly string[] Keys = ["task", "classes", "features", "preprocessing", "input_shape", "seed", "dataset", "split"];

    /// <summary>Other metadata of the file (e.g. "format"), read only.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, AllowDuplicateProperties = false, RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true, UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        TypeInfoResolver = NeuriteJsonContext.Default,
    };

    internal Dictionary<string, string> ToMetadata()
    {
        var m = new Dictionary<string, string>();
        if (Task is not null) m["task"] = Task;
        if (ClassNames is not null) m["classes"] = JsonSerializer.Serialize([.. ClassNames], NeuriteJsonContext.Default.StringArray);
        if (FeatureNames is not null) m["features"] = JsonSerializer.Serialize([.. FeatureNames], NeuriteJsonContext.Default.StringArray);
        if (Preprocessing is not null) m["preprocessing"] = Preprocessing;
        if (InputShape is not null) m["input_shape"] = JsonSerializer.Serialize(InputShape, NeuriteJsonContext.Default.Int32Array);
        if (Seed is { } seed) m["seed"] = seed.ToString(CultureInfo.InvariantCulture);
        if (Dataset is not null) m["dataset"] = Dataset;
        if (Split is not null) m["split"] = JsonSerializer.Serialize(Split, Json.Info<SplitInfo>());
        return m;
    }

    /// <summary>Reads the fields back; a malformed one is a <see cref="ModelFormatException"/> naming the file and the field.</summary>
    internal static ModelInfo FromMetadata(IReadOnlyDictionary<string, string> m, string source)
    {
        T? Field<T>(string key) where T : class
        {
            if (!m.TryGetValue(key, out var text)) return null;
            try { return JsonSerializer.Deserialize(text, Json.Info<T>()) ?? throw new JsonException("null"); }
            catch (JsonException e) { throw new ModelFormatException($"{source}: metadata field '{key}' is not valid: {e.Message}"); }
        }
        ulong? seed = null;
        if (m.TryGetValue("seed", out var s))
            seed = ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
                : throw new ModelFormatException($"{source}: metadata field 'seed' must be a non-negative integer, got '{s}'");
        var info = new ModelInfo
        {
            Task = m.GetValueOrDefault("task"),
            ClassNames = Field<string[]>("classes"),
            FeatureNames = Field<string[]>("features"),
            Preprocessing = m.GetValueOrDefault("preprocessing"),
            InputShape = Field<int[]>("input_shape"),
            Seed = seed,
            Dataset = m.GetValueOrDefault("dataset"),
            Split = Field<SplitInfo>("split"),
            Extra = m.Where(kv => !Keys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value),
        };
        if (info.Task is not null and not ("classification" or "regression" or "language-model" or "translation"))
            throw new ModelFormatException($"{source}: metadata field 'task' must be classification, regression, language-model or translation, got '{info.Task}'");
        if (info.InputShape is { } shape && (shape.Length is 0 or > 8 || shape.Any(d => d <= 0)))
            throw new ModelFormatException($"{source}: metadata field 'input_shape' must be 1 to 8 positive sizes, got [{string.Join(", ", shape)}]");
        if (info.Split is { } split)
        {
            if (split.Fractions is not { Length: 3 } f || f.Any(x => !(x >= 0 && x <= 1)))
                throw new ModelFormatException($"{source}: metadata field 'split' needs three fractions in [0, 1]");
            if (split.Rows < 0 || split.TestRows is { } rows && (rows.Any(r => r < 0 || r >= split.Rows) || rows.Zip(rows.Skip(1)).Any(p => p.First >= p.Second)))
                throw new ModelFormatException($"{source}: metadata field 'split' has test rows that are not ascending indices below {split.Rows}");
        }
        return info;
    }
}
