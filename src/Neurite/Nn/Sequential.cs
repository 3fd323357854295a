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
            // A Linear or Conv2d followed by a ReLU runs as one op (same result, one pass and one tensor fewer).
            bool reluNext = i + 1 < layers.Count && layers[i + 1] is ReLU;
            if (reluNext && layers[i] is Linear linear) { x = linear.ForwardRelu(x); i++; }
            else if (reluNext && layers[i] is Conv2d conv) { x = conv.ForwardRelu(x); i++; }
            else x = layers[i].Forward(x);
        }
        return x;
    }

    public override string Describe() => $"Sequential({layers.Count} layers)";
}
