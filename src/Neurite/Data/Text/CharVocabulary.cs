using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Neurite.Data.Text;

/// <summary>
/// The characters of a character-level language model: a sorted set of Unicode scalar values
/// (<see cref="Rune"/>s, so a character outside the Basic Multilingual Plane, such as an emoji, is one
/// symbol, not two UTF-16 surrogates), each with an id 0 … <see cref="Count"/> − 1 in code-point order.
/// </summary>
/// <remarks>
/// <code>
/// var vocab = CharVocabulary.Build(text);
/// long[] ids = vocab.Encode("In the beginning");   // token ids for an embedding layer
/// string back = vocab.Decode(ids);
/// string json = vocab.ToJson();                     // "[10,32,33,…]", e.g. for a model file's metadata
/// var same = CharVocabulary.FromJson(json);
/// </code>
/// </remarks>
public sealed class CharVocabulary
{
    readonly Rune[] symbols;
    readonly Dictionary<Rune, int> ids;
    readonly int[] asciiIds;   // ids of code points 0–127 (-1 when absent): the common case, without hashing

    CharVocabulary(Rune[] sortedDistinct)
    {
        symbols = sortedDistinct;
        ids = new Dictionary<Rune, int>(symbols.Length);
        asciiIds = new int[128];
        Array.Fill(asciiIds, -1);
        for (int i = 0; i < symbols.Length; i++)
        {
            ids[symbols[i]] = i;
            if (symbols[i].Value < 128) asciiIds[symbols[i].Value] = i;
        }
    }

    /// <summary>The vocabulary of <paramref name="text"/>: each distinct character once, sorted by code point.</summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or has an unpaired surrogate.</exception>
    public static CharVocabulary Build(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw new ArgumentException("CharVocabulary.Build: the text is empty, so there are no characters", nameof(text));
        var seen = new HashSet<Rune>();
        for (int i = 0; i < text.Length;)
        {
            var rune = RuneAt(text, i, "Build");
            seen.Add(rune);
            i += rune.Utf16SequenceLength;
        }
        var sorted = seen.ToArray();
        Array.Sort(sorted);   // Rune compares by scalar value: code-point (ordinal) order
        return new CharVocabulary(sorted);
    }

    /// <summary>The number of symbols (the size of the model's embedding and output layers).</summary>
    public int Count => symbols.Length;

    /// <summary>The symbols in id order (ascending code point).</summary>
    public IReadOnlyList<Rune> Symbols => symbols;

    /// <summary>The symbol with id <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not in 0 … Count − 1.</exception>
    public Rune Symbol(int id) =>
        (uint)id < (uint)symbols.Length ? symbols[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"CharVocabulary.Symbol: id must be in 0…{symbols.Length - 1}, got {id}");

    /// <summary>The id of <paramref name="symbol"/>, or -1 when it is not in the vocabulary.</summary>
    public int IndexOf(Rune symbol) =>
        symbol.Value < 128 ? asciiIds[symbol.Value] : ids.TryGetValue(symbol, out int id) ? id : -1;

    /// <summary>Whether <paramref name="symbol"/> is in the vocabulary.</summary>
    public bool Contains(Rune symbol) => IndexOf(symbol) >= 0;

    /// <summary>The id of each character of <paramref name="text"/>, one per <see cref="Rune"/>.</summary>
    /// <exception cref="ArgumentException">
    /// A character is not in the vocabulary (the message names the first one, e.g. <c>U+00E9 'é'</c>, and
    /// its UTF-16 index in <paramref name="text"/>), or the text has an unpaired surrogate.
    /// </exception>
    public long[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new long[text.Length];
        int n = 0;
        for (int i = 0; i < text.Length;)
        {
            char c = text[i];
            int id;
            if (c < 128 && (id = asciiIds[c]) >= 0) { result[n++] = id; i++; continue; }
            var rune = RuneAt(text, i, "Encode");
            id = IndexOf(rune);
            if (id < 0)
                throw new ArgumentException($"CharVocabulary.Encode: character {Describe(rune)} at index {i} of the text is not in the vocabulary of {Count} symbols", nameof(text));
            result[n++] = id;
            i += rune.Utf16SequenceLength;
        }
        return n == result.Length ? result : result[..n];
    }

