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
    /// The minimum-norm least-squares solution of min ‖A·w − b‖ for A [n, d] (LAPACK's xGELSY, the answer of numpy's and
    /// SciPy's lstsq): Householder QR with column pivoting, A·P = Q·R, never forming AᵀA, so the error grows with
    /// cond(A), not cond(A)². The rank r is the number of |Rₖₖ| above max(n, d)·ε·|R₀₀| (numpy's matrix_rank rule).
    /// Full rank: back substitution. Rank-deficient (a constant or duplicated feature, a one-hot group beside the
    /// intercept, fewer rows than features): the first r rows of R are factored once more, [R₁₁ R₁₂]ᵀ = Z·S, and
    /// w = P·Z·S⁻ᵀ·(Qᵀb)₁..ᵣ is the solution of least norm among all least-squares solutions.
    /// </summary>
    public static double[] LeastSquares(double[,] a, double[] b, out int rank)
    {
        int n = a.GetLength(0), d = a.GetLength(1), steps = Math.Min(n, d);
        var r = (double[,])a.Clone();
        var y = (double[])b.Clone();
        var perm = Enumerable.Range(0, d).ToArray();
        var diag = new double[steps];
        for (int k = 0; k < steps; k++)
        {
            // pivot: the remaining column of largest norm below row k, so a dependent column comes last
            int best = k;
            double bestNorm = -1;
            for (int j = k; j < d; j++)
            {
                double norm2 = 0;
                for (int i = k; i < n; i++) norm2 += r[i, j] * r[i, j];
                if (norm2 > bestNorm) (best, bestNorm) = (j, norm2);
            }
            if (best != k)
            {
                for (int i = 0; i < n; i++) (r[i, k], r[i, best]) = (r[i, best], r[i, k]);
                (perm[k], perm[best]) = (perm[best], perm[k]);
            }
            diag[k] = Reflect(r, k, k, n, d, y);
        }
        double tol = Math.Max(n, d) * Eps * (steps > 0 ? Math.Abs(diag[0]) : 0);
        rank = diag.Count(v => Math.Abs(v) > tol);
        var u = new double[d];
        if (rank == d)
        {
            // back substitution R·u = Qᵀb (R's strict upper triangle is in r, its diagonal in diag)
            for (int k = d - 1; k >= 0; k--)
            {
                double sum = y[k];
                for (int j = k + 1; j < d; j++) sum -= r[k, j] * u[j];
                u[k] = sum / diag[k];
            }
        }
        else if (rank > 0)
        {
            // Mᵀ [d, rank] with M = the first rank rows of R; its QR Mᵀ = Z·S gives M = Sᵀ·Zᵀ
            var t = new double[d, rank];
            for (int k = 0; k < rank; k++)
            {
                t[k, k] = diag[k];
                for (int j = k + 1; j < d; j++) t[j, k] = r[k, j];
            }
            var sDiag = new double[rank];
            for (int k = 0; k < rank; k++) sDiag[k] = Reflect(t, k, k, d, rank, null);
            // Sᵀ·z = (Qᵀb)₁..ᵣ by forward substitution (Sᵀ is lower triangular; S's upper part is in t above the diagonal)
            var z = new double[d];
            for (int k = 0; k < rank; k++)
            {
                double sum = y[k];
                for (int j = 0; j < k; j++) sum -= t[j, k] * z[j];
                z[k] = sum / sDiag[k];
            }
            // u = Z·(z, 0) = H₀·H₁·…·H_{r−1}·(z, 0): the reflectors, stored below t's diagonal, in reverse order
            for (int k = rank - 1; k >= 0; k--)
            {
                double vv = 0, dot = 0;
                for (int i = k; i < d; i++) { vv += t[i, k] * t[i, k]; dot += t[i, k] * z[i]; }
                if (vv == 0) continue;
                double f = 2 * dot / vv;
                for (int i = k; i < d; i++) z[i] -= f * t[i, k];
            }
            u = z;
        }
        var w = new double[d];
        for (int j = 0; j < d; j++) w[perm[j]] = u[j];
        return w;
    }

    /// <summary>
    /// One Householder step on column <paramref name="col"/> of m [rows, cols] from row <paramref name="k"/> down:
    /// H = I − 2vvᵀ/vᵀv with v = x − α·e₁ maps the column to α·e₁; α = −sign(x₀)·‖x‖ avoids cancellation. v is left in
    /// the column (rows k…), H is applied to the columns after it and to <paramref name="rhs"/>; returns α.
    /// </summary>
    static double Reflect(double[,] m, int k, int col, int rows, int cols, double[]? rhs)
    {
        double norm = 0;
        for (int i = k; i < rows; i++) norm += m[i, col] * m[i, col];
        norm = Math.Sqrt(norm);
        double alpha = m[k, col] > 0 ? -norm : norm;
        if (norm == 0) return 0;
        m[k, col] -= alpha;
        double vv = 0;
        for (int i = k; i < rows; i++) vv += m[i, col] * m[i, col];
        if (vv == 0) return alpha;
        for (int j = col + 1; j < cols; j++)
        {
            double dot = 0;
            for (int i = k; i < rows; i++) dot += m[i, col] * m[i, j];
            double f = 2 * dot / vv;
            for (int i = k; i < rows; i++) m[i, j] -= f * m[i, col];
        }
        if (rhs is not null)
        {
            double dot = 0;
            for (int i = k; i < rows; i++) dot += m[i, col] * rhs[i];
            double f = 2 * dot / vv;
            for (int i = k; i < rows; i++) rhs[i] -= f * m[i, col];
        }
        return alpha;
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
