using System.Globalization;
using System.Text;

namespace Neurite.Data;

/// <summary>Which CSV column holds the label: by 0-based index (negative counts from the end) or by header name.</summary>
public abstract record LabelColumn
{
    private LabelColumn() { }

    /// <summary>The column at a 0-based index; −1 is the last column.</summary>
    public sealed record At(int Index) : LabelColumn;

    /// <summary>The column whose header cell is <paramref name="Name"/> (needs a header row).</summary>
    public sealed record Named(string Name) : LabelColumn;

    /// <summary>The last column (the default).</summary>
    public static LabelColumn Last { get; } = new At(-1);
}

/// <summary>How the label column is read.</summary>
public enum LabelKind
{
    /// <summary>Class labels → int64 [N]. Non-negative integers are used as indices directly; any other
    /// text is mapped to indices by ordinal sort of the distinct values.</summary>
    Class,

    /// <summary>A numeric target → float32 [N, 1].</summary>
    Regression,

    /// <summary>No label column: every column is a feature (input for prediction); labels are all zero.</summary>
    None,
}

/// <summary>Options of <see cref="CsvLoader"/>.</summary>
/// <param name="HasHeader">The first line holds column names.</param>
/// <param name="Label">The label column (default: the last).</param>
/// <param name="Kind">Class indices or a regression target.</param>
/// <param name="Delimiter">Cell separator (default ',').</param>
public sealed record CsvOptions(bool HasHeader = true, LabelColumn? Label = null, LabelKind Kind = LabelKind.Class, char Delimiter = ',')
{
    /// <summary>The label column, <see cref="LabelColumn.Last"/> when none was given.</summary>
    public LabelColumn LabelColumnOrLast => Label ?? LabelColumn.Last;
}

/// <summary>A loaded CSV table.</summary>
/// <param name="Data">Features float32 [N, D] and labels (int64 [N] or float32 [N, 1]).</param>
/// <param name="FeatureNames">Header names of the D feature columns (or "column k" without a header).</param>
/// <param name="ClassNames">For class labels: the text of class i at index i (the label mapping); null for regression.</param>
public sealed record CsvData(TensorDataset Data, IReadOnlyList<string> FeatureNames, IReadOnlyList<string>? ClassNames);

/// <summary>
/// Reads a numeric CSV file into a <see cref="TensorDataset"/>: every column but the label must be a
/// number (invariant culture: '.' decimal point). Double-quoted cells ("a,b", "say ""hi""") are
/// understood; cells are trimmed; blank lines are skipped.
/// </summary>
/// <remarks>
/// Errors name the file and the 1-based line: a row with the wrong number of cells, a non-numeric
/// feature cell → <see cref="DataFormatException"/>; a missing file → <see cref="FileNotFoundException"/>.
/// <code>
/// var csv = CsvLoader.Load("wine.csv", new CsvOptions(Label: new LabelColumn.Named("quality")));
/// var (x, y) = csv.Data;
/// </code>
/// </remarks>
public static class CsvLoader
{
    /// <summary>Loads <paramref name="path"/> with <paramref name="options"/> (default: header, last column is a class).</summary>
    public static CsvData Load(string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CsvLoader: no such file: {Path.GetFullPath(path)}", path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path, options);
    }

