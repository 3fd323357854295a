using static Neurite.Tests.Check;

namespace Neurite.Tests.Conv;

public class PoolTests
{
    [Fact] public void MaxPoolGrad() => Grad(x => x.MaxPool2d(2), [2, 3, 6, 6]);
    [Fact] public void MaxPoolOverlappingPaddedGrad() => Grad(x => x.MaxPool2d(3, 2, 1), [2, 2, 7, 6]);
    [Fact] public void MaxPoolNonSquareGrad() => Grad(x => x.MaxPool2d((2, 3), (1, 2)), [1, 2, 5, 7]);
    [Fact] public void AvgPoolGrad() => Grad(x => x.AvgPool2d(2), [2, 3, 6, 6]);
    [Fact] public void AvgPoolPaddedGrad() => Grad(x => x.AvgPool2d(3, 2, 1), [2, 2, 7, 6]);
    [Fact] public void AdaptiveAvgPoolGrad() => Grad(x => x.AdaptiveAvgPool2d(3, 2), [2, 2, 7, 5]);
    [Fact] public void GlobalAvgPoolGrad() => Grad(x => x.GlobalAvgPool2d(), [2, 3, 4, 5]);
    [Fact] public void ThreeDimensionalInputGrad() => Grad(x => x.MaxPool2d(2), [3, 4, 4]);

    [Fact]
    public void MaxPoolHandComputed()
    {
        // 4×4 → 2×2 windows: max of [[1,2],[5,6]] = 6, [[3,4],[7,8]] = 8, [[9,10],[13,14]] = 14, [[11,12],[15,16]] = 16
        var x = Tensor.Arange(1, 17, 1, DType.Float64).Reshape(1, 1, 4, 4).Detach().RequireGrad();
        var y = x.MaxPool2d(2);
        Close([6, 8, 14, 16], y);
        y.Sum().Backward();
        // each window's gradient lands on its maximum only
        Close([0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1], x.Grad!);
    }

    [Fact]
    public void AvgPoolCountsPadding()
    {
        // 2×2 of ones, 3×3 window with padding 1, stride 1: the corner window holds 4 ones and 5 padded zeros → 4/9
        var y = Tensor.Ones(1, 1, 2, 2).AvgPool2d(3, 1, 1);
        Close([4.0 / 9, 4.0 / 9, 4.0 / 9, 4.0 / 9], y, 1e-6);
    }

    [Fact]
    public void AdaptiveWindowsFollowPyTorch()
    {
        // H = 5 to 3 outputs: windows [0, 2), [1, 4), [3, 5) → means of (0,1), (1,2,3), (3,4)
        var x = Tensor.Arange(0, 5, 1, DType.Float64).Reshape(1, 1, 1, 5);
        Close([0.5, 2, 3.5], x.AdaptiveAvgPool2d(1, 3));
    }

    [Fact]
    public void GlobalAveragePoolIsThePlaneMean()
    {
        var x = Tensor.Arange(0, 24, 1, DType.Float64).Reshape(2, 3, 2, 2);
        Shape([2, 3], x.GlobalAvgPool2d());
        Close([1.5, 5.5, 9.5, 13.5, 17.5, 21.5], x.GlobalAvgPool2d());
    }

    [Fact]
    public void LargePoolingMatchesAcrossThreads()
    {
        var x = Tensor.Uniform([16, 16, 32, 32], -1, 1, new Generator(3));
        int saved = Neurite.Kernels.Threads.Count;
        try
        {
            Neurite.Kernels.Threads.Count = 1;
            var a = x.MaxPool2d(3, 2, 1).ToFloatArray();
            var c = x.AvgPool2d(2).ToFloatArray();
            Neurite.Kernels.Threads.Count = 2;
            Assert.Equal(a, x.MaxPool2d(3, 2, 1).ToFloatArray());
            Assert.Equal(c, x.AvgPool2d(2).ToFloatArray());
        }
        finally { Neurite.Kernels.Threads.Count = saved; }
    }

    [Fact]
    public void MaxPoolPropagatesNaN()
    {
        var x = Tensor.FromArray(new float[] { 1, float.NaN, 3, 4 }, 1, 1, 2, 2);
        Assert.True(float.IsNaN(x.MaxPool2d(2).ToFloatArray()[0]));
    }

    [Theory]
    [InlineData(2, 3, 28, 28)]  // LeNet's first pooling: 8 windows at a time, then the rest one by one
    [InlineData(1, 2, 10, 10)]
    [InlineData(1, 1, 5, 33)]   // odd sizes: the last row and column are outside every window
    [InlineData(2, 1, 4, 40)]
    [InlineData(1, 2, 6, 37)]   // 18 windows a row: blocks at 0, 8 and an overlapping one at 10
    public void Float32TwoByTwoMatchesTheDefinitionWithTiesAndNaN(int n, int c, int h, int w)
    {
        // values from a small set, so windows have ties (the first one in row-major order wins), and some NaN
        var g = new Generator((ulong)(h * 100 + w));
        var values = Tensor.RandInt(0, 5, [n * c * h * w], g).ToDoubleArray();
        var data = Array.ConvertAll(values, v => v == 4 ? float.NaN : (float)v);
        var x = Tensor.FromArray(data, n, c, h, w).RequireGrad();
        var y = x.MaxPool2d(2);
        y.Sum().Backward();
        int oh = h / 2, ow = w / 2;
        var expectY = new float[n * c * oh * ow];
        var expectDx = new float[n * c * h * w];
        for (int p = 0; p < n * c; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    int at = -1;
                    float best = float.NegativeInfinity;
                    foreach (var (di, dj) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                    {
                        int k = p * h * w + (2 * i + di) * w + 2 * j + dj;
                        if (at < 0 || data[k] > best || float.IsNaN(data[k]) && !float.IsNaN(best)) { best = data[k]; at = k; }
                    }
                    expectY[(p * oh + i) * ow + j] = best;
                    expectDx[at] += 1;
                }
        Assert.Equal(expectY, y.ToFloatArray());   // xunit compares NaN equal to NaN
        Assert.Equal(expectDx, x.Grad!.ToFloatArray());
    }
}
