using Neurite.Classical;
using static Neurite.Tests.Classical.SklearnFixtures;

namespace Neurite.Tests.Classical;

public class LinearModelTests
{
    [Fact]
    public void LinearRegressionRecoversAnExactPlane()
    {
        // y = 2 + 3·x₀ − x₁ with no noise → w = (3, −1), b = 2, R² = 1
        double[,] x = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 2, 3 }, { -1, 4 } };
        double[] y = Enumerable.Range(0, 5).Select(i => 2 + 3 * x[i, 0] - x[i, 1]).ToArray();
        var ols = new LinearRegression();
        ols.Fit(x, y);
        Assert.Equal(3, ols.Coef[0], 12);
        Assert.Equal(-1, ols.Coef[1], 12);
        Assert.Equal(2, ols.Intercept, 12);
        Assert.Equal(1.0, ols.Score(x, y), 12);
        Assert.Equal(2 + 3 * 10 - 5, ols.Predict(new double[,] { { 10, 5 } })[0], 10);
    }

    [Fact]
    public void RidgeShrinksTheSlopeButNotTheIntercept()
    {
        // x = 0..3, y = 1 + 2x: centred x̃ = (−1.5, −0.5, 0.5, 1.5), Σx̃² = 5, Σx̃ỹ = 10.
        // α = 5: w = 10 / (5 + 5) = 1, b = ȳ − x̄·w = 4 − 1.5 = 2.5
        double[,] x = { { 0 }, { 1 }, { 2 }, { 3 } };
        double[] y = [1, 3, 5, 7];
        var ridge = new Ridge(alpha: 5);
        ridge.Fit(x, y);
        Assert.Equal(1.0, ridge.Coef[0], 12);
        Assert.Equal(2.5, ridge.Intercept, 12);
        // shifting y moves only the intercept (a penalised intercept would be pulled towards 0)
        ridge.Fit(x, y.Select(v => v + 100).ToArray());
        Assert.Equal(1.0, ridge.Coef[0], 12);
        Assert.Equal(102.5, ridge.Intercept, 12);
        // α = 0 is ordinary least squares
        var ols = new Ridge(alpha: 0);
        ols.Fit(x, y);
        Assert.Equal(2.0, ols.Coef[0], 12);
        Assert.Equal(1.0, ols.Intercept, 12);
    }

    [Fact]
    public void GradientDescentConvergesToTheQrSolution()
    {
        var (x, y) = Regression();
        var qr = new LinearRegression();
        qr.Fit(x, y);
        var gd = new LinearRegression(LinearSolver.GradientDescent, learningRate: 0.5);
        gd.Fit(x, y);
        Assert.InRange(gd.Iterations, 2, 100_000);
        for (int j = 0; j < qr.Coef.Length; j++) Assert.Equal(qr.Coef[j], gd.Coef[j], 8);
        Assert.Equal(qr.Intercept, gd.Intercept, 8);
        // and the generating weights (1.5, −2, 0.5, 0) with b = 3 come out within the noise (σ = 0.5, 120 rows)
        double[] truth = [1.5, -2.0, 0.5, 0.0];
        for (int j = 0; j < 4; j++) Assert.InRange(qr.Coef[j], truth[j] - 0.2, truth[j] + 0.2);
        Assert.InRange(qr.Intercept, 2.8, 3.2);
    }

    [Fact]
    public void GradientDescentWithTooLargeAStepSaysItDiverged()
    {
        var (x, y) = Regression();
        var e = Assert.Throws<ArithmeticException>(() => new LinearRegression(LinearSolver.GradientDescent, learningRate: 10).Fit(x, y));
        Assert.Contains("diverged", e.Message);
    }

    [Fact]
    public void ACollinearFeatureIsARankDeficiencyNamedByRank()
    {
        // column 2 = column 0 + column 1
        double[,] x = { { 1, 0, 1 }, { 0, 1, 1 }, { 2, 1, 3 }, { 1, 3, 4 }, { 5, 2, 7 } };
        double[] y = [1, 2, 3, 4, 5];
        var e = Assert.Throws<RankDeficientException>(() => new LinearRegression().Fit(x, y));
        Assert.Equal(2, e.Rank);
        Assert.Equal(3, e.Size);
        Assert.Contains("rank 2 < 3", e.Message);
        Assert.Contains("[5, 3]", e.Message);
        Assert.Contains("feature 2", e.Message);
        Assert.Throws<RankDeficientException>(() => new Ridge(alpha: 0).Fit(x, y));
        // fewer rows than features
        Assert.Throws<RankDeficientException>(() => new LinearRegression().Fit(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }, [1, 2]));
        // any α > 0 is well posed
        var ridge = new Ridge(alpha: 0.1);
        ridge.Fit(x, y);
        Assert.All(ridge.Coef, w => Assert.True(double.IsFinite(w)));
    }

    [Fact]
    public void RegressorsRefuseBadInputNamingTheShapes()
    {
        var ols = new LinearRegression();
        var rows = Assert.Throws<ShapeException>(() => ols.Fit(new double[3, 2], [1, 2]));
        Assert.Contains("X is [3, 2] but y has 2 values", rows.Message);
        var nan = Assert.Throws<ArgumentException>(() => ols.Fit(new double[,] { { 1 }, { double.NaN }, { 3 } }, [1, 2, 3]));
        Assert.Contains("X[1, 0] is NaN", nan.Message);
        Assert.Contains("y[2] is Infinity", Assert.Throws<ArgumentException>(() => ols.Fit(new double[,] { { 1 }, { 2 }, { 3 } }, [1, 2, double.PositiveInfinity])).Message);
        Assert.Contains("not fitted", Assert.Throws<InvalidOperationException>(() => ols.Predict(new double[1, 1])).Message);
        ols.Fit(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } }, [1, 2, 3]);
        var width = Assert.Throws<ShapeException>(() => ols.Predict(new double[,] { { 1, 2, 3 } }));
        Assert.Contains("fitted on 2 features, X is [1, 3]", width.Message);
    }

    [Fact]
    public void TensorInputsGiveTheSameFitAsArrays()
    {
        var (x, y) = Regression();
        var a = new LinearRegression();
        a.Fit(x, y);
        var b = new LinearRegression();
        b.Fit(Tensor.FromArray(x), Tensor.FromArray(y, y.Length, 1));
        Assert.Equal(a.Coef, b.Coef);
        Assert.Equal(a.Predict(x), b.Predict(Tensor.FromArray(x)).ToDoubleArray());
        Assert.Equal(a.Score(x, y), b.Score(Tensor.FromArray(x), Tensor.FromArray(y)));
    }
}
