using Neurite.Training;
using static Neurite.Tests.Nn.Approx;

namespace Neurite.Tests.Training;

public class MetricsTests
{
    // predictions (argmax) [1, 0, 2, 0] against labels [1, 0, 1, 2]
    static readonly Tensor Scores = F([0.1f, 0.9f, 0, 0.8f, 0.1f, 0.1f, 0.2f, 0.3f, 0.5f, 0.6f, 0.3f, 0.1f], 4, 3);
    static readonly Tensor Labels = Tensor.FromArray(new long[] { 1, 0, 1, 2 });

    [Fact]
    public void AccuracyAndTopK()
    {
        Assert.Equal(0.5, Metrics.Accuracy(Scores, Labels));
        // top-2: row 2 has label 1 in second place (hit), row 3 has label 2 last (miss)
        Assert.Equal(0.75, Metrics.TopK(Scores, Labels, 2));
        Assert.Equal(1.0, Metrics.TopK(Scores, Labels, 3));
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.TopK(Scores, Labels, 4)).ParamName);
        Assert.Throws<ShapeException>(() => Metrics.Accuracy(Scores, Tensor.FromArray(new long[] { 1, 0 })));
    }

    [Fact]
    public void ConfusionMatrixAndPrecisionRecallF1()
    {
        // [true, predicted]: (1,1) (0,0) (1,2) (2,0)
        var m = Metrics.ConfusionMatrix(Scores, Labels);
        Assert.Equal(new long[,] { { 1, 0, 0 }, { 0, 1, 1 }, { 1, 0, 0 } }, m);
        var (p, r, f) = Metrics.PrecisionRecallF1(m);
        // class 0: P = 1/2, R = 1/1, F1 = 2·½·1/1.5 = ⅔; class 1: P = 1, R = ½, F1 = ⅔; class 2: 0, 0, 0
        Equal([0.5, 1, 0], p, 1e-15);
        Equal([1, 0.5, 0], r, 1e-15);
        Equal([2.0 / 3, 2.0 / 3, 0], f, 1e-15);
    }

    [Fact]
    public void RegressionMetrics()
    {
        // e = [0, −1, −2]: MSE 5/3, MAE 1; ȳ = 3, SS_tot = 8, SS_res = 5 → R² = 1 − 5/8
        var pred = F([1, 2, 3]);
        var target = F([1, 3, 5]);
        Assert.Equal(5.0 / 3, Metrics.MeanSquaredError(pred, target), 12);
        Assert.Equal(1, Metrics.MeanAbsoluteError(pred, target), 12);
        Assert.Equal(0.375, Metrics.R2(pred, target), 12);
        Assert.Equal(1, Metrics.R2(target, target), 12);
        Assert.Throws<ShapeException>(() => Metrics.MeanSquaredError(F([1, 2]), target));
    }
}
