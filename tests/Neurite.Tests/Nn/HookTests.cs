using Neurite.Nn;
using Neurite.Nn.Zoo;

namespace Neurite.Tests.Nn;

/// <summary>Forward, pre-forward and backward hooks on modules, and <see cref="ActivationCapture"/>. In the global-state
/// collection: a live hook anywhere turns off inference folding process-wide, which other tests measure.</summary>
[Collection(GlobalStateCollection.Name)]
public class HookTests
{
    static Sequential Mlp() => new(new Linear(4, 6, generator: new Generator(1)), new ReLU(), new Linear(6, 3, generator: new Generator(2)));

    static Tensor Input(int n = 5, bool grad = false)
    {
        var x = Tensor.Randn([n, 4], new Generator(9));
        x.RequiresGrad = grad;
        return x;
    }

    /// <summary>Output and every parameter's gradient after backward of the sum of squares.</summary>
    static double[][] OutputAndGrads(Module model, Tensor x)
    {
        model.ZeroGrad();
        var y = model.Invoke(x);
        y.Mul(y).Sum().Backward();
        return [y.ToDoubleArray(), .. model.Parameters().Select(p => p.Grad!.ToDoubleArray())];
    }

    [Fact]
    public void ForwardHookSeesTheLayersInputAndOutputAndChangesNothing()
    {
        var model = Mlp();
        var x = Input();
        var plain = OutputAndGrads(model, x);   // Linear + ReLU fused into one op here
        Tensor? seenIn = null, seenOut = null;
        using (model[1].RegisterForwardHook((m, i, o) => { (seenIn, seenOut) = (i, o); return null; }))
        {
            var hooked = OutputAndGrads(model, x);   // not fused: the ReLU must see its own input
            for (int k = 0; k < plain.Length; k++) Assert.Equal(plain[k], hooked[k]);   // bitwise
        }
        var pre = model[0].Forward(x).ToFloatArray();
        Assert.Equal(pre, seenIn!.ToFloatArray());
        Assert.Equal(pre.Select(v => Math.Max(v, 0f)).ToArray(), seenOut!.ToFloatArray());
        Assert.False(model[1].HasHooks);
    }

    [Fact]
    public void RemovedHooksNoLongerRun()
    {
        var model = Mlp();
        int calls = 0;
        var handle = model[0].RegisterForwardHook((_, _, _) => { calls++; return null; });
        model.Forward(Input());
        handle.Remove();
        handle.Remove();   // harmless
        model.Forward(Input());
        Assert.Equal(1, calls);
        Assert.True(handle.IsRemoved);
        Assert.False(model[0].HasHooks);
    }

    [Fact]
    public void HooksCanReplaceTheInputAndTheOutput()
    {
        var layer = new Linear(4, 3, generator: new Generator(1));
        var x = Input();
        var expected = layer.Forward(x.Mul(2)).Add(1).ToFloatArray();
        using var pre = layer.RegisterForwardPreHook((_, i) => i.Mul(2));
        using var post = layer.RegisterForwardHook((_, _, o) => o.Add(1));
        Assert.Equal(expected, layer.Invoke(x).ToFloatArray());
        Assert.Equal(layer.Forward(x).ToFloatArray(), new Linear(4, 3, generator: new Generator(1)).Forward(x).ToFloatArray());   // Forward skips own hooks
    }

    [Fact]
    public void BackwardHookGetsTheGradientsOfInputAndOutput()
    {
        var model = Mlp();
        var x = Input(grad: true);
        Tensor? gIn = null, gOut = null;
        using var h = model[2].RegisterBackwardHook((_, gi, go) => { (gIn, gOut) = (gi, go); return null; });
        var hidden = model[1].Forward(model[0].Forward(x));
        var y = model.Forward(x);
        y.Mul(y).Sum().Backward();
        // d(Σy²)/dy = 2y; d/dhidden = 2y · W
        var expectedOut = y.Mul(2).ToFloatArray();
        Assert.Equal(expectedOut, gOut!.ToFloatArray());
        var w = ((Linear)model[2]).Weight;
        var expectedIn = Tensor.FromArray(expectedOut, 5, 3).MatMul(w.Detach()).ToDoubleArray();
        Approx.Equal(expectedIn, gIn!.ToDoubleArray(), 1e-6);
        Assert.Equal(hidden.Shape.ToArray(), gIn!.Shape.ToArray());
    }

