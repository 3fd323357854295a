using System.Globalization;

namespace Neurite.Nn;

/// <summary>
/// A building block of a network: it owns named parameters (tensors that require grad), named
/// buffers (state that is saved but not trained, like batch-norm running statistics) and named
/// child modules, and computes <see cref="Forward"/>. Backward comes from autograd, never from the
/// module itself.
/// </summary>
public abstract partial class Module
{
    readonly List<(string name, Tensor tensor)> parameters = [];
    readonly List<(string name, Tensor tensor)> buffers = [];
    readonly List<(string name, Module module)> children = [];

    /// <summary>The output for input <paramref name="x"/>.</summary>
    public abstract Tensor Forward(Tensor x);

    /// <summary>True in training mode (dropout active, batch norm uses batch statistics).</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Sets training mode on this module and every descendant; returns this module.</summary>
    public Module Train(bool training = true)
    {
        IsTraining = training;
        foreach (var (_, child) in children) child.Train(training);
        return this;
    }

    /// <summary>Sets evaluation mode (<c>Train(false)</c>).</summary>
    public Module Eval() => Train(false);

    /// <summary>Registers a trainable tensor under <paramref name="name"/> and returns it.</summary>
    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        CheckName(name);
        tensor.RequiresGrad = true;
        parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers a saved, untrained tensor (e.g. running statistics).</summary>
    protected Tensor RegisterBuffer(string name, Tensor tensor)
    {
        CheckName(name);
        buffers.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers a child module.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        children.Add((name, module));
        return module;
    }

    void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: invalid member name '{name}' (non-empty, no dots)");
        foreach (var (n, _) in parameters) if (n == name) throw new ArgumentException($"{GetType().Name}: '{name}' is already registered");
        foreach (var (n, _) in buffers) if (n == name) throw new ArgumentException($"{GetType().Name}: '{name}' is already registered");
        foreach (var (n, _) in children) if (n == name) throw new ArgumentException($"{GetType().Name}: '{name}' is already registered");
    }

    /// <summary>Direct children, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => children;

    /// <summary>This module (named <paramref name="prefix"/>, "" at the root) and every descendant with its dotted path
    /// (<c>"1.conv1"</c>), parents before children (<c>named_modules</c>).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in children)
            foreach (var item in child.NamedModules(prefix.Length == 0 ? name : prefix + "." + name)) yield return item;
    }

    /// <summary>Every parameter of this module and its descendants, with dotted names (<c>0.weight</c>).</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in parameters) yield return (prefix + name, p);
        foreach (var (name, child) in children)
            foreach (var item in child.NamedParameters(prefix + name + ".")) yield return item;
    }

    /// <summary>Every buffer of this module and its descendants, with dotted names.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "")
    {
        foreach (var (name, b) in buffers) yield return (prefix + name, b);
        foreach (var (name, child) in children)
            foreach (var item in child.NamedBuffers(prefix + name + ".")) yield return item;
    }

    /// <summary>Every parameter, in a stable order.</summary>
    public List<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter).ToList();

    /// <summary>Number of scalar parameters (trainable or frozen).</summary>
    public long ParameterCount() => NamedParameters().Sum(p => (long)p.Parameter.NumEl);

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p) in NamedParameters()) p.Grad = null;
    }

    /// <summary>Stops training the parameters (RequiresGrad = false), e.g. a pretrained backbone.</summary>
    public Module Freeze()
    {
        foreach (var (_, p) in NamedParameters()) { p.RequiresGrad = false; p.Grad = null; }
        return this;
    }

    /// <summary>Makes every parameter trainable again.</summary>
    public Module Unfreeze()
    {
        foreach (var (_, p) in NamedParameters()) p.RequiresGrad = true;
        return this;
    }

    /// <summary>Parameters and buffers by dotted name: what is saved and loaded.</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (name, p) in NamedParameters()) state[name] = p;
        foreach (var (name, b) in NamedBuffers()) state[name] = b;
        return state;
    }

    /// <summary>
    /// Copies values from <paramref name="state"/> into this module's parameters and buffers by name.
    /// With <paramref name="strict"/>, any missing or unexpected key or shape mismatch throws;
    /// otherwise the matching keys are loaded and the rest reported.
    /// </summary>
    public LoadReport LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = StateDict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var mismatched = own.Where(kv => state.TryGetValue(kv.Key, out var t) && !t.Shape.SequenceEqual(kv.Value.Shape))
            .Select(kv => $"{kv.Key}: expected {Fmt(kv.Value)}, got {Fmt(state[kv.Key])}").ToList();
        var report = new LoadReport(missing, unexpected, mismatched);
        if (strict && !report.IsExact)
            throw new ArgumentException($"load_state_dict into {GetType().Name}: {report}");
        foreach (var (name, target) in own)
            if (state.TryGetValue(name, out var source) && source.Shape.SequenceEqual(target.Shape))
                target.CopyFrom(source);
        return report;
    }

    static string Fmt(Tensor t) => "[" + string.Join(", ", t.Shape.ToArray()) + "]";

    /// <summary>Shape and parameter count, e.g. <c>Linear(784 → 128)  # 100,480 params</c>.</summary>
    public override string ToString() => $"{Describe()}  # {ParameterCount().ToString("N0", CultureInfo.InvariantCulture)} params";

    /// <summary>The one-line description used by <see cref="ToString"/> and summaries, e.g. <c>Linear(784 → 128)</c>.</summary>
    public virtual string Describe() => GetType().Name + "()";
}

/// <summary>What <see cref="Module.LoadStateDict"/> could not match.</summary>
public sealed record LoadReport(IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected, IReadOnlyList<string> ShapeMismatches)
{
    /// <summary>True when every key matched with its shape: nothing missing, unexpected or mismatched.</summary>
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0 && ShapeMismatches.Count == 0;

    /// <summary>"all keys matched", or the missing and unexpected keys and the shape mismatches.</summary>
    public override string ToString() => IsExact ? "all keys matched" :
        $"missing keys [{string.Join(", ", Missing)}]; unexpected keys [{string.Join(", ", Unexpected)}]; shape mismatches [{string.Join("; ", ShapeMismatches)}]";
}
