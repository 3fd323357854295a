using Neurite.Optim;
using static Neurite.Tests.Nn.Approx;

namespace Neurite.Tests.Optim;

public class OptimizerTests
{
    // A parameter w₀ = [1, −2] with a fixed gradient g = [0.5, −1] (set directly, as Backward would).
    static readonly double[] W0 = [1, -2];
    static readonly double[] G = [0.5, -1];

    static Tensor Param() => T(W0).RequireGrad();

    static double[] Steps(Optimizer opt, Tensor w, int steps, double[]? g = null)
    {
        for (int i = 0; i < steps; i++)
        {
            w.Grad = T(g ?? G);
            opt.Step();
        }
        return w.ToDoubleArray();
    }

    static double[] Map(Func<double, double, double> f) => W0.Zip(G, f).ToArray();

    [Fact]
    public void PlainSgd()
    {
        // w ← w − ηg, η = 0.1: [1 − 0.05, −2 + 0.1] then again
        var w = Param();
        var opt = new Sgd([w], learningRate: 0.1);
        Equal([0.95, -1.9], Steps(opt, w, 1), 1e-15);
        Equal([0.9, -1.8], Steps(opt, w, 1), 1e-15);
        Assert.Equal(2, opt.StepCount);
    }

    [Fact]
    public void SgdMomentum()
    {
        // v₁ = g, v₂ = μv₁ + g = 1.9g, v₃ = 2.71g (μ = 0.9); w ← w − ηv → w₃ = w₀ − η(1 + 1.9 + 2.71)g
        var w = Param();
        var opt = new Sgd([w], learningRate: 0.1, momentum: 0.9);
        Equal(Map((w0, g) => w0 - 0.1 * g), Steps(opt, w, 1), 1e-12);
        Equal(Map((w0, g) => w0 - 0.1 * (1 + 1.9) * g), Steps(opt, w, 1), 1e-12);
        Equal(Map((w0, g) => w0 - 0.1 * (1 + 1.9 + 2.71) * g), Steps(opt, w, 1), 1e-12);
        Equal(Map((_, g) => 2.71 * g), opt.StateOf(w)["momentum_buffer"], 1e-12);
    }

    [Fact]
    public void SgdNesterov()
    {
        // w ← w − η(g + μv): step 1 v = g → w − η·1.9g; step 2 v = 1.9g → w − η(1 + 0.9·1.9)g = w − η·2.71g
        var w = Param();
        var opt = new Sgd([w], learningRate: 0.1, momentum: 0.9, nesterov: true);
        Equal(Map((w0, g) => w0 - 0.1 * 1.9 * g), Steps(opt, w, 1), 1e-12);
        Equal(Map((w0, g) => w0 - 0.1 * (1.9 + 2.71) * g), Steps(opt, w, 1), 1e-12);
    }

    [Fact]
    public void SgdWeightDecay()
    {
        // g' = g + λw, λ = 0.5, η = 0.1: w₁ = w₀ − 0.1(g + 0.5w₀) = 0.95w₀ − 0.1g
        var w = Param();
        var opt = new Sgd([w], learningRate: 0.1, weightDecay: 0.5);
        var w1 = Map((w0, g) => 0.95 * w0 - 0.1 * g);
        Equal(w1, Steps(opt, w, 1), 1e-12);
        Equal(w1.Zip(G, (w1i, g) => 0.95 * w1i - 0.1 * g).ToArray(), Steps(opt, w, 1), 1e-12);
    }

    [Fact]
    public void SgdMinimisesAQuadraticInFloat32()
    {
        // f(w) = Σ(w − 3)² → w → 3
        var w = Tensor.Zeros(3).RequireGrad();
        var opt = new Sgd([w], learningRate: 0.1, momentum: 0.5);
        for (int i = 0; i < 100; i++)
        {
            opt.ZeroGrad();
            w.Sub(Tensor.Full([3], 3)).Square().Sum().Backward();
            opt.Step();
        }
        Equal([3, 3, 3], w, 1e-4);
    }

    [Fact]
    public void AdaGrad()
    {
        // r₁ = g², w₁ = w₀ − η g/|g| = w₀ − η sign g; r₂ = 2g², w₂ = w₁ − η g/(√2|g|)
        var w = Param();
        var opt = new AdaGrad([w], learningRate: 0.1);
        Equal(Map((w0, g) => w0 - 0.1 * Math.Sign(g)), Steps(opt, w, 1), 1e-9);
        Equal(Map((w0, g) => w0 - 0.1 * Math.Sign(g) * (1 + 1 / Math.Sqrt(2))), Steps(opt, w, 1), 1e-9);
        Equal(G.Select(g => 2 * g * g).ToArray(), opt.StateOf(w)["sum"], 1e-12);
    }

