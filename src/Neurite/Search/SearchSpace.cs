namespace Neurite.Search;

/// <summary>One point of a <see cref="SearchSpace"/>: the values of its active parameters, in the space's order.</summary>
public sealed class Configuration : IEquatable<Configuration>
{
    readonly List<KeyValuePair<string, object>> values;

    /// <summary>A configuration of <paramref name="values"/> (name, value), in order.</summary>
    public Configuration(IEnumerable<KeyValuePair<string, object>> values) => this.values = [.. values];

    /// <summary>The (name, value) pairs of the active parameters, in the space's order.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Values => values;

    /// <summary>Whether <paramref name="name"/> is active in this configuration.</summary>
    public bool Has(string name) => values.Any(kv => kv.Key == name);

    /// <summary>The value of <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException"><paramref name="name"/> is not active here.</exception>
    public object this[string name] => values.FirstOrDefault(kv => kv.Key == name).Value
        ?? throw new KeyNotFoundException($"configuration: no active parameter '{name}' in {this}");

    /// <summary>The value of the <see cref="FloatParameter"/> <paramref name="name"/>.</summary>
    public double Float(string name) => (double)this[name];
    /// <summary>The value of the <see cref="IntParameter"/> <paramref name="name"/>.</summary>
    public int Int(string name) => (int)this[name];
    /// <summary>The value of the <see cref="ChoiceParameter"/> <paramref name="name"/>.</summary>
    public string Choice(string name) => (string)this[name];
    /// <summary>The hidden widths of the <see cref="LayersParameter"/> <paramref name="name"/>.</summary>
    public IReadOnlyList<int> Layers(string name) => (int[])this[name];

    /// <summary><c>lr=0.001 layers=64-32 optimizer=adam</c>, numbers round-trip.</summary>
    public override string ToString() => string.Join(" ", values.Select(kv => $"{kv.Key}={Parameter.Format(kv.Value)}"));

    /// <summary>Equal when the <see cref="ToString"/> forms are: same names, order and round-trip values.</summary>
    public bool Equals(Configuration? other) => other is not null && ToString() == other.ToString();
    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Configuration);
    /// <inheritdoc/>
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}

/// <summary>
/// What a search may choose: an ordered list of typed parameters, some conditional on an earlier choice.
/// </summary>
/// <example>
/// <code>
/// var space = new SearchSpace(
///     new FloatParameter("lr", 1e-4, 1, log: true),
///     new ChoiceParameter("optimizer", ["adam", "momentum"]),
///     new FloatParameter("momentum", 0.5, 0.99) { When = new Condition("optimizer", ["momentum"]) },
///     new LayersParameter("layers", 1, 3, 16, 256));
/// </code>
/// </example>
public sealed class SearchSpace
{
    /// <summary>A space of <paramref name="parameters"/>, in order.</summary>
    /// <exception cref="ArgumentException">No parameters, a name given twice, or a condition on a parameter that is not an earlier choice or on a value it does not offer.</exception>
    public SearchSpace(params IReadOnlyList<Parameter> parameters)
    {
        if (parameters.Count == 0) throw new ArgumentException("search space: no parameters (an empty space has nothing to search)", nameof(parameters));
        var seen = new HashSet<string>();
        foreach (var p in parameters)
        {
            if (!seen.Add(p.Name)) throw new ArgumentException($"search space: parameter '{p.Name}' is defined twice", nameof(parameters));
            if (p.When is { } c)
            {
                var parent = parameters.TakeWhile(q => q != p).FirstOrDefault(q => q.Name == c.Parameter) as ChoiceParameter
                    ?? throw new ArgumentException($"search space: '{p.Name}' depends on '{c.Parameter}', which must be a choice parameter listed before it", nameof(parameters));
                if (c.Values.FirstOrDefault(v => !parent.Choices.Contains(v)) is { } bad)
                    throw new ArgumentException($"search space: '{p.Name}' depends on {c.Parameter} = '{bad}', not one of {string.Join(", ", parent.Choices)}", nameof(parameters));
            }
        }
        Parameters = [.. parameters];
        EncodedWidth = Parameters.Sum(p => p.EncodedWidth);
    }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The length of <see cref="Encode"/>'s vector.</summary>
    public int EncodedWidth { get; }

