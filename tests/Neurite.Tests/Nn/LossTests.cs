using Neurite.Nn;
using static Neurite.Tests.Nn.Approx;

namespace Neurite.Tests.Nn;

public class LossTests
{
    static double Value(Loss loss, double[] prediction, double[] target) => loss.Forward(T(prediction), T(target)).Item();

    static void Check(Loss loss, Tensor prediction, Tensor target) =>
        GradCheck.Assert(t => loss.Forward(t[0], t[1]), prediction.RequireGrad(), target);

    [Fact]
    public void MSE()
    {
        // d = ŷ − y = [−0.5, 0, 2] → d² = [0.25, 0, 4]: sum 4.25, mean 4.25/3
        double[] p = [1, 2, 3], y = [1.5, 2, 1];
        Assert.Equal(4.25 / 3, Value(new MSELoss(), p, y), 12);
        Assert.Equal(4.25, Value(new MSELoss(Reduction.Sum), p, y), 12);
        Equal([0.25, 0, 4], new MSELoss(Reduction.None).Forward(T(p), T(y)));
        // ∂/∂ŷ mean = 2d/N = [−1/3, 0, 4/3]
        var pt = T(p).RequireGrad();
        new MSELoss().Forward(pt, T(y)).Backward();
        Equal([-1.0 / 3, 0, 4.0 / 3], pt.Grad!, 1e-12);
        Check(new MSELoss(), T([0.3, -1.2, 2]), T([1, 0, 0.5]));
        Assert.Throws<ShapeException>(() => new MSELoss().Forward(T([1, 2]), T([1, 2, 3])));
    }

    [Fact]
    public void L1()
    {
        // |d| = [0.5, 0, 2] → mean 2.5/3; ∂/∂ŷ = sign(d)/N
        Assert.Equal(2.5 / 3, Value(new L1Loss(), [1, 2, 3], [1.5, 2, 1]), 12);
        Assert.Equal(2.5, Value(new L1Loss(Reduction.Sum), [1, 2, 3], [1.5, 2, 1]), 12);
        Check(new L1Loss(), T([0.3, -1.2, 2]), T([1, 0, 0.5]));
    }