    [Fact]
    public void RmsPropWithoutMomentum()
    {
        // ρ = 0.9: r₁ = 0.1g², w₁ = w₀ − η g/√(0.1g²); r₂ = 0.19g², w₂ = w₁ − η g/√(0.19g²)  (ε = 1e-8 negligible at 1e-7)
        var w = Param();
        var opt = new RmsProp([w], learningRate: 0.01, rho: 0.9);
        Equal(Map((w0, g) => w0 - 0.01 * Math.Sign(g) / Math.Sqrt(0.1)), Steps(opt, w, 1), 1e-7);
        Equal(Map((w0, g) => w0 - 0.01 * Math.Sign(g) * (1 / Math.Sqrt(0.1) + 1 / Math.Sqrt(0.19))), Steps(opt, w, 1), 1e-7);
    }

    [Fact]
    public void RmsPropWithMomentum()
    {
        // b₁ = g/√r₁ = sign g/√0.1; b₂ = μb₁ + sign g/√0.19 (μ = 0.5); w ← w − ηb
        var w = Param();
        var opt = new RmsProp([w], learningRate: 0.01, rho: 0.9, momentum: 0.5);
        double b1 = 1 / Math.Sqrt(0.1), b2 = 0.5 * b1 + 1 / Math.Sqrt(0.19);
        Equal(Map((w0, g) => w0 - 0.01 * Math.Sign(g) * b1), Steps(opt, w, 1), 1e-7);
        Equal(Map((w0, g) => w0 - 0.01 * Math.Sign(g) * (b1 + b2)), Steps(opt, w, 1), 1e-7);
        Assert.Equal(["square_avg", "momentum_buffer"], opt.StateOf(w).Keys.ToArray());
    }

