using System.Globalization;

namespace Neurite.Data;

public sealed partial class TabularSchema
{
    /// <summary>Features and labels of every row of <paramref name="table"/>.</summary>
    public TensorDataset Encode(CsvTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Encode(table, AllRows(table));
    }

    /// <summary>
    /// Features float32 [N, D] and labels (int64 [N] with <see cref="ClassNames"/>, or float32 [N, 1]) of the
    /// rows at <paramref name="rows"/>; for <see cref="LabelKind.None"/> the labels are int64 zeros.
    /// </summary>
    /// <exception cref="DataFormatException">A column is absent, or a cell is refused (missing, non-finite, an unseen category or class).</exception>
    public TensorDataset Encode(CsvTable table, ReadOnlySpan<int> rows)
    {
        var x = EncodeFeatures(table, rows);
        if (LabelKind == LabelKind.None) return new TensorDataset(x, Tensor.Zeros([rows.Length], DType.Int64));
        return new TensorDataset(x, EncodeLabels(table, rows), classNames);
    }

    /// <summary>The features of every row of <paramref name="table"/>, float32 [N, D].</summary>
    public Tensor EncodeFeatures(CsvTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return EncodeFeatures(table, AllRows(table));
    }

    /// <summary>
    /// The features of the rows at <paramref name="rows"/>, float32 [N, <see cref="EncodedWidth"/>]. The
    /// table's columns are matched to <see cref="FeatureNames"/> by name, so their order may differ from the
    /// training file's; extra columns (the label, an id) are ignored.
    /// </summary>
    /// <exception cref="DataFormatException">A feature column is absent from the table, or a cell is refused.</exception>
    public Tensor EncodeFeatures(CsvTable table, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(table);
        CheckRows(table, rows);
        var at = new int[columns.Length];
        var absent = new List<string>();
        for (int j = 0; j < columns.Length; j++)
            if ((at[j] = table.IndexOf(columns[j].Name)) < 0) absent.Add(columns[j].Name);
        if (absent.Count > 0)
            throw new DataFormatException(table.Source, table.HasHeader ? 1 : 0,
                $"missing feature column{(absent.Count > 1 ? "s" : "")} {string.Join(", ", absent.Select(a => $"'{a}'"))}: the model needs {string.Join(", ", FeatureNames)}; the file has {string.Join(", ", table.ColumnNames)}");
        var lookups = columns.Select(c => c is CategoricalColumn cat ? CategoryIndex(cat) : null).ToArray();
        int d = EncodedWidth;
        var x = new float[rows.Length * d];   // zeros: the off positions of every one-hot block
        for (int i = 0; i < rows.Length; i++)
        {
            var row = table.Rows[rows[i]];
            int o = i * d;
            for (int j = 0; j < columns.Length; j++)
            {
                int c = at[j];
                string cell = row.Cells[c];
                switch (columns[j])
                {
                    case NumericColumn num:
                        bool missing = IsMissing(cell);
                        double v = 0;
                        if (!missing && !TryNumber(cell, out v))
                            throw new DataFormatException(table.Source, row.Line, $"{Describe(table, c)} is not a number: '{cell}'");
                        if (missing || !IsFiniteFloat(v))
                        {
                            if (num.Fill is not double fill) throw missing ? MissingCell(table, row, c) : NonFinite(table, row, c);
                            v = fill;
                        }
                        x[o++] = (float)v;
                        break;
                    case CategoricalColumn cat:
                        if (IsMissing(cell)) cell = cat.Fill ?? throw MissingCell(table, row, c);
                        if (!lookups[j]!.TryGetValue(cell, out int k))
                            throw new DataFormatException(table.Source, row.Line,
                                $"{Describe(table, c)} has the category '{cell}', which the training rows did not have (known: {FirstFew(cat.Categories)})");
                        x[o + k] = 1;
                        o += cat.Width;
                        break;
                }
            }
        }
        return Tensor.FromArray(x, rows.Length, d);
    }

    /// <summary>
    /// The labels of the rows at <paramref name="rows"/>: int64 [N] class indices, or float32 [N, 1] for regression.
    /// </summary>
    /// <exception cref="InvalidOperationException">The schema has no label (<see cref="LabelKind.None"/>).</exception>
    /// <exception cref="DataFormatException">The label column is absent, or a label is missing, non-finite or a class the training rows did not have.</exception>
    public Tensor EncodeLabels(CsvTable table, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (LabelName is null) throw new InvalidOperationException("TabularSchema.EncodeLabels: this schema has no label column (LabelKind.None)");
        CheckRows(table, rows);
        int c = table.IndexOf(LabelName);
        if (c < 0)
            throw new DataFormatException(table.Source, table.HasHeader ? 1 : 0, $"missing label column '{LabelName}'; the file has {string.Join(", ", table.ColumnNames)}");
        if (IsRegression)
        {
            var y = new float[rows.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                var row = table.Rows[rows[i]];
                string cell = row.Cells[c];
                if (IsMissing(cell)) throw MissingLabel(table, row, c);
                if (!TryNumber(cell, out double v))
                    throw new DataFormatException(table.Source, row.Line, $"the label {Describe(table, c)} is not a number: '{cell}'");
                if (!IsFiniteFloat(v))
                    throw new DataFormatException(table.Source, row.Line, $"the label {Describe(table, c)} is not a finite float32 number: '{cell}'; a regression target must be finite");
                y[i] = (float)v;
            }
            return Tensor.FromArray(y, rows.Length, 1);
        }
        var labels = new long[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            var row = table.Rows[rows[i]];
            string cell = row.Cells[c];
            if (IsMissing(cell)) throw MissingLabel(table, row, c);
            if (!classIndex!.TryGetValue(cell, out labels[i]) && !IntegerClass(cell, out labels[i]))
                throw new DataFormatException(table.Source, row.Line,
                    $"the label {Describe(table, c)} is '{cell}', a class the training rows did not have (classes: {FirstFew(classNames!)})");
        }
        return Tensor.FromArray(labels, rows.Length);
    }

    /// <summary>"03" is class 3 when the classes are the integers "0"…"max" (as <see cref="FitClasses"/> read it).</summary>
    bool IntegerClass(string cell, out long k) =>
        long.TryParse(cell, NumberStyles.None, CultureInfo.InvariantCulture, out k) && k < classNames!.Length
        && classNames[k] == k.ToString(CultureInfo.InvariantCulture);

    static Dictionary<string, int> CategoryIndex(CategoricalColumn column)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < column.Categories.Count; k++) map[column.Categories[k]] = k;
        return map;
    }

    /// <summary>"a, b, c, d, e, … (12 in all)".</summary>
    static string FirstFew(IReadOnlyList<string> names, int few = 8) =>
        names.Count <= few ? string.Join(", ", names)
            : $"{string.Join(", ", names.Take(few))}, … ({names.Count.ToString(CultureInfo.InvariantCulture)} in all)";
}
