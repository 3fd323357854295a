using Neurite.Data.Vision;
using Neurite.Nn;
using Neurite.Training;

namespace Neurite.Tests.Vision;

public class EnsembleTtaTests
{
    static Linear LinearWith(double[] weight, double[] bias)
    {
        var l = new Linear(weight.Length / bias.Length, bias.Length);
        l.Weight.CopyFrom(Tensor.FromArray(Array.ConvertAll(weight, v => (float)v), bias.Length, weight.Length / bias.Length));
        l.Bias!.CopyFrom(Tensor.FromArray(Array.ConvertAll(bias, v => (float)v)));
        return l;
    }

    static double[] Softmax(double[] z)
    {
        double m = z.Max();
        var e = z.Select(v => Math.Exp(v - m)).ToArray();
        double s = e.Sum();
        return [.. e.Select(v => v / s)];
    }

    // z = W·x + b for W [k, d] row-major.
    static double[] Affine(double[] w, double[] b, double[] x) =>
        [.. Enumerable.Range(0, b.Length).Select(k => b[k] + Enumerable.Range(0, x.Length).Sum(j => w[k * x.Length + j] * x[j]))];

    [Fact]
    public void EnsembleAveragesSoftmaxProbabilities()
    {
        double[] w1 = [1, 0, -1, 2, 0.5, 0.5], b1 = [0, 1, -1];
        double[] w2 = [-2, 1, 0, 0, 1, 3], b2 = [0.5, 0, 0];
        var ensemble = new Ensemble(LinearWith(w1, b1), LinearWith(w2, b2));
        double[][] xs = [[1, 2], [-0.5, 3]];
        var x = Tensor.FromArray(xs.SelectMany(r => r).Select(v => (float)v).ToArray(), 2, 2);
        var p = ensemble.Predict(x);
        Assert.Equal([2, 3], p.Shape.ToArray());
        Assert.Null(p.GradFn);                          // no graph recorded
        Assert.True(ensemble.IsTraining);               // mode restored
        for (int n = 0; n < 2; n++)
        {
            var p1 = Softmax(Affine(w1, b1, xs[n]));
            var p2 = Softmax(Affine(w2, b2, xs[n]));
            for (int k = 0; k < 3; k++) Assert.Equal((p1[k] + p2[k]) / 2, p[n, k], 1e-6);
        }
        Assert.Equal(2 * 3 + 3 + 6 + 3, ensemble.ParameterCount());
        Assert.Throws<ArgumentException>(() => new Ensemble());
        Assert.Throws<ShapeException>(() => new Ensemble(new Linear(2, 3), new Linear(2, 4)).Predict(x));
    }

    [Fact]
    public void EnsembleOfOneIsTheModelsSoftmax()
    {
        var model = new Linear(3, 4, generator: new Generator(2));
        var x = Tensor.Randn([5, 3], new Generator(3));
        var expected = model.Forward(x).Softmax(-1).ToFloatArray();
        var actual = new Ensemble(model).Predict(x).ToFloatArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 6);
    }

    // Hand-built views of one 1×2×2 image [a b; c d] padded by 1: the centre and four corner windows,
    // each followed by its mirror.
    static double[][] ExpectedViews(double[] img)
    {
        double At(int y, int x) => y is >= 0 and < 2 && x is >= 0 and < 2 ? img[y * 2 + x] : 0;
        var views = new List<double[]>();
        foreach (var (top, left) in new[] { (1, 1), (0, 0), (0, 2), (2, 0), (2, 2) })
        {
            double[] v = [At(top - 1, left - 1), At(top - 1, left), At(top, left - 1), At(top, left)];
            views.Add(v);
            views.Add([v[1], v[0], v[3], v[2]]);
        }
        return [.. views];
    }

    [Fact]
    public void ViewsAreCentreCornersAndMirrors()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 1, 1, 2, 2);
        var views = TestTimeAugmentation.Views(x, new TtaOptions(CropPadding: 1));
        var expected = ExpectedViews([1, 2, 3, 4]);
        Assert.Equal(10, views.Count);
        for (int v = 0; v < 10; v++) Assert.Equal(expected[v].Select(d => (float)d).ToArray(), views[v].ToFloatArray());
        Assert.Equal(2, TestTimeAugmentation.Views(x).Count);
        Assert.Single(TestTimeAugmentation.Views(x, new TtaOptions(HorizontalFlip: false)));
        Assert.Throws<ArgumentOutOfRangeException>(() => TestTimeAugmentation.Views(x, new TtaOptions(CropPadding: -1)));
    }

    [Fact]
    public void PredictAveragesProbabilitiesOverTheViews()
    {
        double[] w = [1, -1, 0.5, 2, -1, 0, 1, 1], b = [0.1, -0.2];
        var model = new Sequential(new Flatten(), LinearWith(w, b));
        double[][] images = [[1, 2, 3, 4], [0.5, -1, 0, 2]];
        var x = Tensor.FromArray(images.SelectMany(r => r).Select(v => (float)v).ToArray(), 2, 1, 2, 2);
        var p = TestTimeAugmentation.Predict(model, x, new TtaOptions(CropPadding: 1));
        for (int n = 0; n < 2; n++)
        {
            var views = ExpectedViews(images[n]);
            for (int k = 0; k < 2; k++)
                Assert.Equal(views.Average(v => Softmax(Affine(w, b, v))[k]), p[n, k], 1e-6);
        }

        // A model that sees only the centre pixel sum is flip-invariant: flips change nothing.
        var symmetric = new Sequential(new Flatten(), LinearWith([1, 1, 1, 1, -1, -1, -1, -1], [0, 0]));
        var plain = symmetric.Forward(x).Softmax(-1).ToFloatArray();
        var tta = TestTimeAugmentation.Predict(symmetric, x).ToFloatArray();
        for (int i = 0; i < plain.Length; i++) Assert.Equal(plain[i], tta[i], 6);
    }
}
