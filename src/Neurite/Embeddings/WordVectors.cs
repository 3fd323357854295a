using System.Globalization;
using System.Text.Json;
using Neurite.Serialization;

namespace Neurite.Embeddings;

/// <summary>
/// Word embeddings: the words in id order and a float32 matrix [V, D] whose row i is the vector of word i, from
/// <see cref="SkipGram"/>, <see cref="GloVe"/> or a word2vec / GloVe text file.
/// <code>
/// var vectors = WordVectors.Load("kjv-sg.safetensors");       // or "glove.6B.100d.txt"
/// vectors.Nearest("king", 5);                                   // cosine, the word itself left out
/// vectors.Analogy("man", "king", "woman", 1);                   // man : king :: woman : ?
/// </code>
/// </summary>
/// <remarks>
/// Files: <see cref="Save"/> writes one safetensors file with the tensor <c>vectors</c> [V, D] and metadata
/// <c>format = neurite-word-vectors</c>, <c>vocabulary</c> (JSON <c>{"words":[…],"counts":[…]}</c>), <c>method</c>
/// and <c>options</c>; <see cref="SaveText"/> writes the word2vec text format; <see cref="Load"/> reads either, and
/// GloVe's text files (no header line).
/// </remarks>
public sealed partial class WordVectors
{
    /// <summary>The safetensors metadata <c>format</c> of <see cref="Save"/>.</summary>
    public const string Format = "neurite-word-vectors";

    readonly string[] words;
    readonly long[]? counts;
    readonly float[] vectors;
    readonly Dictionary<string, int> ids;
    float[]? unit;  // rows scaled to length 1 (zero rows stay zero), made on the first query

