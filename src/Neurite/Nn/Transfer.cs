using Neurite.Optim;

namespace Neurite.Nn;

/// <summary>
/// Transfer learning (seed 003: start from a network trained on a large related task, replace its
/// classifier, and fine-tune with a smaller learning rate for the pretrained layers): loading weights by
/// name, swapping the head of a <see cref="Sequential"/>, backbone/head parameter groups, and freezing by name.
/// </summary>
/// <remarks>
/// <code>
/// var model = Transfer.ReplaceHead(pretrained, new Linear(64, 5));     // shares the backbone modules
/// var report = Transfer.LoadMatching(model, pretrained.StateDict());   // head: shape mismatch, skipped
/// var optimizer = new Adam(Transfer.BackboneAndHead(model, learningRate: 1e-3, backboneScale: 0.1));
/// Transfer.Freeze(model, "0", "1");                                    // or train only the head
/// </code>
/// Names are the dotted names of <see cref="Module.NamedParameters"/>; a prefix matches a name equal to it or
/// followed by a dot, so "1" matches "1.weight" but not "10.weight".
/// </remarks>
public static class Transfer
{
    /// <summary>
    /// Copies every tensor of <paramref name="state"/> whose (renamed) key and shape match one of
    /// <paramref name="model"/>'s parameters or buffers, and reports the rest: missing keys (the model's,
    /// left as they were), unexpected keys (the state's, unused) and shape mismatches (skipped, e.g. a replaced head).
    /// </summary>
    /// <param name="model">The model to fill.</param>
    /// <param name="state">Weights by name, e.g. another model's <see cref="Module.StateDict"/> or a safetensors file.</param>
    /// <param name="prefixMap">Renames state keys before matching: a key starting with a map key (as a name prefix)
    /// gets that prefix replaced by the value, e.g. { "features" → "0" }; an empty value strips the prefix.</param>
    /// <exception cref="ArgumentException">Two state keys map to the same name.</exception>
    public static LoadReport LoadMatching(Module model, IReadOnlyDictionary<string, Tensor> state, IReadOnlyDictionary<string, string>? prefixMap = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(state);
        var renamed = new Dictionary<string, Tensor>();
        foreach (var (key, tensor) in state)
        {
            string name = Rename(key, prefixMap);
            if (!renamed.TryAdd(name, tensor))
                throw new ArgumentException($"Transfer.LoadMatching: two state keys map to '{name}' (one is '{key}')", nameof(prefixMap));
        }
        return model.LoadStateDict(renamed, strict: false);
    }

    static string Rename(string key, IReadOnlyDictionary<string, string>? prefixMap)
    {
        if (prefixMap is null) return key;
        foreach (var (from, to) in prefixMap)
            if (MatchesPrefix(key, from))
            {
                string rest = key[from.Length..].TrimStart('.');
                return to.Length == 0 ? rest : rest.Length == 0 ? to : to.TrimEnd('.') + "." + rest;
            }
        return key;
    }

