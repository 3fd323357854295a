namespace Neurite.Classical;

/// <summary>
/// Naive Bayes: the features are independent given the class (seed 004), so log P(k | x) = log πₖ + Σⱼ log P(xⱼ | k) −
/// log Z. The classifiers differ in P(xⱼ | k). Priors are the training class frequencies (scikit-learn's
/// <c>fit_prior=True</c>).
/// </summary>
public abstract class NaiveBayes : Classifier
{
    /// <summary>log P(k) + Σⱼ log P(xⱼ | k), [N, K], before normalisation.</summary>
    private protected abstract double[,] JointLogLikelihood(double[,] x);

    /// <summary>The joint log-likelihood normalised over the classes: log P(k | x) = jllₖ − log Σₖ' exp jllₖ', [N, K].</summary>
    protected sealed override double[,] LogProbaCore(double[,] x) => LogNormalise(JointLogLikelihood(x));

    /// <summary>Row counts per class, in class-index order.</summary>
    private protected static double[] Counts(int[] y, int classCount)
    {
        var counts = new double[classCount];
        foreach (int k in y) counts[k]++;
        return counts;
    }

    /// <summary>scikit-learn 1.2 (force_alpha=False) raises a smoothing α below 1e-10 to 1e-10, so log 0 never appears.</summary>
    private protected static double CheckAlpha(double alpha, string who) =>
        alpha >= 0 && double.IsFinite(alpha) ? Math.Max(alpha, 1e-10) : throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"{who}: alpha must be a finite number ≥ 0");
}

/// <summary>
/// Gaussian naive Bayes: xⱼ | k ~ N(θₖⱼ, σ²ₖⱼ), the maximum-likelihood mean and variance of each feature in each class,
/// every variance raised by ε = <see cref="VarSmoothing"/> · max_j Var(xⱼ) (over all training rows) so that a feature
/// constant within a class does not give a zero variance (scikit-learn's <c>var_smoothing</c>, default 1e-9).
/// </summary>
public sealed class GaussianNB : NaiveBayes
{
    Tensor? theta, variance, classPrior;

    /// <param name="varSmoothing">The fraction ε / max_j Var(xⱼ) added to every variance, finite and ≥ 0 (default 1e-9).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="varSmoothing"/> is negative or not finite.</exception>
    public GaussianNB(double varSmoothing = 1e-9)
    {
        if (!(varSmoothing >= 0 && double.IsFinite(varSmoothing))) throw new ArgumentOutOfRangeException(nameof(varSmoothing), varSmoothing, "GaussianNB: var_smoothing must be a finite number ≥ 0");
        VarSmoothing = varSmoothing;
    }

    /// <summary>The variance smoothing: ε = this · max_j Var(xⱼ) is added to every class variance (<c>var_smoothing</c>; default 1e-9).</summary>
    public double VarSmoothing { get; }

    /// <summary>Class means θ [K, D] (<c>theta_</c>).</summary>
    public double[,] Theta => theta is null ? new double[0, 0] : Rows(theta);

    /// <summary>Smoothed class variances σ² [K, D] (<c>var_</c>).</summary>
    public double[,] Var => variance is null ? new double[0, 0] : Rows(variance);

    /// <summary>The class priors πₖ [K], the training frequencies (<c>class_prior_</c>); empty before <c>Fit</c>.</summary>
    public double[] ClassPrior => classPrior?.ToDoubleArray() ?? [];

