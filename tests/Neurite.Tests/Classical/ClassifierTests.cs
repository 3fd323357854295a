using Neurite.Classical;
using static Neurite.Tests.Classical.SklearnFixtures;

namespace Neurite.Tests.Classical;

public class ClassifierTests
{
    static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    [Fact]
    public void BinaryLogisticRegressionSolvesItsOptimalityCondition()
    {
        // x = (−1, 1), y = (0, 1), C = 1: by symmetry b = 0 and f(w) = 2·log(1 + e^−w) + ½w², so the optimum has
        // f'(w) = −2σ(−w) + w = 0, i.e. w = 2σ(−w) (w ≈ 0.6749)
        var logreg = new LogisticRegression(c: 1);
        logreg.Fit(new double[,] { { -1 }, { 1 } }, [0L, 1L]);
        double w = logreg.Coef[0, 0];
        Assert.True(logreg.Converged);
        Assert.Equal(2 * Sigmoid(-w), w, 10);
        Assert.Equal(0, logreg.Intercept[0], 10);
        Assert.InRange(w, 0.67, 0.68);
        var p = logreg.PredictProba(new double[,] { { 1 } });
        Assert.Equal(Sigmoid(w), p[0, 1], 12);
        Assert.Equal(1 - Sigmoid(w), p[0, 0], 12);
        // weaker regularisation, larger weight: C = 100 → w = 200σ(−w) (w ≈ 3.914); the residual is the gradient
        var loose = new LogisticRegression(c: 100);
        loose.Fit(new double[,] { { -1 }, { 1 } }, [0L, 1L]);
        Assert.Equal(200 * Sigmoid(-loose.Coef[0, 0]), loose.Coef[0, 0], 1e-7);
        Assert.InRange(loose.Coef[0, 0], 3.91, 3.92);
    }

    [Fact]
    public void MultinomialLogisticRegressionKeepsInterceptsSummingToZeroAndWeightsBalanced()
    {
        var (x, y) = Classification("iris");
        var logreg = new LogisticRegression(c: 1);
        logreg.Fit(x, y);
        Assert.True(logreg.Converged, $"max|∇f| {logreg.GradientNorm}");
        Assert.InRange(logreg.Iterations, 3, 30);  // Newton: a handful of steps, not thousands
        Assert.Equal(0, logreg.Intercept.Sum(), 9);
        // at the optimum of C·loss + ½‖W‖², Σₖ wₖ = 0 (adding a vector to every class changes the loss not at all)
        for (int j = 0; j < 4; j++) Assert.Equal(0, Enumerable.Range(0, 3).Sum(k => logreg.Coef[k, j]), 9);
        Assert.True(logreg.Score(x, y) > 0.95);
    }

    [Fact]
    public void LdaLogOddsAreAffineInXAndQdaLogOddsAreNot()
    {
        var (x, y) = Classification("iris");
        var lda = new LinearDiscriminantAnalysis();
        lda.Fit(x, y);
        var qda = new QuadraticDiscriminantAnalysis();
        qda.Fit(x, y);
        var g = new Generator(13);
        var points = Tensor.Normal([3, 4], 5, 2, g, DType.Float64).ToDoubleArray();
        double[] u = points[0..4], v = points[4..8], o = points[8..12];
        double LogOdds(Classifier m, double[] at, int a, int b)
        {
            var lp = m.PredictLogProba(new double[,] { { at[0], at[1], at[2], at[3] } });
            return lp[0, a] - lp[0, b];
        }
        double[] Mix(double s, double[] p, double t, double[] q) => p.Zip(q, (pi, qi) => s * pi + t * qi).ToArray();
        foreach (var (a, b) in new[] { (0, 1), (1, 2), (0, 2) })
        {
            // an affine f has f(s·u + (1 − s)·v) = s·f(u) + (1 − s)·f(v) for any s, even outside [0, 1]
            foreach (double s in new[] { 0.3, -1.5, 2.0 })
            {
                double mixed = LogOdds(lda, Mix(s, u, 1 - s, v), a, b), line = s * LogOdds(lda, u, a, b) + (1 - s) * LogOdds(lda, v, a, b);
                Assert.Equal(line, mixed, 1e-8 * Math.Max(1, Math.Abs(line)));
            }
            // and its slope is wₐ − w_b = Σ⁻¹(μₐ − μ_b)
            double along = LogOdds(lda, Mix(1, o, 1, [1, 0, 0, 0]), a, b) - LogOdds(lda, o, a, b);
            Assert.Equal(lda.Coef[a, 0] - lda.Coef[b, 0], along, 1e-8);
        }
        double curvature = LogOdds(qda, Mix(0.5, u, 0.5, v), 1, 2) - 0.5 * (LogOdds(qda, u, 1, 2) + LogOdds(qda, v, 1, 2));
        Assert.True(Math.Abs(curvature) > 1e-3, $"QDA's log-odds should be quadratic, midpoint gap {curvature}");
    }

