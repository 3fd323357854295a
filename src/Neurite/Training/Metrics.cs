namespace Neurite.Training;

/// <summary>Classification and regression metrics over whole predictions (not differentiable).</summary>
public static class Metrics
{
    /// <summary>Fraction of rows of <paramref name="logits"/> [N, C] whose largest entry is the int64 label
    /// (ties go to the lower class index). A row with any non-finite score is a miss: see <see cref="TopK"/>.</summary>
    public static double Accuracy(Tensor logits, Tensor labels) => TopK(logits, labels, 1);

    /// <summary>Fraction of rows whose label is among the k largest entries (ties go to the lower class index).</summary>
    /// <remarks>A row with any non-finite score — NaN, +∞ or −∞ — is never a hit, whatever its label: NaN compares
    /// false with everything (so a NaN row would otherwise count as a hit for every label), and an infinite score
    /// means the model overflowed, not that it is sure. A model whose outputs are all NaN therefore scores 0, not 100 %.
    /// <see cref="InvalidRows"/> counts such rows.</remarks>
    public static double TopK(Tensor logits, Tensor labels, int k)
    {
        var (scores, n, c) = Scores(logits, labels, "top_k");
        if (k < 1 || k > c) throw new ArgumentOutOfRangeException(nameof(k), k, $"top_k: k must be in 1..{c}");
        return n == 0 ? 0 : (double)Hits(scores, labels.ToLongArray(), n, c, k) / n;
    }

    /// <summary>The number of rows of <paramref name="logits"/> [N, C] with a non-finite score (NaN, ±∞): the rows
    /// <see cref="TopK"/> counts as misses and <see cref="ConfusionMatrix"/> leaves out.</summary>
    public static int InvalidRows(Tensor logits)
    {
        if (logits.Rank != 2)
            throw new ShapeException($"invalid_rows: expects scores [N, C], got [{string.Join(", ", logits.Shape.ToArray())}]");
        var scores = logits.ToDoubleArray();
        int n = logits.Shape[0], c = logits.Shape[1], invalid = 0;
        for (int i = 0; i < n; i++) if (!RowIsFinite(scores, i, c)) invalid++;
        return invalid;
    }

    /// <summary>Confusion matrix: entry [t, p] counts samples of true class t predicted (argmax, ties to the lower
    /// index) as p. Rows with a non-finite score have no prediction and are left out, so the entries sum to
    /// N − <see cref="InvalidRows"/>; report that count beside the matrix.</summary>
    public static long[,] ConfusionMatrix(Tensor logits, Tensor labels)
    {
        var (scores, n, c) = Scores(logits, labels, "confusion_matrix");
        var y = labels.ToLongArray();
        var m = new long[c, c];
        for (int i = 0; i < n; i++)
        {
            if (!RowIsFinite(scores, i, c)) continue;
            int best = 0;
            for (int j = 1; j < c; j++) if (scores[i * c + j] > scores[i * c + best]) best = j;
            m[y[i], best]++;
        }
        return m;
    }

    /// <summary>Rows (of <paramref name="n"/> × <paramref name="c"/> scores) whose label is among the k largest
    /// entries; a row with a non-finite score (or a label outside [0, c)) never is. The one count behind TopK, Accuracy and Trainer's accuracy.</summary>
    internal static long Hits(double[] scores, long[] labels, int n, int c, int k)
    {
        long hits = 0;
        for (int i = 0; i < n; i++)
        {
            if (!RowIsFinite(scores, i, c) || (ulong)labels[i] >= (ulong)c) continue;
            double target = scores[i * c + (int)labels[i]];
            int better = 0;
            for (int j = 0; j < c; j++)
                if (scores[i * c + j] > target || scores[i * c + j] == target && j < labels[i]) better++;
            if (better < k) hits++;
        }
        return hits;
    }

    static bool RowIsFinite(double[] scores, int row, int c) =>
        System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<double>(scores.AsSpan(row * c, c));

    /// <summary>Per-class precision, recall and F1 from a confusion matrix (0 where undefined).</summary>
    public static (double[] precision, double[] recall, double[] f1) PrecisionRecallF1(long[,] confusion)
    {
        int c = confusion.GetLength(0);
        var (p, r, f) = (new double[c], new double[c], new double[c]);
        for (int k = 0; k < c; k++)
        {
            long tp = confusion[k, k], predicted = 0, actual = 0;
            for (int j = 0; j < c; j++) { predicted += confusion[j, k]; actual += confusion[k, j]; }
            p[k] = predicted == 0 ? 0 : (double)tp / predicted;
            r[k] = actual == 0 ? 0 : (double)tp / actual;
            f[k] = p[k] + r[k] == 0 ? 0 : 2 * p[k] * r[k] / (p[k] + r[k]);
        }
        return (p, r, f);
    }

    /// <summary>Mean of (prediction − target)²; NaN if any prediction or target is NaN, +∞ if one is infinite.</summary>
    public static double MeanSquaredError(Tensor prediction, Tensor target) => Pairs(prediction, target, "mse").Average(d => d.e * d.e);

    /// <summary>Mean of |prediction − target|; NaN if any prediction or target is NaN, +∞ if one is infinite.</summary>
    public static double MeanAbsoluteError(Tensor prediction, Tensor target) => Pairs(prediction, target, "mae").Average(d => Math.Abs(d.e));

    /// <summary>Coefficient of determination R² = 1 − SS_res/SS_tot (0 for constant targets, SS_tot = 0).
    /// Non-finite values propagate: a NaN prediction or target gives NaN, an infinite prediction −∞ (or NaN), even
    /// for constant targets.</summary>
    public static double R2(Tensor prediction, Tensor target)
    {
        var t = target.ToDoubleArray();
        var pairs = Pairs(prediction, target, "r2");
        double mean = t.Average();
        double ssRes = pairs.Sum(d => d.e * d.e), ssTot = t.Sum(v => (v - mean) * (v - mean));
        if (!double.IsFinite(ssRes) || !double.IsFinite(ssTot)) return 1 - ssRes / ssTot;   // NaN or −∞, never a fine number
        return ssTot == 0 ? 0 : 1 - ssRes / ssTot;
    }

    static (double[] scores, int n, int c) Scores(Tensor logits, Tensor labels, string metric)
    {
        if (logits.Rank != 2 || labels.Rank != 1 || labels.Shape[0] != logits.Shape[0] || labels.DType != DType.Int64)
            throw new ShapeException($"{metric}: expects scores [N, C] and int64 labels [N], got [{string.Join(", ", logits.Shape.ToArray())}] and {labels.DType.Name()} [{string.Join(", ", labels.Shape.ToArray())}]");
        int n = logits.Shape[0], c = logits.Shape[1];
        var y = labels.ToLongArray();
        for (int i = 0; i < n; i++)
            if (y[i] < 0 || y[i] >= c) throw new ArgumentOutOfRangeException(nameof(labels), y[i], $"{metric}: label {y[i]} of row {i} is not a class of [0, {c})");
        return (logits.ToDoubleArray(), n, c);
    }

    static List<(double e, int i)> Pairs(Tensor prediction, Tensor target, string metric)
    {
        if (prediction.NumEl != target.NumEl)
            throw new ShapeException($"{metric}: prediction has {prediction.NumEl} elements, target {target.NumEl}");
        var p = prediction.ToDoubleArray();
        var t = target.ToDoubleArray();
        var result = new List<(double, int)>(p.Length);
        for (int i = 0; i < p.Length; i++) result.Add((p[i] - t[i], i));
        return result;
    }
}