    /// <summary>Per-class feature means θ and variances σ² + ε, and the class frequencies.</summary>
    /// <exception cref="ArgumentException">A variance is 0 after smoothing (every feature constant, so ε = 0).</exception>
    protected override void FitCore(double[,] x, int[] y, int classCount)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        var all = Linalg.Mean(x, Enumerable.Range(0, n).ToArray());
        double maxVar = 0;
        for (int j = 0; j < d; j++)
        {
            double v = 0;
            for (int i = 0; i < n; i++) v += (x[i, j] - all[j]) * (x[i, j] - all[j]);
            maxVar = Math.Max(maxVar, v / n);
        }
        double epsilon = VarSmoothing * maxVar;
        var groups = LinearDiscriminantAnalysis.Groups(y, classCount);
        var th = new double[classCount, d];
        var va = new double[classCount, d];
        for (int k = 0; k < classCount; k++)
        {
            var m = Linalg.Mean(x, groups[k]);
            for (int j = 0; j < d; j++)
            {
                double v = 0;
                foreach (int i in groups[k]) v += (x[i, j] - m[j]) * (x[i, j] - m[j]);
                (th[k, j], va[k, j]) = (m[j], v / groups[k].Count + epsilon);
                if (!(va[k, j] > 0))
                    throw new ArgumentException($"{Who}(var_smoothing={Fmt(VarSmoothing)}): feature {j} has zero variance in class index {k} and every feature is constant, so ε = 0; use var_smoothing > 0 on non-constant data");
            }
        }
        (theta, variance, classPrior) = (Of(th), Of(va), Of(Counts(y, classCount).Select(c => c / n).ToArray()));
    }

    private protected override double[,] JointLogLikelihood(double[,] x)
    {
        var th = Theta;
        var va = Var;
        var prior = ClassPrior;
        int n = x.GetLength(0), d = x.GetLength(1), classCount = prior.Length;
        var jll = new double[n, classCount];
        for (int k = 0; k < classCount; k++)
        {
            double constant = Math.Log(prior[k]);
            for (int j = 0; j < d; j++) constant -= 0.5 * Math.Log(2 * Math.PI * va[k, j]);
            for (int i = 0; i < n; i++)
            {
                double q = 0;
                for (int j = 0; j < d; j++) q += (x[i, j] - th[k, j]) * (x[i, j] - th[k, j]) / va[k, j];
                jll[i, k] = constant - 0.5 * q;
            }
        }
        return jll;
    }

    private protected override void AllocateCore(int features, int classCount) =>
        (theta, variance, classPrior) = (Of(new double[classCount, features]), Tensor.Full([classCount, features], 1, DType.Float64), Of(new double[classCount]));

    private protected override IEnumerable<(string Name, Tensor Tensor)> FittedTensors() => [("theta", theta!), ("var", variance!), ("class_prior", classPrior!)];

    /// <inheritdoc/>
    public override string ToString() => $"GaussianNB(var_smoothing={Fmt(VarSmoothing)})";
}

/// <summary>
/// Bernoulli naive Bayes for binary features: x is first binarised (xⱼ &gt; <see cref="Binarize"/> → 1, else 0; null:
/// X must already be 0/1), then xⱼ | k ~ Bernoulli(pₖⱼ) with the smoothed estimate
/// pₖⱼ = (count of xⱼ = 1 in k + α) / (nₖ + 2α). log P(x | k) = Σⱼ xⱼ log pₖⱼ + (1 − xⱼ) log(1 − pₖⱼ): absent features count too.
/// </summary>
public sealed class BernoulliNB : NaiveBayes
{
    Tensor? featureLogProb, classLogPrior;

    /// <param name="alpha">Additive (Laplace) smoothing α (default 1).</param>
    /// <param name="binarize">The threshold; null when the data are already binary (default 0, as scikit-learn).</param>
    public BernoulliNB(double alpha = 1.0, double? binarize = 0.0)
    {
        Alpha = CheckAlpha(alpha, "BernoulliNB");
        if (binarize is { } t && !double.IsFinite(t)) throw new ArgumentOutOfRangeException(nameof(binarize), binarize, "BernoulliNB: binarize must be finite");
        Binarize = binarize;
    }

    /// <summary>The additive smoothing α (<c>alpha</c>; default 1), raised to 1e-10 when smaller.</summary>
    public double Alpha { get; }
    /// <summary>The threshold: xⱼ &gt; it counts as 1 (<c>binarize</c>; default 0). Null: X must be 0/1, else <see cref="ArgumentException"/> at fit and predict.</summary>
    public double? Binarize { get; }

    /// <summary>log pₖⱼ [K, D] (<c>feature_log_prob_</c>).</summary>
    public double[,] FeatureLogProb => featureLogProb is null ? new double[0, 0] : Rows(featureLogProb);

    /// <summary>log πₖ [K], the log training frequencies (<c>class_log_prior_</c>); empty before <c>Fit</c>.</summary>
    public double[] ClassLogPrior => classLogPrior?.ToDoubleArray() ?? [];

    double Bit(double v, int i, int j) => Binarize is { } t ? (v > t ? 1 : 0)
        : v is 0 or 1 ? v : throw new ArgumentException($"{Who}(binarize=null): X[{i}, {j}] is {v}; without a threshold the features must be 0 or 1");

