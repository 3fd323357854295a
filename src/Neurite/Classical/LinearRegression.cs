namespace Neurite.Classical;

/// <summary>How <see cref="LinearRegression"/> finds its coefficients.</summary>
public enum LinearSolver
{
    /// <summary>Householder QR of the centred design matrix: exact to the conditioning of X; a rank-deficient X gets the minimum-norm solution, with its rank in <c>Rank</c>.</summary>
    Qr,

    /// <summary>Full-batch gradient descent on the mean squared error (seed 004's derivation), to a gradient-norm tolerance.</summary>
    GradientDescent,
}

/// <summary>A linear model ŷ = X·w + b: <see cref="Coef"/> w [D] and <see cref="Intercept"/> b.</summary>
public abstract class LinearModel : Regressor
{
    Tensor? coef, intercept;

    /// <summary>The coefficients w [D] (scikit-learn's <c>coef_</c>); empty before <c>Fit</c>.</summary>
    public double[] Coef => coef?.ToDoubleArray() ?? [];

    /// <summary>The intercept b (<c>intercept_</c>), never penalised.</summary>
    public double Intercept => intercept is null ? 0 : intercept.ToDoubleArray()[0];

    private protected void SetFit(double[] w, double b) => (coef, intercept) = (Tensor.FromArray(w), Tensor.FromArray([b]));

    /// <summary>ŷ = X·w + b [N].</summary>
    protected override double[] PredictCore(double[,] x)
    {
        var w = Coef;
        double b = Intercept;
        var y = new double[x.GetLength(0)];
        for (int i = 0; i < y.Length; i++)
        {
            double s = b;
            for (int j = 0; j < w.Length; j++) s += x[i, j] * w[j];
            y[i] = s;
        }
        return y;
    }

    private protected override void AllocateCore(int features) => SetFit(new double[features], 0);

    /// <summary>"coef" w [D] and "intercept" b [1], float64; empty before <c>Fit</c>.</summary>
    public override IReadOnlyList<(string Name, Tensor Tensor)> FittedState() => coef is null ? [] : [("coef", coef), ("intercept", intercept!)];

    /// <summary>x̄ [D], ȳ and the centred copies: with the data centred the intercept drops out of the fit (and out of
    /// any penalty), and b = ȳ − x̄·w afterwards.</summary>
    private protected static (double[] XMean, double YMean, double[,] Xc, double[] Yc) Centre(double[,] x, double[] y)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        var xm = Linalg.Mean(x, Enumerable.Range(0, n).ToArray());
        double ym = y.Average();
        var xc = new double[n, d];
        var yc = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) xc[i, j] = x[i, j] - xm[j];
            yc[i] = y[i] - ym;
        }
        return (xm, ym, xc, yc);
    }

    private protected static double InterceptOf(double[] xMean, double yMean, double[] w)
    {
        double b = yMean;
        for (int j = 0; j < w.Length; j++) b -= xMean[j] * w[j];
        return b;
    }
}

