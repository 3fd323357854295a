using System.Globalization;

namespace Neurite.Data;

/// <summary>
/// How a <see cref="CsvTable"/> becomes a float32 feature matrix and a label tensor: which columns are
/// numbers, which are categories (one-hot), what fills a missing cell, and the class names or the
/// regression target. Fitted on the training rows only, then applied unchanged to dev, test and
/// prediction tables, and stored with a model (<see cref="ToJson"/>).
/// </summary>
/// <remarks>
/// <para>Column types. A feature column is categorical when its non-missing training cells are text (not
/// numbers, invariant culture); its categories are the distinct training values in ordinal order, encoded
/// one-hot as features "name=category". A column whose cells are mostly numbers but not all is refused as a
/// probable typo (a number cell outnumbered by text is a category). Every other column is numeric.</para>
/// <para>Missing and non-finite cells. A cell is missing when it is empty or one of <c>NA</c>, <c>N/A</c>,
/// <c>NaN</c>, <c>null</c>, <c>?</c> (any case) — see <see cref="IsMissing"/>. A numeric cell is non-finite
/// when it is ±Infinity or beyond the float32 range (|x| &gt; 3.4e38, e.g. 1e39). Both are refused with the
/// file, line and column unless <see cref="Impute"/> is set: then they are replaced by the training mean or
/// median (numeric) or the most frequent training category (categorical), values saved in the schema.</para>
/// <para>Labels. <see cref="LabelKind.Class"/>: if every label is a non-negative integer the integer is the
/// class index (class names "0"…"max"), else classes are the distinct texts in ordinal order. Refused: an
/// empty or missing label, a single class, and a numeric label with more than
/// <see cref="TabularOptions.MaxNumericClasses"/> distinct values (a continuous target: use regression).
/// <see cref="LabelKind.Regression"/>: a finite float32 [N, 1] target.</para>
/// <code>
/// var table = CsvTable.Read("pokemon.csv");
/// var (train, dev, test) = Split.Indices(table.RowCount, (0.6, 0.2, 0.2), seed: 1);
/// var schema = TabularSchema.Fit(table, train, new TabularOptions(new LabelColumn.Named("cp_after"), LabelKind.Regression));
/// TensorDataset trainSet = schema.Encode(table, train), testSet = schema.Encode(table, test);
/// string json = schema.ToJson();   // for the model file; TabularSchema.FromJson(json, path) reads it back
/// </code>
/// </remarks>
public sealed partial class TabularSchema
{
    readonly FeatureColumn[] columns;
    readonly string[]? classNames;
    readonly Dictionary<string, long>? classIndex;

    internal TabularSchema(FeatureColumn[] columns, string? labelName, LabelKind kind, string[]? classNames, Impute impute)
    {
        this.columns = columns;
        this.classNames = classNames;
        LabelName = labelName;
        LabelKind = kind;
        Impute = impute;
        FeatureNames = columns.Select(c => c.Name).ToArray();
        EncodedFeatureNames = columns.SelectMany(c => c.EncodedNames).ToArray();
        if (classNames is not null)
        {
            classIndex = new Dictionary<string, long>(StringComparer.Ordinal);
            for (int k = 0; k < classNames.Length; k++) classIndex[classNames[k]] = k;
        }
    }

    /// <summary>The feature columns in encoding order (numeric or categorical, with their categories and fill values).</summary>
    public IReadOnlyList<FeatureColumn> Columns => columns;

    /// <summary>The raw input column names, in encoding order (what a prediction file must contain).</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The names of the D encoded features, after one-hot ("species=Pikachu").</summary>
    public IReadOnlyList<string> EncodedFeatureNames { get; }

    /// <summary>D: the width of the encoded feature matrix [N, D].</summary>
    public int EncodedWidth => EncodedFeatureNames.Count;

    /// <summary>The label column's name, or null for <see cref="LabelKind.None"/>.</summary>
    public string? LabelName { get; }

    /// <summary>Class, regression or none.</summary>
    public LabelKind LabelKind { get; }

    /// <summary>True for a regression target.</summary>
    public bool IsRegression => LabelKind == LabelKind.Regression;

    /// <summary>Class k's name at index k; null unless <see cref="LabelKind.Class"/>.</summary>
    public IReadOnlyList<string>? ClassNames => classNames;

    /// <summary>How missing cells were filled (<see cref="Impute.None"/>: refused).</summary>
    public Impute Impute { get; }

    /// <summary>The categories of the categorical column <paramref name="column"/>, or null if it is numeric.</summary>
    /// <exception cref="KeyNotFoundException">No feature column has that name.</exception>
    public IReadOnlyList<string>? CategoriesOf(string column) =>
        (columns.FirstOrDefault(c => c.Name == column) ?? throw new KeyNotFoundException($"TabularSchema: no feature column '{column}' (features: {string.Join(", ", FeatureNames)})"))
        is CategoricalColumn cat ? cat.Categories : null;

