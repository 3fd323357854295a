using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Neurite.Classical;
using Neurite.Nn;

namespace Neurite.Serialization;

/// <summary>One tensor a layer owns: its state-dict name, shape and element type.</summary>
public readonly record struct StateEntry(string Name, int[] Shape, DType DType)
{
    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long Count => Shape.Aggregate(1L, (n, d) => n * d);

    /// <summary>Name, dtype and shape: <c>weight float32 [128, 784]</c>.</summary>
    public override string ToString() => $"{Name} {DType.Name()} [{string.Join(", ", Shape)}]";
}

/// <summary>
/// A layer's architecture as a value: what it is and how big, without its weights. A config
/// <see cref="Build"/>s its module (weights freshly initialised) and lists the tensors that module will own
/// (<see cref="State"/>) without allocating them, so a model file's architecture is checked against its
/// weights before anything is built. <see cref="LayerConfigs"/> is the one table of layer types:
/// JSON names, the config record of each, and how a built module is described.
/// </summary>
public abstract record LayerConfig
{
    /// <summary>The module, weights freshly initialised. Throws ArgumentException (or FormatException) for invalid values.</summary>
    public abstract Module Build();

    /// <summary>The parameters and buffers <see cref="Build"/> creates, names as in <see cref="Module.StateDict"/>;
    /// null when they cannot be known without building (<see cref="ZooConfig"/>).</summary>
    public virtual IEnumerable<StateEntry>? State() => [];

    /// <summary>A state entry of this layer, float32 unless <paramref name="dtype"/> says otherwise.</summary>
    protected static StateEntry Entry(string name, DType dtype, params int[] shape) => new(name, shape, dtype);

    /// <summary>A float32 state entry of this layer.</summary>
    protected static StateEntry Entry(string name, params int[] shape) => new(name, shape, DType.Float32);
}

/// <summary>
/// The table of layer types and the JSON form of <see cref="LayerConfig"/>:
/// <c>{"type":"Sequential","layers":[{"type":"Linear","in":64,"out":128,"bias":true}, …]}</c>, keys in
/// snake_case. Reading is strict: unknown or duplicate keys, missing fields, wrong types and nesting deeper than
/// 64 are refused with the JSON path of the field.
/// </summary>
public static partial class LayerConfigs
{
    /// <summary>A layer type: its JSON name, its config record, and how to describe a built module of it.</summary>
    sealed record Entry(string Name, Type Config, Type Module, Func<Module, LayerConfig> Describe);

    static Entry Layer<TModule, TConfig>(string name, Func<TModule, TConfig> describe) where TModule : Module where TConfig : LayerConfig =>
        new(name, typeof(TConfig), typeof(TModule), m => describe((TModule)m));

    /// <summary>A layer without options: its config is <see cref="Plain{TModule}"/>.</summary>
    static Entry Plain<TModule>() where TModule : Module, new() =>
        new(typeof(TModule).Name, typeof(Plain<TModule>), typeof(TModule), _ => new Plain<TModule>());

    /// <summary>A classical model: JSON name = the model's class name. Its module is always a <see cref="ClassicalModule"/>,
    /// so the row is found by the type of the model inside (<see cref="TypeOf"/>).</summary>
    static Entry Classical<TModel, TConfig>(Func<TModel, TConfig> describe) where TModel : ClassicalModel where TConfig : LayerConfig =>
        new(typeof(TModel).Name, typeof(TConfig), typeof(TModel), m => describe((TModel)((ClassicalModule)m).Model));

    /// <summary>The type a module's row is found by: the module's own, or the classical model's a ClassicalModule holds.</summary>
    static Type TypeOf(Module module) => module is ClassicalModule c ? c.Model.GetType() : module.GetType();

