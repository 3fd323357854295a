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
    public void ACollinearFeatureFallsBackToTheMinimumNormSolution()
    {
        // column 1 duplicates column 0 and y = 1 + 4·x₀: every w₀ + w₁ = 4 fits exactly; the least-norm one is (2, 2)
        double[,] x = { { 1, 1 }, { 2, 2 }, { 3, 3 }, { 5, 5 } };
        double[] y = [5, 9, 13, 21];
        var ols = new LinearRegression();
        ols.Fit(x, y);
        Assert.Equal(1, ols.Rank);
        Assert.Equal(2, ols.Coef[0], 10);
        Assert.Equal(2, ols.Coef[1], 10);
        Assert.Equal(1, ols.Intercept, 10);
        // column 2 = column 0 + column 1, with noise-free y = x₀ − x₁: among the solutions w + t·(1, 1, −1), the least
        // norm is t = 0 (w = (1, −1, 0) is orthogonal to (1, 1, −1))
        double[,] x3 = { { 1, 0, 1 }, { 0, 1, 1 }, { 2, 1, 3 }, { 1, 3, 4 }, { 5, 2, 7 } };
        var y3 = Enumerable.Range(0, 5).Select(i => x3[i, 0] - x3[i, 1]).ToArray();
        ols.Fit(x3, y3);
        Assert.Equal(2, ols.Rank);
        Assert.Equal([1.0, -1.0, 0.0], ols.Coef.Select(v => Math.Round(v, 10)));
        // fewer rows than features: an exact fit of least norm
        ols.Fit(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }, [1, 2]);
        Assert.Equal(1, ols.Rank);
        Assert.Equal([1.0, 2.0], ols.Predict(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }).Select(v => Math.Round(v, 10)));
        // the normal equations without a penalty are refused instead
        var e = Assert.Throws<RankDeficientException>(() => new Ridge(alpha: 0).Fit(x3, y3));
        Assert.Contains("singular", e.Message);
        var ridge = new Ridge(alpha: 0.1);
        ridge.Fit(x3, y3);
        Assert.All(ridge.Coef, w => Assert.True(double.IsFinite(w)));
    }

    [Fact]
    public void OneHotSpeciesBesideTheInterceptFitsLikeScikitLearn()
    {
        // seed 004's Pokémon: every species one-hot sums to 1, the intercept's column; a full-rank subproblem with
        // the minimum norm spread over the species. The fit is still exact in what it predicts.
        var table = Neurite.Data.CsvTable.Parse(new StringReader(Neurite.Data.Datasets.PokemonCp(300, seed: 4)), "pokemon");
        var all = Enumerable.Range(0, table.RowCount).ToArray();
        var schema = Neurite.Data.TabularSchema.Fit(table, all, new Neurite.Data.TabularOptions(new Neurite.Data.LabelColumn.Named("cp_after"), Neurite.Data.LabelKind.Regression));
        var data = schema.Encode(table, all);
        var ols = new LinearRegression();
        ols.Fit(data.Features, data.Labels);
        Assert.Equal(data.Features.Shape[1] - 1, ols.Rank);  // cp, hp, 5 species: rank 6 of 7
        // minimum norm: the species weights sum to 0 (a shift t·(1, …, 1) of them moves only the intercept)
        var species = schema.EncodedFeatureNames.Select((name, j) => (name, j)).Where(p => p.name.StartsWith("species=", StringComparison.Ordinal)).Select(p => p.j).ToArray();
        Assert.Equal(5, species.Length);
        Assert.Equal(0, species.Sum(j => ols.Coef[j]), 8);
        Assert.True(ols.Score(data.Features, data.Labels) > 0.9);
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
