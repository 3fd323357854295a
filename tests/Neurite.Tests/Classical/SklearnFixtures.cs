using System.Globalization;
using System.Text.Json;
using Neurite.Classical;
using Neurite.Data;

namespace Neurite.Tests.Classical;

/// <summary>The scikit-learn fits of tests/fixtures-src/classical/make_fixtures.py and the data they were made on.</summary>
static class SklearnFixtures
{
    public static string Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Neurite.Tests", "Fixtures", "classical");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/Neurite.Tests/Fixtures/classical not found above " + AppContext.BaseDirectory);
    }

    static readonly Dictionary<string, JsonElement> Cache = [];

    public static JsonElement Fixture(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var e))
                Cache[name] = e = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder(), name + ".json"))).RootElement;
            return e;
        }
    }

    /// <summary>Features as float64 [N, D] exactly as Neurite holds them (Iris is float32 widened) and labels.</summary>
    public static (double[,] X, long[] Y) Classification(string dataset)
    {
        var data = dataset switch { "iris" => Datasets.Iris(), "digits" => Datasets.Digits(), _ => throw new ArgumentException(dataset) };
        return (ToMatrix(data.Features), data.Labels.ToLongArray());
    }

    public static (double[,] X, double[] Y) Regression()
    {
        var lines = File.ReadAllLines(Path.Combine(Folder(), "regression.csv")).Skip(1).Where(l => l.Length > 0).ToArray();
        var x = new double[lines.Length, 4];
        var y = new double[lines.Length];
        for (int i = 0; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            for (int j = 0; j < 4; j++) x[i, j] = cells[j];
            y[i] = cells[4];
        }
        return (x, y);
    }

    public static double[,] ToMatrix(Tensor t)
    {
        var flat = t.ToDoubleArray();
        var m = new double[t.Shape[0], t.Shape[1]];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
        return m;
    }

    public static double[,] Rows(double[,] x, int[] rows)
    {
        var m = new double[rows.Length, x.GetLength(1)];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < x.GetLength(1); j++) m[i, j] = x[rows[i], j];
        return m;
    }

    public static T[] Rows<T>(T[] y, int[] rows) => rows.Select(i => y[i]).ToArray();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public static long[] Longs(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt64()).ToArray();

    /// <summary>A number, a vector or a matrix, flattened row by row.</summary>
    public static double[] Flat(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => [e.GetDouble()],
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Flat).ToArray(),
        _ => throw new InvalidDataException($"expected numbers, got {e.ValueKind}"),
    };

    public static double[] Flat(double[,] m) => m.Cast<double>().ToArray();

    /// <summary>The Neurite model a fixture entry describes, with the same settings.</summary>
    public static Classifier ClassifierOf(JsonElement entry)
    {
        var s = entry.GetProperty("settings");
        double Get(string key) => s.GetProperty(key).GetDouble();
        return entry.GetProperty("model").GetString() switch
        {
            "logreg" or "logreg-binary" => new LogisticRegression(c: Get("C"), tolerance: 1e-9),
            "lda" or "lda-binary" => new LinearDiscriminantAnalysis(),
            "qda" => new QuadraticDiscriminantAnalysis(Get("reg_param")),
            "gaussian-nb" => new GaussianNB(Get("var_smoothing")),
            "bernoulli-nb" => new BernoulliNB(Get("alpha"), Get("binarize")),
            "multinomial-nb" => new MultinomialNB(Get("alpha")),
            var other => throw new InvalidDataException("unknown fixture model " + other),
        };
    }

    /// <summary>A fitted attribute of scikit-learn's name, read from the Neurite model.</summary>
    public static double[] Attribute(ClassicalModel model, string name) => (model, name) switch
    {
        (LogisticRegression m, "coef_") => Flat(m.Coef),
        (LogisticRegression m, "intercept_") => m.Intercept,
        (LinearDiscriminantAnalysis m, "coef_") => Flat(m.Coef),
        (LinearDiscriminantAnalysis m, "intercept_") => m.Intercept,
        (LinearDiscriminantAnalysis m, "means_") => Flat(m.Means),
        (LinearDiscriminantAnalysis m, "priors_") => m.Priors,
        (QuadraticDiscriminantAnalysis m, "means_") => Flat(m.Means),
        (QuadraticDiscriminantAnalysis m, "priors_") => m.Priors,
        (GaussianNB m, "theta_") => Flat(m.Theta),
        (GaussianNB m, "var_") => Flat(m.Var),
        (GaussianNB m, "class_prior_") => m.ClassPrior,
        (BernoulliNB m, "feature_log_prob_") => Flat(m.FeatureLogProb),
        (BernoulliNB m, "class_log_prior_") => m.ClassLogPrior,
        (MultinomialNB m, "feature_log_prob_") => Flat(m.FeatureLogProb),
        (MultinomialNB m, "class_log_prior_") => m.ClassLogPrior,
        (LinearModel m, "coef_") => m.Coef,
        (LinearModel m, "intercept_") => [m.Intercept],
        _ => throw new InvalidDataException($"no attribute {name} on {model}"),
    };
}
