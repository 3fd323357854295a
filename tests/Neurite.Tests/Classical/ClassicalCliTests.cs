using System.Globalization;
using Neurite.Classical;
using Neurite.Cli;
using Neurite.Cli.Commands;
using Neurite.Tests.Cli;

namespace Neurite.Tests.Classical;

/// <summary>`neurite train --model logreg|gaussian-nb|linreg|…` → one model file → `eval` and `predict` on it.</summary>
[Collection(GlobalStateCollection.Name)]
public class ClassicalCliTests
{
    static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "neurite-classical-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    static string Line(string log, string start) => log.Split('\n').Single(l => l.StartsWith(start, StringComparison.Ordinal)).Trim();

    [Fact]
    public void LogisticRegressionOnIrisTrainsSavesEvaluatesAndPredicts()
    {
        string dir = TempDir();
        try
        {
            string stem = Path.Combine(dir, "iris-logreg");
            var log = new StringWriter();
            Assert.Equal(0, TrainCommand.Run(new TrainCommand.Settings(Dataset: "iris", Model: "logreg", Output: stem, Classical: new ClassicalOptions(C: 0.5)), log));
            string text = log.ToString();
            Assert.Contains("fit: LogisticRegression(C=0.5) in ", text);
            string test = Line(text, "test:");  // "test: accuracy 96.67 % (30 samples)"
            string accuracy = test.Split("accuracy ")[1].Split(" (")[0];
            Assert.True(double.Parse(accuracy.TrimEnd(' ', '%'), CultureInfo.InvariantCulture) >= 90, text);

            // the file is the library's model: the same fit as LogisticRegression on the same rows
            var loaded = Neurite.Serialization.ModelFile.Read(stem);
            var saved = Assert.IsType<LogisticRegression>(Assert.IsType<ClassicalModule>(loaded.Model).Model);
            var testRows = loaded.Info.Split!.TestRows!;
            var fitRows = Enumerable.Range(0, 150).Except(testRows).ToArray();
            Assert.Equal(120, fitRows.Length);
            var (x, y) = SklearnFixtures.Classification("iris");
            var direct = new LogisticRegression(c: 0.5);
            direct.Fit(SklearnFixtures.Rows(x, fitRows), SklearnFixtures.Rows(y, fitRows));
            var (a, b) = (SklearnFixtures.Flat(direct.Coef), SklearnFixtures.Flat(saved.Coef));
            for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 1e-8);  // the rows' order differs, so the last bits may

            var evalLog = new StringWriter();
            Assert.Equal(0, EvalCommand.Run(stem, null, null, null, null, null, evalLog));
            Assert.Contains($"accuracy {accuracy} on 30 samples", evalLog.ToString());
            Assert.Contains("the 30 test rows of iris held out in training", evalLog.ToString());

            string csv = Path.Combine(dir, "rows.csv");
            File.WriteAllText(csv, "a,b,c,d\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
            var predictLog = new StringWriter();
            Assert.Equal(0, PredictCommand.Run(stem, csv, null, false, predictLog));
            var rows = predictLog.ToString().Trim().Split('\n');
            Assert.Equal("predicted,p_setosa,p_versicolor,p_virginica", rows[0].Trim());
            Assert.StartsWith("setosa,", rows[1]);
            Assert.StartsWith("virginica,", rows[2]);
            // the probabilities are the model's own (printed to 6 decimals)
            var p = saved.PredictProba(new double[,] { { 5.1f, 3.5f, 1.4f, 0.2f } });
            var printed = rows[1].Trim().Split(',')[1..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            for (int k = 0; k < 3; k++) Assert.Equal(p[0, k], printed[k], 1e-6);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void GaussianNaiveBayesOnACsvWithTextClassesRoundTrips()
    {
        string dir = TempDir();
        try
        {
            // Iris as a CSV whose target is a text column in the middle
            var iris = Neurite.Data.Datasets.Iris();
            var x = iris.Features.ToFloatArray();
            var y = iris.Labels.ToLongArray();
            string csv = Path.Combine(dir, "flowers.csv");
            File.WriteAllLines(csv, new[] { "sepal_length,sepal_width,species,petal_length,petal_width" }.Concat(Enumerable.Range(0, 150).Select(i =>
                string.Create(CultureInfo.InvariantCulture, $"{x[i * 4]},{x[i * 4 + 1]},{iris.ClassNames![(int)y[i]]},{x[i * 4 + 2]},{x[i * 4 + 3]}"))));
            string stem = Path.Combine(dir, "nb");
            var log = new StringWriter();
            Assert.Equal(0, TrainCommand.Run(new TrainCommand.Settings(Csv: csv, Label: "species", Model: "gaussian-nb", Output: stem, Seed: 7,
                Classical: new ClassicalOptions(VarSmoothing: 1e-6)), log));
            string accuracy = Line(log.ToString(), "test:").Split("accuracy ")[1].Split(" (")[0];
            Assert.Contains("fit: GaussianNB(var_smoothing=1E-06)", log.ToString());

            var evalLog = new StringWriter();
            Assert.Equal(0, EvalCommand.Run(stem, null, null, null, null, null, evalLog));
            Assert.Contains($"accuracy {accuracy} on 30 samples", evalLog.ToString());
            Assert.Contains("setosa", evalLog.ToString());

            string rows = Path.Combine(dir, "rows.csv");
            File.WriteAllText(rows, "petal_width,petal_length,sepal_width,sepal_length\n0.2,1.4,3.5,5.1\n2.3,5.2,3.0,6.7\n");  // by name, any order
            var predictLog = new StringWriter();
            Assert.Equal(0, PredictCommand.Run(stem, rows, null, false, predictLog));
            var lines = predictLog.ToString().Trim().Split('\n');
            Assert.Equal("predicted,p_setosa,p_versicolor,p_virginica", lines[0].Trim());
            Assert.StartsWith("setosa,1,", lines[1]);
            Assert.StartsWith("virginica,", lines[2]);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void LinearRegressionOnACsvTargetReportsTheSameR2InTrainAndEval()
    {
        string dir = TempDir();
        try
        {
            string csv = Path.Combine(SklearnFixtures.Folder(), "regression.csv");
            string stem = Path.Combine(dir, "ols");
            var log = new StringWriter();
            Assert.Equal(0, TrainCommand.Run(new TrainCommand.Settings(Csv: csv, Label: "y", Model: "linreg", Output: stem), log));
            string r2 = Line(log.ToString(), "test:").Split("R² ")[1].Split(" (")[0];
            Assert.True(double.Parse(r2, CultureInfo.InvariantCulture) > 0.95, log.ToString());
            var evalLog = new StringWriter();
            Assert.Equal(0, EvalCommand.Run(stem, null, null, null, null, null, evalLog));
            Assert.Contains($"R² {r2}", evalLog.ToString());
            var model = Assert.IsType<LinearRegression>(Assert.IsType<ClassicalModule>(Neurite.Serialization.ModelFile.Read(stem).Model).Model);
            Assert.Equal(1.5, model.Coef[0], 0.2);  // y = 3 + 1.5·x₀ − 2·x₁ + 0.5·x₂ + noise
            Assert.Equal(-2.0, model.Coef[1], 0.2);

            string rows = Path.Combine(dir, "rows.csv");
            File.WriteAllText(rows, "x0,x1,x2,x3\n0,0,0,0\n1,0,0,0\n");
            var predictLog = new StringWriter();
            Assert.Equal(0, PredictCommand.Run(stem, rows, null, false, predictLog));
            var lines = predictLog.ToString().Trim().Split('\n');
            Assert.Equal("output", lines[0].Trim());
            double b = double.Parse(lines[1], CultureInfo.InvariantCulture), b1 = double.Parse(lines[2], CultureInfo.InvariantCulture);
            Assert.Equal(model.Intercept, b, 1e-5);
            Assert.Equal(model.Coef[0], b1 - b, 1e-5);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void SeedFoursPokemonRegressionWithTheSpeciesOneHot()
    {
        // cp_after from cp, hp and the species (text, one-hot): the species columns sum to the intercept's, which
        // linreg resolves by the minimum-norm solution, as scikit-learn
        string dir = TempDir();
        try
        {
            string csv = Path.Combine(dir, "pokemon.csv");
            File.WriteAllText(csv, Neurite.Data.Datasets.PokemonCp(400, seed: 1));
            var log = new StringWriter();
            Assert.Equal(0, TrainCommand.Run(new TrainCommand.Settings(Csv: csv, Label: "cp_after", Model: "linreg", Output: Path.Combine(dir, "cp")), log));
            double r2 = double.Parse(Line(log.ToString(), "test:").Split("R² ")[1].Split(" (")[0], CultureInfo.InvariantCulture);
            Assert.True(r2 > 0.95, log.ToString());
            var model = Assert.IsType<LinearRegression>(Assert.IsType<ClassicalModule>(Neurite.Serialization.ModelFile.Read(Path.Combine(dir, "cp")).Model).Model);
            Assert.Equal(7, model.Features);  // cp, species=… ×5, hp
            Assert.Equal(0, model.Coef.Skip(1).Take(5).Sum(), 1e-6);  // the minimum-norm species weights sum to 0
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void AnOptionTheModelDoesNotTakeIsAUsageErrorNamingTheValidOnes()
    {
        var e = Assert.Throws<UsageException>(() => TrainCommand.Run(new TrainCommand.Settings(Dataset: "iris", Model: "gaussian-nb", Classical: new ClassicalOptions(C: 2)), TextWriter.Null));
        Assert.Equal("--C does not apply to --model gaussian-nb; gaussian-nb takes --var-smoothing", e.Message);
        e = Assert.Throws<UsageException>(() => TrainCommand.Run(new TrainCommand.Settings(Dataset: "iris", Model: "lda", Classical: new ClassicalOptions(Alpha: 1)), TextWriter.Null));
        Assert.Contains("lda takes no model options", e.Message);
        e = Assert.Throws<UsageException>(() => TrainCommand.Run(new TrainCommand.Settings(Dataset: "iris", Model: "mlp:8", Classical: new ClassicalOptions(RegParam: 0.1)), TextWriter.Null));
        Assert.Contains("--reg-param applies to the classical models", e.Message);
        e = Assert.Throws<UsageException>(() => TrainCommand.Run(new TrainCommand.Settings(Dataset: "iris", Model: "logreg", Classical: new ClassicalOptions(C: -1)), TextWriter.Null));
        Assert.Contains("C must be a positive number", e.Message);
        e = Assert.Throws<UsageException>(() => TrainCommand.Run(new TrainCommand.Settings(Dataset: "iris", Model: "linreg"), TextWriter.Null));
        Assert.Contains("linreg is a regressor", e.Message);
        e = Assert.Throws<UsageException>(() => TrainCommand.Run(new TrainCommand.Settings(Dataset: "iris", Model: "qda", Regression: true), TextWriter.Null));
        Assert.Contains("qda is a classifier", e.Message);
        e = Assert.Throws<UsageException>(() => TrainCommand.Run(new TrainCommand.Settings(Dataset: "iris", Model: "svm"), TextWriter.Null));
        Assert.Contains("logreg", e.Message);  // the list of valid models names the classical ones
        var info = new StringWriter();
        InfoCommand.Run(info);
        Assert.Contains("classical:   linreg, ridge (--alpha), logreg (--C), lda, qda (--reg-param)", info.ToString());
    }

    [Fact]
    public void TheRealCommandLineExitsTwoForAMisappliedOption()
    {
        var (code, _, err) = CliProcess.Run("train", "--dataset", "iris", "--model", "ridge", "--binarize", "0.5");
        Assert.Equal(2, code);
        Assert.Contains("--binarize does not apply to --model ridge; ridge takes --alpha", err);
        (code, var output, err) = CliProcess.Run("train", "--dataset", "digits", "--model", "multinomial-nb", "--alpha", "0.5");
        Assert.True(code == 0, err);
        Assert.Contains("fit: MultinomialNB(alpha=0.5)", output);
        Assert.Contains("test: accuracy ", output);
    }
}
