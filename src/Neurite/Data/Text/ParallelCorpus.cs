namespace Neurite.Data.Text;

/// <summary>A sentence and its translation, and the 1-based line of the file they came from.</summary>
public sealed record SentencePair(string Source, string Target, int Line);

/// <summary>Reads parallel corpora: sentences paired with their translations, for sequence-to-sequence learning.</summary>
public static class ParallelCorpus
{
    const string Expected = "expected source<TAB>target";

    /// <summary>
    /// The pairs of a tab-separated file: one pair per line, <c>source TAB target</c>, in file order. The file is
    /// read as strict UTF-8 by <see cref="TextFile.ReadUtf8"/> (a leading BOM is dropped). Lines end in <c>\n</c>
    /// or <c>\r\n</c>; blank lines (empty or only spaces, no tab) are skipped; the text of each side is kept exactly,
    /// without trimming.
    /// </summary>
    /// <remarks>
    /// Errors name the file and the line, e.g. <c>pairs.tsv, line 7: no tab: expected source&lt;TAB&gt;target, got
    /// "Hello there."</c>. Files with a third column (Tatoeba / manythings.org exports carry an attribution) are
    /// rejected rather than guessed at: cut them to two columns first (<c>cut -f1,2</c>).
    /// </remarks>
    /// <example><code>
    /// foreach (var (source, target, line) in ParallelCorpus.ReadTsv("eng-fra.tsv")) …
    /// </code></example>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="DataFormatException">The file is empty or has only blank lines (no pairs); is not UTF-8
    /// or looks binary (see <see cref="TextFile.ReadUtf8"/>); or a line has no tab, more than one tab, or an empty
    /// (or all-white-space) source or target.</exception>
    public static IReadOnlyList<SentencePair> ReadTsv(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path) && new FileInfo(path).Length == 0)
            throw new DataFormatException(path, 0, $"the file is empty: no pairs; {Expected} on each line");
        string text = TextFile.ReadUtf8(path);

        var pairs = new List<SentencePair>();
        int number = 0;
        // Split at \n only (not at U+2028, NEL or a lone \r, as string.EnumerateLines would), so line numbers agree
        // with TextFile's and with `sed -n 7p`.
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            number++;
            int end = rest.IndexOf('\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.EndsWith('\r')) line = line[..^1];
            int tabs = line.Count('\t');
            if (tabs == 0 && line.IsWhiteSpace()) continue;
            if (tabs == 0)
                throw new DataFormatException(path, number, $"no tab: {Expected}, got \"{Preview(line)}\"");
            if (tabs > 1)
                throw new DataFormatException(path, number, $"{tabs} tabs: {Expected} with exactly one tab (a third column? cut it off first, e.g. cut -f1,2)");
            int tab = line.IndexOf('\t');
            var source = line[..tab];
            var target = line[(tab + 1)..];
            if (source.IsWhiteSpace() || target.IsWhiteSpace())
            {
                string empty = source.IsWhiteSpace() && target.IsWhiteSpace() ? "source and target" : source.IsWhiteSpace() ? "source" : "target";
                throw new DataFormatException(path, number, $"empty {empty}: {Expected} with text on both sides of the tab");
            }
            pairs.Add(new SentencePair(source.ToString(), target.ToString(), number));
        }
        if (pairs.Count == 0)
            throw new DataFormatException(path, 0, $"no pairs: the file has only blank lines; {Expected} on each line");
        return pairs;
    }

    static string Preview(ReadOnlySpan<char> line) => line.Length <= 60 ? line.ToString() : line[..57].ToString() + "...";
}
