using System.Text;
using System.Text.Json;

namespace Neurite.Data;

public sealed partial class TabularSchema
{
    const string Format = "neurite.tabular/1";

    /// <summary>
    /// The schema as compact JSON, for a model file's metadata:
    /// <c>{"format":"neurite.tabular/1","label":{"name":"y","kind":"class","classes":["a","b"]},"impute":"none",
    /// "features":[{"name":"cp","type":"numeric","fill":null},{"name":"species","type":"categorical","categories":["Eevee","Pidgey"],"fill":null}]}</c>.
    /// Numbers are written round-trip exact; <see cref="FromJson"/> reads it back.
    /// </summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteStartObject("label");
            if (LabelName is null) w.WriteNull("name"); else w.WriteString("name", LabelName);
            w.WriteString("kind", KindName(LabelKind));
            if (classNames is null) w.WriteNull("classes");
            else
            {
                w.WriteStartArray("classes");
                foreach (var c in classNames) w.WriteStringValue(c);
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteString("impute", Impute.ToString().ToLowerInvariant());
            w.WriteStartArray("features");
            foreach (var column in columns)
            {
                w.WriteStartObject();
                w.WriteString("name", column.Name);
                switch (column)
                {
                    case NumericColumn num:
                        w.WriteString("type", "numeric");
                        if (num.Fill is double f) w.WriteNumber("fill", f); else w.WriteNull("fill");
                        break;
                    case CategoricalColumn cat:
                        w.WriteString("type", "categorical");
                        w.WriteStartArray("categories");
                        foreach (var c in cat.Categories) w.WriteStringValue(c);
                        w.WriteEndArray();
                        if (cat.Fill is null) w.WriteNull("fill"); else w.WriteString("fill", cat.Fill);
                        break;
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a schema written by <see cref="ToJson"/>; <paramref name="source"/> (e.g. the model file) names it in errors.</summary>
    /// <exception cref="DataFormatException">Not JSON, or a field is absent or has the wrong type or value; the message names the field.</exception>
    public static TabularSchema FromJson(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new DataFormatException(source, 0, $"tabular schema: not valid JSON: {e.Message}", e); }
        using (doc)
        {
            var root = doc.RootElement;
            Expect(root, JsonValueKind.Object, "(root)", source);
            string format = String(root, "format", "format", source);
            if (format != Format) throw Bad(source, "format", $"is '{format}', expected '{Format}'");
            var label = Field(root, "label", "label", JsonValueKind.Object, source);
            var kind = ParseKind(String(label, "kind", "label.kind", source), source);
            string? labelName = NullableString(label, "name", "label.name", source);
            if ((labelName is null) != (kind == LabelKind.None))
                throw Bad(source, "label.name", kind == LabelKind.None ? "must be null when label.kind is 'none'" : "is null, but the label kind needs a column name");
            string[]? classes = NullableStrings(label, "classes", "label.classes", source);
            if ((classes is null) != (kind != LabelKind.Class))
                throw Bad(source, "label.classes", kind == LabelKind.Class ? "is null, but class labels need their class names" : "must be null unless label.kind is 'class'");
            if (classes is not null && classes.Length < 2) throw Bad(source, "label.classes", $"has {classes.Length} class names; at least two are needed");
            string impute = String(root, "impute", "impute", source);
            var imp = impute switch
            {
                "none" => Impute.None,
                "mean" => Impute.Mean,
                "median" => Impute.Median,
                _ => throw Bad(source, "impute", $"is '{impute}', expected none, mean or median"),
            };
            var list = Field(root, "features", "features", JsonValueKind.Array, source);
            var columns = new List<FeatureColumn>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            int i = 0;
            foreach (var f in list.EnumerateArray())
            {
                string at = $"features[{i++}]";
                Expect(f, JsonValueKind.Object, at, source);
                string name = String(f, "name", at + ".name", source);
                if (!names.Add(name) || name == labelName) throw Bad(source, at + ".name", $"'{name}' names a column twice");
                string type = String(f, "type", at + ".type", source);
                if (!f.TryGetProperty("fill", out var fill)) throw Bad(source, at + ".fill", "is absent");
                switch (type)
                {
                    case "numeric":
                        double? value = fill.ValueKind switch
                        {
                            JsonValueKind.Null => null,
                            JsonValueKind.Number when fill.TryGetDouble(out double v) && double.IsFinite(v) => v,
                            _ => throw Bad(source, at + ".fill", $"is {fill.GetRawText()}, expected a finite number or null"),
                        };
                        columns.Add(new NumericColumn(name, value));
                        break;
                    case "categorical":
                        var cats = NullableStrings(f, "categories", at + ".categories", source) ?? throw Bad(source, at + ".categories", "is null");
                        if (cats.Length == 0) throw Bad(source, at + ".categories", "is empty");
                        if (cats.Distinct(StringComparer.Ordinal).Count() != cats.Length) throw Bad(source, at + ".categories", "has a duplicate category");
                        string? fillText = NullableString(f, "fill", at + ".fill", source);
                        if (fillText is not null && !cats.Contains(fillText)) throw Bad(source, at + ".fill", $"'{fillText}' is not one of the categories");
                        columns.Add(new CategoricalColumn(name, cats, fillText));
                        break;
                    default:
                        throw Bad(source, at + ".type", $"is '{type}', expected numeric or categorical");
                }
            }
            if (columns.Count == 0) throw Bad(source, "features", "is empty; a schema needs at least one feature column");
            return new TabularSchema([.. columns], labelName, kind, classes, imp);
        }
    }

    static string KindName(LabelKind kind) => kind switch
    {
        LabelKind.Class => "class",
        LabelKind.Regression => "regression",
        _ => "none",
    };

    static LabelKind ParseKind(string text, string source) => text switch
    {
        "class" => LabelKind.Class,
        "regression" => LabelKind.Regression,
        "none" => LabelKind.None,
        _ => throw Bad(source, "label.kind", $"is '{text}', expected class, regression or none"),
    };

    static DataFormatException Bad(string source, string field, string problem) =>
        new(source, 0, $"tabular schema: field '{field}' {problem}");

    static void Expect(JsonElement e, JsonValueKind kind, string field, string source)
    {
        if (e.ValueKind != kind) throw Bad(source, field, $"is a JSON {e.ValueKind.ToString().ToLowerInvariant()}, expected a JSON {kind.ToString().ToLowerInvariant()}");
    }

    static JsonElement Field(JsonElement parent, string name, string field, JsonValueKind kind, string source)
    {
        if (!parent.TryGetProperty(name, out var e)) throw Bad(source, field, "is absent");
        Expect(e, kind, field, source);
        return e;
    }

    static string String(JsonElement parent, string name, string field, string source) =>
        Field(parent, name, field, JsonValueKind.String, source).GetString()!;

    static string? NullableString(JsonElement parent, string name, string field, string source)
    {
        if (!parent.TryGetProperty(name, out var e)) throw Bad(source, field, "is absent");
        if (e.ValueKind == JsonValueKind.Null) return null;
        Expect(e, JsonValueKind.String, field, source);
        return e.GetString();
    }

    static string[]? NullableStrings(JsonElement parent, string name, string field, string source)
    {
        if (!parent.TryGetProperty(name, out var e)) throw Bad(source, field, "is absent");
        if (e.ValueKind == JsonValueKind.Null) return null;
        Expect(e, JsonValueKind.Array, field, source);
        var list = new List<string>();
        int i = 0;
        foreach (var item in e.EnumerateArray())
        {
            Expect(item, JsonValueKind.String, $"{field}[{i++}]", source);
            list.Add(item.GetString()!);
        }
        return [.. list];
    }
}