    /// <summary>Parses CSV text from <paramref name="reader"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public static CsvData Parse(TextReader reader, string sourceName, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new CsvOptions();
        string[]? header = null;
        int columns = -1, labelAt = -1, lineNo = 0, rows = 0;
        bool unlabelled = options.Kind == LabelKind.None;
        var features = new List<float>();
        var labelCells = new List<(string text, int line)>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var cells = SplitCells(line, options.Delimiter, sourceName, lineNo);
            if (columns < 0)
            {
                columns = cells.Count;
                if (columns < (unlabelled ? 1 : 2)) throw new DataFormatException(sourceName, lineNo, $"expected at least 2 columns (features and a label), got {columns}");
                labelAt = unlabelled ? -1 : ResolveLabel(options.LabelColumnOrLast, options.HasHeader ? cells : null, columns, sourceName, lineNo);
                if (options.HasHeader) { header = [.. cells]; continue; }
            }
            if (cells.Count != columns)
                throw new DataFormatException(sourceName, lineNo, $"expected {columns} cells, got {cells.Count}");
            rows++;
            for (int c = 0; c < columns; c++)
            {
                if (c == labelAt) { labelCells.Add((cells[c], lineNo)); continue; }
                if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                    throw new DataFormatException(sourceName, lineNo, $"column {c + 1}{ColumnName(header, c)} is not a number: '{cells[c]}'");
                features.Add((float)v);
            }
        }
        if (columns < 0) throw new DataFormatException(sourceName, 0, "the file is empty");
        int n = rows, d = unlabelled ? columns : columns - 1;
        var names = new string[d];
        for (int c = 0, k = 0; c < columns; c++)
            if (c != labelAt) names[k++] = header?[c] ?? $"column {c + 1}";
        var x = Tensor.FromArray(features.ToArray(), n, d);
        if (unlabelled) return new CsvData(new TensorDataset(x, Tensor.Zeros([n], DType.Int64)), names, null);
        if (options.Kind == LabelKind.Regression)
        {
            var y = new float[n];
            for (int i = 0; i < n; i++)
            {
                var (text, at) = labelCells[i];
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                    throw new DataFormatException(sourceName, at, $"label column {labelAt + 1}{ColumnName(header, labelAt)} is not a number: '{text}'");
                y[i] = (float)v;
            }
            return new CsvData(new TensorDataset(x, Tensor.FromArray(y, n, 1)), names, null);
        }
        var (indices, classes) = EncodeClasses(labelCells);
        return new CsvData(new TensorDataset(x, Tensor.FromArray(indices, n), classes), names, classes);
    }

    /// <summary>Class text → index. All non-negative integers: the integer itself (names "0"…"max").
    /// Otherwise: the ordinal-sorted distinct values, so the mapping does not depend on row order.</summary>
    static (long[] indices, string[] classes) EncodeClasses(List<(string text, int line)> cells)
    {
        var indices = new long[cells.Count];
        bool integral = true;
        long max = -1;
        for (int i = 0; i < cells.Count && integral; i++)
        {
            integral = long.TryParse(cells[i].text, NumberStyles.None, CultureInfo.InvariantCulture, out indices[i]) && indices[i] < 1 << 20;
            max = Math.Max(max, indices[i]);
        }
        if (integral)
        {
            var names = new string[max + 1];
            for (int k = 0; k <= max; k++) names[k] = k.ToString(CultureInfo.InvariantCulture);
            return (indices, names);
        }
        var distinct = cells.Select(c => c.text).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var map = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int k = 0; k < distinct.Length; k++) map[distinct[k]] = k;
        for (int i = 0; i < cells.Count; i++) indices[i] = map[cells[i].text];
        return (indices, distinct);
    }

    static int ResolveLabel(LabelColumn label, List<string>? header, int columns, string source, int line)
    {
        switch (label)
        {
            case LabelColumn.At(int index):
                int at = index < 0 ? index + columns : index;
                if ((uint)at >= (uint)columns)
                    throw new ArgumentOutOfRangeException(nameof(label), index, $"CsvLoader: label column {index} is out of range for {source}, which has {columns} columns");
                return at;
            case LabelColumn.Named(string name):
                if (header is null) throw new ArgumentException($"CsvLoader: label column '{name}' is given by name, but {source} is read without a header row", nameof(label));
                int found = header.IndexOf(name);
                if (found < 0)
                    throw new DataFormatException(source, line, $"no column named '{name}' in the header ({string.Join(", ", header)})");
                return found;
            default:
                throw new ArgumentException("CsvLoader: unknown label column", nameof(label));
        }
    }

    static string ColumnName(string[]? header, int c) => header is null ? "" : $" ('{header[c]}')";

    /// <summary>Splits one line into trimmed cells, honouring double quotes ("" inside quotes is a quote).</summary>
    static List<string> SplitCells(string line, char delimiter, string source, int lineNo)
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
        return cells;
    }
}