    /// <summary>The text of the symbols with ids <paramref name="ids"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in 0 … Count − 1 (the message names its position).</exception>
    public string Decode(ReadOnlySpan<long> ids)
    {
        var sb = new StringBuilder(ids.Length);
        Span<char> buffer = stackalloc char[2];
        for (int i = 0; i < ids.Length; i++)
        {
            long id = ids[i];
            if ((ulong)id >= (ulong)symbols.Length)
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"CharVocabulary.Decode: id {id} at position {i} is not in 0…{symbols.Length - 1}");
            int written = symbols[id].EncodeToUtf16(buffer);
            sb.Append(buffer[..written]);
        }
        return sb.ToString();
    }

    /// <summary>The vocabulary as a JSON array of code points in id order, e.g. <c>[10,32,65,97]</c>.</summary>
    public string ToJson() =>
        "[" + string.Join(",", symbols.Select(s => s.Value.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>A vocabulary from the JSON written by <see cref="ToJson"/>.</summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="json"/> is not JSON, not a non-empty array of integers, or has a value that is not
    /// a Unicode scalar value (negative, above U+10FFFF or a surrogate), a duplicate, or values out of
    /// ascending order; the message names the position and value.
    /// </exception>
    public static CharVocabulary FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new ArgumentException($"CharVocabulary.FromJson: not valid JSON: {e.Message}", nameof(json), e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
                throw new ArgumentException($"CharVocabulary.FromJson: expected a JSON array of code points, got a JSON {root.ValueKind.ToString().ToLowerInvariant()}", nameof(json));
            int n = root.GetArrayLength();
            if (n == 0) throw new ArgumentException("CharVocabulary.FromJson: the array is empty; a vocabulary needs at least one symbol", nameof(json));
            var runes = new Rune[n];
            int i = 0;
            foreach (var e in root.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int cp))
                    throw new ArgumentException($"CharVocabulary.FromJson: element {i} is {e.GetRawText()}, not an integer code point", nameof(json));
                if (!Rune.IsValid(cp))
                    throw new ArgumentException($"CharVocabulary.FromJson: element {i} = {cp} is not a Unicode scalar value (0…0x10FFFF, excluding surrogates 0xD800…0xDFFF)", nameof(json));
                if (i > 0 && cp <= runes[i - 1].Value)
                    throw new ArgumentException(cp == runes[i - 1].Value
                        ? $"CharVocabulary.FromJson: element {i} = {cp} ({Describe(new Rune(cp))}) is a duplicate of element {i - 1}"
                        : $"CharVocabulary.FromJson: element {i} = {cp} is smaller than element {i - 1} = {runes[i - 1].Value}; code points must be in ascending order", nameof(json));
                runes[i++] = new Rune(cp);
            }
            return new CharVocabulary(runes);
        }
    }

    /// <summary>A printable form of <paramref name="rune"/>: <c>U+00E9 'é'</c>, <c>U+000A '\n'</c>, <c>U+0007</c>.</summary>
    internal static string Describe(Rune rune)
    {
        string code = $"U+{rune.Value:X4}";
        string? shown = rune.Value switch
        {
            '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", '\f' => "\\f", '\'' => "\\'", '\\' => "\\\\",
            _ => Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                ? null : rune.ToString(),
        };
        return shown is null ? code : $"{code} '{shown}'";
    }

    /// <summary>The rune starting at UTF-16 index <paramref name="i"/>; an unpaired surrogate is an error.</summary>
    static Rune RuneAt(string text, int i, string op)
    {
        if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out _) != OperationStatus.Done)
            throw new ArgumentException($"CharVocabulary.{op}: unpaired surrogate U+{(int)text[i]:X4} at index {i} of the text (not a valid Unicode string)", "text");
        return rune;
    }
}
