using Neurite.Nn;
using Neurite.Optim;
using static Neurite.Tests.Nn.Approx;

namespace Neurite.Tests.Nn;

public class InitTests
{
    static (double mean, double std, double maxAbs) Stats(Tensor t)
    {
        var v = t.ToDoubleArray();
        double mean = v.Average();
        double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
        return (mean, std, v.Max(Math.Abs));
    }

    [Fact]
    public void XavierUniformBoundAndVariance()
    {
        // fan_in = 300, fan_out = 200: a = √(6/500); U(−a, a) has std a/√3
        var w = Tensor.Zeros(200, 300);
        Init.XavierUniform().Fill(w, new Generator(1));
        double a = Math.Sqrt(6.0 / 500);
        var (mean, std, maxAbs) = Stats(w);
        Assert.True(maxAbs <= a, $"max |w| {maxAbs} exceeds the bound {a}");
        Assert.True(maxAbs > 0.999 * a, $"max |w| {maxAbs} far below the bound {a}");
        Assert.InRange(mean, -0.002, 0.002);
        Assert.InRange(std / (a / Math.Sqrt(3)), 0.99, 1.01);
    }

    [Fact]
    public void XavierNormalStd()
    {
        // N(0, gain²·2/(fan_in + fan_out)), gain 2
        var w = Tensor.Zeros(100, 400);
        Init.XavierNormal(gain: 2).Fill(w, new Generator(2));
        Assert.InRange(Stats(w).std / (2 * Math.Sqrt(2.0 / 500)), 0.985, 1.015);
    }

    [Fact]
    public void HeNormalStd()
    {
        // N(0, 2/fan_in), fan_in = 512 → std = 1/16
        var w = Tensor.Zeros(256, 512);
        Init.HeNormal().Fill(w, new Generator(3));
        var (mean, std, _) = Stats(w);
        Assert.InRange(mean, -0.001, 0.001);
        Assert.InRange(std / Math.Sqrt(2.0 / 512), 0.99, 1.01);
    }

    [Fact]
    public void HeUniformBound()
    {
        // b = √(6/fan_in); conv-shaped weight [8, 4, 3, 3]: fan_in = 4·9 = 36
        var w = Tensor.Zeros(8, 4, 3, 3);
        Init.HeUniform().Fill(w, new Generator(4));
        double b = Math.Sqrt(6.0 / 36);
        Assert.All(w.ToDoubleArray(), v => Assert.InRange(v, -b, b));
        Assert.True(Stats(w).maxAbs > 0.95 * b);
    }

    [Fact]
    public void LeCunUniformAndSmallNormal()
    {
        var w = Tensor.Zeros(64, 100);
        Init.LeCunUniform.Fill(w, new Generator(5));
        Assert.All(w.ToDoubleArray(), v => Assert.InRange(v, -0.1, 0.1));
        Init.SmallNormal().Fill(w, new Generator(6));
        Assert.InRange(Stats(w).std, 0.0095, 0.0105);
    }

    static double[,] Gram(Tensor w, bool columns)
    {
        int r = w.Shape[0], c = w.Shape[1];
        var v = w.ToDoubleArray();
        int n = columns ? c : r, len = columns ? r : c;
        var g = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < len; k++)
                    g[i, j] += columns ? v[k * c + i] * v[k * c + j] : v[i * c + k] * v[j * c + k];
        return g;
    }

    [Theory]
    [InlineData(6, 4, true)]    // tall: WᵀW = I
    [InlineData(4, 6, false)]   // wide: WWᵀ = I
    [InlineData(5, 5, true)]
    public void OrthogonalGivesOrthonormalColumnsOrRows(int rows, int cols, bool columns)
    {
        var w = Tensor.Zeros([rows, cols], DType.Float64);
        Init.Orthogonal().Fill(w, new Generator(7));
        var g = Gram(w, columns);
        for (int i = 0; i < g.GetLength(0); i++)
            for (int j = 0; j < g.GetLength(0); j++)
                Assert.Equal(i == j ? 1 : 0, g[i, j], 10);
    }

    [Fact]
    public void OrthogonalGainScales()
    {
        var w = Tensor.Zeros([3, 3], DType.Float64);
        Init.Orthogonal(gain: 2).Fill(w, new Generator(8));
        Assert.Equal(4, Gram(w, true)[1, 1], 10);
        Assert.Throws<ArgumentException>(() => Init.Orthogonal().Fill(Tensor.Zeros(3), new Generator(1)));
    }

    [Fact]
    public void ZerosAndConstant()
    {
        var w = Tensor.Ones(3, 2);
        Init.Zeros.Fill(w, new Generator(1));
        Assert.All(w.ToDoubleArray(), v => Assert.Equal(0, v));
        Init.Constant(0.5).Fill(w, new Generator(1));
        Assert.All(w.ToDoubleArray(), v => Assert.Equal(0.5, v));
    }

    [Fact]
    public void InitDoesNotRecordAGraph()
    {
        var layer = new Linear(3, 3, init: Init.HeNormal(), generator: new Generator(1));
        Assert.True(layer.Weight.IsLeaf);
        Assert.True(layer.Weight.RequiresGrad);
        // with an explicit initialiser the bias starts at zero
        Assert.All(layer.Bias!.ToDoubleArray(), v => Assert.Equal(0, v));
    }

    /// <summary>Trains a 2-4-1 tanh MLP on a small regression problem and returns the hidden layer's weight rows.</summary>
    static double[][] TrainHidden(Init init)
    {
        var g = new Generator(11);
        var hidden = new Linear(2, 4, init: init, generator: g);
        var model = new Sequential(hidden, new Tanh(), new Linear(4, 1, init: init, generator: g));
        var x = Tensor.Randn([16, 2], new Generator(12));
        // y = x₀ − 2x₁² : not linear, so the units would profit from being different
        var xv = x.ToDoubleArray();
        var y = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)(xv[2 * i] - 2 * xv[2 * i + 1] * xv[2 * i + 1])).ToArray(), 16, 1);
        var opt = new Sgd(model.Parameters(), learningRate: 0.05);
        for (int step = 0; step < 100; step++)
        {
            opt.ZeroGrad();
            new MSELoss().Forward(model.Forward(x), y).Backward();
            opt.Step();
        }
        var w = hidden.Weight.ToDoubleArray();
        return Enumerable.Range(0, 4).Select(r => w[(r * 2)..(r * 2 + 2)]).ToArray();
    }

    [Fact]
    public void EqualInitKeepsHiddenUnitsIdentical()
    {
        // Symmetry (seed 003): all units compute the same function, get the same gradient, and stay equal.
        var rows = TrainHidden(Init.Constant(0.3));
        Assert.NotEqual(0.3, rows[0][0]);  // it did train
        foreach (var row in rows) Assert.Equal(rows[0], row);
    }

    [Fact]
    public void ZeroInitKeepsHiddenUnitsIdentical()
    {
        // With all-zero weights the hidden layer gets no gradient at all: tanh(0)·0 everywhere.
        var rows = TrainHidden(Init.Zeros);
        foreach (var row in rows) Assert.Equal(rows[0], row);
    }

    [Fact]
    public void RandomInitBreaksTheSymmetry()
    {
        var rows = TrainHidden(Init.XavierUniform());
        for (int i = 0; i < rows.Length; i++)
            for (int j = i + 1; j < rows.Length; j++)
                Assert.NotEqual(rows[i], rows[j]);
    }
}
