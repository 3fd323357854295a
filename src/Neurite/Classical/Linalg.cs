namespace Neurite.Classical;

/// <summary>
/// The dense float64 linear algebra the classical models need, on <c>double[,]</c> (row-major, small: features ×
/// features, or rows × features): Householder QR least squares, Cholesky factor and solve, Gram matrices,
/// log-sum-exp. Plain loops; these matrices are tens to hundreds wide.
/// </summary>
internal static class Linalg
{
    /// <summary>Machine epsilon of float64 (2⁻⁵²); <see cref="double.Epsilon"/> is the smallest subnormal instead.</summary>
    public const double Eps = 2.220446049250313e-16;

    /// <summary>
    /// The least-squares solution of min ‖A·w − b‖ for A [n, d] with n ≥ d, by Householder QR (never forming AᵀA, so
    /// the error grows with cond(A), not cond(A)²). Throws <see cref="RankDeficientException"/> when a diagonal
    /// element of R is below n·ε·max|Rᵢᵢ| (numpy's matrix_rank rule): a column is a combination of the earlier ones.
    /// </summary>
    public static double[] LeastSquares(double[,] a, double[] b, string who)
    {
        int n = a.GetLength(0), d = a.GetLength(1);
        if (n < d) throw new RankDeficientException($"{who}: {n} rows cannot determine {d} coefficients (the design matrix [{n}, {d}] has rank ≤ {n}); add rows or use Ridge(alpha > 0)", Math.Max(0, n), d);
        var r = (double[,])a.Clone();
        var y = (double[])b.Clone();
        var diag = new double[d];
        for (int k = 0; k < d; k++)
        {
            // Householder vector v for column k below the diagonal; R[k, k] = −sign(x₀)·‖x‖ avoids cancellation
            double norm = 0;
            for (int i = k; i < n; i++) norm += r[i, k] * r[i, k];
            norm = Math.Sqrt(norm);
            double alpha = r[k, k] > 0 ? -norm : norm;
            diag[k] = alpha;
            if (norm == 0) continue;
            r[k, k] -= alpha;  // v = x − α·e₁, stored in place of column k
            double vv = 0;
            for (int i = k; i < n; i++) vv += r[i, k] * r[i, k];
            if (vv == 0) continue;
            // H = I − 2vvᵀ/vᵀv applied to the remaining columns and to b
            for (int j = k + 1; j < d; j++)
            {
                double dot = 0;
                for (int i = k; i < n; i++) dot += r[i, k] * r[i, j];
                double f = 2 * dot / vv;
                for (int i = k; i < n; i++) r[i, j] -= f * r[i, k];
            }
            double dy = 0;
            for (int i = k; i < n; i++) dy += r[i, k] * y[i];
            double fy = 2 * dy / vv;
            for (int i = k; i < n; i++) y[i] -= fy * r[i, k];
        }
        double max = diag.Max(Math.Abs), tol = Math.Max(n, d) * Eps * max;
        int rank = diag.Count(v => Math.Abs(v) > tol);
        if (rank < d)
        {
            int first = Array.FindIndex(diag, v => Math.Abs(v) <= tol);
            throw new RankDeficientException($"{who}: the design matrix [{n}, {d}] (centred) has rank {rank} < {d}: feature {first} is a linear combination of " +
                                             $"the features before it (or constant); drop it or use Ridge(alpha > 0)", rank, d);
        }
        // back substitution R·w = Qᵀb (R's strict upper triangle is in r, its diagonal in diag)
        var w = new double[d];
        for (int k = d - 1; k >= 0; k--)
        {
            double s = y[k];
            for (int j = k + 1; j < d; j++) s -= r[k, j] * w[j];
            w[k] = s / diag[k];
        }
        return w;
    }

    /// <summary>The lower Cholesky factor L (A = L·Lᵀ) of a symmetric matrix, or null when A is not positive definite
    /// (a pivot ≤ n·ε·max diagonal: singular to working precision).</summary>
    public static double[,]? Cholesky(double[,] a)
    {
        int n = a.GetLength(0);
        var l = new double[n, n];
        double maxDiag = 0;
        for (int i = 0; i < n; i++) maxDiag = Math.Max(maxDiag, Math.Abs(a[i, i]));
        double tol = n * Eps * maxDiag;
        for (int j = 0; j < n; j++)
        {
            double s = a[j, j];
            for (int k = 0; k < j; k++) s -= l[j, k] * l[j, k];
            if (!(s > tol)) return null;
            double ljj = Math.Sqrt(s);
            l[j, j] = ljj;
            for (int i = j + 1; i < n; i++)
            {
                double t = a[i, j];
                for (int k = 0; k < j; k++) t -= l[i, k] * l[j, k];
                l[i, j] = t / ljj;
            }
        }
        return l;
    }

    /// <summary>Solves L·Lᵀ·x = b given the Cholesky factor L.</summary>
    public static double[] CholeskySolve(double[,] l, ReadOnlySpan<double> b)
    {
        var z = ForwardSubstitute(l, b);
        int n = z.Length;
        for (int i = n - 1; i >= 0; i--)
        {
            double s = z[i];
            for (int k = i + 1; k < n; k++) s -= l[k, i] * z[k];
            z[i] = s / l[i, i];
        }
        return z;
    }

    /// <summary>z = L⁻¹·b for lower-triangular L.</summary>
    public static double[] ForwardSubstitute(double[,] l, ReadOnlySpan<double> b)
    {
        int n = b.Length;
        var z = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i, k] * z[k];
            z[i] = s / l[i, i];
        }
        return z;
    }

    /// <summary>log det A = 2·Σ log Lᵢᵢ.</summary>
    public static double LogDet(double[,] l)
    {
        double s = 0;
        for (int i = 0; i < l.GetLength(0); i++) s += Math.Log(l[i, i]);
        return 2 * s;
    }

    /// <summary>log Σ exp(v), shifted by the maximum so that no term overflows.</summary>
    public static double LogSumExp(ReadOnlySpan<double> v)
    {
        double max = double.NegativeInfinity;
        foreach (double x in v) max = Math.Max(max, x);
        if (double.IsNegativeInfinity(max)) return max;
        double s = 0;
        foreach (double x in v) s += Math.Exp(x - max);
        return max + Math.Log(s);
    }

    /// <summary>Column means of the rows <paramref name="rows"/> of x.</summary>
    public static double[] Mean(double[,] x, IReadOnlyList<int> rows)
    {
        int d = x.GetLength(1);
        var m = new double[d];
        foreach (int i in rows)
            for (int j = 0; j < d; j++) m[j] += x[i, j];
        for (int j = 0; j < d; j++) m[j] /= rows.Count;
        return m;
    }

    /// <summary>Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ over the rows <paramref name="rows"/>: the scatter matrix, added into <paramref name="into"/>.</summary>
    public static void AddScatter(double[,] x, IReadOnlyList<int> rows, double[] mean, double[,] into)
    {
        int d = mean.Length;
        var c = new double[d];
        foreach (int i in rows)
        {
            for (int j = 0; j < d; j++) c[j] = x[i, j] - mean[j];
            for (int j = 0; j < d; j++)
            {
                double cj = c[j];
                if (cj == 0) continue;
                for (int k = 0; k <= j; k++) into[j, k] += cj * c[k];
            }
        }
        for (int j = 0; j < d; j++)
            for (int k = 0; k < j; k++) into[k, j] = into[j, k];
    }
}