    [Fact]
    public void BackwardHookCanScaleTheInputGradientAndSeesNullForAnInputWithoutGrad()
    {
        var layer = new Linear(4, 3, generator: new Generator(1));
        var x = Input(grad: true);
        layer.Invoke(x).Sum().Backward();
        var plain = x.Grad!.ToFloatArray();
        x.Grad = null;
        using (layer.RegisterBackwardHook((_, gi, _) => gi!.Mul(3)))
            layer.Invoke(x).Sum().Backward();
        Approx.Equal(plain.Select(v => 3.0 * v).ToArray(), x.Grad!.ToDoubleArray(), 1e-6);

        bool fired = false;
        Tensor? seen = Tensor.Zeros(1);
        using var h = layer.RegisterBackwardHook((_, gi, go) => { (fired, seen) = (true, gi); return null; });
        layer.ZeroGrad();
        layer.Invoke(Input()).Sum().Backward();
        Assert.True(fired);
        Assert.Null(seen);
        Assert.NotNull(layer.Weight.Grad);
    }

    [Fact]
    public void AThrowingHookIsNamedAndLeavesTheModelUsable()
    {
        var model = Mlp();
        var x = Input();
        var before = model.Forward(x).ToFloatArray();
        var handle = model[2].RegisterForwardHook((_, _, _) => throw new InvalidOperationException("boom"), "my-hook");
        var e = Assert.Throws<HookException>(() => model.Forward(x));
        Assert.Contains("forward hook 'my-hook'", e.Message);
        Assert.Contains("Linear(6 → 3)", e.Message);
        Assert.Contains("boom", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);
        handle.Remove();
        Assert.Equal(before, model.Forward(x).ToFloatArray());

        using var bad = model[0].RegisterBackwardHook((_, gi, _) => Tensor.Zeros(1), "wrong-shape");
        var xg = Input(grad: true);
        var b = Assert.Throws<HookException>(() => model.Forward(xg).Sum().Backward());
        Assert.Contains("wrong-shape", b.Message);
        Assert.Contains("[1]", b.Message);
        Assert.Contains("[5, 4]", b.Message);
    }

    [Fact]
    public void CaptureKeepsTheNamedLayersOutputs()
    {
        var model = Mlp();
        var x = Input();
        var acts = ActivationCapture.Run(model, x, "1", "2");
        var hidden = model[1].Forward(model[0].Forward(x));
        Assert.Equal(hidden.ToFloatArray(), acts["1"].ToFloatArray());
        Assert.Equal(model.Forward(x).ToFloatArray(), acts["2"].ToFloatArray());
        Assert.False(model[1].HasHooks);
        var e = Assert.Throws<ArgumentException>(() => ActivationCapture.Of(model, "7"));
        Assert.Contains("'7'", e.Message);
        Assert.Contains("layers: 0, 1, 2", e.Message);
    }

    [Fact]
    public void CaptureReachesInsideResidualBlocksAndInferenceIsUnchanged()
    {
        var net = ResNet.ResNet20();
        net.Eval();
        var x = Tensor.Randn([2, 3, 32, 32], new Generator(4));
        Tensor folded;
        using (Autograd.NoGrad()) folded = net.Forward(x);
        var names = net.NamedModules().Select(m => m.Name).ToList();
        string conv = names.First(n => n.EndsWith(".conv1", StringComparison.Ordinal));
        var acts = ActivationCapture.Run(net, x, conv, "");
        Assert.Equal(4, acts[conv].Rank);
        Approx.Equal(folded.ToDoubleArray(), acts[""].ToDoubleArray(), 1e-4);   // unfolded with hooks: same up to rounding
        using (Autograd.NoGrad()) Assert.Equal(folded.ToFloatArray(), net.Forward(x).ToFloatArray());   // folding back on
    }
}
