namespace Neurite.Classical;

/// <summary>
/// A model of a real target: <c>Fit(X, y)</c> with y [N] (a tensor [N] or [N, 1]), <c>Predict(X)</c> → [N],
/// <c>Score(X, y)</c> = R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (scikit-learn's: 1 for a perfect fit of a constant target, 0 otherwise).
/// </summary>
public abstract class Regressor : ClassicalModel
{
    /// <summary>Fits to X [N, D] and targets y [N].</summary>
    /// <exception cref="ShapeException">X and y differ in rows, or X is empty.</exception>
    /// <exception cref="ArgumentException">A NaN or infinite value in X or y; a singular system the model does not resolve
    /// (<see cref="RankDeficientException"/>: <see cref="Ridge"/> with alpha 0, a constant feature for gradient descent).</exception>
    public void Fit(double[,] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        CheckFitX(x, y.Length);
        for (int i = 0; i < y.Length; i++)
            if (!double.IsFinite(y[i])) throw new ArgumentException($"{Who}.Fit: y[{i}] is {y[i]}; the target must be finite");
        FitCore(x, y);
        Features = x.GetLength(1);
    }

    /// <summary>Fits to a float tensor X [N, D] and y [N] or [N, 1].</summary>
    public void Fit(Tensor x, Tensor y) => Fit(Matrix(x, "Fit"), Targets(y, "Fit"));

    /// <summary>The predictions ŷ [N].</summary>
    public double[] Predict(double[,] x)
    {
        CheckPredictX(x, nameof(Predict));
        return PredictCore(x);
    }

    /// <summary>The predictions as a float64 tensor [N].</summary>
    public Tensor Predict(Tensor x) => Tensor.FromArray(Predict(Matrix(x, nameof(Predict))));

    /// <summary>R² of the predictions on (x, y).</summary>
    public double Score(double[,] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        var p = Predict(x);
        if (p.Length != y.Length) throw new ShapeException($"{Who}.Score: X has {p.Length} rows but y has {y.Length} values");
        double mean = y.Average(), res = 0, tot = 0;
        for (int i = 0; i < y.Length; i++) { res += (y[i] - p[i]) * (y[i] - p[i]); tot += (y[i] - mean) * (y[i] - mean); }
        return tot == 0 ? (res == 0 ? 1 : 0) : 1 - res / tot;
    }

    /// <summary>R² of the predictions on a float tensor X [N, D] and y [N] or [N, 1].</summary>
    /// <exception cref="ShapeException">y is not [N] or [N, 1], or its length differs from X's rows.</exception>
    public double Score(Tensor x, Tensor y) => Score(Matrix(x, nameof(Score)), Targets(y, nameof(Score)));

    /// <summary>Fits to X [N, D] and y [N], already checked: same row count, N ≥ 1, D ≥ 1, every value finite.
    /// <c>Fit</c> sets <see cref="ClassicalModel.Features"/> after it returns.</summary>
    protected abstract void FitCore(double[,] x, double[] y);

    /// <summary>The predictions ŷ [N] for an X already checked against the fitted feature count.</summary>
    protected abstract double[] PredictCore(double[,] x);

    /// <summary>Zero-filled fitted state of the right shapes, to be overwritten by a model file's tensors.</summary>
    internal void Allocate(int features)
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, $"{Who}: features must be positive");
        AllocateCore(features);
        Features = features;
    }

    private protected abstract void AllocateCore(int features);

    internal override double[,] ModuleOutput(double[,] x)
    {
        var p = Predict(x);
        var column = new double[p.Length, 1];
        for (int i = 0; i < p.Length; i++) column[i, 0] = p[i];
        return column;
    }

    double[] Targets(Tensor y, string method)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (!(y.Rank == 1 || (y.Rank == 2 && y.Shape[1] == 1)))
            throw new ShapeException($"{Who}.{method}: y must be [N] or [N, 1], got [{string.Join(", ", y.Shape.ToArray())}]");
        return y.ToDoubleArray();
    }
}

/// <summary>
/// A model of classes: <c>Fit(X, y)</c> with integer labels y [N] (any values; <see cref="Classes"/> are the distinct
/// ones, sorted, as scikit-learn's <c>classes_</c>), <c>Predict(X)</c> → labels, <c>PredictProba(X)</c> → [N, K] with
/// columns in <see cref="Classes"/> order, <c>Score(X, y)</c> = accuracy. At least two classes.
/// </summary>
public abstract class Classifier : ClassicalModel
{
    Tensor? classes;

    /// <summary>The distinct labels seen by <c>Fit</c>, sorted (the probability columns).</summary>
    public long[] Classes => classes?.ToLongArray() ?? [];

