using System.Numerics.Tensors;

namespace Neurite.Classical;

/// <summary>
/// L2-regularised logistic regression, binary (one sigmoid) or multinomial (softmax over K classes), with
/// scikit-learn's convention: minimise f(W, b) = C·Σₙ −log P(yₙ | xₙ) + ½‖W‖², the intercepts b not penalised.
/// Solved by Newton's method with a backtracking (Armijo) line search until ‖∇f‖∞ ≤ <see cref="Tolerance"/>,
/// not by a fixed number of gradient steps, so the coefficients are the optimum itself.
/// </summary>
/// <remarks>
/// <para>Binary: P(class 1 | x) = σ(w·x + b); <see cref="Coef"/> [1, D], <see cref="Intercept"/> [1] (scikit-learn's
/// layout). Multinomial: P(k | x) = softmax(W·x + b)ₖ; Coef [K, D], Intercept [K].</para>
/// <para>Newton: with x̃ = (x, 1) and residuals r = p − onehot(y), ∇f = C·Σₙ r ⊗ x̃ + (W, 0) and the Hessian has blocks
/// H_kl = C·Σₙ pₖ(δₖₗ − pₗ)·x̃x̃ᵀ + δₖₗ·diag(1, …, 1, 0). The softmax is unchanged by adding a constant to every
/// intercept, so H is singular along that direction; its gradient is always 0, so Σₖ bₖ stays at its start (0, as
/// scikit-learn's L-BFGS keeps it) and adding μ·11ᵀ on the intercepts makes H positive definite without moving the
/// optimum.</para>
/// <code>
/// var logreg = new LogisticRegression(c: 1.0);
/// logreg.Fit(x, y);                         // x double[N, D], y long[N]
/// double[,] p = logreg.PredictProba(xTest); // [N, K], columns in logreg.Classes order
/// </code>
/// </remarks>
public sealed class LogisticRegression : Classifier
{
    Tensor? coef, intercept;

