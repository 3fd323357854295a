namespace Neurite.Training;

/// <summary>Classification and regression metrics over whole predictions (not differentiable).</summary>
public static class Metrics
{
    /// <summary>Fraction of rows of <paramref name="logits"/> [N, C] whose largest entry is the int64 label.</summary>
    public static double Accuracy(Tensor logits, Tensor labels) => TopK(logits, labels, 1);

    /// <summary>Fraction of rows whose label is among the k largest entries.</summary>
    public static double TopK(Tensor logits, Tensor labels, int k)
    {
        var (scores, n, c) = Scores(logits, labels, "top_k");
        if (k < 1 || k > c) throw new ArgumentOutOfRangeException(nameof(k), k, $"top_k: k must be in 1..{c}");
        var y = labels.ToLongArray();
        int hits = 0;
        for (int i = 0; i < n; i++)
        {
            double target = scores[i * c + (int)y[i]];
            int better = 0;
            for (int j = 0; j < c; j++)
                if (scores[i * c + j] > target || scores[i * c + j] == target && j < y[i]) better++;
            if (better < k) hits++;
        }
        return n == 0 ? 0 : (double)hits / n;
    }

    /// <summary>Confusion matrix: entry [t, p] counts samples of true class t predicted as p.</summary>
    public static long[,] ConfusionMatrix(Tensor logits, Tensor labels)
    {
        var (_, n, c) = Scores(logits, labels, "confusion_matrix");
        var predicted = logits.ArgMax(1).ToLongArray();
        var y = labels.ToLongArray();
        var m = new long[c, c];
        for (int i = 0; i < n; i++) m[y[i], predicted[i]]++;
        return m;
    }

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

    public static double MeanSquaredError(Tensor prediction, Tensor target) => Pairs(prediction, target, "mse").Average(d => d.e * d.e);

    public static double MeanAbsoluteError(Tensor prediction, Tensor target) => Pairs(prediction, target, "mae").Average(d => Math.Abs(d.e));

    /// <summary>Coefficient of determination R² = 1 − SS_res/SS_tot.</summary>
    public static double R2(Tensor prediction, Tensor target)
    {
        var t = target.ToDoubleArray();
        var pairs = Pairs(prediction, target, "r2");
        double mean = t.Average();
        double ssRes = pairs.Sum(d => d.e * d.e), ssTot = t.Sum(v => (v - mean) * (v - mean));
        return ssTot == 0 ? 0 : 1 - ssRes / ssTot;
    }

    static (double[] scores, int n, int c) Scores(Tensor logits, Tensor labels, string metric)
    {
        if (logits.Rank != 2 || labels.Rank != 1 || labels.Shape[0] != logits.Shape[0] || labels.DType != DType.Int64)
            throw new ShapeException($"{metric}: expects scores [N, C] and int64 labels [N], got [{string.Join(", ", logits.Shape.ToArray())}] and {labels.DType.Name()} [{string.Join(", ", labels.Shape.ToArray())}]");
        return (logits.ToDoubleArray(), logits.Shape[0], logits.Shape[1]);
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