    /// <summary>True when <paramref name="name"/> equals <paramref name="prefix"/> or continues it after a dot
    /// ("1" matches "1" and "1.weight", not "10.weight"); the empty prefix matches everything.</summary>
    public static bool MatchesPrefix(string name, string prefix)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0) return true;
        if (prefix.EndsWith('.')) return name.StartsWith(prefix, StringComparison.Ordinal);
        return name == prefix || (name.StartsWith(prefix, StringComparison.Ordinal) && name[prefix.Length] == '.');
    }

    /// <summary>
    /// A new <see cref="Sequential"/> with the same module objects as <paramref name="model"/> except the last,
    /// which is <paramref name="newHead"/>: the backbone is shared, not copied, so training one trains the other.
    /// Parameter names keep their positions ("0.weight", …), so the old state dict loads into the backbone.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    public static Sequential ReplaceHead(Sequential model, Module newHead)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(newHead);
        if (model.Count == 0) throw new ArgumentException("Transfer.ReplaceHead: the Sequential has no layers", nameof(model));
        return new Sequential([.. model.Layers.Take(model.Count - 1), newHead]);
    }

    /// <summary>
    /// Two parameter groups for an optimiser: the backbone (every parameter not under
    /// <paramref name="headPrefix"/>) at <paramref name="learningRate"/> × <paramref name="backboneScale"/>,
    /// and the head at <paramref name="learningRate"/>. Pass them to <c>new Sgd(groups, …)</c> or <c>new Adam(groups, …)</c>.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="headPrefix">Name prefix of the head's parameters, e.g. "2" for the third layer of a Sequential.</param>
    /// <param name="learningRate">The head's learning rate, ≥ 0.</param>
    /// <param name="backboneScale">The backbone's rate relative to the head's, in [0, 1] (default 0.1; 0 freezes it in effect).</param>
    /// <exception cref="ArgumentException">No parameter is under <paramref name="headPrefix"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rate is negative or the scale is outside [0, 1].</exception>
    public static IReadOnlyList<ParamGroup> BackboneAndHead(Module model, string headPrefix, double learningRate, double backboneScale = 0.1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(headPrefix);
        if (!(learningRate >= 0) || double.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Transfer.BackboneAndHead: learningRate must be a finite non-negative number");
        if (!(backboneScale >= 0 && backboneScale <= 1))
            throw new ArgumentOutOfRangeException(nameof(backboneScale), backboneScale, "Transfer.BackboneAndHead: backboneScale must be in [0, 1]");
        var head = new List<Tensor>();
        var backbone = new List<Tensor>();
        foreach (var (name, p) in model.NamedParameters())
            (MatchesPrefix(name, headPrefix) ? head : backbone).Add(p);
        if (head.Count == 0)
            throw new ArgumentException($"Transfer.BackboneAndHead: no parameter of {model.Describe()} is under '{headPrefix}'; names are [{string.Join(", ", model.NamedParameters().Select(p => p.Name))}]", nameof(headPrefix));
        return [new ParamGroup(backbone, learningRate * backboneScale), new ParamGroup(head, learningRate)];
    }

    /// <summary><see cref="BackboneAndHead(Module, string, double, double)"/> with the last layer of a <see cref="Sequential"/> as the head.</summary>
    public static IReadOnlyList<ParamGroup> BackboneAndHead(Sequential model, double learningRate, double backboneScale = 0.1)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Count == 0) throw new ArgumentException("Transfer.BackboneAndHead: the Sequential has no layers", nameof(model));
        return BackboneAndHead((Module)model, (model.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), learningRate, backboneScale);
    }

    /// <summary>Stops training the parameters under any of <paramref name="prefixes"/> (RequiresGrad = false, gradient cleared); returns how many.</summary>
    /// <exception cref="ArgumentException">A prefix matches no parameter (a typo would otherwise freeze nothing silently).</exception>
    public static int Freeze(Module model, params string[] prefixes) => SetTrainable(model, prefixes, false);

    /// <summary>Makes the parameters under any of <paramref name="prefixes"/> trainable again; returns how many.</summary>
    /// <exception cref="ArgumentException">A prefix matches no parameter.</exception>
    public static int Unfreeze(Module model, params string[] prefixes) => SetTrainable(model, prefixes, true);

    static int SetTrainable(Module model, string[] prefixes, bool trainable)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prefixes);
        var parameters = model.NamedParameters().ToList();
        foreach (var prefix in prefixes)
            if (!parameters.Any(p => MatchesPrefix(p.Name, prefix)))
                throw new ArgumentException($"Transfer.{(trainable ? "Unfreeze" : "Freeze")}: no parameter of {model.Describe()} is under '{prefix}'; names are [{string.Join(", ", parameters.Select(p => p.Name))}]", nameof(prefixes));
        int count = 0;
        foreach (var (name, p) in parameters)
        {
            if (!prefixes.Any(prefix => MatchesPrefix(name, prefix))) continue;
            p.RequiresGrad = trainable;
            if (!trainable) p.Grad = null;
            count++;
        }
        return count;
    }
}