    [Fact]
    public void QdaRefusesASingularClassCovarianceAndRegParamFixesIt()
    {
        // feature 1 is constant (0) in class 0: Σ₀ is singular
        double[,] x = { { 0, 0 }, { 1, 0 }, { 2, 0 }, { 3, 1 }, { 4, 3 }, { 5, 2 } };
        long[] y = [0, 0, 0, 1, 1, 1];
        var e = Assert.Throws<RankDeficientException>(() => new QuadraticDiscriminantAnalysis().Fit(x, y));
        Assert.Contains("class index 0", e.Message);
        Assert.Contains("reg_param", e.Message);
        var qda = new QuadraticDiscriminantAnalysis(regParam: 0.5);
        qda.Fit(x, y);
        // (1 − r)·Σ₀ + r·I with Σ₀ = [[1, 0], [0, 0]] (unbiased): [[1, 0], [0, 0.5]]
        var cov = qda.Covariances!.ToDoubleArray();
        Assert.Equal([1.0, 0, 0, 0.5], cov[0..4]);
        Assert.Equal([0L, 1L], qda.Predict(new double[,] { { 1, 0 }, { 4, 2 } }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuadraticDiscriminantAnalysis(regParam: 1.5));
    }

    [Fact]
    public void LdaGivesAConstantFeatureZeroWeightAndRefusesCollinearOnes()
    {
        // feature 2 is 0 everywhere: lstsq's minimum-norm answer is weight 0 there, and so is Neurite's
        double[,] x = { { 0, 1, 0 }, { 1, 0, 0 }, { 1, 2, 0 }, { 3, 4, 0 }, { 4, 3, 0 }, { 5, 5, 0 } };
        long[] y = [0, 0, 0, 1, 1, 1];
        var lda = new LinearDiscriminantAnalysis();
        lda.Fit(x, y);
        Assert.Equal(0, lda.Coef[0, 2]);
        Assert.True(lda.Coef[0, 0] != 0 && lda.Coef[0, 1] != 0);
        var collinear = new double[6, 3];
        for (int i = 0; i < 6; i++) (collinear[i, 0], collinear[i, 1], collinear[i, 2]) = (x[i, 0], x[i, 1], x[i, 0] + x[i, 1]);
        Assert.Throws<RankDeficientException>(() => new LinearDiscriminantAnalysis().Fit(collinear, y));
    }

    [Fact]
    public void GaussianNaiveBayesByHand()
    {
        // class 0: x ∈ {0, 2} → θ = 1, σ² = 1; class 1: x ∈ {4, 6} → θ = 5, σ² = 1; equal priors.
        // log-odds(1 : 0) at x = −½(x − 5)² + ½(x − 1)² = 4x − 12: 0 at x = 3, −8 at x = 1
        var nb = new GaussianNB(varSmoothing: 0);
        nb.Fit(new double[,] { { 0 }, { 2 }, { 4 }, { 6 } }, [0L, 0, 1, 1]);
        Assert.Equal([1.0, 5.0], Flat(nb.Theta));
        Assert.Equal([1.0, 1.0], Flat(nb.Var));
        var p = nb.PredictProba(new double[,] { { 3 }, { 1 } });
        Assert.Equal(0.5, p[0, 1], 12);
        Assert.Equal(Sigmoid(-8), p[1, 1], 12);
        // var_smoothing adds ε = s·max Var(x) (here Var = 5) to every variance
        var smooth = new GaussianNB(varSmoothing: 0.1);
        smooth.Fit(new double[,] { { 0 }, { 2 }, { 4 }, { 6 } }, [0L, 0, 1, 1]);
        Assert.Equal(1.5, smooth.Var[0, 0], 12);
    }

    [Fact]
    public void BernoulliNaiveBayesByHand()
    {
        // class 0 rows (1, 0), (1, 1); class 1 rows (0, 1), (0, 0); α = 1: p₀ = (3/4, 2/4), p₁ = (1/4, 2/4).
        // x = (1, 0): P(0) ∝ ½·¾·½, P(1) ∝ ½·¼·½ → P(0 | x) = ¾. Counts 3 and −2 binarise (threshold 0) to 1 and 0.
        var nb = new BernoulliNB(alpha: 1);
        nb.Fit(new double[,] { { 3, -2 }, { 1, 1 }, { 0, 7 }, { -1, 0 } }, [0L, 0, 1, 1]);
        Assert.Equal(Math.Log(0.75), nb.FeatureLogProb[0, 0], 12);
        Assert.Equal(Math.Log(0.5), nb.FeatureLogProb[1, 1], 12);
        Assert.Equal(0.75, nb.PredictProba(new double[,] { { 1, 0 } })[0, 0], 12);
        var strict = new BernoulliNB(binarize: null);
        Assert.Contains("must be 0 or 1", Assert.Throws<ArgumentException>(() => strict.Fit(new double[,] { { 2 }, { 0 } }, [0L, 1])).Message);
    }

    [Fact]
    public void MultinomialNaiveBayesByHand()
    {
        // counts (3, 1) in class 0 and (1, 3) in class 1, α = 1: p₀ = (4/6, 2/6), p₁ = (2/6, 4/6); x = (1, 0) → P(0 | x) = 2/3
        var nb = new MultinomialNB(alpha: 1);
        nb.Fit(new double[,] { { 3, 1 }, { 1, 3 } }, [0L, 1]);
        Assert.Equal(Math.Log(4.0 / 6), nb.FeatureLogProb[0, 0], 12);
        Assert.Equal(2.0 / 3, nb.PredictProba(new double[,] { { 1, 0 } })[0, 0], 12);
        var e = Assert.Throws<ArgumentException>(() => nb.Fit(new double[,] { { 1, -1 }, { 1, 3 } }, [0L, 1]));
        Assert.Contains("X[0, 1] is -1", e.Message);
    }

    public static TheoryData<string> AllClassifiers() => ["logreg", "lda", "qda", "gaussian-nb", "bernoulli-nb", "multinomial-nb"];

    static Classifier Make(string name) => name switch
    {
        "logreg" => new LogisticRegression(),
        "lda" => new LinearDiscriminantAnalysis(),
        "qda" => new QuadraticDiscriminantAnalysis(0.1),
        "gaussian-nb" => new GaussianNB(),
        "bernoulli-nb" => new BernoulliNB(),
        _ => new MultinomialNB(),
    };

    [Theory]
    [MemberData(nameof(AllClassifiers))]
    public void BadInputIsRefusedNamingTheShapes(string name)
    {
        var model = Make(name);
        double[,] x = { { 1, 2 }, { 2, 1 }, { 3, 4 }, { 4, 3 }, { 5, 6 }, { 6, 5 } };
        var rows = Assert.Throws<ShapeException>(() => model.Fit(x, [0L, 1, 0]));
        Assert.Contains("X is [6, 2] but y has 3 values", rows.Message);
        var nan = (double[,])x.Clone();
        nan[4, 1] = double.NaN;
        Assert.Contains("X[4, 1] is NaN", Assert.Throws<ArgumentException>(() => model.Fit(nan, [0L, 0, 0, 1, 1, 1])).Message);
        Assert.Contains("single class (7)", Assert.Throws<ArgumentException>(() => model.Fit(x, [7L, 7, 7, 7, 7, 7])).Message);
        Assert.Contains("not fitted", Assert.Throws<InvalidOperationException>(() => model.Predict(x)).Message);
        model.Fit(x, [10L, 10, 10, 20, 20, 20]);
        Assert.Equal([10L, 20L], model.Classes);
        Assert.All(model.Predict(x), c => Assert.Contains(c, new[] { 10L, 20L }));
        var width = Assert.Throws<ShapeException>(() => model.PredictProba(new double[,] { { 1, 2, 3 } }));
        Assert.Contains("fitted on 2 features, X is [1, 3]", width.Message);
        Assert.Throws<ShapeException>(() => model.Predict(Tensor.Zeros(4)));
        Assert.Throws<ArgumentException>(() => model.Fit(Tensor.FromArray(x), Tensor.FromArray(new[] { 0.0, 0, 0, 1, 1, 1 })));  // float labels
    }

    [Theory]
    [MemberData(nameof(AllClassifiers))]
    public void TensorInputsGiveTheSameModelAsArrays(string name)
    {
        var data = Neurite.Data.Datasets.Iris();
        var (x, y) = Classification("iris");
        var a = Make(name);
        a.Fit(x, y);
        var b = Make(name);
        b.Fit(data.Features, data.Labels);  // float32 features, widened exactly
        Assert.Equal(Flat(a.PredictProba(x)), b.PredictProba(data.Features).ToDoubleArray());
        Assert.Equal(DType.Int64, b.Predict(data.Features).DType);
        Assert.Equal(a.Score(x, y), b.Score(data.Features, data.Labels));
        var proba = b.PredictProba(x);
        for (int i = 0; i < 150; i++) Assert.Equal(1, Enumerable.Range(0, 3).Sum(k => proba[i, k]), 12);
    }
}
