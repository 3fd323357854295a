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

    // rows: NaN everywhere, a NaN beside the label's score, +∞ on the label, −∞ elsewhere, and one fine row (label 2, hit)
    static readonly Tensor Poisoned = F([float.NaN, float.NaN, float.NaN,
                                         float.NaN, 5, 0,
                                         0, float.PositiveInfinity, 1,
                                         0, 1, float.NegativeInfinity,
                                         0, 1, 2], 5, 3);
    static readonly Tensor PoisonedLabels = Tensor.FromArray(new long[] { 0, 1, 1, 1, 2 });

    [Fact]
    public void NonFiniteRowsAreNeverCorrect()
    {
        // NaN compares false with everything, so the old count saw "no better class" and called every NaN row a hit
        var allNaN = F([float.NaN, float.NaN, float.NaN, float.NaN], 2, 2);
        var labels = Tensor.FromArray(new long[] { 0, 1 });
        Assert.Equal(0.0, Metrics.Accuracy(allNaN, labels));
        Assert.Equal(0.0, Metrics.TopK(allNaN, labels, 2));
        Assert.Equal(2, Metrics.InvalidRows(allNaN));
        // of the five rows only the last is finite, and it is right: 1/5 at every k
        Assert.Equal(0.2, Metrics.Accuracy(Poisoned, PoisonedLabels), 15);
        Assert.Equal(0.2, Metrics.TopK(Poisoned, PoisonedLabels, 2), 15);
        Assert.Equal(0.2, Metrics.TopK(Poisoned, PoisonedLabels, 3), 15);
        Assert.Equal(4, Metrics.InvalidRows(Poisoned));
        Assert.Equal(0, Metrics.InvalidRows(Scores));
    }

    [Fact]
    public void ConfusionMatrixLeavesOutNonFiniteRows()
    {
        // only row 4 (true 2, predicted 2) is counted; the four others are invalid, not on the diagonal
        var m = Metrics.ConfusionMatrix(Poisoned, PoisonedLabels);
        Assert.Equal(new long[,] { { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 1 } }, m);
        long counted = 0;
        foreach (var v in m) counted += v;
        Assert.Equal(5 - Metrics.InvalidRows(Poisoned), counted);
        var (p, r, _) = Metrics.PrecisionRecallF1(m);
        Equal([0, 0, 1], p, 1e-15);
        Equal([0, 0, 1], r, 1e-15);
    }

    [Fact]
    public void ClassificationMetricsRejectLabelsOutsideTheClasses()
    {
        var bad = Tensor.FromArray(new long[] { 1, 0, 3, 2 });
        Assert.Equal("labels", Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.Accuracy(Scores, bad)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.ConfusionMatrix(Scores, Tensor.FromArray(new long[] { 1, 0, -1, 2 })));
    }

    [Fact]
    public void RegressionMetricsPropagateNonFiniteValues()
    {
        var target = F([1, 3, 5]);
        Assert.True(double.IsNaN(Metrics.MeanSquaredError(F([1, float.NaN, 3]), target)));
        Assert.True(double.IsNaN(Metrics.MeanAbsoluteError(F([1, float.NaN, 3]), target)));
        Assert.True(double.IsNaN(Metrics.R2(F([1, float.NaN, 3]), target)));
        Assert.True(double.IsNaN(Metrics.R2(F([1, 2, 3]), F([1, float.NaN, 5]))));
        Assert.Equal(double.PositiveInfinity, Metrics.MeanSquaredError(F([1, float.PositiveInfinity, 3]), target));
        Assert.Equal(double.NegativeInfinity, Metrics.R2(F([1, float.PositiveInfinity, 3]), target));
        // constant targets have SS_tot = 0: R² is 0 by convention for finite predictions, but a NaN prediction
        // must not hide behind that convention
        var constant = F([2, 2, 2]);
        Assert.Equal(0, Metrics.R2(F([1, 2, 3]), constant));
        Assert.True(double.IsNaN(Metrics.R2(F([2, float.NaN, 2]), constant)));
        Assert.Equal(double.NegativeInfinity, Metrics.R2(F([2, float.NegativeInfinity, 2]), constant));
    }
}