    /// <summary>The layer types a model file can hold. Adding a layer: its config record (LayerConfigs.Records.cs) and one line here.</summary>
    static readonly Entry[] Table =
    [
        Layer<Sequential, SequentialConfig>("Sequential", s => new SequentialConfig(s.Layers.Select(Describe).ToList())),
        Layer<Linear, LinearConfig>("Linear", l => new LinearConfig(l.InFeatures, l.OutFeatures, l.Bias is not null, ActivationText(l.Activation))),
        Layer<Conv2d, Conv2dConfig>("Conv2d", c => new Conv2dConfig(c.InChannels, c.OutChannels, c.KernelSize.H, c.KernelSize.W, c.Stride.H, c.Stride.W,
            c.Padding.IsSame ? "same" : $"{c.Padding.H},{c.Padding.W}", c.Dilation.H, c.Dilation.W, c.Groups, c.Bias is not null, ActivationText(c.Activation))),
        Layer<Conv1d, Conv1dConfig>("Conv1d", c => new Conv1dConfig(c.InChannels, c.OutChannels, c.KernelSize, c.Stride,
            c.Padding.IsSame ? "same" : $"{c.Padding.W}", c.Dilation, c.Groups, c.Bias is not null, ActivationText(c.Activation))),
        Layer<Dropout, DropoutConfig>("Dropout", d => new DropoutConfig(d.P)),
        Layer<Dropout2d, Dropout2dConfig>("Dropout2d", d => new Dropout2dConfig(d.P)),
        Layer<BatchNorm1d, BatchNorm1dConfig>("BatchNorm1d", b => new BatchNorm1dConfig(b.NumFeatures, b.Eps, b.Momentum, b.Weight is not null)),
        Layer<BatchNorm2d, BatchNorm2dConfig>("BatchNorm2d", b => new BatchNorm2dConfig(b.NumFeatures, b.Eps, b.Momentum, b.Weight is not null)),
        Layer<Standardize, StandardizeConfig>("Standardize", z => new StandardizeConfig(z.Features)),
        // the shape comes from the layer, not its weight, which is absent without elementwise affine
        Layer<LayerNorm, LayerNormConfig>("LayerNorm", n => new LayerNormConfig([.. n.NormalizedShape], n.Eps, n.Weight is not null)),
        Layer<Embedding, EmbeddingConfig>("Embedding", e => new EmbeddingConfig(e.NumEmbeddings, e.EmbeddingDim)),
        Layer<LeakyReLU, LeakyReLUConfig>("LeakyReLU", r => new LeakyReLUConfig(r.Alpha)),
        Layer<ELU, ELUConfig>("ELU", r => new ELUConfig(r.Alpha)),
        Layer<PReLU, PReLUConfig>("PReLU", p => new PReLUConfig(p.Alpha.NumEl)),
        Layer<Maxout, MaxoutConfig>("Maxout", x => new MaxoutConfig(x.Pieces)),
        Layer<MaxPool2d, MaxPool2dConfig>("MaxPool2d", p => new MaxPool2dConfig(p.KernelSize.H, p.KernelSize.W, p.Stride.H, p.Stride.W, p.Padding.H, p.Padding.W)),
        Layer<AvgPool2d, AvgPool2dConfig>("AvgPool2d", p => new AvgPool2dConfig(p.KernelSize.H, p.KernelSize.W, p.Stride.H, p.Stride.W, p.Padding.H, p.Padding.W)),
        Layer<AdaptiveAvgPool2d, AdaptiveAvgPool2dConfig>("AdaptiveAvgPool2d", p => new AdaptiveAvgPool2dConfig(p.OutputSize.H, p.OutputSize.W)),
        Layer<Lstm, LstmConfig>("Lstm", r => new LstmConfig(r.InputSize, r.HiddenSize, r.NumLayers, r.HasBias, r.BatchFirst, r.Dropout, r.Bidirectional, DTypeOf(r))),
        Layer<Gru, GruConfig>("Gru", r => new GruConfig(r.InputSize, r.HiddenSize, r.NumLayers, r.HasBias, r.BatchFirst, r.Dropout, r.Bidirectional, DTypeOf(r))),
        Layer<Rnn, RnnConfig>("Rnn", r => new RnnConfig(r.InputSize, r.HiddenSize, r.NumLayers, r.HasBias, r.BatchFirst, r.Dropout, r.Bidirectional,
            r.Mode == RecurrentMode.RnnRelu ? "relu" : "tanh", DTypeOf(r))),
        Layer<CharLanguageModel, CharLanguageModelConfig>("CharLanguageModel", lm => new CharLanguageModelConfig(lm.Options.CellName, lm.Options.EmbeddingDim,
            lm.Options.HiddenSize, lm.Options.NumLayers, lm.Options.Dropout, [.. lm.Vocabulary.Symbols.Select(s => s.Value)])),
        Layer<Neurite.Seq2Seq.Seq2SeqModel, Seq2SeqConfig>("Seq2Seq", Seq2SeqConfig.Of),
        Layer<Training.Ensemble, EnsembleConfig>("Ensemble", EnsembleConfig.Of),
        Layer<MultiTask, MultiTaskConfig>("MultiTask", MultiTaskConfig.Of),
        // Zoo networks hold residual and Inception blocks; they are described by name and options (TrainCommand passes it).
        new("Zoo", typeof(ZooConfig), typeof(ZooConfig), _ => throw new InvalidOperationException("unreachable")),
        // classical models (Neurite.Classical): a fitted model wrapped in a ClassicalModule, whose buffers are the fitted tensors
        Classical<LinearRegression, LinearRegressionConfig>(LinearRegressionConfig.Of),
        Classical<Ridge, RidgeConfig>(RidgeConfig.Of),
        Classical<LogisticRegression, LogisticRegressionConfig>(LogisticRegressionConfig.Of),
        Classical<LinearDiscriminantAnalysis, LinearDiscriminantAnalysisConfig>(LinearDiscriminantAnalysisConfig.Of),
        Classical<QuadraticDiscriminantAnalysis, QuadraticDiscriminantAnalysisConfig>(QuadraticDiscriminantAnalysisConfig.Of),
        Classical<GaussianNB, GaussianNBConfig>(GaussianNBConfig.Of),
        Classical<BernoulliNB, BernoulliNBConfig>(BernoulliNBConfig.Of),
        Classical<MultinomialNB, MultinomialNBConfig>(MultinomialNBConfig.Of),
        Plain<ReLU>(), Plain<Sigmoid>(), Plain<Tanh>(), Plain<Softplus>(), Plain<GELU>(), Plain<Step>(), Plain<Identity>(), Plain<Flatten>(),
        Plain<GlobalAvgPool2d>(),
    ];

