namespace Neurite.Data;

/// <summary>What to do with a missing or non-finite feature cell.</summary>
public enum Impute
{
    /// <summary>Refuse it: a <see cref="DataFormatException"/> names the file, line and column (the default).</summary>
    None,

    /// <summary>Numeric columns: the training rows' mean. Categorical columns: the most frequent training category.</summary>
    Mean,

    /// <summary>Numeric columns: the training rows' median. Categorical columns: the most frequent training category.</summary>
    Median,
}

/// <summary>Options of <see cref="TabularSchema.Fit(CsvTable, TabularOptions?)"/>.</summary>
/// <param name="Label">The label column (default: the last).</param>
/// <param name="Kind">Class labels, a regression target, or no label (every column a feature).</param>
/// <param name="Impute">Replace missing feature cells by a training statistic instead of refusing them.</param>
/// <param name="MaxNumericClasses">A class label whose cells are all numbers may have at most this many distinct
/// values (default 50); more looks like a continuous target and is refused with a hint to use regression.</param>
public sealed record TabularOptions(LabelColumn? Label = null, LabelKind Kind = LabelKind.Class, Impute Impute = Impute.None,
    int MaxNumericClasses = 50)
{
    /// <summary>Checks the options.</summary>
    public int MaxNumericClasses { get; init; } = MaxNumericClasses >= 2 ? MaxNumericClasses
        : throw new ArgumentOutOfRangeException(nameof(MaxNumericClasses), MaxNumericClasses, "TabularOptions: MaxNumericClasses must be at least 2");

    /// <summary>The label column, <see cref="LabelColumn.Last"/> when none was given.</summary>
    public LabelColumn LabelColumnOrLast => Label ?? LabelColumn.Last;
}

/// <summary>How one input column of a table is turned into model features.</summary>
/// <param name="Name">The column name (header cell, or "column k").</param>
public abstract record FeatureColumn(string Name)
{
    /// <summary>Number of encoded features: 1 for a number, one per category for a one-hot column.</summary>
    public abstract int Width { get; }

    /// <summary>The names of the encoded features: the column name, or "name=category" per category.</summary>
    public abstract IEnumerable<string> EncodedNames { get; }
}

/// <summary>A numeric column, encoded as itself (float32).</summary>
/// <param name="Name">The column name.</param>
/// <param name="Fill">The value that replaces a missing cell (fitted on the training rows), or null to refuse missing cells.</param>
public sealed record NumericColumn(string Name, double? Fill = null) : FeatureColumn(Name)
{
    /// <inheritdoc/>
    public override int Width => 1;

    /// <inheritdoc/>
    public override IEnumerable<string> EncodedNames => [Name];
}

/// <summary>A categorical column, one-hot encoded over the categories seen in the training rows.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Categories">The categories in ordinal order; category k sets encoded feature k to 1.</param>
/// <param name="Fill">The category that replaces a missing cell (the most frequent in training), or null to refuse missing cells.</param>
public sealed record CategoricalColumn(string Name, IReadOnlyList<string> Categories, string? Fill = null) : FeatureColumn(Name)
{
    /// <inheritdoc/>
    public override int Width => Categories.Count;

    /// <inheritdoc/>
    public override IEnumerable<string> EncodedNames => Categories.Select(c => $"{Name}={c}");
}