    /// <summary>Whether <paramref name="p"/> is active given the values chosen so far.</summary>
    static bool Active(Parameter p, IReadOnlyList<KeyValuePair<string, object>> chosen) =>
        p.When is not { } c || chosen.Any(kv => kv.Key == c.Parameter && c.Values.Contains((string)kv.Value));

    /// <summary>A random configuration: each active parameter drawn in order.</summary>
    public Configuration Sample(Generator g) => Repair([], g);

    /// <summary>Keeps the active values of <paramref name="values"/>, drops inactive ones and draws the missing ones.</summary>
    public Configuration Repair(IReadOnlyList<KeyValuePair<string, object>> values, Generator g)
    {
        var chosen = new List<KeyValuePair<string, object>>();
        foreach (var p in Parameters)
        {
            if (!Active(p, chosen)) continue;
            var v = values.FirstOrDefault(kv => kv.Key == p.Name).Value ?? p.Sample(g);
            chosen.Add(new(p.Name, v));
        }
        return new Configuration(chosen);
    }

    /// <summary>The configuration as a point of the unit cube (inactive parameters as zeros).</summary>
    public double[] Encode(Configuration c)
    {
        var x = new double[EncodedWidth];
        int at = 0;
        foreach (var p in Parameters)
        {
            p.Encode(c.Has(p.Name) ? c[p.Name] : null, x.AsSpan(at, p.EncodedWidth));
            at += p.EncodedWidth;
        }
        return x;
    }

    /// <summary>Every combination of <see cref="Parameter.Levels"/> (inactive parameters left out, so no duplicates).</summary>
    public IReadOnlyList<Configuration> Grid(int levels)
    {
        if (levels < 1) throw new ArgumentOutOfRangeException(nameof(levels), levels, "grid: levels must be ≥ 1");
        var all = new List<Configuration>();
        void Walk(int i, List<KeyValuePair<string, object>> chosen)
        {
            if (i == Parameters.Count) { all.Add(new Configuration(chosen)); return; }
            var p = Parameters[i];
            if (!Active(p, chosen)) { Walk(i + 1, chosen); return; }
            foreach (var v in p.Levels(levels))
            {
                chosen.Add(new(p.Name, v));
                Walk(i + 1, chosen);
                chosen.RemoveAt(chosen.Count - 1);
            }
        }
        Walk(0, []);
        return all;
    }

    /// <summary>The space narrowed around <paramref name="best"/>: each parameter spans the values the best trials had plus
    /// a margin (a fraction of its current range); choices keep only those the best used.</summary>
    /// <remarks>A conditional parameter follows its parent: it keeps the condition values the parent still offers, and goes
    /// when none is left.</remarks>
    public SearchSpace Narrow(IReadOnlyList<Configuration> best, double margin)
    {
        var narrowed = new List<Parameter>();
        foreach (var p in Parameters)
        {
            var q = p.Narrow([.. best.Where(c => c.Has(p.Name)).Select(c => c[p.Name])], margin);
            if (q.When is { } w && narrowed.FirstOrDefault(n => n.Name == w.Parameter) is ChoiceParameter parent)
            {
                var still = w.Values.Where(parent.Choices.Contains).ToArray();
                if (still.Length == 0) continue;
                if (still.Length < w.Values.Count) q = q.WithCondition(w with { Values = still });
            }
            else if (q.When is not null) continue;   // its parent went
            narrowed.Add(q);
        }
        return new SearchSpace(narrowed);
    }

    /// <summary>The parameter called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    public Parameter this[string name] => Parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new KeyNotFoundException($"search space: no parameter '{name}'; it has {string.Join(", ", Parameters.Select(p => p.Name))}");
}
