using Neurite.Data;
using Neurite.Serialization;

namespace Neurite.Cli;

/// <summary>`--csv FILE`: the table split by seed, its preprocessing fitted on the training rows only and saved with the model.</summary>
static class Tabular
{
    public static PreparedData Load(string csv, string? label, bool regression, DataRequest r, string? impute)
    {
        var table = CsvTable.Read(csv);
        var options = new TabularOptions(LabelOf(label), regression ? LabelKind.Regression : LabelKind.Class, ImputeOf(impute));
        // Fitted on every row only to check every cell up front and to give the classes the split is stratified by.
        var whole = TabularSchema.Fit(table, options);
        var all = Enumerable.Range(0, table.RowCount).ToArray();
        long[]? strata = regression ? null : whole.EncodeLabels(table, all).ToLongArray();
        double devFraction = r.DevFraction ?? 0.1;
        var fractions = (1 - r.TestFraction - devFraction, devFraction, r.TestFraction);
        var (train, dev, test) = Split.Indices(table.RowCount, fractions, r.Seed, strata);
        Array.Sort(test);
        var schema = TabularSchema.Fit(table, train, options);
        int outputs = regression ? 1 : schema.ClassNames!.Count;
        return new PreparedData(Path.GetFileName(csv), schema.Encode(table, train), schema.Encode(table, dev), schema.Encode(table, test),
            schema.EncodedWidth, outputs, !regression, schema.ClassNames, new SplitInfo(table.RowCount, [fractions.Item1, fractions.Item2, fractions.Item3], !regression, test))
        {
            FeatureNames = schema.FeatureNames, Preprocessing = schema.ToJson(),
        };
    }

    /// <summary>The test rows of the CSV file a model was trained on, encoded by its saved preprocessing.</summary>
    public static (TensorDataset Test, string Description) TestRows(ModelInfo info, DataRequest r)
    {
        string csv = info.Dataset!;
        if (!File.Exists(csv)) throw new UsageException($"eval: the model was trained on {csv}, which is not there any more; give --csv FILE");
        var table = CsvTable.Read(csv);
        if (table.RowCount != info.Split!.Rows)
            throw new UsageException($"eval: {csv} has {table.RowCount} rows now, but {info.Split.Rows} when the model was trained; give --csv FILE to evaluate on all of it");
        var schema = TabularSchema.FromJson(info.Preprocessing!, "model preprocessing");
        var rows = info.Split.TestRows ?? throw new UsageException("eval: the model names no test rows");
        return (schema.Encode(table, rows), $"the {rows.Length} test rows of {csv} held out in training (seed {info.Seed})");
    }

    public static LabelColumn LabelOf(string? label) =>
        label is null ? LabelColumn.Last : int.TryParse(label, out int index) ? new LabelColumn.At(index) : new LabelColumn.Named(label);

    static Impute ImputeOf(string? impute) => impute switch
    {
        null => Impute.None,
        "mean" => Impute.Mean,
        "median" => Impute.Median,
        _ => throw new UsageException($"--impute: unknown value '{impute}'. Valid: mean, median"),
    };
}
