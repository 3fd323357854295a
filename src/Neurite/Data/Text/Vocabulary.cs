using System.Text.Json;
using Neurite.Serialization;

namespace Neurite.Data.Text;

/// <summary>
/// Tokens (words or characters) and their ids for embedding layers, with four reserved tokens first:
/// <see cref="Pad"/> = 0 (filling short sequences of a batch), <see cref="Unknown"/> = 1 (a token outside the
/// vocabulary), <see cref="Start"/> = 2 and <see cref="End"/> = 3 (the decoder's first input and the end of a sequence).
/// Other tokens follow by descending count, then ordinal order, so the same text always gives the same ids; each keeps
/// its count (skip-gram's subsampling and noise distribution use it).
/// <code>
/// var vocab = Vocabulary.Build(sentences, minCount: 5);
/// long[] ids = vocab.Encode(["in", "the", "beginning"], end: true);
/// string[] back = vocab.Decode(ids);        // stops at &lt;/s&gt;, drops &lt;pad&gt; and &lt;s&gt;
/// string json = vocab.ToJson();             // saved with the model
/// </code>
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The reserved tokens, in id order: <c>&lt;pad&gt;</c> (padding), <c>&lt;unk&gt;</c> (out of vocabulary),
    /// <c>&lt;s&gt;</c> (start of sequence) and <c>&lt;/s&gt;</c> (end of sequence).</summary>
    public const string Pad = "<pad>", Unknown = "<unk>", Start = "<s>", End = "</s>";
    /// <summary>The ids of the reserved tokens (<c>&lt;pad&gt;</c> 0, <c>&lt;unk&gt;</c> 1, <c>&lt;s&gt;</c> 2, <c>&lt;/s&gt;</c> 3), and
    /// <see cref="Reserved"/> = 4, their number: the first id of an ordinary token.</summary>
    public const int PadId = 0, UnknownId = 1, StartId = 2, EndId = 3, Reserved = 4;

    readonly string[] tokens;
    readonly long[] counts;
    readonly Dictionary<string, int> ids;

    Vocabulary(string[] tokens, long[] counts, string source)
    {
        this.tokens = tokens;
        this.counts = counts;
        ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
            if (!ids.TryAdd(tokens[i], i)) throw new ArgumentException($"{source}: the token '{tokens[i]}' appears twice (ids {ids[tokens[i]]} and {i})");
    }

    /// <summary>The tokens of <paramref name="sentences"/> seen at least <paramref name="minCount"/> times (at most
    /// <paramref name="maxSize"/> of them, the most frequent), after the reserved ones.</summary>
    public static Vocabulary Build(IEnumerable<IEnumerable<string>> sentences, int minCount = 1, int? maxSize = null)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        if (minCount < 1) throw new ArgumentOutOfRangeException(nameof(minCount), minCount, "Vocabulary.Build: minCount must be at least 1");
        if (maxSize is < 1) throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, "Vocabulary.Build: maxSize must be at least 1");
        var count = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sentence in sentences)
            foreach (var t in sentence)
                count[t] = count.GetValueOrDefault(t) + 1;
        var kept = count.Where(kv => kv.Value >= minCount && !IsReserved(kv.Key))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(maxSize ?? int.MaxValue).ToArray();
        string[] all = [Pad, Unknown, Start, End, .. kept.Select(kv => kv.Key)];
        long[] counts = [0, count.Where(kv => kv.Value < minCount).Sum(kv => kv.Value), 0, 0, .. kept.Select(kv => kv.Value)];
        return new Vocabulary(all, counts, "Vocabulary.Build");
    }

    static bool IsReserved(string t) => t is Pad or Unknown or Start or End;

    /// <summary>All tokens, reserved ones included (the size of an embedding or output layer).</summary>
    public int Count => tokens.Length;

    /// <summary>The token with id <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside 0 … Count − 1.</exception>
    public string Token(int id) => (uint)id < (uint)tokens.Length ? tokens[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"Vocabulary: id must be in 0..{tokens.Length - 1}");

    /// <summary>How often the token was seen when the vocabulary was built (<see cref="Unknown"/>: the tokens left out).</summary>
    public long CountOf(int id) => (uint)id < (uint)counts.Length ? counts[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"Vocabulary: id must be in 0..{counts.Length - 1}");

    /// <summary>Whether <paramref name="token"/> has an id of its own (case-sensitive, ordinal; reserved tokens included).</summary>
    public bool Contains(string token) => ids.ContainsKey(token);

    /// <summary>The token's id, or <see cref="UnknownId"/>.</summary>
    public int IdOf(string token) => ids.TryGetValue(token, out int id) ? id : UnknownId;

    /// <summary>The ids of <paramref name="tokens"/> (unknown ones as <see cref="UnknownId"/>), optionally framed by start and end.</summary>
    public long[] Encode(IEnumerable<string> tokens, bool start = false, bool end = false)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var result = new List<long>();
        if (start) result.Add(StartId);
        foreach (var t in tokens) result.Add(IdOf(t));
        if (end) result.Add(EndId);
        return [.. result];
    }

    /// <summary>The tokens of <paramref name="ids"/>, stopping at the first <see cref="End"/> and leaving out padding and <see cref="Start"/>.</summary>
    public string[] Decode(ReadOnlySpan<long> ids)
    {
        var result = new List<string>();
        foreach (long id in ids)
        {
            if (id == EndId) break;
            if (id is PadId or StartId) continue;
            result.Add(Token(checked((int)id)));
        }
        return [.. result];
    }

    /// <summary>The tokens in id order with their counts, as JSON: <c>{"tokens":[…],"counts":[…]}</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Stored(tokens, counts), Json.Info<Stored>());

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase, AllowDuplicateProperties = false, RespectNullableAnnotations = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,  // "<pad>", not "\u003Cpad\u003E"
        RespectRequiredConstructorParameters = true, UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        TypeInfoResolver = NeuriteJsonContext.Default,
    };

    /// <summary>A vocabulary from <see cref="ToJson"/>; a malformed one is an <see cref="ArgumentException"/> naming <paramref name="source"/>.</summary>
    public static Vocabulary FromJson(string json, string source)
    {
        Stored? stored;
        try { stored = JsonSerializer.Deserialize(json, Json.Info<Stored>()); }
        catch (JsonException e) { throw new ArgumentException($"{source}: the vocabulary is not valid JSON: {e.Message}"); }
        if (stored is null || stored.Tokens.Length != stored.Counts.Length || stored.Tokens.Length < Reserved)
            throw new ArgumentException($"{source}: the vocabulary needs as many counts as tokens and at least the {Reserved} reserved tokens");
        for (int i = 0; i < Reserved; i++)
            if (stored.Tokens[i] != new[] { Pad, Unknown, Start, End }[i])
                throw new ArgumentException($"{source}: vocabulary token {i} must be {new[] { Pad, Unknown, Start, End }[i]}, got '{stored.Tokens[i]}'");
        if (stored.Counts.Any(c => c < 0) || stored.Tokens.Any(t => t is null or ""))
            throw new ArgumentException($"{source}: vocabulary counts must be non-negative and tokens non-empty");
        return new Vocabulary(stored.Tokens, stored.Counts, source);
    }

    internal sealed record Stored(string[] Tokens, long[] Counts);
}