    /// <param name="c">Inverse regularisation strength C > 0 (default 1, as scikit-learn).</param>
    /// <param name="tolerance">Stop when the largest gradient component is at most this (default 1e-8).</param>
    /// <param name="maxIterations">Newton steps at most (default 100); see <see cref="Converged"/>.</param>
    public LogisticRegression(double c = 1.0, double tolerance = 1e-8, int maxIterations = 100)
    {
        if (!(c > 0 && double.IsFinite(c))) throw new ArgumentOutOfRangeException(nameof(c), c, "LogisticRegression: C must be a positive number");
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "LogisticRegression: tolerance must be positive");
        if (maxIterations < 1) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "LogisticRegression: maxIterations must be positive");
        (C, Tolerance, MaxIterations) = (c, tolerance, maxIterations);
    }

    /// <summary>Inverse regularisation strength C, finite and &gt; 0 (scikit-learn's <c>C</c>; default 1): larger C, weaker penalty.</summary>
    public double C { get; }
    /// <summary>The fit stops when ‖∇f‖∞ ≤ this, &gt; 0 (default 1e-8).</summary>
    public double Tolerance { get; }
    /// <summary>Newton steps at most, ≥ 1 (default 100); reaching it ends the fit with <see cref="Converged"/> false, no exception.</summary>
    public int MaxIterations { get; }

    /// <summary>Newton steps taken by the last fit.</summary>
    public int Iterations { get; private set; }

    /// <summary>Whether the last fit reached ‖∇f‖∞ ≤ <see cref="Tolerance"/> (false: the step limit, or no further decrease possible in float64).</summary>
    public bool Converged { get; private set; }

    /// <summary>‖∇f‖∞ at the end of the last fit.</summary>
    public double GradientNorm { get; private set; }

    /// <summary>Coefficients [1, D] (binary) or [K, D].</summary>
    public double[,] Coef => coef is null ? new double[0, 0] : Rows(coef);

    /// <summary>Intercepts [1] (binary) or [K].</summary>
    public double[] Intercept => intercept?.ToDoubleArray() ?? [];

    /// <summary>Newton's method with Armijo backtracking from W = 0, b = 0; sets <see cref="Coef"/>, <see cref="Intercept"/>,
    /// <see cref="Iterations"/>, <see cref="Converged"/> and <see cref="GradientNorm"/>.</summary>
    /// <exception cref="ArithmeticException">The Hessian became singular (lower C).</exception>
    protected override void FitCore(double[,] x, int[] y, int classCount)
    {
        int n = x.GetLength(0), d = x.GetLength(1), p = d + 1, rows = classCount == 2 ? 1 : classCount, size = rows * p;
        var xt = new double[n * p];  // x̃ = (x, 1), row-major
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) xt[i * p + j] = x[i, j];
            xt[i * p + d] = 1;
        }
        var problem = new Problem(xt, y, n, p, rows, C);
        var theta = new double[size];
        var g = new double[size];
        double f = problem.Evaluate(theta, g, null);
        double mu = C * n / classCount;
        Converged = false;
        Iterations = 0;
        for (int step = 0; ; step++)
        {
            GradientNorm = g.Max(Math.Abs);
            if (GradientNorm <= Tolerance) { Converged = true; break; }
            if (step == MaxIterations) break;
            var h = new double[size * size];
            problem.Evaluate(theta, null, h);
            if (rows > 1)
                for (int k = 0; k < rows; k++)
                    for (int l = 0; l < rows; l++) h[(k * p + d) * size + l * p + d] += mu;
            var hm = new double[size, size];
            Buffer.BlockCopy(h, 0, hm, 0, h.Length * sizeof(double));
            var chol = Linalg.Cholesky(hm) ?? throw new ArithmeticException($"{Who}: the Hessian became singular at Newton step {step + 1}; raise the regularisation (lower C)");
            var delta = Linalg.CholeskySolve(chol, g.Select(v => -v).ToArray());
            double slope = TensorPrimitives.Dot<double>(g, delta);
            // backtracking: halve the step until f decreases by at least 1e-4 of the predicted amount
            var trial = new double[size];
            var gTrial = new double[size];
            double t = 1, fTrial = double.PositiveInfinity;
            for (int halving = 0; halving < 60; halving++, t /= 2)
            {
                for (int i = 0; i < size; i++) trial[i] = theta[i] + t * delta[i];
                fTrial = problem.Evaluate(trial, gTrial, null);
                if (fTrial <= f + 1e-4 * t * slope) break;
            }
            Iterations = step + 1;
            if (!(fTrial < f) && !(fTrial <= f && gTrial.Max(Math.Abs) < GradientNorm)) break;  // no progress left in float64
            (theta, trial) = (trial, theta);
            (g, gTrial) = (gTrial, g);
            f = fTrial;
        }
        var w = new double[rows, d];
        var b = new double[rows];
        for (int k = 0; k < rows; k++)
        {
            for (int j = 0; j < d; j++) w[k, j] = theta[k * p + j];
            b[k] = theta[k * p + d];
        }
        (coef, intercept) = (Of(w), Of(b));
    }

    /// <summary>[N, K]: (log σ(−s), log σ(s)) with s = w·x + b for two classes, else log softmax(W·x + b).</summary>
    protected override double[,] LogProbaCore(double[,] x)
    {
        var w = Coef;
        var b = Intercept;
        int n = x.GetLength(0), d = x.GetLength(1), rows = b.Length;
        var z = new double[n, rows == 1 ? 2 : rows];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < rows; k++)
            {
                double s = b[k];
                for (int j = 0; j < d; j++) s += w[k, j] * x[i, j];
                if (rows == 1) { z[i, 0] = -Softplus(s); z[i, 1] = -Softplus(-s); }  // log σ(−s), log σ(s)
                else z[i, k] = s;
            }
        return rows == 1 ? z : LogNormalise(z);
    }

    /// <summary>log(1 + eˢ) without overflow.</summary>
    static double Softplus(double s) => Math.Max(s, 0) + Math.Log(1 + Math.Exp(-Math.Abs(s)));

    private protected override void AllocateCore(int features, int classCount)
    {
        int rows = classCount == 2 ? 1 : classCount;
        (coef, intercept) = (Of(new double[rows, features]), Of(new double[rows]));
    }

    private protected override IEnumerable<(string Name, Tensor Tensor)> FittedTensors() => [("coef", coef!), ("intercept", intercept!)];

    /// <inheritdoc/>
    public override string ToString() => $"LogisticRegression(C={Fmt(C)})";

    /// <summary>The objective over x̃ [n, p] (row-major) and class indices, θ = rows × p (each row a class's w then b).</summary>
    sealed class Problem(double[] xt, int[] y, int n, int p, int rows, double c)
    {
        readonly double[] z = new double[Math.Max(2, rows)], prob = new double[Math.Max(2, rows)];

        /// <summary>f(θ); fills the gradient and/or the Hessian [size, size] when given.</summary>
        public double Evaluate(double[] theta, double[]? grad, double[]? hess)
        {
            int size = rows * p;
            double f = 0;
            if (grad is not null) Array.Clear(grad);
            for (int i = 0; i < n; i++)
            {
                var xi = new ReadOnlySpan<double>(xt, i * p, p);
                for (int k = 0; k < rows; k++) z[k] = TensorPrimitives.Dot(new ReadOnlySpan<double>(theta, k * p, p), xi);
                if (rows == 1)
                {
                    double s = z[0];
                    f += Softplus(s) - (y[i] == 1 ? s : 0);  // −log σ(s) or −log σ(−s)
                    prob[0] = 1 / (1 + Math.Exp(-s));
                }
                else
                {
                    double lse = Linalg.LogSumExp(z.AsSpan(0, rows));
                    f += lse - z[y[i]];
                    for (int k = 0; k < rows; k++) prob[k] = Math.Exp(z[k] - lse);
                }
                if (grad is not null)
                    for (int k = 0; k < rows; k++)
                    {
                        double r = prob[k] - ((rows == 1 ? y[i] == 1 : y[i] == k) ? 1 : 0);
                        TensorPrimitives.MultiplyAdd(xi, c * r, new ReadOnlySpan<double>(grad, k * p, p), new Span<double>(grad, k * p, p));
                    }
                if (hess is not null)
                    for (int k = 0; k < rows; k++)
                        for (int l = 0; l <= k; l++)
                        {
                            double s = rows == 1 ? prob[0] * (1 - prob[0]) : prob[k] * ((k == l ? 1 : 0) - prob[l]);
                            if (s == 0) continue;
                            for (int a = 0; a < p; a++)
                            {
                                if (xi[a] == 0) continue;
                                var row = new Span<double>(hess, (k * p + a) * size + l * p, p);
                                TensorPrimitives.MultiplyAdd(xi, c * s * xi[a], row, row);
                            }
                        }
            }
            f *= c;
            double penalty = 0;
            for (int k = 0; k < rows; k++)
                for (int j = 0; j < p - 1; j++)
                {
                    double w = theta[k * p + j];
                    penalty += w * w;
                    if (grad is not null) grad[k * p + j] += w;
                }
            if (hess is not null)
            {
                for (int k = 0; k < rows; k++)
                    for (int j = 0; j < p - 1; j++) hess[(k * p + j) * size + k * p + j] += 1;
                // the loop filled blocks l ≤ k; mirror them
                for (int a = 0; a < size; a++)
                    for (int b = a + 1; b < size; b++)
                        if (b / p > a / p) hess[a * size + b] = hess[b * size + a];
            }
            return f + 0.5 * penalty;
        }
    }
}