/// <summary>
/// Ordinary least squares, min ‖X·w + b − y‖², like scikit-learn's <c>LinearRegression</c>.
/// </summary>
/// <remarks>
/// <see cref="LinearSolver.Qr"/> (default) centres X and y and solves the least-squares problem by Householder QR with
/// column pivoting in float64. A rank-deficient X (a constant or duplicated feature; every category of a one-hot
/// column, which sums to the intercept's constant; fewer rows than features) has many least-squares solutions: the
/// fit falls back to the one of least norm, as scikit-learn's lstsq does, and <see cref="Rank"/> says so.
/// <see cref="LinearSolver.GradientDescent"/> minimises L = (1/2N)·‖X·w + b − y‖² by
/// w ← w − η·∂L/∂w, b ← b − η·∂L/∂b with ∂L/∂w = Xᵀ(ŷ − y)/N, ∂L/∂b = mean(ŷ − y), on features standardised
/// internally (the optimum is the same; only the conditioning changes, so one learning rate suits any units),
/// until ‖∇L‖ ≤ <c>tolerance</c>; it converges to the QR solution.
/// <code>
/// var ols = new LinearRegression();
/// ols.Fit(x, y);            // x double[N, D], y double[N]
/// double r2 = ols.Score(xTest, yTest);
/// </code>
/// </remarks>
public sealed class LinearRegression : LinearModel
{
    /// <param name="solver">QR (default) or gradient descent.</param>
    /// <param name="learningRate">Gradient descent's step η on standardised features (default 0.1).</param>
    /// <param name="maxIterations">Gradient descent's step limit (default 100,000); reaching it is an error.</param>
    /// <param name="tolerance">Gradient descent stops when ‖∇L‖₂ ≤ this (default 1e-10).</param>
    public LinearRegression(LinearSolver solver = LinearSolver.Qr, double learningRate = 0.1, int maxIterations = 100_000, double tolerance = 1e-10)
    {
        if (!Enum.IsDefined(solver)) throw new ArgumentOutOfRangeException(nameof(solver), solver, "LinearRegression: unknown solver");
        if (!(learningRate > 0 && double.IsFinite(learningRate))) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "LinearRegression: learningRate must be positive");
        if (maxIterations < 1) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "LinearRegression: maxIterations must be positive");
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "LinearRegression: tolerance must be positive");
        (Solver, LearningRate, MaxIterations, Tolerance) = (solver, learningRate, maxIterations, tolerance);
    }

    /// <summary>How <c>Fit</c> solves for w (default <see cref="LinearSolver.Qr"/>).</summary>
    public LinearSolver Solver { get; }
    /// <summary>Gradient descent's step η on standardised features, finite and &gt; 0 (default 0.1); unused by QR.</summary>
    public double LearningRate { get; }
    /// <summary>Gradient descent's step limit, ≥ 1 (default 100,000); reaching it throws <see cref="ArithmeticException"/>. Unused by QR.</summary>
    public int MaxIterations { get; }
    /// <summary>Gradient descent stops when ‖∇L‖₂ ≤ this, &gt; 0 (default 1e-10). Unused by QR.</summary>
    public double Tolerance { get; }

    /// <summary>Gradient descent's step count in the last fit (0 for QR).</summary>
    public int Iterations { get; private set; }

    /// <summary>The numerical rank of the centred X in the last QR fit (scikit-learn's <c>rank_</c>); below
    /// <see cref="ClassicalModel.Features"/> the coefficients are the minimum-norm solution. −1 for gradient descent.</summary>
    public int Rank { get; private set; } = -1;

    /// <summary>Centres X and y, finds w by QR (the minimum-norm solution when X is rank-deficient; sets <see cref="Rank"/>)
    /// or by gradient descent (sets <see cref="Iterations"/>), then b = ȳ − x̄·w.</summary>
    /// <exception cref="RankDeficientException">Gradient descent: a feature is constant.</exception>
    /// <exception cref="ArithmeticException">Gradient descent diverged, or did not reach <see cref="Tolerance"/> in <see cref="MaxIterations"/> steps.</exception>
    protected override void FitCore(double[,] x, double[] y)
    {
        var (xm, ym, xc, yc) = Centre(x, y);
        double[] w;
        if (Solver == LinearSolver.Qr) { w = Linalg.LeastSquares(xc, yc, out int rank); Rank = rank; }
        else { w = Descend(xc, yc); Rank = -1; }
        SetFit(w, InterceptOf(xm, ym, w));
    }

    /// <summary>Gradient descent on centred data (so b = ȳ − x̄·w at the end is the descent's b at its optimum), each
    /// feature divided by its standard deviation s: with z = x/s, w = v/s.</summary>
    double[] Descend(double[,] xc, double[] yc)
    {
        int n = xc.GetLength(0), d = xc.GetLength(1);
        var s = new double[d];
        for (int j = 0; j < d; j++)
        {
            double ss = 0;
            for (int i = 0; i < n; i++) ss += xc[i, j] * xc[i, j];
            s[j] = Math.Sqrt(ss / n);
            if (s[j] == 0) throw new RankDeficientException($"{Who}: feature {j} is constant, so its coefficient is not determined; drop it", d - 1, d);
        }
        var v = new double[d];
        var residual = new double[n];
        var grad = new double[d];
        for (int step = 1; step <= MaxIterations; step++)
        {
            for (int i = 0; i < n; i++)
            {
                double p = 0;
                for (int j = 0; j < d; j++) p += xc[i, j] / s[j] * v[j];
                residual[i] = p - yc[i];  // ŷ − y
            }
            double norm = 0;
            for (int j = 0; j < d; j++)
            {
                double g = 0;
                for (int i = 0; i < n; i++) g += xc[i, j] / s[j] * residual[i];
                grad[j] = g / n;  // ∂L/∂v = Zᵀ(ŷ − y)/N
                norm += grad[j] * grad[j];
            }
            norm = Math.Sqrt(norm);
            if (!double.IsFinite(norm)) throw new ArithmeticException($"{Who}: gradient descent diverged at step {step} (learning rate {Fmt(LearningRate)}); lower it");
            Iterations = step;
            if (norm <= Tolerance) return v.Select((vj, j) => vj / s[j]).ToArray();
            for (int j = 0; j < d; j++) v[j] -= LearningRate * grad[j];
        }
        throw new ArithmeticException($"{Who}: gradient descent did not reach ‖∇L‖ ≤ {Fmt(Tolerance)} in {MaxIterations} steps; raise maxIterations or the learning rate, " +
                                      "or a rank-deficient X has no unique solution");
    }

    /// <inheritdoc/>
    public override string ToString() => Solver == LinearSolver.Qr ? "LinearRegression()" : $"LinearRegression(solver=GradientDescent, lr={Fmt(LearningRate)}, tol={Fmt(Tolerance)})";
}

