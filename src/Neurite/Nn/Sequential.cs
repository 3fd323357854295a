namespace Neurite.Nn;

/// <summary>Applies its modules in order; children are named "0", "1", … as in PyTorch.</summary>
public sealed class Sequential : Module
{
    readonly List<Module> layers = [];

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

    public int Count => layers.Count;

    public Module this[int index] => layers[index];

    public IReadOnlyList<Module> Layers => layers;

    public override Tensor Forward(Tensor x)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            // A layer without an activation of its own followed by an activation module its kernel applies (Linear or a
            // convolution, then ReLU) runs as one op: same values and gradients, one pass and one tensor fewer.
            if (layers[i] is IActivatable { Activation.IsNone: true } layer && i + 1 < layers.Count
                && layers[i + 1] is IActivationModule next && layer.CanFuse(next.Activation))
            {
                x = layer.Forward(x, next.Activation);
                i++;
            }
            else x = layers[i].Forward(x);
        }
        return x;
    }

    public override string Describe() => $"Sequential({layers.Count} layers)";
}