    /// <summary>True for a cell that means "no value": empty, NA, N/A, NaN, null or ? (case-insensitive).</summary>
    public static bool IsMissing(string cell) =>
        cell.Length == 0 || cell == "?" || cell.Equals("NA", StringComparison.OrdinalIgnoreCase)
        || cell.Equals("N/A", StringComparison.OrdinalIgnoreCase) || cell.Equals("NaN", StringComparison.OrdinalIgnoreCase)
        || cell.Equals("null", StringComparison.OrdinalIgnoreCase);

    /// <summary>Fits on every row of <paramref name="table"/> (when there is no separate test data to protect).</summary>
    public static TabularSchema Fit(CsvTable table, TabularOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Fit(table, AllRows(table), options);
    }

    /// <summary>Fits the column types, categories, fill values and classes on the rows at <paramref name="trainRows"/> (0-based row indices) only.</summary>
    /// <exception cref="DataFormatException">A training cell is refused (see the remarks); the message names file, line and column.</exception>
    /// <exception cref="ArgumentException">No training rows, or a row index is out of range.</exception>
    public static TabularSchema Fit(CsvTable table, ReadOnlySpan<int> trainRows, TabularOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new TabularOptions();
        if (trainRows.IsEmpty) throw new ArgumentException($"TabularSchema.Fit: no training rows given for {table.Source}", nameof(trainRows));
        CheckRows(table, trainRows);
        int labelAt = options.Kind == LabelKind.None ? -1 : ResolveLabel(options.LabelColumnOrLast, table);
        if (table.ColumnCount < (labelAt < 0 ? 1 : 2))
            throw new DataFormatException(table.Source, table.Rows[0].Line, $"expected at least 2 columns (features and a label), got {table.ColumnCount}");
        var features = new List<FeatureColumn>();
        for (int c = 0; c < table.ColumnCount; c++)
            if (c != labelAt) features.Add(FitColumn(table, c, trainRows, options.Impute));
        string[]? classes = options.Kind == LabelKind.Class ? FitClasses(table, labelAt, trainRows, options.MaxNumericClasses) : null;
        var schema = new TabularSchema([.. features], labelAt < 0 ? null : table.ColumnNames[labelAt], options.Kind, classes, options.Impute);
        if (options.Kind == LabelKind.Regression) schema.EncodeLabels(table, trainRows);   // refuse a bad training target now
        return schema;
    }