/// <summary>
/// Ridge regression: min ‖X·w + b − y‖² + α·‖w‖², the intercept not penalised (scikit-learn's <c>Ridge</c>): X and y
/// are centred, then (X̃ᵀX̃ + αI)·w = X̃ᵀỹ is solved by Cholesky, and b = ȳ − x̄·w.
/// </summary>
/// <remarks>α > 0 makes the system positive definite whatever X is; α = 0 is ordinary least squares through the
/// normal equations, and a singular X̃ᵀX̃ is then a <see cref="RankDeficientException"/>.</remarks>
public sealed class Ridge : LinearModel
{
    /// <param name="alpha">The penalty α ≥ 0 (default 1, as scikit-learn).</param>
    public Ridge(double alpha = 1.0)
    {
        if (!(alpha >= 0 && double.IsFinite(alpha))) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Ridge: alpha must be a finite number ≥ 0");
        Alpha = alpha;
    }

    /// <summary>The L2 penalty α on w, finite and ≥ 0 (scikit-learn's <c>alpha</c>; default 1).</summary>
    public double Alpha { get; }

    /// <summary>Centres X and y, solves (X̃ᵀX̃ + αI)·w = X̃ᵀỹ by Cholesky, then b = ȳ − x̄·w.</summary>
    /// <exception cref="RankDeficientException">X̃ᵀX̃ + αI is singular (α = 0 with a constant or collinear feature).</exception>
    protected override void FitCore(double[,] x, double[] y)
    {
        var (xm, ym, xc, yc) = Centre(x, y);
        int n = xc.GetLength(0), d = xc.GetLength(1);
        var gram = new double[d, d];
        Linalg.AddScatter(xc, Enumerable.Range(0, n).ToArray(), new double[d], gram);
        for (int j = 0; j < d; j++) gram[j, j] += Alpha;
        var rhs = new double[d];
        for (int j = 0; j < d; j++)
            for (int i = 0; i < n; i++) rhs[j] += xc[i, j] * yc[i];
        var l = Linalg.Cholesky(gram) ?? throw new RankDeficientException(
            $"{Who}(alpha={Fmt(Alpha)}): X̃ᵀX̃ + αI [{d}, {d}] is singular (X [{n}, {d}] is rank-deficient: a constant or collinear feature); use alpha > 0", d - 1, d);
        var w = Linalg.CholeskySolve(l, rhs);
        SetFit(w, InterceptOf(xm, ym, w));
    }

    /// <inheritdoc/>
    public override string ToString() => $"Ridge(alpha={Fmt(Alpha)})";
}
