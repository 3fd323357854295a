namespace Neurite.Classical;

/// <summary>
/// The probabilistic generative classifier of seed 004 with one covariance matrix shared by every class:
/// x | k ~ N(μₖ, Σ), P(k) = πₖ (the class frequencies). Then log P(k | x) = wₖ·x + bₖ + const with
/// wₖ = Σ⁻¹μₖ and bₖ = −½ μₖ·Σ⁻¹μₖ + log πₖ: the boundary between two classes is linear.
/// </summary>
/// <remarks>
/// Σ is the within-class covariance Σₖ πₖ·Σₖ with the maximum-likelihood (divide-by-nₖ) class covariances, and
/// wₖ = Σ⁻¹μₖ is solved by Cholesky: scikit-learn's <c>solver='lsqr'</c>. A feature with no variance inside any class
/// (a pixel that is always 0) makes Σ singular; its coefficient is 0, which is the minimum-norm least-squares solution
/// scikit-learn's lstsq returns. Any other singularity (collinear features) is a <see cref="RankDeficientException"/>.
/// Binary problems keep one row like scikit-learn: <see cref="Coef"/> = w₁ − w₀, <see cref="Intercept"/> = b₁ − b₀,
/// P(class 1 | x) = σ(w·x + b).
/// </remarks>
public sealed class LinearDiscriminantAnalysis : Classifier
{
    Tensor? coef, intercept, means, priors;

    /// <summary>wₖ = Σ⁻¹μₖ [K, D], or w₁ − w₀ [1, D] for two classes (scikit-learn's <c>coef_</c>); empty before <c>Fit</c>.</summary>
    public double[,] Coef => coef is null ? new double[0, 0] : Rows(coef);
    /// <summary>bₖ = −½ μₖ·Σ⁻¹μₖ + log πₖ [K], or b₁ − b₀ [1] for two classes (<c>intercept_</c>); empty before <c>Fit</c>.</summary>
    public double[] Intercept => intercept?.ToDoubleArray() ?? [];

    /// <summary>The class means μₖ [K, D].</summary>
    public double[,] Means => means is null ? new double[0, 0] : Rows(means);

    /// <summary>The class priors πₖ [K] (training frequencies).</summary>
    public double[] Priors => priors?.ToDoubleArray() ?? [];