    /// <summary>Adam in plain doubles, the equations of seed 002 with PyTorch's ε placement.</summary>
    static double[] AdamReference(double[] w, double[][] grads, double lr, double b1, double b2, double eps, double wd = 0, bool decoupled = false)
    {
        w = (double[])w.Clone();
        var m = new double[w.Length];
        var v = new double[w.Length];
        for (int t = 1; t <= grads.Length; t++)
            for (int i = 0; i < w.Length; i++)
            {
                double g = grads[t - 1][i];
                if (decoupled) w[i] -= lr * wd * w[i]; else g += wd * w[i];
                m[i] = b1 * m[i] + (1 - b1) * g;              // m ← β₁m + (1 − β₁)g
                v[i] = b2 * v[i] + (1 - b2) * g * g;          // v ← β₂v + (1 − β₂)g²
                double mHat = m[i] / (1 - Math.Pow(b1, t));   // bias correction
                double vHat = v[i] / (1 - Math.Pow(b2, t));
                w[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        return w;
    }

    [Fact]
    public void AdamFirstStepMovesEveryCoordinateByLrTimesSignOfG()
    {
        // t = 1: m̂ = g, v̂ = g² → step η·g/(|g| + ε) ≈ η·sign g, whatever the gradient's scale
        var w = T([1, -2, 3, 0]).RequireGrad();
        var opt = new Adam([w], learningRate: 0.01);
        w.Grad = T([1e-4, -50, 3, -0.2]);
        opt.Step();
        Equal([1 - 0.01, -2 + 0.01, 3 - 0.01, 0 + 0.01], w, 1e-6);
    }

    [Fact]
    public void AdamThreeStepsMatchTheEquations()
    {
        double[][] grads = [[0.5, -1], [0.1, 2], [-0.3, 0.4]];
        var w = Param();
        var opt = new Adam([w], learningRate: 0.1, beta1: 0.8, beta2: 0.9, eps: 1e-6);
        foreach (var g in grads) { w.Grad = T(g); opt.Step(); }
        Equal(AdamReference(W0, grads, 0.1, 0.8, 0.9, 1e-6), w, 1e-12);
        Assert.Equal(3, opt.StateOf(w)["step"].Item());
    }

    [Fact]
    public void AdamL2WeightDecayAddsToTheGradient()
    {
        double[][] grads = [[0.5, -1], [0.1, 2]];
        var w = Param();
        var opt = new Adam([w], learningRate: 0.1, weightDecay: 0.3);
        foreach (var g in grads) { w.Grad = T(g); opt.Step(); }
        Equal(AdamReference(W0, grads, 0.1, 0.9, 0.999, 1e-8, wd: 0.3), w, 1e-12);
    }

    [Fact]
    public void AdamWDecaysTheWeightsDecoupled()
    {
        // step 1: w ← w(1 − ηλ) then w ← w − η sign g
        var w = Param();
        var opt = new AdamW([w], learningRate: 0.1, weightDecay: 0.5);
        Equal(Map((w0, g) => w0 * (1 - 0.05) - 0.1 * Math.Sign(g)), Steps(opt, w, 1), 1e-7);
        double[][] grads = [[0.5, -1], [0.1, 2]];
        var w2 = Param();
        var opt2 = new AdamW([w2], learningRate: 0.1, weightDecay: 0.5);
        foreach (var g in grads) { w2.Grad = T(g); opt2.Step(); }
        Equal(AdamReference(W0, grads, 0.1, 0.9, 0.999, 1e-8, wd: 0.5, decoupled: true), w2, 1e-12);
    }

    [Fact]
    public void AdamWorksInFloat32()
    {
        var w = Tensor.FromArray(new float[] { 1, -2 }).RequireGrad();
        var opt = new Adam([w], learningRate: 0.1);
        w.Grad = Tensor.FromArray(new float[] { 0.5f, -1 });
        opt.Step();
        Equal([0.9, -1.9], w, 1e-6);
        Assert.Equal(DType.Float32, w.DType);
    }

    [Fact]
    public void ParamGroupsHaveTheirOwnLearningRate()
    {
        var a = Param();
        var b = Param();
        var opt = new Sgd([new ParamGroup([a]), new ParamGroup([b], learningRate: 0.01)], learningRate: 0.1);
        Assert.Equal([0.1, 0.01], opt.Groups.Select(g => g.LearningRate).ToArray());
        a.Grad = T(G);
        b.Grad = T(G);
        opt.Step();
        Equal(Map((w0, g) => w0 - 0.1 * g), a, 1e-15);
        Equal(Map((w0, g) => w0 - 0.01 * g), b, 1e-15);
        // setting LearningRate sets every group
        opt.LearningRate = 0.5;
        Assert.Equal([0.5, 0.5], opt.Groups.Select(g => g.LearningRate).ToArray());
    }

    [Fact]
    public void ParametersWithoutGradientOrFrozenAreSkipped()
    {
        var a = Param();
        var b = Param();
        var opt = new Sgd([a, b], learningRate: 0.1);
        a.Grad = T(G);
        opt.Step();
        Equal(W0, b);
        b.Grad = T(G);
        b.RequiresGrad = false;
        a.Grad = null;
        opt.Step();
        Equal(W0, b);
        opt.ZeroGrad();
        Assert.Null(a.Grad);
    }

    [Fact]
    public void InvalidOptionsThrowNamingTheOption()
    {
        var w = Param();
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([w], learningRate: -0.1)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([w], learningRate: double.NaN)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([new ParamGroup([w], learningRate: -1)])).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([w], momentum: 1)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([w], momentum: -0.1)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp([w], momentum: 1)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([w], weightDecay: -1)).ParamName);
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([w], beta1: 1)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([w], beta2: -0.1)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([w], beta2: 1.5)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([w], eps: 0)).ParamName);
        Assert.Equal("rho", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp([w], rho: 1)).ParamName);
        Assert.Contains("beta1 must be in [0, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([w], beta1: 1)).Message);
        Assert.Throws<ArgumentException>(() => new Sgd([w], nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd([Tensor.FromArray(new long[] { 1 })]));
    }

    [Fact]
    public void ClipGradNormReturnsThePreClipNormAndScalesToTheMax()
    {
        // grads [3, 4] and [12]: ‖g‖ = √(9 + 16 + 144) = 13
        var a = T([0, 0]).RequireGrad();
        var b = T([0]).RequireGrad();
        a.Grad = T([3, 4]);
        b.Grad = T([12]);
        Assert.Equal(13, GradClip.ClipGradNorm([a, b], 1), 12);
        double after = Math.Sqrt(a.Grad.ToDoubleArray().Concat(b.Grad.ToDoubleArray()).Sum(v => v * v));
        Assert.Equal(1, after, 5);
        // direction is kept
        Equal([3.0 / 13, 4.0 / 13], a.Grad, 1e-6);
        // below the max, nothing changes
        Assert.Equal(1, GradClip.ClipGradNorm([a, b], 5), 5);
        Equal([3.0 / 13, 4.0 / 13], a.Grad, 1e-6);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => GradClip.ClipGradNorm([a], 0)).ParamName);
    }

    [Fact]
    public void ClipGradValueClampsEachElement()
    {
        var a = T([0, 0, 0]).RequireGrad();
        a.Grad = T([-5, 0.5, 3]);
        GradClip.ClipGradValue([a, T([1]).RequireGrad()], 1);
        Equal([-1, 0.5, 1], a.Grad);
        Assert.Equal("clip", Assert.Throws<ArgumentOutOfRangeException>(() => GradClip.ClipGradValue([a], -1)).ParamName);
    }
}
