using System.Text.Json;

namespace Neurite.Search;

/// <summary>A search-space file that cannot be read: the message names the file, the place (line, or JSON path) and the valid forms.</summary>
public sealed class SearchSpaceException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads a <see cref="SearchSpace"/> from JSON, strictly: one object, a member per parameter, in order.
/// <code>
/// {
///   "lr":        { "float": [1e-4, 1e-1], "log": true },
///   "optimizer": { "choice": ["adam", "momentum"] },
///   "momentum":  { "float": [0.5, 0.99], "when": { "optimizer": ["momentum"] } },
///   "layers":    { "layers": { "depth": [1, 3], "width": [16, 256] } },
///   "batch_size":{ "int": [16, 128], "log": true }
/// }
/// </code>
/// Unknown keys, a missing or malformed range, a log range with low ≤ 0, an empty space are all errors.
/// </summary>
public static class SpaceFile
{
    /// <summary>The valid parameter forms, quoted in error messages.</summary>
    public const string Forms = "{\"float\": [low, high], \"log\": true|false}, {\"int\": [low, high], \"log\": true|false}, " +
                                "{\"choice\": [\"a\", \"b\", …]}, {\"layers\": {\"depth\": [min, max], \"width\": [min, max]}}; " +
                                "any of them may add \"when\": {\"choice-parameter\": [\"value\", …]}";

    /// <summary>Reads the space in the file at <paramref name="path"/>.</summary>
    /// <exception cref="SearchSpaceException">No such file, or its contents are not a valid space.</exception>
    public static SearchSpace Load(string path)
    {
        if (!File.Exists(path)) throw new SearchSpaceException($"{path}: no such file");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses <paramref name="json"/> (comments allowed); <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="SearchSpaceException">Not valid JSON or not a valid space.</exception>
    public static SearchSpace Parse(string json, string source = "search space")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException e) { throw new SearchSpaceException($"{source}: line {(e.LineNumber ?? 0) + 1}: not valid JSON: {e.Message}", e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Error(source, "$", "the file must be one JSON object with a member per parameter");
            var parameters = new List<Parameter>();
            foreach (var member in root.EnumerateObject())
                parameters.Add(ReadParameter(source, member.Name, member.Value));
            if (parameters.Count == 0) throw Error(source, "$", "the space is empty: give at least one parameter");
            try { return new SearchSpace(parameters); }
            catch (ArgumentException e) { throw new SearchSpaceException($"{source}: {e.Message}", e); }
        }
    }

    static Parameter ReadParameter(string source, string name, JsonElement e)
    {
        string at = $"$.{name}";
        if (e.ValueKind != JsonValueKind.Object) throw Error(source, at, "a parameter must be an object");
        string[] kinds = ["float", "int", "choice", "layers"];
        var present = kinds.Where(k => e.TryGetProperty(k, out _)).ToArray();
        if (present.Length != 1) throw Error(source, at, present.Length == 0 ? "no kind given" : $"give one kind, not {string.Join(" and ", present)}");
        string kind = present[0];
        string[] allowed = kind is "float" or "int" ? [kind, "log", "when"] : [kind, "when"];
        foreach (var p in e.EnumerateObject())
            if (!allowed.Contains(p.Name)) throw Error(source, $"{at}.{p.Name}", $"unknown key '{p.Name}'; a {kind} parameter takes {string.Join(", ", allowed)}");
        bool log = false;
        if (e.TryGetProperty("log", out var l))
            log = l.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Error(source, $"{at}.log", "must be true or false") };
        Parameter parameter;
        try
        {
            parameter = kind switch
            {
                "float" => Range(source, $"{at}.float", e.GetProperty("float"), false) is var (lo, hi) ? new FloatParameter(name, lo, hi, log) : null!,
                "int" => Range(source, $"{at}.int", e.GetProperty("int"), true) is var (a, b) ? new IntParameter(name, (int)a, (int)b, log) : null!,
                "choice" => new ChoiceParameter(name, Strings(source, $"{at}.choice", e.GetProperty("choice"))),
                _ => Layers(source, name, $"{at}.layers", e.GetProperty("layers")),
            };
        }
        catch (ArgumentException ex) { throw Error(source, at, ex.Message); }
        if (e.TryGetProperty("when", out var w)) parameter = parameter.WithCondition(When(source, $"{at}.when", w));
        return parameter;
    }

    static Parameter Layers(string source, string name, string at, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Error(source, at, "layers must be {\"depth\": [min, max], \"width\": [min, max]}");
        foreach (var p in e.EnumerateObject())
            if (p.Name is not ("depth" or "width")) throw Error(source, $"{at}.{p.Name}", $"unknown key '{p.Name}'; layers take depth and width");
        if (!e.TryGetProperty("depth", out var d) || !e.TryGetProperty("width", out var w)) throw Error(source, at, "layers need both depth and width");
        var (d0, d1) = Range(source, $"{at}.depth", d, true);
        var (w0, w1) = Range(source, $"{at}.width", w, true);
        return new LayersParameter(name, (int)d0, (int)d1, (int)w0, (int)w1);
    }

    static Condition When(string source, string at, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Error(source, at, "when must be {\"choice-parameter\": [\"value\", …]}");
        var members = e.EnumerateObject().ToArray();
        if (members.Length != 1) throw Error(source, at, "when names exactly one choice parameter");
        return new Condition(members[0].Name, Strings(source, $"{at}.{members[0].Name}", members[0].Value));
    }

    static (double Low, double High) Range(string source, string at, JsonElement e, bool integer)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != 2 || e.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number))
            throw Error(source, at, $"must be [low, high], two {(integer ? "integers" : "numbers")}");
        double lo = e[0].GetDouble(), hi = e[1].GetDouble();
        if (integer && (lo != Math.Floor(lo) || hi != Math.Floor(hi) || Math.Abs(lo) > int.MaxValue || Math.Abs(hi) > int.MaxValue))
            throw Error(source, at, $"must be two integers, got [{e[0].GetRawText()}, {e[1].GetRawText()}]");
        return (lo, hi);
    }

    static string[] Strings(string source, string at, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Array || e.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
            throw Error(source, at, "must be an array of strings");
        return [.. e.EnumerateArray().Select(x => x.GetString()!)];
    }

    static SearchSpaceException Error(string source, string at, string what) =>
        new($"{source}: {at}: {what}. Valid parameter forms: {Forms}");
}