    /// <summary>log pₖⱼ = log(count of xⱼ = 1 in k + α) − log(nₖ + 2α), and log πₖ.</summary>
    /// <exception cref="ArgumentException"><see cref="Binarize"/> is null and X holds a value other than 0 or 1.</exception>
    protected override void FitCore(double[,] x, int[] y, int classCount)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        var counts = Counts(y, classCount);
        var ones = new double[classCount, d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) ones[y[i], j] += Bit(x[i, j], i, j);
        var flp = new double[classCount, d];
        for (int k = 0; k < classCount; k++)
            for (int j = 0; j < d; j++) flp[k, j] = Math.Log(ones[k, j] + Alpha) - Math.Log(counts[k] + 2 * Alpha);
        (featureLogProb, classLogPrior) = (Of(flp), Of(counts.Select(c => Math.Log(c) - Math.Log(n)).ToArray()));
    }

    private protected override double[,] JointLogLikelihood(double[,] x)
    {
        var flp = FeatureLogProb;
        var prior = ClassLogPrior;
        int n = x.GetLength(0), d = x.GetLength(1), classCount = prior.Length;
        var jll = new double[n, classCount];
        for (int k = 0; k < classCount; k++)
        {
            var logOne = new double[d];
            var logZero = new double[d];
            for (int j = 0; j < d; j++) (logOne[j], logZero[j]) = (flp[k, j], Math.Log(1 - Math.Exp(flp[k, j])));
            for (int i = 0; i < n; i++)
            {
                double s = prior[k];
                for (int j = 0; j < d; j++) s += Bit(x[i, j], i, j) == 1 ? logOne[j] : logZero[j];
                jll[i, k] = s;
            }
        }
        return jll;
    }

    private protected override void AllocateCore(int features, int classCount) =>
        (featureLogProb, classLogPrior) = (Tensor.Full([classCount, features], Math.Log(0.5), DType.Float64), Of(new double[classCount]));

    private protected override IEnumerable<(string Name, Tensor Tensor)> FittedTensors() => [("feature_log_prob", featureLogProb!), ("class_log_prior", classLogPrior!)];

    /// <inheritdoc/>
    public override string ToString() => $"BernoulliNB(alpha={Fmt(Alpha)}, binarize={(Binarize is { } t ? Fmt(t) : "null")})";
}

/// <summary>
/// Multinomial naive Bayes for counts (word counts, pixel intensities): P(x | k) ∝ Πⱼ pₖⱼ^xⱼ with
/// pₖⱼ = (Σ_{i∈k} xᵢⱼ + α) / Σⱼ' (Σ_{i∈k} xᵢⱼ' + α). X must be non-negative.
/// </summary>
public sealed class MultinomialNB : NaiveBayes
{
    Tensor? featureLogProb, classLogPrior;

    /// <param name="alpha">Additive (Laplace/Lidstone) smoothing α (default 1).</param>
    public MultinomialNB(double alpha = 1.0) => Alpha = CheckAlpha(alpha, "MultinomialNB");

    /// <summary>The additive smoothing α (<c>alpha</c>; default 1), raised to 1e-10 when smaller.</summary>
    public double Alpha { get; }

    /// <summary>log pₖⱼ [K, D] (<c>feature_log_prob_</c>); each row's exp sums to 1; empty before <c>Fit</c>.</summary>
    public double[,] FeatureLogProb => featureLogProb is null ? new double[0, 0] : Rows(featureLogProb);

    /// <summary>log πₖ [K], the log training frequencies (<c>class_log_prior_</c>); empty before <c>Fit</c>.</summary>
    public double[] ClassLogPrior => classLogPrior?.ToDoubleArray() ?? [];

    /// <summary>log pₖⱼ from the per-class feature sums smoothed by α, and log πₖ.</summary>
    /// <exception cref="ArgumentException">X holds a negative value.</exception>
    protected override void FitCore(double[,] x, int[] y, int classCount)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        var fc = new double[classCount, d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
            {
                if (x[i, j] < 0) throw new ArgumentException($"{Who}.Fit: X[{i}, {j}] is {x[i, j]}; multinomial naive Bayes needs non-negative counts (use GaussianNB for real values)");
                fc[y[i], j] += x[i, j];
            }
        var flp = new double[classCount, d];
        for (int k = 0; k < classCount; k++)
        {
            double total = 0;
            for (int j = 0; j < d; j++) total += fc[k, j] + Alpha;
            for (int j = 0; j < d; j++) flp[k, j] = Math.Log(fc[k, j] + Alpha) - Math.Log(total);
        }
        (featureLogProb, classLogPrior) = (Of(flp), Of(Counts(y, classCount).Select(c => Math.Log(c) - Math.Log(n)).ToArray()));
    }

    private protected override double[,] JointLogLikelihood(double[,] x)
    {
        var flp = FeatureLogProb;
        var prior = ClassLogPrior;
        int n = x.GetLength(0), d = x.GetLength(1), classCount = prior.Length;
        var jll = new double[n, classCount];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < classCount; k++)
            {
                double s = prior[k];
                for (int j = 0; j < d; j++) s += x[i, j] * flp[k, j];
                jll[i, k] = s;
            }
        return jll;
    }

    private protected override void AllocateCore(int features, int classCount) =>
        (featureLogProb, classLogPrior) = (Tensor.Full([classCount, features], -Math.Log(features), DType.Float64), Of(new double[classCount]));

    private protected override IEnumerable<(string Name, Tensor Tensor)> FittedTensors() => [("feature_log_prob", featureLogProb!), ("class_log_prior", classLogPrior!)];

    /// <inheritdoc/>
    public override string ToString() => $"MultinomialNB(alpha={Fmt(Alpha)})";
}