    static FeatureColumn FitColumn(CsvTable table, int c, ReadOnlySpan<int> rows, Impute impute)
    {
        int numbers = 0, texts = 0;
        CsvRow? firstText = null, firstBad = null;
        var values = new List<double>();
        foreach (int r in rows)
        {
            var row = table.Rows[r];
            string cell = row.Cells[c];
            if (IsMissing(cell)) { firstBad ??= row; continue; }
            if (!TryNumber(cell, out double v)) { texts++; firstText ??= row; continue; }
            numbers++;
            if (IsFiniteFloat(v)) values.Add(v); else firstBad ??= row;
        }
        string name = table.ColumnNames[c];
        if (texts > 0 && numbers >= texts)
            throw new DataFormatException(table.Source, firstText!.Line,
                $"{Describe(table, c)} is not a number: '{firstText.Cells[c]}' (the column holds numbers in {numbers} of {numbers + texts} non-missing training cells, so it is not treated as a category; fix the cell or mark it missing)");
        if (texts > 0)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (int r in rows)
            {
                string cell = table.Rows[r].Cells[c];
                if (!IsMissing(cell)) counts[cell] = counts.GetValueOrDefault(cell) + 1;
            }
            var categories = counts.Keys.Order(StringComparer.Ordinal).ToArray();
            string? fill = null;
            if (impute != Impute.None)   // most frequent, ties to the ordinally first
                fill = categories.OrderByDescending(k => counts[k]).First();
            var column = new CategoricalColumn(name, categories, fill);
            if (fill is null && firstBad is not null) throw MissingCell(table, firstBad, c);
            return column;
        }
        if (impute == Impute.None)
        {
            if (firstBad is not null) throw IsMissing(firstBad.Cells[c]) ? MissingCell(table, firstBad, c) : NonFinite(table, firstBad, c);
            return new NumericColumn(name);
        }
        if (values.Count == 0)
            throw new DataFormatException(table.Source, 0, $"{Describe(table, c)} has no finite number in the {rows.Length} training rows to impute from");
        return new NumericColumn(name, impute == Impute.Mean ? Mean(values) : Median(values));
    }

    static double Mean(List<double> v)
    {
        double s = 0;
        foreach (double x in v) s += x;
        return s / v.Count;
    }

    static double Median(List<double> v)
    {
        var s = v.Order().ToArray();
        int m = s.Length / 2;
        return s.Length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /// <summary>Class names fitted on the training labels (see the remarks), with the refusals.</summary>
    static string[] FitClasses(CsvTable table, int labelAt, ReadOnlySpan<int> rows, int maxNumeric)
    {
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var numbers = new HashSet<double>();
        bool integral = true, numeric = true;
        long max = -1;
        foreach (int r in rows)
        {
            var row = table.Rows[r];
            string cell = row.Cells[labelAt];
            if (IsMissing(cell)) throw MissingLabel(table, row, labelAt);
            distinct.Add(cell);
            if (integral && long.TryParse(cell, NumberStyles.None, CultureInfo.InvariantCulture, out long k) && k < 1 << 20) max = Math.Max(max, k);
            else integral = false;
            if (numeric && TryNumber(cell, out double v)) numbers.Add(v);
            else numeric = false;
        }
        string label = Describe(table, labelAt);
        if (numeric && numbers.Count > maxNumeric)
            throw new DataFormatException(table.Source, 0,
                $"the label {label} looks continuous: {numbers.Count} distinct values in {rows.Length} training rows (at most {maxNumeric} classes for a numeric label); use --regression (LabelKind.Regression) to predict a number");
        int present = integral ? numbers.Count : distinct.Count;
        if (present < 2)
            throw new DataFormatException(table.Source, 0,
                $"the label {label} has only one class ('{distinct.First()}') in the {rows.Length} training rows; classification needs at least two classes");
        if (integral)
        {
            var names = new string[max + 1];
            for (int k = 0; k <= max; k++) names[k] = k.ToString(CultureInfo.InvariantCulture);
            return names;
        }
        return [.. distinct.Order(StringComparer.Ordinal)];
    }

    static int ResolveLabel(LabelColumn label, CsvTable table)
    {
        int columns = table.ColumnCount;
        switch (label)
        {
            case LabelColumn.At(int index):
                int at = index < 0 ? index + columns : index;
                if ((uint)at >= (uint)columns)
                    throw new ArgumentOutOfRangeException(nameof(label), index, $"TabularSchema: label column {index} is out of range for {table.Source}, which has {columns} columns");
                return at;
            case LabelColumn.Named(string name):
                if (!table.HasHeader) throw new ArgumentException($"TabularSchema: label column '{name}' is given by name, but {table.Source} is read without a header row", nameof(label));
                int found = table.IndexOf(name);
                if (found < 0) throw new DataFormatException(table.Source, 1, $"no column named '{name}' in the header ({string.Join(", ", table.ColumnNames)})");
                return found;
            default:
                throw new ArgumentException("TabularSchema: unknown label column", nameof(label));
        }
    }

    internal static int[] AllRows(CsvTable table)
    {
        var all = new int[table.RowCount];
        for (int i = 0; i < all.Length; i++) all[i] = i;
        return all;
    }

    static void CheckRows(CsvTable table, ReadOnlySpan<int> rows)
    {
        foreach (int r in rows)
            if ((uint)r >= (uint)table.RowCount)
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"TabularSchema: row index {r} is out of range for {table.Source}, which has {table.RowCount} data rows");
    }

    static bool TryNumber(string cell, out double v) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out v);

    /// <summary>Finite and representable as a finite float32.</summary>
    static bool IsFiniteFloat(double v) => double.IsFinite(v) && Math.Abs(v) <= float.MaxValue;

    /// <summary>"column 3 ('species')", or "column 3" without a header.</summary>
    static string Describe(CsvTable table, int c) => table.HasHeader ? $"column {c + 1} ('{table.ColumnNames[c]}')" : $"column {c + 1}";

    static DataFormatException MissingCell(CsvTable table, CsvRow row, int c) =>
        new(table.Source, row.Line, $"{Describe(table, c)} is missing ({Quote(row.Cells[c])}); pass Impute (--impute mean|median) to fill missing cells from the training rows, or fix the file");

    static DataFormatException NonFinite(CsvTable table, CsvRow row, int c) =>
        new(table.Source, row.Line, $"{Describe(table, c)} is not a finite float32 number: '{row.Cells[c]}' (±Infinity, or beyond ±3.4e38); pass Impute (--impute mean|median) to replace it, or fix the file");

    static DataFormatException MissingLabel(CsvTable table, CsvRow row, int c) =>
        new(table.Source, row.Line, $"the label {Describe(table, c)} is missing ({Quote(row.Cells[c])}); every row needs a label");

    static string Quote(string cell) => cell.Length == 0 ? "an empty cell" : $"'{cell}'";
}
