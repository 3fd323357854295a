namespace Neurite.Nn;

/// <summary>
/// Keeps the outputs of named layers from the last forward pass (what the hidden layers computed for a batch), through
/// forward hooks that copy each output; the model's results are unchanged. Dispose removes the hooks.
/// </summary>
/// <example><code>
/// using var capture = ActivationCapture.Of(mlp, "1", "3");   // the two ReLUs of Linear-ReLU-Linear-ReLU-Linear
/// mlp.Forward(batch);
/// Tensor hidden = capture["1"];                              // [N, 128], detached
/// </code></example>
public sealed class ActivationCapture : IDisposable
{
    readonly Dictionary<string, Tensor> captured = [];
    readonly List<HookHandle> handles = [];

    ActivationCapture() { }

    /// <summary>Captures the layers of <paramref name="model"/> named by their dotted paths (as
    /// <see cref="Module.NamedModules"/> lists them; "" is the model itself).</summary>
    /// <exception cref="ArgumentException">A name is not a module of the model (the message lists the names there are),
    /// or no name was given.</exception>
    public static ActivationCapture Of(Module model, params string[] layers)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (layers.Length == 0) throw new ArgumentException("activation capture: name at least one layer", nameof(layers));
        var modules = model.NamedModules().ToDictionary(m => m.Name, m => m.Module);
        var unknown = layers.Where(l => !modules.ContainsKey(l)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"activation capture: no layer named {string.Join(", ", unknown.Select(u => $"'{u}'"))} in {model.Describe()}; " +
                $"layers: {string.Join(", ", modules.Keys.Where(k => k.Length > 0))}", nameof(layers));
        var capture = new ActivationCapture();
        foreach (var name in layers.Distinct())
            capture.handles.Add(modules[name].RegisterForwardHook((_, _, y) =>
            {
                lock (capture.captured) capture.captured[name] = y.Detach().Clone();
                return null;
            }, $"capture {name}"));
        return capture;
    }

    /// <summary>The last output of layer <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The layer has not run since the capture began (or was not captured).</exception>
    public Tensor this[string name] => captured.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"activation capture: layer '{name}' has not run since the capture began (captured: {string.Join(", ", captured.Keys)})");

    /// <summary>Every captured layer's last output, by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Activations => captured;

    /// <summary>Runs <paramref name="model"/> on <paramref name="x"/> in evaluation mode without gradients and returns the
    /// named layers' outputs.</summary>
    public static IReadOnlyDictionary<string, Tensor> Run(Module model, Tensor x, params string[] layers)
    {
        using var capture = Of(model, layers);
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using (Autograd.NoGrad()) model.Invoke(x);
        }
        finally { model.Train(wasTraining); }
        return new Dictionary<string, Tensor>(capture.captured);
    }

    /// <summary>Removes the hooks; the captured tensors stay readable.</summary>
    public void Dispose()
    {
        foreach (var h in handles) h.Remove();
    }
}
