using Neurite.Nn;
using static Neurite.Tests.Nn.Approx;

namespace Neurite.Tests.Nn;

public class ModuleTests
{
    static Linear KnownLinear()
    {
        var layer = new Linear(3, 2);
        layer.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight"] = F([1, 2, 3, 4, 5, 6], 2, 3),
            ["bias"] = F([0.5f, -1]),
        });
        return layer;
    }

    [Fact]
    public void LinearForwardIsXTimesWTransposedPlusB()
    {
        // W = [[1,2,3],[4,5,6]], b = [0.5, −1]
        // x₀ = [1, 0, −1] → [1−3+0.5, 4−6−1] = [−1.5, −3]
        // x₁ = [2, 1, 0]  → [2+2+0.5, 8+5−1] = [4.5, 12]
        var y = KnownLinear().Forward(F([1, 0, -1, 2, 1, 0], 2, 3));
        Assert.Equal([2, 2], y.Shape.ToArray());
        Equal([-1.5, -3, 4.5, 12], y);
    }

    [Fact]
    public void LinearAppliesToEveryLeadingDimension()
    {
        // [2, 1, 3] input → [2, 1, 2], same rows as the 2-D case
        var y = KnownLinear().Forward(F([1, 0, -1, 2, 1, 0], 2, 1, 3));
        Assert.Equal([2, 1, 2], y.Shape.ToArray());
        Equal([-1.5, -3, 4.5, 12], y);
    }

    [Fact]
    public void LinearWithoutBias()
    {
        var layer = new Linear(2, 1, bias: false);
        layer.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = F([2, -3], 1, 2) });
        Assert.Null(layer.Bias);
        Assert.Single(layer.Parameters());
        Equal([2 * 4 - 3 * 1.0], layer.Forward(F([4, 1], 1, 2)));
        Assert.Equal("Linear(2 → 1, bias=False)", layer.Describe());
    }

    [Fact]
    public void LinearShapeErrorNamesLayerAndBothShapes()
    {
        var layer = new Linear(784, 128);
        var e = Assert.Throws<ShapeException>(() => layer.Forward(Tensor.Zeros(32, 28, 28)));
        Assert.Equal("Linear(784 → 128) expects input [*, 784], got [32, 28, 28]", e.Message);
    }

    [Fact]
    public void LinearToStringCountsParameters()
    {
        // 784·128 + 128 = 100,480
        Assert.Equal("Linear(784 → 128)  # 100,480 params", new Linear(784, 128).ToString());
        Assert.Equal(100_480, new Linear(784, 128).ParameterCount());
    }

    [Fact]
    public void LinearGradientsMatchHandComputation()
    {
        // L = Σ y = Σ_n Σ_o (x_n·W_o + b_o) → ∂L/∂W_oi = Σ_n x_ni, ∂L/∂b_o = N, ∂L/∂x_ni = Σ_o W_oi
        var layer = KnownLinear();
        var x = F([1, 0, -1, 2, 1, 0], 2, 3).RequireGrad();
        layer.Forward(x).Sum().Backward();
        Equal([3, 1, -1, 3, 1, -1], layer.Weight.Grad!);
        Equal([2, 2], layer.Bias!.Grad!);
        Equal([5, 7, 9, 5, 7, 9], x.Grad!);
    }

    [Fact]
    public void LinearDefaultInitIsWithinFanInBound()
    {
        var layer = new Linear(50, 20, generator: new Generator(3));
        double bound = 1 / Math.Sqrt(50);
        Assert.All(layer.Weight.ToDoubleArray(), w => Assert.InRange(w, -bound, bound));
        Assert.All(layer.Bias!.ToDoubleArray(), b => Assert.InRange(b, -bound, bound));
        Assert.True(layer.Weight.ToDoubleArray().Distinct().Count() > 990);
    }

    [Fact]
    public void LinearRejectsNonPositiveSizes()
    {
        Assert.Equal("inFeatures", Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(0, 3)).ParamName);
        Assert.Equal("outFeatures", Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(3, -1)).ParamName);
    }

    [Fact]
    public void SequentialNamesChildrenByIndex()
    {
        var model = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1), new BatchNorm1d(1));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias"], model.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(["3.running_mean", "3.running_var"], model.NamedBuffers().Select(p => p.Name).ToArray());
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias", "3.running_mean", "3.running_var"], model.StateDict().Keys.ToArray());
        Assert.Equal(["0", "1", "2", "3"], model.NamedChildren().Select(c => c.Name).ToArray());
        Assert.Equal(4, model.Count);
        Assert.Same(model.Layers[2], model[2]);
        // 2·3 + 3 + 3·1 + 1 + 1 + 1
        Assert.Equal(15, model.ParameterCount());
        Assert.Equal("Sequential(4 layers)  # 15 params", model.ToString());
    }

    [Fact]
    public void NestedSequentialNamesAreDotted()
    {
        var model = new Sequential(new Sequential(new Linear(1, 1)), new Linear(1, 1, bias: false));
        Assert.Equal(["0.0.weight", "0.0.bias", "1.weight"], model.NamedParameters().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void SequentialForwardComposes()
    {
        // Linear then ReLU: [−1.5, −3, 4.5, 12] → [0, 0, 4.5, 12]
        var model = new Sequential(KnownLinear(), new ReLU());
        Equal([0, 0, 4.5, 12], model.Forward(F([1, 0, -1, 2, 1, 0], 2, 3)));
    }

    [Fact]
    public void StateDictRoundTripsValues()
    {
        var a = new Sequential(new Linear(3, 4, generator: new Generator(1)), new BatchNorm1d(4));
        var b = new Sequential(new Linear(3, 4, generator: new Generator(2)), new BatchNorm1d(4));
        a.Forward(Tensor.Randn([5, 3], new Generator(9)));  // moves a's running statistics
        var report = b.LoadStateDict(a.StateDict());
        Assert.True(report.IsExact);
        Assert.Equal("all keys matched", report.ToString());
        foreach (var (name, t) in a.StateDict())
            Assert.Equal(t.ToDoubleArray(), b.StateDict()[name].ToDoubleArray());
        // a copy, not an alias
        Assert.NotSame(a.StateDict()["0.weight"], b.StateDict()["0.weight"]);
    }

    [Fact]
    public void StrictLoadListsMissingUnexpectedAndMismatchedKeys()
    {
        var model = new Sequential(new Linear(2, 3));
        var before = model.StateDict()["0.weight"].ToDoubleArray();
        var state = new Dictionary<string, Tensor> { ["0.weight"] = Tensor.Zeros(3, 3), ["extra"] = Tensor.Zeros(1) };
        var e = Assert.Throws<ArgumentException>(() => model.LoadStateDict(state));
        Assert.Contains("missing keys [0.bias]", e.Message);
        Assert.Contains("unexpected keys [extra]", e.Message);
        Assert.Contains("0.weight: expected [3, 2], got [3, 3]", e.Message);
        Assert.Equal(before, model.StateDict()["0.weight"].ToDoubleArray());  // nothing loaded
    }

    [Fact]
    public void NonStrictLoadLoadsMatchesAndReportsTheRest()
    {
        var model = new Sequential(new Linear(2, 1));
        var report = model.LoadStateDict(new Dictionary<string, Tensor> { ["0.weight"] = F([7, 8], 1, 2), ["head.bias"] = Tensor.Zeros(1) }, strict: false);
        Assert.Equal(["0.bias"], report.Missing);
        Assert.Equal(["head.bias"], report.Unexpected);
        Assert.Empty(report.ShapeMismatches);
        Assert.False(report.IsExact);
        Equal([7, 8], model.StateDict()["0.weight"]);
    }

    [Fact]
    public void LoadStateDictConvertsDType()
    {
        var layer = new Linear(2, 1);
        layer.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = T([0.25, -4], 1, 2), ["bias"] = T([1.5]) });
        Assert.Equal(DType.Float32, layer.Weight.DType);
        Equal([0.25, -4], layer.Weight);
    }

    [Fact]
    public void FreezeStopsGradientsAndUnfreezeRestoresThem()
    {
        var model = new Sequential(new Linear(2, 2), new Tanh(), new Linear(2, 1));
        var x = Tensor.Randn([4, 2], new Generator(1)).RequireGrad();
        model.Forward(x).Sum().Backward();
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));

        model.Freeze();
        Assert.All(model.Parameters(), p => { Assert.False(p.RequiresGrad); Assert.Null(p.Grad); });
        x.Grad = null;
        model.Forward(x).Sum().Backward();
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
        Assert.NotNull(x.Grad);  // the input still gets its gradient through frozen layers

        model.Unfreeze();
        model.Forward(x).Sum().Backward();
        Assert.All(model.Parameters(), p => { Assert.True(p.RequiresGrad); Assert.NotNull(p.Grad); });
        model.ZeroGrad();
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void FreezingOneChildLeavesTheOthersTrainable()
    {
        var backbone = new Linear(2, 2);
        var model = new Sequential(backbone, new Linear(2, 1));
        backbone.Freeze();
        Assert.Equal([false, false, true, true], model.Parameters().Select(p => p.RequiresGrad).ToArray());
    }

    [Fact]
    public void TrainAndEvalPropagateToDescendants()
    {
        var inner = new Dropout(0.5);
        var norm = new BatchNorm1d(2);
        var model = new Sequential(new Sequential(inner), norm);
        Assert.True(inner.IsTraining);
        Assert.Same(model, model.Eval());
        Assert.False(model.IsTraining);
        Assert.False(inner.IsTraining);
        Assert.False(norm.IsTraining);
        model.Train();
        Assert.True(inner.IsTraining && norm.IsTraining);
    }

    [Fact]
    public void DescribeOfLayers()
    {
        Assert.Equal("ReLU()", new ReLU().Describe());
        Assert.Equal("Dropout(p=0.25)", new Dropout(0.25).Describe());
        Assert.Equal("BatchNorm1d(4)  # 8 params", new BatchNorm1d(4).ToString());
        Assert.Equal("Embedding(10, 3)  # 30 params", new Embedding(10, 3).ToString());
        Assert.Equal("LayerNorm([5])  # 10 params", new LayerNorm(5).ToString());
    }
}