    /// <summary>Vectors for words, row by row.</summary>
    /// <param name="words">The V words in id order, unique, without white space.</param>
    /// <param name="vectors">V·D floats, row i the vector of word i (not copied).</param>
    /// <param name="dim">D.</param>
    /// <param name="counts">Corpus counts of the words (optional; kept in files, used to order suggestions).</param>
    /// <param name="method">How the vectors were made ("skipgram", "glove", "text"), for the file's metadata.</param>
    /// <param name="options">The training options as text, for the file's metadata.</param>
    public WordVectors(IReadOnlyList<string> words, float[] vectors, int dim, IReadOnlyList<long>? counts = null, string method = "", string options = "")
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(vectors);
        if (dim < 1) throw new ArgumentOutOfRangeException(nameof(dim), dim, "WordVectors: the dimension must be at least 1");
        if ((long)words.Count * dim != vectors.Length)
            throw new ArgumentException($"WordVectors: {words.Count} words × {dim} dimensions need {(long)words.Count * dim} values, got {vectors.Length}");
        if (counts is not null && counts.Count != words.Count)
            throw new ArgumentException($"WordVectors: {words.Count} words but {counts.Count} counts");
        this.words = [.. words];
        this.counts = counts is null ? null : [.. counts];
        this.vectors = vectors;
        Dim = dim;
        Method = method;
        Options = options;
        ids = new Dictionary<string, int>(this.words.Length, StringComparer.Ordinal);
        for (int i = 0; i < this.words.Length; i++)
        {
            if (string.IsNullOrEmpty(this.words[i]) || this.words[i].Any(char.IsWhiteSpace))
                throw new ArgumentException($"WordVectors: word {i} '{this.words[i]}' is empty or has white space");
            if (!ids.TryAdd(this.words[i], i)) throw new ArgumentException($"WordVectors: the word '{this.words[i]}' appears twice (ids {ids[this.words[i]]} and {i})");
        }
    }

    /// <summary>V, the number of words.</summary>
    public int Count => words.Length;

    /// <summary>D, the length of each vector.</summary>
    public int Dim { get; }

    /// <summary>How the vectors were made ("skipgram", "glove", "text", or "" when unknown), from the file's metadata.</summary>
    public string Method { get; }

    /// <summary>The training options as text (e.g. <see cref="SkipGramOptions"/>' ToString), or "".</summary>
    public string Options { get; }

    /// <summary>The words in id order.</summary>
    public IReadOnlyList<string> Words => words;

    /// <summary>Corpus counts in id order, when known.</summary>
    public IReadOnlyList<long>? Counts => counts;

    /// <summary>Whether <paramref name="word"/> has a vector (exact, case-sensitive).</summary>
    public bool Contains(string word) => ids.ContainsKey(word);

    /// <summary>The id of <paramref name="word"/>; an <see cref="UnknownWordException"/> (with spelling suggestions) if it has none.</summary>
    public int IdOf(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return ids.TryGetValue(word, out int id) ? id : throw new UnknownWordException(word, Suggest(word, 3), words.Length);
    }

    /// <summary>The vector of <paramref name="word"/> (a view into the matrix).</summary>
    public ReadOnlySpan<float> this[string word] => Row(IdOf(word));

    /// <summary>Row <paramref name="id"/> of the matrix.</summary>
    public ReadOnlySpan<float> Row(int id) => (uint)id < (uint)words.Length ? vectors.AsSpan(id * Dim, Dim)
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"WordVectors: id must be in 0..{words.Length - 1}");

    /// <summary>The matrix [V, D], row by row.</summary>
    public ReadOnlySpan<float> Matrix => vectors;

    /// <summary>E.g. <c>WordVectors(12,543 words × 100, skipgram)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"WordVectors({words.Length:N0} words × {Dim}{(Method is "" ? "" : ", " + Method)})");

    /// <summary>Writes one safetensors file: <c>vectors</c> [V, D] and the metadata described on the class; atomic.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var meta = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["vocabulary"] = JsonSerializer.Serialize(new StoredVocabulary(words, counts), Json.Info<StoredVocabulary>()),
            ["method"] = Method,
            ["options"] = Options,
        };
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["vectors"] = Tensor.Wrap(vectors, words.Length, Dim) }, meta);
    }

    /// <summary>
    /// Reads a file of <see cref="Save"/> (recognised by its safetensors header) or a word2vec / GloVe text file
    /// (<see cref="LoadText"/>).
    /// </summary>
    /// <exception cref="ModelFormatException">A safetensors file that is malformed or not word vectors.</exception>
    /// <exception cref="Data.DataFormatException">A text file with a malformed line (file and line in the message).</exception>
    public static WordVectors Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"WordVectors.Load: there is no file {path}", path);
        return LooksLikeSafeTensors(path) ? LoadSafeTensors(path) : LoadText(path);
    }

    /// <summary>Safetensors begins with an 8-byte little-endian header length and then '{'; no text file of vectors does.</summary>
    static bool LooksLikeSafeTensors(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[9];
        if (stream.Length < 9 || stream.ReadAtLeast(head, 9, throwOnEndOfStream: false) < 9) return false;
        ulong length = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(head);
        return head[8] == (byte)'{' && length <= (ulong)stream.Length - 8;
    }

    static WordVectors LoadSafeTensors(string path)
    {
        var (tensors, meta) = SafeTensors.Load(path);
        if (meta.GetValueOrDefault("format") != Format)
            throw new ModelFormatException($"{path}: not a word-vectors file (metadata format is '{meta.GetValueOrDefault("format") ?? "missing"}', expected '{Format}')");
        if (!tensors.TryGetValue("vectors", out var t) || t.DType != DType.Float32 || t.Shape.Length != 2)
            throw new ModelFormatException($"{path}: a word-vectors file needs a float32 tensor 'vectors' [V, D]");
        StoredVocabulary? vocab;
        try { vocab = JsonSerializer.Deserialize(meta.GetValueOrDefault("vocabulary") ?? "", Json.Info<StoredVocabulary>()); }
        catch (JsonException e) { throw new ModelFormatException($"{path}: the vocabulary metadata is not valid JSON: {e.Message}"); }
        if (vocab?.Words is null || vocab.Words.Length != t.Shape[0] || t.Shape[1] < 1)
            throw new ModelFormatException($"{path}: the vocabulary has {vocab?.Words?.Length ?? 0} words but 'vectors' has shape [{t.Shape[0]}, {t.Shape[1]}]");
        try { return new WordVectors(vocab.Words, t.ToFloatArray(), t.Shape[1], vocab.Counts, meta.GetValueOrDefault("method") ?? "", meta.GetValueOrDefault("options") ?? ""); }
        catch (ArgumentException e) { throw new ModelFormatException($"{path}: {e.Message}"); }
    }

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase, AllowDuplicateProperties = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = NeuriteJsonContext.Default,
    };

    internal sealed record StoredVocabulary(string[] Words, long[]? Counts);
}
