using Neurite.Classical;
using Neurite.Serialization;
using static Neurite.Tests.Classical.SklearnFixtures;

namespace Neurite.Tests.Classical;

/// <summary>Classical models go through the one model file like any network: saved, checked against the layer table, rebuilt.</summary>
public class ClassicalModelFileTests
{
    public static TheoryData<string> Models() =>
        ["LinearRegression", "Ridge", "LogisticRegression", "LinearDiscriminantAnalysis", "QuadraticDiscriminantAnalysis", "GaussianNB", "BernoulliNB", "MultinomialNB"];

    static ClassicalModel Fitted(string name)
    {
        if (name is "LinearRegression" or "Ridge")
        {
            var (rx, ry) = Regression();
            Regressor r = name == "Ridge" ? new Ridge(2.5) : new LinearRegression();
            r.Fit(rx, ry);
            return r;
        }
        var (x, y) = Classification("iris");
        Classifier c = name switch
        {
            "LogisticRegression" => new LogisticRegression(c: 0.5),
            "LinearDiscriminantAnalysis" => new LinearDiscriminantAnalysis(),
            "QuadraticDiscriminantAnalysis" => new QuadraticDiscriminantAnalysis(0.2),
            "GaussianNB" => new GaussianNB(1e-3),
            "BernoulliNB" => new BernoulliNB(0.5, binarize: 2.5),
            _ => new MultinomialNB(0.25),
        };
        c.Fit(x, y.Select(v => v + 1).ToArray());  // labels 1..3: the class values must survive the file too
        return c;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void SaveAndReadGiveTheSameModel(string name)
    {
        var model = Fitted(name);
        string dir = Path.Combine(Path.GetTempPath(), "neurite-classical-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string file = ModelFile.Save(new ClassicalModule(model), Path.Combine(dir, "model"), new ModelInfo { Task = model is Regressor ? "regression" : "classification" });
            var loaded = ModelFile.Read(file);
            Assert.Equal(name, LayerConfigs.ToJson(loaded.Architecture).Split('"')[3]);  // {"type": "NAME", …}
            var back = Assert.IsType<ClassicalModule>(loaded.Model).Model;
            Assert.IsType(model.GetType(), back);
            Assert.Equal(model.ToString(), back.ToString());
            Assert.Equal(model.Features, back.Features);
            foreach (var ((n1, t1), (n2, t2)) in model.FittedState().Zip(back.FittedState()))
            {
                Assert.Equal(n1, n2);
                Assert.Equal(t1.DType, t2.DType);
                Assert.Equal(t1.ToDoubleArray(), t2.ToDoubleArray());  // bit for bit: float64 in the file
            }
            var (x, _) = model is Regressor ? (Regression().X, 0) : (Classification("iris").X, 0);
            var input = Tensor.FromArray(x).To(DType.Float32);
            var output = loaded.Model.Forward(input);
            Assert.Equal(DType.Float32, output.DType);
            if (model is Classifier c)
            {
                var b = (Classifier)back;
                Assert.Equal(c.Classes, b.Classes);
                Assert.Equal(c.Predict(x), b.Predict(x));
                Assert.Equal(Flat(c.PredictProba(x)), Flat(b.PredictProba(x)));
                // the module's output is log-probabilities: softmax gives PredictProba, for `neurite predict`
                var viaModule = output.Softmax(-1).ToDoubleArray();
                var xf = ToMatrix(input);
                var direct = Flat(c.PredictProba(xf));
                for (int i = 0; i < direct.Length; i++) Assert.Equal(direct[i], viaModule[i], 1e-5);
            }
            else
            {
                var r = (Regressor)model;
                Assert.Equal(r.Predict(x), ((Regressor)back).Predict(x));
                Assert.Equal([x.GetLength(0), 1], output.Shape.ToArray());
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void AnArchitectureThatDoesNotMatchTheFittedTensorsIsRefusedBeforeBuilding()
    {
        var model = Fitted("LogisticRegression");
        string dir = Path.Combine(Path.GetTempPath(), "neurite-classical-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            // the same tensors declared as a 4-class model: coef [4, 4] is not the file's [3, 4]
            string file = ModelFile.Save(new ClassicalModule(model), Path.Combine(dir, "m"), null, new LogisticRegressionConfig(4, 4, 0.5));
            var e = Assert.Throws<ModelFormatException>(() => ModelFile.Read(file));
            Assert.Contains("'classes'", e.Message);
            file = ModelFile.Save(new ClassicalModule(model), Path.Combine(dir, "n"), null, new LogisticRegressionConfig(4, 1, 0.5));
            Assert.Contains("classes must be at least 2", Assert.Throws<ModelFormatException>(() => ModelFile.Read(file)).Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
        Assert.Throws<InvalidOperationException>(() => new ClassicalModule(new GaussianNB()));
        Assert.Throws<ShapeException>(() => new ClassicalModule(model).Forward(Tensor.Zeros(2, 3)));
    }
}
