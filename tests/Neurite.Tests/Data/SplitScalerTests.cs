using Neurite.Data;

namespace Neurite.Tests.Data;

public class SplitScalerTests
{
    // 200 samples, classes 0/1/2 in proportion 50% / 30% / 20%; feature = sample index.
    static TensorDataset Imbalanced()
    {
        int n = 200;
        var x = new float[n];
        var y = new long[n];
        for (int i = 0; i < n; i++) { x[i] = i; y[i] = i < 100 ? 0 : i < 160 ? 1 : 2; }
        return new TensorDataset(Tensor.FromArray(x, n, 1), Tensor.FromArray(y, n), ["a", "b", "c"]);
    }

    static long[] Ids(TensorDataset d) => d.Features.ToFloatArray().Select(v => (long)v).ToArray();

    [Fact]
    public void Stratified_split_preserves_class_proportions_exactly()
    {
        var s = Split.TrainDevTest(Imbalanced(), (0.6, 0.2, 0.2), seed: 3, stratified: true);
        Assert.Equal([60, 36, 24], s.Train.ClassCounts());   // 0.6 × (100, 60, 40)
        Assert.Equal([20, 12, 8], s.Dev.ClassCounts());
        Assert.Equal([20, 12, 8], s.Test.ClassCounts());
        Assert.Equal(["a", "b", "c"], s.Test.ClassNames!);
    }

    [Fact]
    public void Split_parts_are_disjoint_and_cover_everything()
    {
        foreach (bool stratified in new[] { false, true })
        {
            var s = Split.TrainDevTest(Imbalanced(), (0.7, 0.15, 0.15), seed: 9, stratified);
            Assert.Equal(140, s.Train.Count);
            Assert.Equal(30, s.Dev.Count);
            Assert.Equal(30, s.Test.Count);
            var all = Ids(s.Train).Concat(Ids(s.Dev)).Concat(Ids(s.Test)).Order();
            Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), all);
            // Labels travel with their features.
            var (x, y) = s.Dev;
            var xs = x.ToFloatArray(); var ys = y.ToLongArray();
            for (int i = 0; i < ys.Length; i++) Assert.Equal(xs[i] < 100 ? 0 : xs[i] < 160 ? 1 : 2, ys[i]);
        }
    }

    [Fact]
    public void Split_is_seeded()
    {
        var a = Split.TrainDevTest(Imbalanced(), (0.5, 0.25, 0.25), seed: 5);
        var b = Split.TrainDevTest(Imbalanced(), (0.5, 0.25, 0.25), seed: 5);
        var c = Split.TrainDevTest(Imbalanced(), (0.5, 0.25, 0.25), seed: 6);
        Assert.Equal(Ids(a.Test), Ids(b.Test));
        Assert.NotEqual(Ids(a.Test), Ids(c.Test));
    }

    [Fact]
    public void TrainTest_and_bad_fractions()
    {
        var (train, test) = Split.TrainTest(Imbalanced(), 0.25, seed: 1, stratified: true);
        Assert.Equal([75, 45, 30], train.ClassCounts());
        Assert.Equal([25, 15, 10], test.ClassCounts());
        var e = Assert.Throws<ArgumentException>(() => Split.TrainDevTest(Imbalanced(), (0.6, 0.2, 0.3)));
        Assert.Contains("sum to 1", e.Message);
        Assert.Throws<ArgumentException>(() => Split.TrainDevTest(Imbalanced(), (1.2, -0.2, 0)));
        var regression = Datasets.NoisyCurve(10);
        Assert.Throws<InvalidOperationException>(() => Split.TrainDevTest(regression, (0.5, 0.25, 0.25), stratified: true));
    }

    [Fact]
    public void StandardScaler_uses_train_statistics_on_test()
    {
        // Feature 0: train 1, 3 → μ = 2, σ = 1. Feature 1 constant 5 → σ = 0, left unscaled (only centred).
        var train = Tensor.FromArray(new float[] { 1, 5, 3, 5 }, 2, 2);
        var test = Tensor.FromArray(new float[] { 4, 7, 0, 5 }, 2, 2);
        var scaler = new StandardScaler();
        Assert.Throws<InvalidOperationException>(() => scaler.Transform(test));
        scaler.Fit(train);
        Assert.Equal([2.0, 5.0], scaler.Mean.ToArray());
        Assert.Equal([1.0, 1.0], scaler.Std.ToArray());
        Assert.Equal([-1f, 0f, 1f, 0f], scaler.Transform(train).ToFloatArray());
        // Test rows use train's μ, σ: (4 − 2)/1 = 2, (7 − 5)/1 = 2; (0 − 2) = −2, 0.
        Assert.Equal([2f, 2f, -2f, 0f], scaler.Transform(test).ToFloatArray());
        Assert.Equal(test.ToFloatArray(), scaler.InverseTransform(scaler.Transform(test)).ToFloatArray());
    }

    [Fact]
    public void StandardScaler_makes_train_features_zero_mean_unit_std()
    {
        var split = Split.TrainDevTest(Datasets.Iris(), (0.6, 0.2, 0.2), seed: 0, stratified: true);
        var scaler = new StandardScaler().Fit(split.Train);
        var z = scaler.Transform(split.Train).Features.ToDoubleArray();
        for (int j = 0; j < 4; j++)
        {
            var col = Enumerable.Range(0, 90).Select(i => z[i * 4 + j]).ToArray();
            double mean = col.Average();
            Assert.Equal(0, mean, 1e-5);
            Assert.Equal(1, Math.Sqrt(col.Select(v => (v - mean) * (v - mean)).Average()), 1e-5);
        }
        // The test part transformed with train statistics is not exactly standardised.
        var zt = scaler.Transform(split.Test).Features.ToDoubleArray();
        Assert.NotEqual(0, Enumerable.Range(0, 30).Select(i => zt[i * 4]).Average(), 1e-3);
        Assert.Throws<ShapeException>(() => scaler.Transform(Tensor.Zeros(3, 5)));
    }

    [Fact]
    public void MinMaxScaler_maps_train_range_onto_target()
    {
        var train = Tensor.FromArray(new float[] { 2, 7, 4, 7, 6, 7 }, 3, 2);
        var scaler = new MinMaxScaler(-1, 1);
        Assert.Equal([-1f, -1f, 0f, -1f, 1f, -1f], scaler.FitTransform(train).ToFloatArray());
        // Outside the training range stays outside the target range.
        Assert.Equal([3f, -1f], scaler.Transform(Tensor.FromArray(new float[] { 10, 7 }, 1, 2)).ToFloatArray());
        Assert.Throws<ArgumentException>(() => new MinMaxScaler(1, 1));
    }
}
