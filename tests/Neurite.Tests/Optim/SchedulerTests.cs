using Neurite.Optim;
using static Neurite.Tests.Nn.Approx;

namespace Neurite.Tests.Optim;

public class SchedulerTests
{
    static Sgd Opt(double lr = 1) => new([T([0]).RequireGrad()], learningRate: lr);

    static double[] Run(LrScheduler s, int steps)
    {
        var lrs = new List<double> { s.Optimizer.LearningRate };
        for (int i = 0; i < steps; i++) { s.Step(); lrs.Add(s.Optimizer.LearningRate); }
        return lrs.ToArray();
    }

    [Fact]
    public void StepLRDecaysEveryStepSizeEpochs()
    {
        // η = η₀·γ^⌊t/2⌋, γ = 0.5
        Equal([1, 1, 0.5, 0.5, 0.25, 0.25], Run(new StepLR(Opt(), 2, 0.5), 5), 1e-15);
        Assert.Equal("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(Opt(), 0)).ParamName);
    }

    [Fact]
    public void ExponentialLR()
    {
        // η = η₀·γᵗ with η₀ = 0.1, γ = 0.9
        Equal([0.1, 0.09, 0.081, 0.0729], Run(new ExponentialLR(Opt(0.1), 0.9), 3), 1e-15);
    }

    [Fact]
    public void CosineAnnealing()
    {
        // η = η_min + (η₀ − η_min)(1 + cos(πt/T))/2, η₀ = 1, η_min = 0.1, T = 4, then held at η_min
        var expected = Enumerable.Range(0, 7).Select(t => 0.1 + 0.9 * (1 + Math.Cos(Math.PI * Math.Min(t, 4) / 4)) / 2).ToArray();
        Equal(expected, Run(new CosineAnnealingLR(Opt(), 4, etaMin: 0.1), 6), 1e-12);
        Assert.Equal(0.55, expected[2], 12);
    }

    [Fact]
    public void CosineAnnealingScalesEachGroupToItsOwnRate()
    {
        // η_min is absolute for every group: group 2 goes from 0.1 to η_min = 0.01 too
        var opt = new Sgd([new ParamGroup([T([0]).RequireGrad()]), new ParamGroup([T([0]).RequireGrad()], learningRate: 0.1)], learningRate: 1);
        var s = new CosineAnnealingLR(opt, 2, etaMin: 0.01);
        s.Step();
        s.Step();
        Equal([0.01, 0.01], opt.Groups.Select(g => g.LearningRate).ToArray(), 1e-12);
    }

    [Fact]
    public void LinearWarmupStartsAtOneNthAndReachesTheFullRate()
    {
        // η_t = η₀·min(1, (t + 1)/4): 0.25, 0.5, 0.75, 1, 1 — the first step already runs at η₀/4
        Equal([0.25, 0.5, 0.75, 1, 1, 1], Run(new LinearWarmup(Opt(), 4), 5), 1e-15);
    }

    [Fact]
    public void ReduceLROnPlateauHalvesAfterPatienceBadEpochs()
    {
        // patience 1: a second epoch without improvement multiplies the rate by 0.5
        var s = new ReduceLROnPlateau(Opt(), factor: 0.5, patience: 1);
        var lrs = new List<double>();
        foreach (var metric in new[] { 1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.5, 0.6, 0.6 })
        {
            s.Step(metric);
            lrs.Add(s.Optimizer.LearningRate);
        }
        //        1  0.9  bad1  bad2→½  bad1  bad2→¼  best  bad1  bad2→⅛
        Equal([1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125], lrs.ToArray(), 1e-15);
        Assert.Throws<InvalidOperationException>(() => s.Step());
    }

    [Fact]
    public void ReduceLROnPlateauRespectsMinLr()
    {
        var s = new ReduceLROnPlateau(Opt(), factor: 0.1, patience: 0, minLr: 0.05);
        foreach (var metric in new[] { 1.0, 1, 1, 1 }) s.Step(metric);
        Assert.Equal(0.05, s.Optimizer.LearningRate, 15);
    }

    [Fact]
    public void ReduceLROnPlateauCountsEpochsKeepsThemInItsStateAndChecksItsOptions()
    {
        var s = new ReduceLROnPlateau(Opt(), factor: 0.5, patience: 1);
        foreach (var metric in new[] { 1.0, 2, 2 }) s.Step(metric);
        Assert.Equal(3, s.Epoch);
        var restored = new ReduceLROnPlateau(Opt(), factor: 0.5, patience: 1);
        restored.SetState(s.GetState());
        Assert.Equal(3, restored.Epoch);
        Assert.Equal(s.Optimizer.LearningRate, restored.Optimizer.LearningRate, 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Opt(), factor: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Opt(), factor: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Opt(), patience: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Opt(), minLr: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Opt(), threshold: 1));
    }
}
