namespace Neurite.Nn;

/// <summary>Applies its modules in order; children are named "0", "1", … as in PyTorch.</summary>
public sealed class Sequential : Module
{
    readonly List<Module> layers = [];

    /// <summary>A container of <paramref name="modules"/>, applied first to last (<c>torch.nn.Sequential</c>).</summary>
    /// <example><code>var mlp = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));</code></example>
    public Sequential(params Module[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    /// <summary>Appends a module.</summary>
    public Sequential Add(Module module)
    {
        RegisterModule(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        layers.Add(module);
        return this;
    }

    /// <summary>The number of modules.</summary>
    public int Count => layers.Count;

    /// <summary>The module at <paramref name="index"/> (child "index").</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside 0 … Count − 1.</exception>
    public Module this[int index] => layers[index];

    /// <summary>The modules in order.</summary>
    public IReadOnlyList<Module> Layers => layers;

    /// <summary>Each module's Forward on the previous one's output (an empty container returns <paramref name="x"/>). A layer
    /// without an activation followed by an activation module its kernel applies (Linear or a convolution, then ReLU) runs
    /// as one fused op with the same values and gradients.</summary>
    public override Tensor Forward(Tensor x)
    {
        bool fold = Folding.Applies(this, x);
        var input = x;
        Tensor? dead = null;   // when folding: the previous layer's output, if a retain-free layer produced it
        for (int i = 0; i < layers.Count; i++)
        {
            int first = i;
            var before = x;
            // In evaluation without a graph, Conv2d then BatchNorm2d (then a ReLU) is one convolution (Folding).
            if (fold && layers[i] is Conv2d { Activation.IsNone: true } conv && i + 1 < layers.Count && layers[i + 1] is BatchNorm2d bn)
            {
                bool relu = i + 2 < layers.Count && layers[i + 2] is ReLU;
                x = Folding.ConvBn(conv, bn, x, relu ? Activation.ReLU : Activation.None);
                i += relu ? 2 : 1;
            }
            // A layer without an activation of its own followed by an activation module its kernel applies (Linear or a
            // convolution, then ReLU) runs as one op: same values and gradients, one pass and one tensor fewer.
            // (Not when either has hooks: each must see its own input and output.)
            else if (layers[i] is IActivatable { Activation.IsNone: true } layer && i + 1 < layers.Count
                && layers[i + 1] is IActivationModule next && layer.CanFuse(next.Activation) && !layers[i].HasHooks && !layers[i + 1].HasHooks)
            {
                x = layer.Forward(x, next.Activation);
                i++;
            }
            else x = layers[i].Invoke(x);
            if (!fold) continue;
            // the previous output, consumed by a retain-free layer that did not return a view of it, is dead
            if (dead is not null && Folding.KeepsNothing(layers[first]) && !ReferenceEquals(x.data, dead.data)) Folding.Recycle(dead);
            dead = Folding.KeepsNothing(layers[i]) && !ReferenceEquals(x.data, before.data) && !ReferenceEquals(x.data, input.data) ? x : null;
        }
        return x;
    }

    /// <summary><c>Sequential(n layers)</c>.</summary>
    public override string Describe() => $"Sequential({layers.Count} layers)";
}