    [Fact]
    public void HuberBothBranches()
    {
        // δ = 1: d = [−0.5, 0, 2] → [½·0.25, 0, 1·(2 − ½)] = [0.125, 0, 1.5]
        Equal([0.125, 0, 1.5], new HuberLoss(reduction: Reduction.None).Forward(T([1, 2, 3]), T([1.5, 2, 1])), 1e-12);
        // δ = 0.5: d = [−0.5 (edge: ½·0.25 = 0.5·(0.5 − 0.25)), 0, 2 → 0.5·(2 − 0.25)]
        Equal([0.125, 0, 0.875], new HuberLoss(0.5, Reduction.None).Forward(T([1, 2, 3]), T([1.5, 2, 1])), 1e-12);
        // gradient: d inside, δ·sign(d) outside → mean over 3: [−0.5/3, 0, 1/3]
        var p = T([1, 2, 3]).RequireGrad();
        new HuberLoss().Forward(p, T([1.5, 2, 1])).Backward();
        Equal([-0.5 / 3, 0, 1.0 / 3], p.Grad!, 1e-12);
        Check(new HuberLoss(), T([0.3, -1.2, 2, 0.1]), T([1, 0, 0.5, 3]));
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => new HuberLoss(0)).ParamName);
    }

    [Fact]
    public void GaussianNLL()
    {
        // ½(ln σ² + (y − μ)²/σ²): μ = [0, 1], y = [1, 1], σ² = [2, 0.5] → [½(ln 2 + ½), ½ ln ½]
        var loss = new GaussianNLLLoss(reduction: Reduction.None);
        Equal([0.5 * (Math.Log(2) + 0.5), 0.5 * Math.Log(0.5)], loss.Forward(T([0, 1]), T([1, 1]), T([2, 0.5])), 1e-12);
        // the two-argument form assumes σ² = 1: ½d²
        Equal([0.5, 0], loss.Forward(T([0, 1]), T([1, 1])), 1e-12);
        var mean = T([0.2, -0.4, 1.1]).RequireGrad();
        var variance = T([0.7, 1.5, 0.3]).RequireGrad();
        GradCheck.Assert(t => new GaussianNLLLoss().Forward(t[0], T([0, 0.5, 1]), t[1]), mean, variance);
    }

    [Fact]
    public void BCE()
    {
        // −[y ln p + (1 − y) ln(1 − p)]: p = [0.8, 0.3], y = [1, 0] → [−ln 0.8, −ln 0.7]
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.7)) / 2, Value(new BCELoss(), [0.8, 0.3], [1, 0]), 12);
        // ln 0 is clamped to −100
        Assert.Equal(100, Value(new BCELoss(), [0], [1]), 9);
        Check(new BCELoss(), T([0.2, 0.6, 0.9]), T([0, 1, 0.3]));
    }

    [Fact]
    public void BCEWithLogitsIsStableAtLargeLogits()
    {
        // softplus(z) − zy: z = 1000, y = 1 → 0; z = −1000, y = 0 → 0; z = 1000, y = 0 → 1000; z = −1000, y = 1 → 1000
        var z = T([1000, -1000, 1000, -1000]).RequireGrad();
        var loss = new BCEWithLogitsLoss(Reduction.None).Forward(z, T([1, 0, 0, 1]));
        Equal([0, 0, 1000, 1000], loss, 1e-9);
        // ∂/∂z = σ(z) − y = [0, 0, 1, −1], finite
        loss.Sum().Backward();
        Equal([0, 0, 1, -1], z.Grad!, 1e-12);
        // float32 too
        var z32 = F([1000, -1000, 88, -88]);
        Assert.All(new BCEWithLogitsLoss(Reduction.None).Forward(z32, F([1, 0, 0, 1])).ToDoubleArray(), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void BCEWithLogitsEqualsBCEOfSigmoidInTheNormalRange()
    {
        var z = T([-3, -0.5, 0, 0.7, 4]);
        var y = T([0, 1, 0.5, 1, 0]);
        Assert.Equal(new BCELoss().Forward(z.Sigmoid(), y).Item(), new BCEWithLogitsLoss().Forward(z, y).Item(), 12);
        Check(new BCEWithLogitsLoss(), T([-3, -0.5, 0.1, 0.7, 4]), y);
    }

    static readonly double[] Logits = [1, 2, 3, 1, 1, 1, -2, 0, 5];

    static double[] Softmax(double[] row) { double z = row.Sum(Math.Exp); return row.Select(v => Math.Exp(v) / z).ToArray(); }

    [Fact]
    public void CrossEntropyWithClassIndices()
    {
        // −log softmax: row 0 class 2 → ln(e + e² + e³) − 3; row 1 class 0 → ln 3; row 2 class 1 → ln(e⁻² + 1 + e⁵)
        double[] expected = [Math.Log(Math.E + Math.Exp(2) + Math.Exp(3)) - 3, Math.Log(3), Math.Log(Math.Exp(-2) + 1 + Math.Exp(5))];
        var target = Tensor.FromArray(new long[] { 2, 0, 1 });
        Equal(expected, new CrossEntropyLoss(Reduction.None).Forward(T(Logits, 3, 3), target), 1e-12);
        Assert.Equal(expected.Average(), new CrossEntropyLoss().Forward(T(Logits, 3, 3), target).Item(), 12);
        Assert.Equal(expected.Sum(), new CrossEntropyLoss(Reduction.Sum).Forward(T(Logits, 3, 3), target).Item(), 12);
    }

    [Fact]
    public void CrossEntropyGradientIsSoftmaxMinusTargetOverN()
    {
        var oneHot = new double[] { 0, 0, 1, 1, 0, 0, 0, 1, 0 };
        var soft = new double[] { 0.2, 0.3, 0.5, 0.6, 0.4, 0, 0.1, 0.1, 0.8 };
        var hard = Tensor.FromArray(new long[] { 2, 0, 1 });
        foreach (var (target, y) in new[] { (hard, oneHot), (T(oneHot, 3, 3), oneHot), (T(soft, 3, 3), soft) })
        {
            var logits = T(Logits, 3, 3).RequireGrad();
            new CrossEntropyLoss().Forward(logits, target).Backward();
            // closed form: (softmax(z) − y)/N
            var expected = new double[9];
            for (int i = 0; i < 3; i++)
            {
                var p = Softmax(Logits[(3 * i)..(3 * i + 3)]);
                for (int c = 0; c < 3; c++) expected[3 * i + c] = (p[c] - y[3 * i + c]) / 3;
            }
            Equal(expected, logits.Grad!, 1e-12);
            // finite differences in float64
            GradCheck.Assert(t => new CrossEntropyLoss().Forward(t[0], target), T(Logits, 3, 3).RequireGrad());
        }
    }

    [Fact]
    public void CrossEntropyOneHotEqualsIndicesAndSoftTargetsMatchHandValue()
    {
        var hard = new CrossEntropyLoss().Forward(T(Logits, 3, 3), Tensor.FromArray(new long[] { 2, 0, 1 })).Item();
        var oneHot = new CrossEntropyLoss().Forward(T(Logits, 3, 3), T([0, 0, 1, 1, 0, 0, 0, 1, 0], 3, 3)).Item();
        Assert.Equal(hard, oneHot, 12);
        // soft row [0.5, 0.5] on logits [0, ln 3]: −½ ln ¼ − ½ ln ¾
        Assert.Equal(-0.5 * Math.Log(0.25) - 0.5 * Math.Log(0.75), new CrossEntropyLoss().Forward(T([0, Math.Log(3)], 1, 2), T([0.5, 0.5], 1, 2)).Item(), 12);
        // float32 works with int64 targets
        Assert.Equal(Math.Log(2), new CrossEntropyLoss().Forward(F([0, 0], 1, 2), Tensor.FromArray(new long[] { 1 })).Item(), 6);
    }

    [Fact]
    public void CrossEntropyIsStableAtLargeLogits()
    {
        // logits [1000, 0]: class 0 → ≈ 0, class 1 → 1000
        Equal([0, 1000], new CrossEntropyLoss(Reduction.None).Forward(F([1000, 0, 1000, 0], 2, 2), Tensor.FromArray(new long[] { 0, 1 })), 1e-3);
    }

    [Fact]
    public void CrossEntropyRejectsBadTargets()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss().Forward(T(Logits, 3, 3), Tensor.FromArray(new long[] { 0, 3, 1 })));
        Assert.Throws<ShapeException>(() => new CrossEntropyLoss().Forward(T(Logits, 3, 3), Tensor.FromArray(new long[] { 0, 1 })));
    }

    [Fact]
    public void NLL()
    {
        // −log q at the targets: rows [−1, −2] class 1 → 2, [−0.5, −3] class 0 → 0.5; mean 1.25
        var logq = T([-1, -2, -0.5, -3], 2, 2).RequireGrad();
        var loss = new NLLLoss().Forward(logq, Tensor.FromArray(new long[] { 1, 0 }));
        Assert.Equal(1.25, loss.Item(), 12);
        loss.Backward();
        Equal([0, -0.5, -0.5, 0], logq.Grad!);
        // LogSoftmax + NLL = CrossEntropy
        var target = Tensor.FromArray(new long[] { 2, 0, 1 });
        Assert.Equal(new CrossEntropyLoss().Forward(T(Logits, 3, 3), target).Item(), new NLLLoss().Forward(T(Logits, 3, 3).LogSoftmax(), target).Item(), 12);
        Assert.Throws<ShapeException>(() => new NLLLoss().Forward(T([1, 2]), Tensor.FromArray(new long[] { 0 })));
    }

    [Fact]
    public void KLDiv()
    {
        // KL(t‖q) = Σ t (ln t − ln q): t = [½, ½, 0], q = [¼, ¼, ½] → 2·½·ln 2 = ln 2; the t = 0 term is 0
        var logq = T([Math.Log(0.25), Math.Log(0.25), Math.Log(0.5)]).RequireGrad();
        var t = T([0.5, 0.5, 0]);
        Assert.Equal(Math.Log(2), new KLDivLoss(Reduction.Sum).Forward(logq, t).Item(), 12);
        var mean = new KLDivLoss().Forward(logq, t);
        Assert.Equal(Math.Log(2) / 3, mean.Item(), 12);
        // ∂/∂ ln q = −t/N
        mean.Backward();
        Equal([-0.5 / 3, -0.5 / 3, 0], logq.Grad!, 1e-12);
        // KL of a distribution with itself is 0
        Assert.Equal(0, new KLDivLoss(Reduction.Sum).Forward(T([0.3, 0.7]).Log(), T([0.3, 0.7])).Item(), 12);
        Check(new KLDivLoss(), T([-1.2, -0.4, -2]), T([0.2, 0.5, 0.3]));
    }

    [Fact]
    public void Hinge()
    {
        // max(0, 1 − yŷ): ŷ = [0.5, 2, −1, 0.3], y = [1, 1, 1, −1] → [0.5, 0, 2, 1.3]
        Equal([0.5, 0, 2, 1.3], new HingeLoss(Reduction.None).Forward(T([0.5, 2, -1, 0.3]), T([1, 1, 1, -1])), 1e-12);
        Assert.Equal(3.8 / 4, Value(new HingeLoss(), [0.5, 2, -1, 0.3], [1, 1, 1, -1]), 12);
        Check(new HingeLoss(), T([0.5, 2.5, -1, 0.3]), T([1, 1, 1, -1]));
    }

    [Fact]
    public void PenaltiesSkipBiasesByDefault()
    {
        // w = [[1, −2]], b = [3]: L1 = 3 (6 with b), L2 = 1 + 4 = 5 (14 with b)
        var layer = new Linear(2, 1);
        layer.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = F([1, -2], 1, 2), ["bias"] = F([3]) });
        Assert.Equal(3, Penalty.L1(layer).Item());
        Assert.Equal(6, Penalty.L1(layer, includeBiases: true).Item());
        Assert.Equal(5, Penalty.L2(layer).Item());
        Assert.Equal(14, Penalty.L2(layer, includeBiases: true).Item());
        // ∂L2/∂w = 2w, and the bias gets none
        Penalty.L2(layer).Backward();
        Equal([2, -4], layer.Weight.Grad!);
        Assert.Null(layer.Bias!.Grad);
        // frozen parameters are not penalised
        layer.Freeze();
        Assert.Equal(0, Penalty.L2(layer).Item());
    }
}
