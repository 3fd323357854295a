using System.Globalization;
using System.Text;
using System.Text.Json;
using Neurite.Serialization;

namespace Neurite.Search;

/// <summary>
/// The trials of a study, one JSON object per line:
/// <c>{"number":0,"config":{"lr":0.01,"layers":[64,32]},"score":0.31,"curve":[0.5,0.31],"stopped":false,"parameters":4810,"seconds":1.2}</c>.
/// Numbers round-trip; a non-finite score (a diverged run) is written as null and read as +∞. Written with
/// <see cref="AtomicFile"/>, so a kill leaves either the old file or the new one.
/// </summary>
public static class StudyFile
{
    /// <summary>Writes <paramref name="trials"/> to <paramref name="path"/>, one JSON line each, replacing the file atomically.</summary>
    public static void Write(string path, SearchSpace space, IReadOnlyList<Trial> trials)
    {
        var text = new StringBuilder();
        foreach (var t in trials) text.Append(Line(space, t)).Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }

    static string Line(SearchSpace space, Trial t)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("number", t.Number);
            w.WriteStartObject("config");
            foreach (var (name, value) in t.Configuration.Values)
            {
                w.WritePropertyName(name);
                WriteValue(w, value);
            }
            w.WriteEndObject();
            w.WritePropertyName("score");
            Number(w, t.Score);
            w.WriteStartArray("curve");
            foreach (var v in t.Curve) Number(w, v);
            w.WriteEndArray();
            w.WriteBoolean("stopped", t.Stopped);
            w.WriteNumber("parameters", t.Parameters);
            w.WriteNumber("seconds", t.Seconds);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    static void Number(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v)) w.WriteNumberValue(v);
        else w.WriteNullValue();
    }

    static void WriteValue(Utf8JsonWriter w, object value)
    {
        switch (value)
        {
            case double d: w.WriteNumberValue(d); break;
            case int i: w.WriteNumberValue(i); break;
            case string s: w.WriteStringValue(s); break;
            case int[] widths:
                w.WriteStartArray();
                foreach (int x in widths) w.WriteNumberValue(x);
                w.WriteEndArray();
                break;
            default: throw new ArgumentException($"study file: cannot write a {value.GetType().Name} value");
        }
    }

    /// <summary>Reads the trials back, their values typed by <paramref name="space"/>; a malformed line or a value that does not
    /// fit the space is an <see cref="InvalidDataException"/> naming the file and line.</summary>
    public static List<Trial> Read(string path, SearchSpace space)
    {
        var trials = new List<Trial>();
        var lines = File.ReadAllLines(path);
        for (int n = 0; n < lines.Length; n++)
        {
            if (lines[n].Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(lines[n]);
                var root = doc.RootElement;
                var values = new List<KeyValuePair<string, object>>();
                foreach (var property in root.GetProperty("config").EnumerateObject())
                    values.Add(new(property.Name, ReadValue(space[property.Name], property.Value)));
                static double Num(JsonElement e) => e.ValueKind == JsonValueKind.Null ? double.PositiveInfinity : e.GetDouble();
                trials.Add(new Trial(root.GetProperty("number").GetInt32(), new Configuration(values), Num(root.GetProperty("score")),
                    [.. root.GetProperty("curve").EnumerateArray().Select(Num)], root.GetProperty("stopped").GetBoolean(),
                    root.GetProperty("parameters").GetInt64(), root.GetProperty("seconds").GetDouble()));
                if (trials[^1].Number != trials.Count - 1) throw new InvalidDataException($"trial number {trials[^1].Number}, expected {trials.Count - 1}");
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or InvalidDataException)
            {
                throw new InvalidDataException($"study file {path}, line {n + 1}: {e.Message}", e);
            }
        }
        return trials;
    }

    static object ReadValue(Parameter p, JsonElement e) => p switch
    {
        FloatParameter => e.GetDouble(),
        IntParameter => e.GetInt32(),
        ChoiceParameter => e.GetString() ?? throw new FormatException($"'{p.Name}' is not a string"),
        LayersParameter => e.EnumerateArray().Select(x => x.GetInt32()).ToArray(),
        _ => throw new FormatException($"'{p.Name}': unknown parameter type {p.GetType().Name}"),
    };

    /// <summary>The trials as CSV: number, score, stopped, epochs, parameters, seconds, then one column per parameter (empty
    /// when inactive).</summary>
    public static string ToCsv(SearchSpace space, IReadOnlyList<Trial> trials)
    {
        var sb = new StringBuilder("trial,score,stopped,epochs,parameters,seconds");
        foreach (var p in space.Parameters) sb.Append(',').Append(p.Name);
        sb.Append('\n');
        foreach (var t in trials)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{t.Number},{t.Score.ToString("R", CultureInfo.InvariantCulture)},{(t.Stopped ? "true" : "false")},{t.Curve.Count},{t.Parameters},{t.Seconds.ToString("F3", CultureInfo.InvariantCulture)}");
            foreach (var p in space.Parameters) sb.Append(',').Append(t.Configuration.Has(p.Name) ? Parameter.Format(t.Configuration[p.Name]) : "");
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
