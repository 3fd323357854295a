using Neurite.Kernels;

namespace Neurite.Tests.Kernels;

/// <summary>Row/column reductions, arg-extremes and (log-)softmax against plain loops, for row lengths
/// that cover every vector tail, with NaN propagation as in PyTorch.</summary>
public class ReduceTests
{
    static readonly int[] Lengths = [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256];

    static double Naive(ReduceKind kind, ReadOnlySpan<double> row)
    {
        double acc = row[0];
        for (int i = 1; i < row.Length; i++)
        {
            double v = row[i];
            acc = kind switch
            {
                ReduceKind.Sum => acc + v,
                // NaN propagates through max/min, as in torch.max
                ReduceKind.Max => double.IsNaN(acc) || double.IsNaN(v) ? double.NaN : Math.Max(acc, v),
                _ => double.IsNaN(acc) || double.IsNaN(v) ? double.NaN : Math.Min(acc, v),
            };
        }
        return acc;
    }

    static double[] Data(int n, int seed, bool nan)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.NextDouble() * 8 - 4;
        if (nan && n > 0) v[rng.Next(n)] = double.NaN;
        return v;
    }

    [Theory]
    [InlineData("Sum", false)]
    [InlineData("Max", false)]
    [InlineData("Min", false)]
    [InlineData("Max", true)]
    [InlineData("Min", true)]
    [InlineData("Sum", true)]
    public void RowsMatchNaiveLoop(string kindName, bool withNaN)  // a name: ReduceKind is internal
    {
        var kind = Enum.Parse<ReduceKind>(kindName);
        foreach (int r in Lengths)
        {
            var x = Data(3 * r, r, withNaN);
            var d = new double[3];
            Reduce.Rows<double>(kind, x, r, d);
            var f = new float[3];
            Reduce.Rows<float>(kind, Array.ConvertAll(x, v => (float)v), r, f);
            for (int o = 0; o < 3; o++)
            {
                double e = Naive(kind, x.AsSpan(o * r, r));
                ElementwiseTestKit.AssertClose(e, d[o], 1e-12, $"{kind} row {o} of length {r}");
                ElementwiseTestKit.AssertClose(e, f[o], 1e-5, $"{kind} float row {o} of length {r}");
            }
        }
    }

    [Theory]
    [InlineData("Sum")]
    [InlineData("Max")]
    [InlineData("Min")]
    public void ColumnsMatchNaiveLoop(string kindName)
    {
        var kind = Enum.Parse<ReduceKind>(kindName);
        foreach (int w in Lengths)
            foreach (int count in new[] { 1, 2, 5 })
            {
                var x = Data(count * w, w + count, nan: kind != ReduceKind.Sum);
                var d = new double[w];
                Reduce.Columns<double>(kind, x, count, d);
                var col = new double[count];
                for (int i = 0; i < w; i++)
                {
                    for (int k = 0; k < count; k++) col[k] = x[k * w + i];
                    ElementwiseTestKit.AssertClose(Naive(kind, col), d[i], 1e-12, $"{kind} column {i} of {w}×{count}");
                }
            }
    }

    [Fact]
    public void ArgRowsTakesTheFirstExtremeAndNaNWins()
    {
        double[] x = [1, 3, 3, 0, /**/ 2, double.NaN, 5, double.NaN, /**/ -1, -1, -2, -2];
        var d = new long[3];
        Reduce.ArgRows<double>(max: true, x, 4, d);
        Assert.Equal([1L, 1L, 0L], d);
        Reduce.ArgRows<double>(max: false, x, 4, d);
        Assert.Equal([3L, 1L, 2L], d);
    }

    [Fact]
    public void SoftmaxAndLogSoftmaxRowsMatchTheFormula()
    {
        foreach (int r in Lengths)
        {
            var x = Data(2 * r, r, nan: false);
            x[0] = 500; // would overflow e^x without the max shift
            var y = new double[x.Length];
            var ly = new double[x.Length];
            Reduce.SoftmaxRows<double>(x, r, y);
            Reduce.LogSoftmaxRows<double>(x, r, ly);
            for (int o = 0; o < 2; o++)
            {
                double m = double.NegativeInfinity;
                for (int i = 0; i < r; i++) m = Math.Max(m, x[o * r + i]);
                double s = 0;
                for (int i = 0; i < r; i++) s += Math.Exp(x[o * r + i] - m);
                for (int i = 0; i < r; i++)
                {
                    double e = Math.Exp(x[o * r + i] - m) / s;
                    ElementwiseTestKit.AssertClose(e, y[o * r + i], 1e-12, $"softmax [{o},{i}] of {r}");
                    ElementwiseTestKit.AssertClose(x[o * r + i] - m - Math.Log(s), ly[o * r + i], 1e-12, $"log-softmax [{o},{i}] of {r}");
                }
            }
        }
    }
}
