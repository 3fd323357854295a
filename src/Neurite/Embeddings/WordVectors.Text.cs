using System.Globalization;
using System.Text;
using Neurite.Data;
using Neurite.Data.Text;
using Neurite.Serialization;

namespace Neurite.Embeddings;

public sealed partial class WordVectors
{
    /// <summary>
    /// Reads the word2vec / GloVe text format: an optional header line "V D" (word2vec writes one, GloVe does not),
    /// then one line per word, "word v1 … vD", separated by spaces or tabs.
    /// </summary>
    /// <remarks>
    /// Strict: the file must be UTF-8 (<see cref="TextFile.ReadUtf8"/>); a first line of exactly two integers is the
    /// header, and then the file must have exactly V lines of D values; without a header, the first line sets D.
    /// Refused with a <see cref="DataFormatException"/> naming the file and the 1-based line: a value that is not a
    /// finite number, a line with another number of values than D, a word seen before (with the line it was first on),
    /// a blank line before the end, a header that disagrees with the lines. word2vec's binary format is not read.
    /// </remarks>
    public static WordVectors LoadText(string path)
    {
        string text = TextFile.ReadUtf8(path);
        var lines = text.Split('\n');
        int last = lines.Length;
        while (last > 0 && lines[last - 1].Trim().Length == 0) last--;  // trailing blank lines (the final newline)
        if (last == 0) throw new DataFormatException(path, 0, "the file has no vectors");

        int first = 0, dim = -1, declared = -1;
        var headerParts = Fields(lines[0]);
        if (headerParts.Length == 2 && int.TryParse(headerParts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int v)
            && int.TryParse(headerParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int d))
        {
            if (d < 1) throw new DataFormatException(path, 1, $"the header \"{lines[0].Trim()}\" gives dimension {d}; it must be at least 1");
            (declared, dim, first) = (v, d, 1);
        }

        var words = new List<string>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var values = new List<float>();
        for (int i = first; i < last; i++)
        {
            int line = i + 1;
            var parts = Fields(lines[i]);
            if (parts.Length == 0) throw new DataFormatException(path, line, "a blank line among the vectors");
            if (dim < 0)
            {
                dim = parts.Length - 1;
                if (dim < 1) throw new DataFormatException(path, line, $"\"{SafeTensors.Quote(lines[i].Trim())}\" has a word but no values (expected \"word v1 … vD\")");
            }
            if (parts.Length - 1 != dim)
                throw new DataFormatException(path, line, $"'{SafeTensors.Quote(parts[0])}' has {parts.Length - 1} values, expected {dim} " +
                    (first == 1 ? "(the header's dimension)" : $"(as on line {first + 1})"));
            if (!firstLine.TryAdd(parts[0], line))
                throw new DataFormatException(path, line, $"the word '{SafeTensors.Quote(parts[0])}' appears again (first on line {firstLine[parts[0]]}); words must be unique");
            for (int j = 1; j < parts.Length; j++)
            {
                if (!float.TryParse(parts[j], NumberStyles.Float, CultureInfo.InvariantCulture, out float x) || !float.IsFinite(x))
                    throw new DataFormatException(path, line, $"value {j} of '{SafeTensors.Quote(parts[0])}', \"{SafeTensors.Quote(parts[j])}\", is not a finite number");
                values.Add(x);
            }
            words.Add(parts[0]);
        }
        if (declared >= 0 && declared != words.Count)
            throw new DataFormatException(path, 1, $"the header says {declared} words but the file has {words.Count}");
        if (words.Count == 0) throw new DataFormatException(path, 1, "the header is followed by no vectors");
        return new WordVectors(words, [.. values], dim, method: "text", options: Path.GetFileName(path));
    }

    static string[] Fields(string line) => line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Writes the word2vec text format: "V D", then "word v1 … vD" per line (values round-trip exactly); atomic.</summary>
    public void SaveText(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, stream =>
        {
            using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{words.Length} {Dim}"));
            for (int i = 0; i < words.Length; i++)
            {
                w.Write(words[i]);
                foreach (float x in vectors.AsSpan(i * Dim, Dim))
                {
                    w.Write(' ');
                    w.Write(x.ToString("R", CultureInfo.InvariantCulture));
                }
                w.WriteLine();
            }
        });
    }
}