    /// <summary>Class means and frequencies, the pooled maximum-likelihood covariance Σ, then wₖ and bₖ by Cholesky on the
    /// features with within-class variance (the others get coefficient 0).</summary>
    /// <exception cref="RankDeficientException">Σ of the non-constant features is singular (collinear features).</exception>
    protected override void FitCore(double[,] x, int[] y, int classCount)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        var groups = Groups(y, classCount);
        var mu = new double[classCount, d];
        var pi = new double[classCount];
        var sigma = new double[d, d];
        for (int k = 0; k < classCount; k++)
        {
            var m = Linalg.Mean(x, groups[k]);
            for (int j = 0; j < d; j++) mu[k, j] = m[j];
            pi[k] = groups[k].Count / (double)n;
            Linalg.AddScatter(x, groups[k], m, sigma);  // Σ πₖ·(scatterₖ / nₖ) = (Σ scatterₖ) / n
        }
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) sigma[a, b] /= n;

        // features of zero within-class variance: their rows and columns of Σ are 0, their coefficients 0
        var live = Enumerable.Range(0, d).Where(j => sigma[j, j] > 0).ToArray();
        var reduced = new double[live.Length, live.Length];
        for (int a = 0; a < live.Length; a++)
            for (int b = 0; b < live.Length; b++) reduced[a, b] = sigma[live[a], live[b]];
        var l = Linalg.Cholesky(reduced) ?? throw new RankDeficientException(
            $"{Who}: the within-class covariance of the {live.Length} non-constant features is singular (collinear features); drop the redundant ones", live.Length - 1, live.Length);
        var w = new double[classCount, d];
        var bias = new double[classCount];
        for (int k = 0; k < classCount; k++)
        {
            var solved = Linalg.CholeskySolve(l, live.Select(j => mu[k, j]).ToArray());
            double quad = 0;
            for (int a = 0; a < live.Length; a++) { w[k, live[a]] = solved[a]; quad += mu[k, live[a]] * solved[a]; }
            bias[k] = -0.5 * quad + Math.Log(pi[k]);
        }
        if (classCount == 2)
        {
            var w1 = new double[1, d];
            for (int j = 0; j < d; j++) w1[0, j] = w[1, j] - w[0, j];
            (w, bias) = (w1, [bias[1] - bias[0]]);
        }
        (coef, intercept, means, priors) = (Of(w), Of(bias), Of(mu), Of(pi));
    }

    /// <summary>The decision values X·Wᵀ + b: [N, K], or [N] as one column for two classes.</summary>
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
                if (rows == 1) { z[i, 0] = 0; z[i, 1] = s; }  // log-odds s: softmax(0, s) = (1 − σ(s), σ(s))
                else z[i, k] = s;
            }
        return LogNormalise(z);
    }

    private protected override void AllocateCore(int features, int classCount)
    {
        int rows = classCount == 2 ? 1 : classCount;
        (coef, intercept, means, priors) = (Of(new double[rows, features]), Of(new double[rows]), Of(new double[classCount, features]), Of(new double[classCount]));
    }

    private protected override IEnumerable<(string Name, Tensor Tensor)> FittedTensors() =>
        [("coef", coef!), ("intercept", intercept!), ("means", means!), ("priors", priors!)];

    /// <inheritdoc/>
    public override string ToString() => "LinearDiscriminantAnalysis()";

    internal static List<int>[] Groups(int[] y, int classCount)
    {
        var groups = Enumerable.Range(0, classCount).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < y.Length; i++) groups[y[i]].Add(i);
        return groups;
    }
}

/// <summary>
/// The generative classifier with a covariance matrix per class: x | k ~ N(μₖ, Σₖ), so the boundaries are quadratic.
/// log P(k | x) = −½(x − μₖ)ᵀΣₖ⁻¹(x − μₖ) − ½ log det Σₖ + log πₖ + const.
/// </summary>
/// <remarks>
/// Σₖ is the unbiased (nₖ − 1) class covariance shrunk towards the identity: (1 − r)·Σₖ + r·I with
/// r = <see cref="RegParam"/> in [0, 1], which is scikit-learn's <c>reg_param</c> (it scales the squared singular values
/// S² → (1 − r)S² + r) whenever every class has more rows than features. A singular Σₖ (fewer rows than features,
/// a feature constant within the class) with r = 0 is a <see cref="RankDeficientException"/> naming the class;
/// any r > 0 makes it positive definite.
/// </remarks>
public sealed class QuadraticDiscriminantAnalysis : Classifier
{
    Tensor? means, priors, covariances;

    /// <param name="regParam">Shrinkage r ∈ [0, 1] of each class covariance towards I (default 0).</param>
    public QuadraticDiscriminantAnalysis(double regParam = 0)
    {
        if (!(regParam >= 0 && regParam <= 1)) throw new ArgumentOutOfRangeException(nameof(regParam), regParam, "QuadraticDiscriminantAnalysis: reg_param must be in [0, 1]");
        RegParam = regParam;
    }

    /// <summary>Shrinkage r ∈ [0, 1] of each class covariance towards I (scikit-learn's <c>reg_param</c>; default 0).</summary>
    public double RegParam { get; }

    /// <summary>The class means μₖ [K, D] (<c>means_</c>); empty before <c>Fit</c>.</summary>
    public double[,] Means => means is null ? new double[0, 0] : Rows(means);
    /// <summary>The class priors πₖ [K], the training frequencies (<c>priors_</c>); empty before <c>Fit</c>.</summary>
    public double[] Priors => priors?.ToDoubleArray() ?? [];

    /// <summary>A copy of the regularised class covariances [K, D, D] the model uses (float64); null before <c>Fit</c>.</summary>
    public Tensor? Covariances => covariances is null ? null : Tensor.FromArray(covariances.ToDoubleArray(), covariances.Shape.ToArray());

