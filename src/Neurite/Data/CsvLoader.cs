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
/// <param name="Impute">Fill missing or non-finite feature cells instead of refusing them (see <see cref="TabularSchema"/>).</param>
public sealed record CsvOptions(bool HasHeader = true, LabelColumn? Label = null, LabelKind Kind = LabelKind.Class, char Delimiter = ',',
    Impute Impute = Impute.None)
{
    /// <summary>The label column, <see cref="LabelColumn.Last"/> when none was given.</summary>
    public LabelColumn LabelColumnOrLast => Label ?? LabelColumn.Last;
}

/// <summary>A loaded CSV table.</summary>
/// <param name="Data">Features float32 [N, D] and labels (int64 [N] or float32 [N, 1]).</param>
/// <param name="FeatureNames">Names of the D encoded features: a numeric column's header name (or "column k" without a
/// header), or "name=category" for each one-hot feature of a categorical column.</param>
/// <param name="ClassNames">For class labels: the text of class i at index i (the label mapping); null for regression.</param>
/// <param name="Schema">The schema the table was encoded with (fitted on all its rows), to encode other files the same way.</param>
public sealed record CsvData(TensorDataset Data, IReadOnlyList<string> FeatureNames, IReadOnlyList<string>? ClassNames,
    TabularSchema? Schema = null);

/// <summary>
/// Reads a CSV file into a <see cref="TensorDataset"/> in one call: <see cref="CsvTable.Read"/>, then a
/// <see cref="TabularSchema"/> fitted on all rows. Numeric columns are read as numbers (invariant culture:
/// '.' decimal point), text columns are one-hot encoded. Double-quoted cells ("a,b", "say ""hi""") are
/// understood; cells are trimmed; blank lines are skipped.
/// </summary>
/// <remarks>
/// Fitting on all rows is right when the file is a whole training set or a whole test set encoded on its
/// own; to split one file without letting the test rows shape the encoding, use <see cref="CsvTable"/>,
/// <see cref="Split.Indices"/> and <see cref="TabularSchema.Fit(CsvTable, ReadOnlySpan{int}, TabularOptions?)"/>.
/// Errors name the file and the 1-based line (<see cref="DataFormatException"/>): a file that is not UTF-8,
/// empty, or has a header but no rows; a row with the wrong number of cells; a missing, NaN, infinite or
/// out-of-float-range feature cell (unless <see cref="CsvOptions.Impute"/>); an empty label; a single class;
/// a numeric class label with more than 50 distinct values. A missing file → <see cref="FileNotFoundException"/>.
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
        options ??= new CsvOptions();
        return Encode(CsvTable.Read(path, options.HasHeader, options.Delimiter), options);
    }

    /// <summary>Parses CSV text from <paramref name="reader"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public static CsvData Parse(TextReader reader, string sourceName, CsvOptions? options = null)
    {
        options ??= new CsvOptions();
        return Encode(CsvTable.Parse(reader, sourceName, options.HasHeader, options.Delimiter), options);
    }

    static CsvData Encode(CsvTable table, CsvOptions options)
    {
        var schema = TabularSchema.Fit(table, new TabularOptions(options.Label, options.Kind, options.Impute));
        return new CsvData(schema.Encode(table), schema.EncodedFeatureNames, schema.ClassNames, schema);
    }
}