    static readonly Dictionary<Type, Entry> ByModule = Table.ToDictionary(e => e.Module);

    /// <summary>The JSON names of every layer type, for messages.</summary>
    public static IEnumerable<string> Names => Table.Select(e => e.Name);

    /// <summary>The config record types of the table (for the test that each has a generated JSON contract).</summary>
    internal static IEnumerable<Type> ConfigTypes => Table.Select(e => e.Config);

    /// <summary>The config of a built module (and of its children).</summary>
    /// <exception cref="NotSupportedException">A layer type that is not in the table (a user's own module, a zoo block).</exception>
    public static LayerConfig Describe(Module module) =>
        ByModule.TryGetValue(TypeOf(module), out var entry) ? entry.Describe(module)
        : throw new NotSupportedException($"model file: layer type {module.GetType().Name} cannot be described; save its weights with SafeTensors and rebuild it in code, " +
                                          $"or give the architecture (e.g. a ZooConfig). Describable: {string.Join(", ", Names)}");

    static string? ActivationText(Activation a) => a.IsNone ? null : a.ToString();

    static string DTypeOf(RecurrentBase r) => r.Parameters()[0].DType.Name();

    /// <summary>The reading and writing options: the table's types under "type", snake_case keys, strict reading.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        AllowOutOfOrderMetadataProperties = true,
        MaxDepth = 64,
        WriteIndented = true,
        TypeInfoResolver = NeuriteJsonContext.Default.WithAddedModifier(Polymorphism),
    };

    /// <summary><see cref="Json"/> on one line (inside a file's metadata).</summary>
    public static readonly JsonSerializerOptions Compact = new(Json) { WriteIndented = false };

    static void Polymorphism(JsonTypeInfo info)
    {
        if (info.Type != typeof(LayerConfig)) return;
        info.PolymorphismOptions = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = "type",
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
        };
        foreach (var e in Table)
        {
            if (NeuriteJsonContext.Default.GetTypeInfo(e.Config) is null)
                throw new InvalidOperationException($"layer config {e.Config.Name} is in LayerConfigs' table but not in NeuriteJsonContext: add [JsonSerializable(typeof({e.Config.Name}))]");
            info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(e.Config, e.Name));
        }
    }

    /// <summary>The JSON text of a config.</summary>
    public static string ToJson(LayerConfig config) => JsonSerializer.Serialize(config, Json.Info<LayerConfig>());

    /// <summary>Reads a config; any problem is a <see cref="ModelFormatException"/> naming <paramref name="source"/> and the field.</summary>
    public static LayerConfig FromJson(string json, string source)
    {
        try
        {
            var config = JsonSerializer.Deserialize(json, Json.Info<LayerConfig>()) ?? throw new ModelFormatException($"{source}: the architecture is null");
            int layers = 0;
            CheckTree(config, "$", ref layers, source);
            return config;
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{source}: invalid architecture: {Explain(e)}");
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArgumentException or FormatException)
        {
            // e.g. a lone surrogate escape in a string, or a type discriminator that is not an object's first key
            throw new ModelFormatException($"{source}: invalid architecture: {Plain(e.Message)}");
        }
    }

    /// <summary>At most this many layers in one architecture (ResNet-152 has about 500 modules).</summary>
    public const int MaxLayers = 10_000;

    // Null list elements pass System.Text.Json's nullability checks; a tree of millions of layers would cost more
    // memory in its tensor list than its file is worth.
    static void CheckTree(LayerConfig config, string path, ref int layers, string source)
    {
        if (++layers > MaxLayers) throw new ModelFormatException($"{source}: invalid architecture: more than {MaxLayers} layers");
        IEnumerable<(LayerConfig? Child, string Key)> children = config switch
        {
            SequentialConfig s => s.Layers.Select((c, i) => ((LayerConfig?)c, $"layers[{i}]")),
            EnsembleConfig e => e.Members.Select((c, i) => ((LayerConfig?)c, $"members[{i}]")),
            MultiTaskConfig m => m.Heads.Select((c, i) => ((LayerConfig?)c, $"heads[{i}]")).Prepend((m.Trunk, "trunk")),
            _ => [],
        };
        foreach (var (child, key) in children)
        {
            string at = $"{path}.{key}";
            CheckTree(child ?? throw new ModelFormatException($"{source}: invalid architecture: the layer at {at} is null"), at, ref layers, source);
        }
    }

    // System.Text.Json names the CLR type in some messages; the file's reader knows layer names, not ours.
    static string Plain(string message) => ConfigSuffix().Replace(message.Replace("Neurite.Serialization.", "", StringComparison.Ordinal), "$1");

    /// <summary>System.Text.Json's message in the words of the file: layer and key names, the JSON path and line.</summary>
    static string Explain(JsonException e)
    {
        string m = e.Message;
        int cut = m.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut >= 0) m = m[..cut];
        m = Plain(m);
        string? key = e.Path is { } p && KeyAtEnd().Match(p) is { Success: true } k ? k.Groups[1].Value : null;
        m = m switch
        {
            _ when m.StartsWith("The JSON value could not be converted to Layer.", StringComparison.Ordinal) => "expected a JSON object: a layer with a \"type\"",
            _ when m.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal) && key is not null =>
                $"'{key}' of {m["The JSON value could not be converted to ".Length..].TrimEnd('.')} has the wrong type",
            _ when m.StartsWith("Read unrecognized type discriminator id", StringComparison.Ordinal) =>
                $"unknown layer type {m[(m.IndexOf('\'') )..].TrimEnd('.')} (valid: {string.Join(", ", Names)})",
            _ => Missing().Replace(Duplicate().Replace(Unmapped().Replace(NotNull().Replace(m, "'$1' of $2 must not be null"), "unknown key '$1' in $2"), "duplicate key '$1' in $2"), "$1 needs $2"),
        };
        return e.Path is { } path ? $"{m} (at {path}, line {e.LineNumber + 1})" : m;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(\w+?)Config\b")]
    private static partial System.Text.RegularExpressions.Regex ConfigSuffix();

    [System.Text.RegularExpressions.GeneratedRegex(@"\.(\w+)$")]
    private static partial System.Text.RegularExpressions.Regex KeyAtEnd();

    [System.Text.RegularExpressions.GeneratedRegex(@"^JSON deserialization for type '(\w+)' was missing required properties including: (.*?)\.?$")]
    private static partial System.Text.RegularExpressions.Regex Missing();

    [System.Text.RegularExpressions.GeneratedRegex(@"^Duplicate property '(.*?)' encountered during deserialization of type '(\w+)'\.?$")]
    private static partial System.Text.RegularExpressions.Regex Duplicate();

    [System.Text.RegularExpressions.GeneratedRegex(@"^The JSON property '(.*?)' could not be mapped to any \.NET member contained in type '(\w+)'\.?$")]
    private static partial System.Text.RegularExpressions.Regex Unmapped();

    [System.Text.RegularExpressions.GeneratedRegex(@"^The constructor parameter '(\w+)' on type '(\w+)' doesn't allow null values\..*$")]
    private static partial System.Text.RegularExpressions.Regex NotNull();

    /// <summary>Builds a config's module; a value the layer refuses becomes a <see cref="ModelFormatException"/> naming <paramref name="source"/>.</summary>
    public static Module Build(LayerConfig config, string source)
    {
        try { return config.Build(); }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            throw new ModelFormatException($"{source}: invalid architecture: {e.Message}");
        }
    }
}
