using System.Runtime.InteropServices;

namespace Neurite.Data;

/// <summary>A data set cut into training, development (validation) and test parts.</summary>
/// <param name="Train">Fit the model's parameters (and any scaler) on this part only.</param>
/// <param name="Dev">Choose hyper-parameters and stop early on this part.</param>
/// <param name="Test">Report the final error on this part, once.</param>
public sealed record DataSplits(TensorDataset Train, TensorDataset Dev, TensorDataset Test);

/// <summary>Seeded random splits of a <see cref="TensorDataset"/>, optionally stratified by class.</summary>
public static class Split
{
    /// <summary>
    /// Splits <paramref name="dataset"/> into train/dev/test parts of the given fractions (which must be
    /// non-negative and sum to 1). Rows are copied; each part keeps the data set's class names.
    /// </summary>
    /// <remarks>
    /// Unstratified: one seeded shuffle of all rows, cut at round(train·N) and round((train+dev)·N).
    /// Stratified (int64 class labels only): each class c of n_c rows is shuffled and cut the same way
    /// on n_c, so every part has (up to rounding) the data set's class proportions — what a small or
    /// imbalanced data set needs for the dev error to mean anything.
    /// <code>
    /// var (train, dev, test) = Split.TrainDevTest(iris, (0.6, 0.2, 0.2), seed: 1, stratified: true);
    /// </code>
    /// </remarks>
    /// <exception cref="ArgumentException">A fraction is negative or NaN, or they do not sum to 1.</exception>
    /// <exception cref="InvalidOperationException">Stratified with labels that are not int64 [N].</exception>
    public static DataSplits TrainDevTest(TensorDataset dataset, (double Train, double Dev, double Test) fractions,
        ulong seed = 0, bool stratified = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        long[]? labels = stratified ? dataset.ClassLabels("Split.TrainDevTest(stratified)").ToArray() : null;
        var (train, dev, test) = Indices(dataset.Count, fractions, seed, labels);
        return new DataSplits(dataset.Select(train), dataset.Select(dev), dataset.Select(test));
    }

    /// <summary>
    /// The row indices of a train/dev/test split of <paramref name="n"/> rows: the rows
    /// <see cref="TrainDevTest"/> would put in each part for the same seed (it calls this). Use it on a
    /// <see cref="CsvTable"/> to fit a <see cref="TabularSchema"/> on the training rows only, and to record
    /// which rows were held out.
    /// </summary>
    /// <param name="n">Number of rows.</param>
    /// <param name="fractions">Train, dev and test fractions: non-negative, summing to 1.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <param name="stratifyBy">Non-negative class index of each of the n rows to stratify by, or null for a plain shuffle.</param>
    /// <returns>Three disjoint index arrays covering 0…n−1 (stratified: each part shuffled).</returns>
    /// <exception cref="ArgumentException">Bad fractions, or <paramref name="stratifyBy"/> does not have n non-negative entries.</exception>
    /// <example><code>var (train, dev, test) = Split.Indices(table.RowCount, (0.6, 0.2, 0.2), seed: 1);</code></example>
    public static (int[] Train, int[] Dev, int[] Test) Indices(int n, (double Train, double Dev, double Test) fractions,
        ulong seed = 0, long[]? stratifyBy = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        CheckFractions(fractions);
        var parts = (new List<int>(), new List<int>(), new List<int>());
        var g = new Generator(seed);
        if (stratifyBy is not null)
        {
            if (stratifyBy.Length != n)
                throw new ArgumentException($"Split.Indices: {stratifyBy.Length} class labels to stratify {n} rows by", nameof(stratifyBy));
            int classes = 0;
            foreach (long l in stratifyBy)
            {
                if (l < 0 || l >= int.MaxValue) throw new ArgumentException($"Split.Indices: class labels must be non-negative, found {l}", nameof(stratifyBy));
                classes = (int)Math.Max(classes, l + 1);
            }
            var byClass = new List<int>[classes];
            for (int c = 0; c < classes; c++) byClass[c] = [];
            for (int i = 0; i < stratifyBy.Length; i++) byClass[stratifyBy[i]].Add(i);
            foreach (var members in byClass) Cut([.. members], fractions, g, parts);
            // Each part is class-ordered now; shuffle it so a loader without shuffle still mixes classes.
            foreach (var p in new[] { parts.Item1, parts.Item2, parts.Item3 })
                g.Shuffle(CollectionsMarshal.AsSpan(p));
        }
        else
        {
            var all = new int[n];
            for (int i = 0; i < all.Length; i++) all[i] = i;
            Cut(all, fractions, g, parts);
        }
        return ([.. parts.Item1], [.. parts.Item2], [.. parts.Item3]);
    }

    /// <summary>Splits into train and test parts only: <c>TrainDevTest</c> with an empty dev part.</summary>
    public static (TensorDataset Train, TensorDataset Test) TrainTest(TensorDataset dataset, double testFraction,
        ulong seed = 0, bool stratified = false)
    {
        if (double.IsNaN(testFraction) || testFraction < 0 || testFraction > 1)
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, $"Split.TrainTest: testFraction must lie in [0, 1], got {testFraction}");
        var s = TrainDevTest(dataset, (1 - testFraction, 0, testFraction), seed, stratified);
        return (s.Train, s.Test);
    }

    static void CheckFractions((double Train, double Dev, double Test) f)
    {
        foreach (var (name, v) in new[] { ("train", f.Train), ("dev", f.Dev), ("test", f.Test) })
            if (double.IsNaN(v) || v < 0)
                throw new ArgumentException($"Split.TrainDevTest: the {name} fraction must be non-negative, got {v}", "fractions");
        double sum = f.Train + f.Dev + f.Test;
        if (Math.Abs(sum - 1) > 1e-6)
            throw new ArgumentException($"Split.TrainDevTest: fractions must sum to 1, got {f.Train} + {f.Dev} + {f.Test} = {sum}", "fractions");
    }

    static void Cut(int[] rows, (double Train, double Dev, double Test) f, Generator g, (List<int>, List<int>, List<int>) parts)
    {
        g.Shuffle<int>(rows);
        int n = rows.Length;
        int a = Math.Clamp((int)Math.Round(f.Train * n, MidpointRounding.AwayFromZero), 0, n);
        // An empty part stays empty whatever the rounding does to the others.
        int b = f.Dev == 0 ? a
            : f.Test == 0 ? n
            : Math.Clamp((int)Math.Round((f.Train + f.Dev) * n, MidpointRounding.AwayFromZero), a, n);
        parts.Item1.AddRange(rows[..a]);
        parts.Item2.AddRange(rows[a..b]);
        parts.Item3.AddRange(rows[b..]);
    }
}