    /// <summary>Class means, frequencies and regularised covariances (1 − r)·Σₖ + r·I, each checked by Cholesky.</summary>
    /// <exception cref="ArgumentException">A class has fewer than two rows.</exception>
    /// <exception cref="RankDeficientException">A class covariance is singular (only possible with r = 0).</exception>
    protected override void FitCore(double[,] x, int[] y, int classCount)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        var groups = LinearDiscriminantAnalysis.Groups(y, classCount);
        var mu = new double[classCount, d];
        var pi = new double[classCount];
        var cov = new double[classCount * d * d];
        for (int k = 0; k < classCount; k++)
        {
            if (groups[k].Count < 2) throw new ArgumentException($"{Who}.Fit: the class at index {k} of the sorted labels has {groups[k].Count} row; a covariance needs at least two");
            var m = Linalg.Mean(x, groups[k]);
            var s = new double[d, d];
            Linalg.AddScatter(x, groups[k], m, s);
            for (int a = 0; a < d; a++)
            {
                mu[k, a] = m[a];
                for (int b = 0; b < d; b++) cov[(k * d + a) * d + b] = (1 - RegParam) * s[a, b] / (groups[k].Count - 1) + (a == b ? RegParam : 0);
            }
            pi[k] = groups[k].Count / (double)n;
        }
        (means, priors, covariances) = (Of(mu), Of(pi), Tensor.FromArray(cov, classCount, d, d));
        Factors(out _);  // refuse a singular class covariance now, not at the first prediction
    }

    /// <summary>The Cholesky factor of every class covariance.</summary>
    double[][,] Factors(out int d)
    {
        var cov = covariances!.ToDoubleArray();
        int k = covariances.Shape[0];
        d = covariances.Shape[1];
        var factors = new double[k][,];
        for (int c = 0; c < k; c++)
        {
            var m = new double[d, d];
            Buffer.BlockCopy(cov, c * d * d * sizeof(double), m, 0, d * d * sizeof(double));
            factors[c] = Linalg.Cholesky(m) ?? throw new RankDeficientException(
                $"{Who}(reg_param={Fmt(RegParam)}): the covariance [{d}, {d}] of class index {c} is singular (a feature constant within the class, collinear features, " +
                "or fewer rows than features); use reg_param > 0", d - 1, d);
        }
        return factors;
    }

    /// <summary>[N, K]: −½(x − μₖ)ᵀΣₖ⁻¹(x − μₖ) − ½ log det Σₖ + log πₖ, normalised over the classes.</summary>
    protected override double[,] LogProbaCore(double[,] x)
    {
        var factors = Factors(out int d);
        var mu = Means;
        var pi = Priors;
        int n = x.GetLength(0), classCount = pi.Length;
        var z = new double[n, classCount];
        var diff = new double[d];
        for (int k = 0; k < classCount; k++)
        {
            double logDet = Linalg.LogDet(factors[k]);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < d; j++) diff[j] = x[i, j] - mu[k, j];
                var u = Linalg.ForwardSubstitute(factors[k], diff);  // (x − μ)ᵀΣ⁻¹(x − μ) = ‖L⁻¹(x − μ)‖²
                double q = 0;
                foreach (double v in u) q += v * v;
                z[i, k] = -0.5 * (q + logDet) + Math.Log(pi[k]);
            }
        }
        return LogNormalise(z);
    }

    private protected override void AllocateCore(int features, int classCount) =>
        (means, priors, covariances) = (Of(new double[classCount, features]), Of(new double[classCount]),
            Tensor.FromArray(Enumerable.Range(0, classCount * features * features).Select(i => i % (features * features) % (features + 1) == 0 ? 1.0 : 0).ToArray(), classCount, features, features));

    private protected override IEnumerable<(string Name, Tensor Tensor)> FittedTensors() => [("means", means!), ("priors", priors!), ("covariances", covariances!)];

    /// <inheritdoc/>
    public override string ToString() => $"QuadraticDiscriminantAnalysis(reg_param={Fmt(RegParam)})";
}