    /// <summary>Fits to X [N, D] and labels y [N].</summary>
    /// <exception cref="ShapeException">X and y differ in rows, or X is empty.</exception>
    /// <exception cref="ArgumentException">A NaN or infinite value in X; fewer than two classes; a singular covariance
    /// (<see cref="RankDeficientException"/>); input the model cannot take (negative counts for <see cref="MultinomialNB"/>).</exception>
    public void Fit(double[,] x, long[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        CheckFitX(x, y.Length);
        var distinct = y.Distinct().Order().ToArray();
        if (distinct.Length < 2)
            throw new ArgumentException($"{Who}.Fit: y has a single class ({distinct[0]}) in its {y.Length} values; a classifier needs at least two");
        var index = distinct.Select((c, k) => (c, k)).ToDictionary(p => p.c, p => p.k);
        FitCore(x, y.Select(v => index[v]).ToArray(), distinct.Length);
        classes = Tensor.FromArray(distinct);
        Features = x.GetLength(1);
    }

    /// <inheritdoc cref="Fit(double[,], long[])"/>
    public void Fit(double[,] x, int[] y) => Fit(x, Array.ConvertAll(y, v => (long)v));

    /// <summary>Fits on a float tensor X [N, D] and int64 labels y [N].</summary>
    public void Fit(Tensor x, Tensor y) => Fit(Matrix(x, "Fit"), Labels(y, "Fit"));

    /// <summary>log P(class | x) [N, K], normalised over the classes.</summary>
    public double[,] PredictLogProba(double[,] x)
    {
        CheckPredictX(x, nameof(PredictLogProba));
        return LogProbaCore(x);
    }

    /// <summary>P(class | x) [N, K]; each row sums to 1.</summary>
    public double[,] PredictProba(double[,] x)
    {
        CheckPredictX(x, nameof(PredictProba));
        var p = LogProbaCore(x);
        for (int i = 0; i < p.GetLength(0); i++)
            for (int k = 0; k < p.GetLength(1); k++) p[i, k] = Math.Exp(p[i, k]);
        return p;
    }

    /// <summary>P(class | x) [N, K] as a float64 tensor, columns in <see cref="Classes"/> order; each row sums to 1.</summary>
    public Tensor PredictProba(Tensor x) => Tensor.FromArray(PredictProba(Matrix(x, nameof(PredictProba))));

    /// <summary>The most probable class of each row (the first in <see cref="Classes"/> order on a tie).</summary>
    public long[] Predict(double[,] x)
    {
        CheckPredictX(x, nameof(Predict));
        var lp = LogProbaCore(x);
        var labels = Classes;
        var result = new long[lp.GetLength(0)];
        for (int i = 0; i < result.Length; i++)
        {
            int best = 0;
            for (int k = 1; k < lp.GetLength(1); k++) if (lp[i, k] > lp[i, best]) best = k;
            result[i] = labels[best];
        }
        return result;
    }

    /// <summary>The predicted labels as an int64 tensor [N] (the first in <see cref="Classes"/> order on a tie).</summary>
    public Tensor Predict(Tensor x) => Tensor.FromArray(Predict(Matrix(x, nameof(Predict))));

    /// <summary>The fraction of rows whose predicted class equals y.</summary>
    public double Score(double[,] x, long[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        var p = Predict(x);
        if (p.Length != y.Length) throw new ShapeException($"{Who}.Score: X has {p.Length} rows but y has {y.Length} values");
        return y.Length == 0 ? 0 : p.Zip(y).Count(t => t.First == t.Second) / (double)y.Length;
    }

    /// <summary>Accuracy on a float tensor X [N, D] and int64 labels y [N].</summary>
    /// <exception cref="ShapeException">y is not [N], or its length differs from X's rows.</exception>
    /// <exception cref="ArgumentException">y is not int64.</exception>
    public double Score(Tensor x, Tensor y) => Score(Matrix(x, nameof(Score)), Labels(y, nameof(Score)));

    /// <summary>Fits to class indices 0..classCount−1 (positions in <see cref="Classes"/>).</summary>
    protected abstract void FitCore(double[,] x, int[] y, int classCount);

    /// <summary>The normalised log-probabilities of the fitted model.</summary>
    protected abstract double[,] LogProbaCore(double[,] x);

    /// <summary>Zero-filled fitted state of the right shapes, to be overwritten by a model file's tensors.</summary>
    internal void Allocate(int features, int classCount)
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, $"{Who}: features must be positive");
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"{Who}: a classifier has at least two classes");
        classes = Tensor.FromArray(Enumerable.Range(0, classCount).Select(k => (long)k).ToArray());
        AllocateCore(features, classCount);
        Features = features;
    }

    private protected abstract void AllocateCore(int features, int classCount);

    /// <summary>The fitted tensors after "classes".</summary>
    private protected abstract IEnumerable<(string Name, Tensor Tensor)> FittedTensors();

    /// <summary>"classes" (the labels, int64 [K]) followed by the model's float64 tensors; empty before <c>Fit</c>.</summary>
    public sealed override IReadOnlyList<(string Name, Tensor Tensor)> FittedState() =>
        classes is null ? [] : [("classes", classes), .. FittedTensors()];

    /// <summary>Log-probabilities clamped at −1e30: in float32 an exact −∞ would make `eval` count the row as invalid,
    /// and exp(−1e30) is 0 all the same.</summary>
    internal override double[,] ModuleOutput(double[,] x)
    {
        var lp = PredictLogProba(x);
        for (int i = 0; i < lp.GetLength(0); i++)
            for (int k = 0; k < lp.GetLength(1); k++) lp[i, k] = Math.Max(lp[i, k], -1e30);
        return lp;
    }

    /// <summary>Rows of joint log-likelihoods (or decision values) turned into log-probabilities: v − log Σ exp v.</summary>
    private protected static double[,] LogNormalise(double[,] v)
    {
        int n = v.GetLength(0), k = v.GetLength(1);
        var row = new double[k];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < k; c++) row[c] = v[i, c];
            double z = Linalg.LogSumExp(row);
            for (int c = 0; c < k; c++) v[i, c] -= z;
        }
        return v;
    }

    long[] Labels(Tensor y, string method)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (y.Rank != 1) throw new ShapeException($"{Who}.{method}: y must be labels [N], got [{string.Join(", ", y.Shape.ToArray())}]");
        if (y.DType != DType.Int64) throw new ArgumentException($"{Who}.{method}: y must be int64 class labels, got {y.DType.Name()}");
        return y.ToLongArray();
    }
}
