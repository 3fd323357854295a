using System.Text.Json;
using Neurite.Classical;
using static Neurite.Tests.Classical.SklearnFixtures;

namespace Neurite.Tests.Classical;

/// <summary>
/// Every classical model against scikit-learn 1.2.1 on the same rows (tests/fixtures-src/classical/make_fixtures.py):
/// fitted attributes and probabilities within 1e-4, predicted classes and the test accuracy exactly equal.
/// </summary>
public class SklearnParityTests
{
    const double Tolerance = 1e-4;

    public static TheoryData<string, int> ClassifierCases()
    {
        var cases = new TheoryData<string, int>();
        foreach (var dataset in new[] { "iris", "digits" })
            for (int i = 0; i < Fixture(dataset).GetProperty("models").GetArrayLength(); i++) cases.Add(dataset, i);
        return cases;
    }

    [Theory]
    [MemberData(nameof(ClassifierCases))]
    public void ClassifierMatchesScikitLearn(string dataset, int index)
    {
        var fixture = Fixture(dataset);
        var entry = fixture.GetProperty("models")[index];
        bool binary = entry.GetProperty("model").GetString()!.EndsWith("-binary", StringComparison.Ordinal);
        var train = Ints(fixture.GetProperty(binary ? "binary_train" : "train"));
        var test = Ints(fixture.GetProperty(binary ? "binary_test" : "test"));
        var (x, y) = Classification(dataset);
        var model = ClassifierOf(entry);
        model.Fit(Rows(x, train), Rows(y, train));
        string what = $"{dataset} {model}";
        if (model is LogisticRegression logreg) Assert.True(logreg.Converged, $"{what}: max|∇f| {logreg.GradientNorm} after {logreg.Iterations} Newton steps");

        foreach (var property in entry.EnumerateObject().Where(p => p.Name.EndsWith('_')))
            Close(Flat(property.Value), Attribute(model, property.Name), $"{what} {property.Name}", relative: true);

        var xTest = Rows(x, test);
        var expectedProba = Flat(entry.GetProperty("proba"));
        int shown = expectedProba.Length / model.Classes.Length;
        Close(expectedProba, Flat(model.PredictProba(Rows(xTest, Enumerable.Range(0, shown).ToArray()))), $"{what} predict_proba", relative: false);
        Assert.Equal(Longs(entry.GetProperty("predict")), model.Predict(xTest));
        Assert.Equal(entry.GetProperty("accuracy").GetDouble(), model.Score(xTest, Rows(y, test)));
    }

    public static TheoryData<int> RegressionCases()
    {
        var cases = new TheoryData<int>();
        for (int i = 0; i < Fixture("regression").GetProperty("models").GetArrayLength(); i++) cases.Add(i);
        return cases;
    }

    [Theory]
    [MemberData(nameof(RegressionCases))]
    public void RegressorMatchesScikitLearn(int index)
    {
        var fixture = Fixture("regression");
        var entry = fixture.GetProperty("models")[index];
        var (x, y) = Regression();
        bool collinear = entry.GetProperty("settings").TryGetProperty("collinear", out _);
        if (collinear)
        {
            var wide = new double[x.GetLength(0), 5];
            for (int i = 0; i < x.GetLength(0); i++)
            {
                for (int j = 0; j < 4; j++) wide[i, j] = x[i, j];
                wide[i, 4] = x[i, 0] + x[i, 1];
            }
            x = wide;
        }
        var train = Ints(fixture.GetProperty("train"));
        var test = Ints(fixture.GetProperty("test"));
        LinearModel model = entry.GetProperty("model").GetString() == "ridge" ? new Ridge(entry.GetProperty("settings").GetProperty("alpha").GetDouble()) : new LinearRegression();
        model.Fit(Rows(x, train), Rows(y, train));
        Close(Flat(entry.GetProperty("coef_")), model.Coef, $"{model} coef_", relative: true);
        Close(Flat(entry.GetProperty("intercept_")), [model.Intercept], $"{model} intercept_", relative: true);
        Close(Flat(entry.GetProperty("predict")), model.Predict(Rows(x, test)), $"{model} predict", relative: true);
        Assert.Equal(entry.GetProperty("r2").GetDouble(), model.Score(Rows(x, test), Rows(y, test)), 1e-9);
        if (collinear) Assert.Equal(entry.GetProperty("rank_").GetInt32(), ((LinearRegression)model).Rank);
    }

    /// <summary>|a − e| ≤ 1e-4 (· max(1, |e|) for coefficients, whose scale is the data's).</summary>
    internal static void Close(double[] expected, double[] actual, string what, bool relative)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = relative ? Math.Max(1, Math.Abs(expected[i])) : 1;
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * scale, $"{what}[{i}]: scikit-learn {expected[i]:R}, Neurite {actual[i]:R}");
        }
    }
}
