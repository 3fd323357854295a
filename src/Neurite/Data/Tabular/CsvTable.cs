using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Neurite.Data;

/// <summary>One data row of a <see cref="CsvTable"/>: its trimmed cells and the 1-based line it came from.</summary>
public sealed record CsvRow(int Line, IReadOnlyList<string> Cells);

/// <summary>
/// A CSV file as text: the column names and the data rows, every cell a trimmed string. Nothing is
/// interpreted yet — <see cref="TabularSchema"/> decides which columns are numbers, categories or the label.
/// </summary>
/// <remarks>
/// Double-quoted cells ("a,b", "say ""hi""") are understood; blank lines are skipped; every row must have
/// as many cells as the first. Without a header the columns are named "column 1", "column 2", ….
/// <see cref="Read"/> requires UTF-8 (a byte-order mark is allowed): a Latin-1 or Windows-1252 file is
/// refused with the byte offset of the first invalid byte rather than read with replacement characters.
/// Errors are <see cref="DataFormatException"/>s naming the file and the line.
/// <code>
/// var table = CsvTable.Read("pokemon.csv");
/// Console.WriteLine($"{table.RowCount} rows: {string.Join(", ", table.ColumnNames)}");
/// </code>
/// </remarks>
public sealed class CsvTable
{
    CsvTable(string source, bool hasHeader, string[] names, CsvRow[] rows)
    {
        Source = source;
        HasHeader = hasHeader;
        ColumnNames = names;
        Rows = rows;
    }

    /// <summary>The file path (or source name) the table was read from, used in error messages.</summary>
    public string Source { get; }

    /// <summary>True when the first line held the column names.</summary>
    public bool HasHeader { get; }

    /// <summary>The column names: the header cells, or "column k" (1-based) without a header.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The data rows in file order (the header is not a row).</summary>
    public IReadOnlyList<CsvRow> Rows { get; }

    /// <summary>Number of columns.</summary>
    public int ColumnCount => ColumnNames.Count;

    /// <summary>Number of data rows.</summary>
    public int RowCount => Rows.Count;

    /// <summary>The 0-based index of the column called <paramref name="name"/> (ordinal), or −1.</summary>
    public int IndexOf(string name)
    {
        for (int c = 0; c < ColumnNames.Count; c++)
            if (ColumnNames[c] == name) return c;
        return -1;
    }

    /// <summary>Reads the UTF-8 CSV file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="DataFormatException">The file is not UTF-8, is empty, has a header but no rows, or a row is malformed.</exception>
    public static CsvTable Read(string path, bool hasHeader = true, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CsvTable: no such file: {Path.GetFullPath(path)}", path);
        using var reader = new StringReader(DecodeUtf8(File.ReadAllBytes(path), path));
        return Parse(reader, path, hasHeader, delimiter);
    }

    /// <summary>Parses CSV text from <paramref name="reader"/>; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="DataFormatException">The text is empty, has a header but no rows, or a row is malformed.</exception>
    public static CsvTable Parse(TextReader reader, string sourceName, bool hasHeader = true, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (delimiter is '"' or '\n' or '\r')
            throw new ArgumentException($"CsvTable: the delimiter cannot be {(delimiter == '"' ? "a double quote" : "a line break")}", nameof(delimiter));
        string[]? names = null;
        var rows = new List<CsvRow>();
        int lineNo = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var cells = SplitCells(line, delimiter, sourceName, lineNo);
            if (names is null)
            {
                names = new string[cells.Length];
                for (int c = 0; c < cells.Length; c++)
                    names[c] = hasHeader && cells[c].Length > 0 ? cells[c] : $"column {c + 1}";
                if (hasHeader) { CheckUnique(names, sourceName, lineNo); continue; }
            }
            if (cells.Length != names.Length)
                throw new DataFormatException(sourceName, lineNo, $"expected {names.Length} cells, got {cells.Length}");
            rows.Add(new CsvRow(lineNo, cells));
        }
        if (names is null) throw new DataFormatException(sourceName, 0, "the file is empty (no header and no data rows)");
        if (rows.Count == 0) throw new DataFormatException(sourceName, 0, $"the file has a header but no data rows (columns: {string.Join(", ", names)})");
        return new CsvTable(sourceName, hasHeader, names, [.. rows]);
    }

    static void CheckUnique(string[] names, string source, int line)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < names.Length; c++)
            if (!seen.TryAdd(names[c], c))
                throw new DataFormatException(source, line, $"the header names column {seen[names[c]] + 1} and column {c + 1} both '{names[c]}'; column names must be unique");
    }

    /// <summary>Strict UTF-8 → string: an invalid byte is an error naming its offset, never a replacement character.</summary>
    internal static string DecodeUtf8(byte[] bytes, string source)
    {
        ReadOnlySpan<byte> data = bytes;
        int bom = data.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        data = data[bom..];
        var chars = new char[data.Length];   // UTF-16 never needs more chars than UTF-8 has bytes
        var status = Utf8.ToUtf16(data, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            long offset = bom + read;
            int line = 1 + data[..read].Count((byte)'\n');
            byte b = bytes[offset];
            string hint = b >= 0xA0
                ? $"; the file looks like Latin-1/Windows-1252, where byte 0x{b:X2} is '{(char)b}'"
                : b >= 0x80 ? "; the file looks like Latin-1/Windows-1252" : "";
            throw new DataFormatException(source, line,
                $"invalid UTF-8 byte 0x{b:X2} at byte offset {offset}: expected UTF-8{hint}. Re-save the file as UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8)");
        }
        return new string(chars, 0, written);
    }

    /// <summary>Splits one line into trimmed cells, honouring double quotes ("" inside quotes is a quote).</summary>
    internal static string[] SplitCells(string line, char delimiter, string source, int lineNo)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch != '"') cell.Append(ch);
                else if (i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else quoted = false;
            }
            else if (ch == '"') quoted = true;
            else if (ch == delimiter) { cells.Add(cell.ToString().Trim()); cell.Clear(); }
            else cell.Append(ch);
        }
        if (quoted) throw new DataFormatException(source, lineNo, "unterminated quoted cell");
        cells.Add(cell.ToString().Trim());
        return [.. cells];
    }
}
