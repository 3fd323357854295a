using System.Globalization;

namespace Neurite.Classical;

/// <summary>A least-squares or discriminant problem whose matrix is singular: which rank it has and how many unknowns.</summary>
public sealed class RankDeficientException(string message, int rank, int size) : ArgumentException(message)
{
    /// <summary>The numerical rank found.</summary>
    public int Rank { get; } = rank;

    /// <summary>The number of unknowns (features, or features + 1).</summary>
    public int Size { get; } = size;
}

/// <summary>
/// A model fitted in closed form or by a convex solver, the scikit-learn way: <c>Fit(X, y)</c>, <c>Predict(X)</c>,
/// <c>Score(X, y)</c>. X is [samples, features], given as a <c>double[,]</c> or a float <see cref="Tensor"/> [N, D]
/// (float32 is widened; all arithmetic is float64). Refitting replaces the fitted state.
/// </summary>
/// <remarks>
/// Errors name the model and the shapes: X and y with different row counts, NaN or ±∞ in X or y, an X at predict
/// time with another feature count than at fit (<see cref="ShapeException"/>), predicting before fitting
/// (<see cref="InvalidOperationException"/>). The fitted state is a list of float64 tensors
/// (<see cref="FittedState"/>), which is what a model file stores (<see cref="ClassicalModule"/>).
/// </remarks>
public abstract class ClassicalModel
{
    /// <summary>The feature count seen by <c>Fit</c> (scikit-learn's <c>n_features_in_</c>); −1 before.</summary>
    public int Features { get; private protected set; } = -1;

    /// <summary>Whether the model has fitted state (after <c>Fit</c>, or once a model file's tensors are loaded): <see cref="Features"/> ≥ 0.</summary>
    public bool IsFitted => Features >= 0;

    /// <summary>The fitted tensors by name (what a model file stores); empty before <c>Fit</c>.</summary>
    public abstract IReadOnlyList<(string Name, Tensor Tensor)> FittedState();

    /// <summary>The model's name and settings, e.g. <c>LogisticRegression(C=1)</c>.</summary>
    public abstract override string ToString();

    /// <summary>The output of the model file's module: predictions [N, 1] (regressors) or log-probabilities [N, K] (classifiers).</summary>
    internal abstract double[,] ModuleOutput(double[,] x);

    private protected string Who => GetType().Name;

    private protected static string Fmt(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>X as float64 [N, D], refusing other ranks, integer dtypes and non-finite values.</summary>
    private protected double[,] Matrix(Tensor x, string method)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 2) throw new ShapeException($"{Who}.{method} expects X of shape [samples, features], got [{string.Join(", ", x.Shape.ToArray())}]");
        if (x.DType == DType.Int64) throw new ArgumentException($"{Who}.{method}: X must be float32 or float64, got int64");
        int n = x.Shape[0], d = x.Shape[1];
        var flat = x.ToDoubleArray();
        var m = new double[n, d];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
        return m;
    }

    /// <summary>Checks X at fit time: at least one row and one feature, every value finite.</summary>
    private protected void CheckFitX(double[,] x, int labels)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.GetLength(0), d = x.GetLength(1);
        if (n != labels) throw new ShapeException($"{Who}.Fit: X is [{n}, {d}] but y has {labels} values; they need one row per value");
        if (n == 0 || d == 0) throw new ShapeException($"{Who}.Fit: X is [{n}, {d}]; it needs at least one row and one feature");
        CheckFinite(x, "Fit");
    }

    /// <summary>Checks X at predict time against the fitted feature count.</summary>
    private protected void CheckPredictX(double[,] x, string method)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!IsFitted) throw new InvalidOperationException($"{Who}.{method}: the model is not fitted; call Fit(X, y) first");
        if (x.GetLength(1) != Features)
            throw new ShapeException($"{Who}.{method}: the model was fitted on {Features} features, X is [{x.GetLength(0)}, {x.GetLength(1)}]");
        CheckFinite(x, method);
    }

    void CheckFinite(double[,] x, string method)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                if (!double.IsFinite(x[i, j]))
                    throw new ArgumentException($"{Who}.{method}: X[{i}, {j}] is {x[i, j]}; X must be finite (impute or drop missing values first)");
    }

    /// <summary>A float64 tensor of a 2-D array.</summary>
    private protected static Tensor Of(double[,] a) => Tensor.FromArray(a);

    private protected static Tensor Of(double[] a) => Tensor.FromArray(a);

    /// <summary>A float64 tensor's values as [rows, cols].</summary>
    private protected static double[,] Rows(Tensor t)
    {
        var flat = t.ToDoubleArray();
        int rows = t.Shape[0], cols = t.Rank > 1 ? t.NumEl / Math.Max(1, rows) : 1;
        var m = new double[rows, cols];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
        return m;
    }
}
