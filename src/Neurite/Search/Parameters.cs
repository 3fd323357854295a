using System.Globalization;

namespace Neurite.Search;

/// <summary>A parameter is active only when the choice parameter <paramref name="Parameter"/> (earlier in the space) has one
/// of <paramref name="Values"/>: <c>momentum</c> only when <c>optimizer</c> is sgd or momentum.</summary>
public sealed record Condition(string Parameter, IReadOnlyList<string> Values);

/// <summary>One dimension of a <see cref="SearchSpace"/>. Values are <c>double</c> (<see cref="FloatParameter"/>),
/// <c>int</c> (<see cref="IntParameter"/>), <c>string</c> (<see cref="ChoiceParameter"/>) or <c>int[]</c> hidden widths
/// (<see cref="LayersParameter"/>). Every parameter maps its values into the unit cube (<see cref="Encode"/>) for the
/// Gaussian-process surrogate and the coarse-to-fine ranges.</summary>
public abstract class Parameter(string name)
{
    /// <summary>The parameter's name, unique in its space. Throws <see cref="ArgumentException"/> when blank.</summary>
    public string Name { get; } = string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("search space: a parameter needs a name", nameof(name)) : name;

    /// <summary>When the parameter is active; null: always.</summary>
    public Condition? When { get => when; init => when = value; }

    Condition? when;

    /// <summary>A copy with another condition.</summary>
    public Parameter WithCondition(Condition? condition)
    {
        var copy = (Parameter)MemberwiseClone();
        copy.when = condition;
        return copy;
    }

    /// <summary>How many numbers <see cref="Encode"/> writes.</summary>
    public abstract int EncodedWidth { get; }

    /// <summary>A random value from the parameter's prior (uniform, or log-uniform with <c>log</c>).</summary>
    public abstract object Sample(Generator g);

    /// <summary>Writes the value's coordinates in [0, 1] into <paramref name="into"/>; a null (inactive) value writes zeros.</summary>
    public abstract void Encode(object? value, Span<double> into);

    /// <summary>Evenly spaced values (on the parameter's scale) for grid search.</summary>
    public abstract IReadOnlyList<object> Levels(int count);

    /// <summary>A narrower parameter spanning <paramref name="best"/> plus a margin of <paramref name="margin"/> of the range each side.</summary>
    public abstract Parameter Narrow(IReadOnlyList<object> best, double margin);

    /// <summary>A nearby value (evolution's mutation).</summary>
    public abstract object Mutate(object value, Generator g);

    /// <summary>The value as text: numbers round-trip ("R"), widths as 64-32.</summary>
    public static string Format(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        int[] w => w.Length == 0 ? "none" : string.Join("-", w),
        _ => value.ToString() ?? "",
    };
}

/// <summary>A real number in [Low, High], uniform or — with <c>log</c> — log-uniform (learning rates, weight decay:
/// seed 001's "search on a log scale", 10^Uniform(−4, 0) rather than Uniform(0.0001, 1)).</summary>
public sealed class FloatParameter : Parameter
{
    /// <summary>A real in [<paramref name="low"/>, <paramref name="high"/>], log-uniform when <paramref name="log"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Bounds not finite, <paramref name="low"/> ≥ <paramref name="high"/>, or <paramref name="log"/> with <paramref name="low"/> ≤ 0.</exception>
    public FloatParameter(string name, double low, double high, bool log = false) : base(name)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high) || !(low < high))
            throw new ArgumentOutOfRangeException(nameof(low), $"search space: '{name}' needs finite low < high, got [{low}, {high}]");
        if (log && !(low > 0)) throw new ArgumentOutOfRangeException(nameof(low), $"search space: log-uniform '{name}' needs low > 0, got {low}");
        (Low, High, Log) = (low, high, log);
    }

    /// <summary>The lower bound.</summary>
    public double Low { get; }
    /// <summary>The upper bound.</summary>
    public double High { get; }
    /// <summary>Whether values are sampled, encoded and spaced on a log scale.</summary>
    public bool Log { get; }

    double T(double v) => Log ? Math.Log(v) : v;
    double Inverse(double t) => Math.Clamp(Log ? Math.Exp(t) : t, Low, High);

    /// <inheritdoc/>
    public override int EncodedWidth => 1;
    /// <inheritdoc/>
    public override object Sample(Generator g) => Inverse(T(Low) + g.NextDouble() * (T(High) - T(Low)));
    /// <inheritdoc/>
    /// <remarks>(T(v) − T(Low)) / (T(High) − T(Low)), T = log when <see cref="Log"/>.</remarks>
    public override void Encode(object? value, Span<double> into) =>
        into[0] = value is double v ? (T(v) - T(Low)) / (T(High) - T(Low)) : 0;
    /// <inheritdoc/>
    public override IReadOnlyList<object> Levels(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (object)Inverse(T(Low) + (count == 1 ? 0.5 : (double)i / (count - 1)) * (T(High) - T(Low))))];

    /// <inheritdoc/>
    public override Parameter Narrow(IReadOnlyList<object> best, double margin)
    {
        if (best.Count == 0) return this;
        double span = T(High) - T(Low), lo = best.Min(v => T((double)v)) - margin * span, hi = best.Max(v => T((double)v)) + margin * span;
        double low = Inverse(Math.Max(lo, T(Low))), high = Inverse(Math.Min(hi, T(High)));
        if (!(low < high)) (low, high) = (Low, High);
        return new FloatParameter(Name, low, high, Log) { When = When };
    }

    /// <inheritdoc/>
    /// <remarks>A Gaussian step of 0.2 of the (log) range, clamped to [Low, High].</remarks>
    public override object Mutate(object value, Generator g) => Inverse(T((double)value) + 0.2 * (T(High) - T(Low)) * g.NextNormal());
}

/// <summary>An integer in [Low, High], uniform or log-uniform (sampled as a real and rounded).</summary>
public sealed class IntParameter : Parameter
{
    /// <summary>An integer in [<paramref name="low"/>, <paramref name="high"/>], log-uniform when <paramref name="log"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="low"/> &gt; <paramref name="high"/>, or <paramref name="log"/> with <paramref name="low"/> ≤ 0.</exception>
    public IntParameter(string name, int low, int high, bool log = false) : base(name)
    {
        if (low > high) throw new ArgumentOutOfRangeException(nameof(low), $"search space: '{name}' needs low ≤ high, got [{low}, {high}]");
        if (log && low <= 0) throw new ArgumentOutOfRangeException(nameof(low), $"search space: log-uniform '{name}' needs low > 0, got {low}");
        (Low, High, Log) = (low, high, log);
    }

    /// <summary>The lower bound (inclusive).</summary>
    public int Low { get; }
    /// <summary>The upper bound (inclusive).</summary>
    public int High { get; }
    /// <summary>Whether values are sampled, encoded and spaced on a log scale.</summary>
    public bool Log { get; }

    double T(double v) => Log ? Math.Log(v) : v;
    int Inverse(double t) => (int)Math.Clamp(Math.Round(Log ? Math.Exp(t) : t), Low, High);
    // rounding to the nearest integer: the real range is widened by ½ each side so the end values are as likely as the rest
    double TLow => Log ? Math.Log(Math.Max(0.5, Low - 0.5)) : Low - 0.5;
    double THigh => T(High + 0.5);

    /// <inheritdoc/>
    public override int EncodedWidth => 1;
    /// <inheritdoc/>
    /// <remarks>Draws from [Low − ½, High + ½] (on the log scale with <see cref="Log"/>) and rounds, so the end values are as likely as the rest.</remarks>
    public override object Sample(Generator g) => Inverse(TLow + g.NextDouble() * (THigh - TLow));
    /// <inheritdoc/>
    public override void Encode(object? value, Span<double> into) =>
        into[0] = value is int v && High > Low ? (T(v) - T(Low)) / (T(High) - T(Low)) : 0;
    /// <inheritdoc/>
    /// <remarks>Rounded, so fewer than <paramref name="count"/> when values coincide.</remarks>
    public override IReadOnlyList<object> Levels(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Inverse(T(Low) + (count == 1 ? 0.5 : (double)i / (count - 1)) * (T(High) - T(Low)))).Distinct().Select(v => (object)v)];

    /// <inheritdoc/>
    public override Parameter Narrow(IReadOnlyList<object> best, double margin)
    {
        if (best.Count == 0) return this;
        double span = T(High) - T(Low);
        int low = Math.Min(Inverse(best.Min(v => T((int)v)) - margin * span), best.Min(v => (int)v));
        int high = Math.Max(Inverse(best.Max(v => T((int)v)) + margin * span), best.Max(v => (int)v));
        return new IntParameter(Name, low, high, Log) { When = When };
    }

    /// <inheritdoc/>
    /// <remarks>Steps down or up by max(1, round(|N(0, 1)|·0.2·s)), s = the value (log scale) or High − Low, clamped to [Low, High].</remarks>
    public override object Mutate(object value, Generator g)
    {
        int v = (int)value, step = Math.Max(1, (int)Math.Round(Math.Abs(g.NextNormal()) * 0.2 * (Log ? v : High - Low)));
        return Math.Clamp(g.NextInt(2) == 0 ? v - step : v + step, Low, High);
    }
}

/// <summary>One of a list of names (an optimiser, an activation, "true"/"false").</summary>
public sealed class ChoiceParameter : Parameter
{
    /// <summary>One of <paramref name="choices"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="choices"/> is empty or lists a value twice.</exception>
    public ChoiceParameter(string name, IReadOnlyList<string> choices) : base(name)
    {
        if (choices.Count == 0) throw new ArgumentException($"search space: choice '{name}' needs at least one value", nameof(choices));
        if (choices.Distinct().Count() != choices.Count) throw new ArgumentException($"search space: choice '{name}' lists a value twice: {string.Join(", ", choices)}", nameof(choices));
        Choices = [.. choices];
    }

    /// <summary>The allowed values, in order.</summary>
    public IReadOnlyList<string> Choices { get; }

    /// <inheritdoc/>
    public override int EncodedWidth => Choices.Count;
    /// <inheritdoc/>
    /// <remarks>Each choice equally likely.</remarks>
    public override object Sample(Generator g) => Choices[g.NextInt(Choices.Count)];

    /// <summary>One-hot: the GP sees categories as corners of a simplex, all equally far apart.</summary>
    public override void Encode(object? value, Span<double> into)
    {
        into[..Choices.Count].Clear();
        if (value is string s && Choices.ToList().IndexOf(s) is >= 0 and var k) into[k] = 1;
    }

    /// <inheritdoc/>
    /// <remarks>Every choice, whatever <paramref name="count"/>.</remarks>
    public override IReadOnlyList<object> Levels(int count) => [.. Choices];

    /// <inheritdoc/>
    /// <remarks>Keeps the choices that appear in <paramref name="best"/>; <paramref name="margin"/> is unused.</remarks>
    public override Parameter Narrow(IReadOnlyList<object> best, double margin) =>
        best.Count == 0 ? this : new ChoiceParameter(Name, [.. Choices.Where(best.Contains)]) { When = When };

    /// <inheritdoc/>
    /// <remarks>Another choice, uniformly; the same one when there is only one.</remarks>
    public override object Mutate(object value, Generator g)
    {
        if (Choices.Count == 1) return value;
        var others = Choices.Where(c => c != (string)value).ToArray();
        return others[g.NextInt(others.Length)];
    }
}

/// <summary>The hidden layers of an MLP: a depth in [MinDepth, MaxDepth] and, per layer, a width in [MinWidth, MaxWidth]
/// drawn log-uniformly (powers matter, not units). The value is an <c>int[]</c> of widths (empty for depth 0).</summary>
public sealed class LayersParameter : Parameter
{
    /// <summary>Hidden layers of depth in [<paramref name="minDepth"/>, <paramref name="maxDepth"/>] and widths in [<paramref name="minWidth"/>, <paramref name="maxWidth"/>].</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 0 ≤ <paramref name="minDepth"/> ≤ <paramref name="maxDepth"/> ≤ 64, or not 1 ≤ <paramref name="minWidth"/> ≤ <paramref name="maxWidth"/>.</exception>
    public LayersParameter(string name, int minDepth, int maxDepth, int minWidth, int maxWidth) : base(name)
    {
        if (minDepth < 0 || minDepth > maxDepth || maxDepth > 64)
            throw new ArgumentOutOfRangeException(nameof(minDepth), $"search space: layers '{name}' needs 0 ≤ min depth ≤ max depth ≤ 64, got {minDepth}..{maxDepth}");
        if (minWidth < 1 || minWidth > maxWidth)
            throw new ArgumentOutOfRangeException(nameof(minWidth), $"search space: layers '{name}' needs 1 ≤ min width ≤ max width, got {minWidth}..{maxWidth}");
        (MinDepth, MaxDepth, MinWidth, MaxWidth) = (minDepth, maxDepth, minWidth, maxWidth);
        width = new IntParameter(name, minWidth, maxWidth, log: true);
    }

    readonly IntParameter width;
    /// <summary>The fewest hidden layers.</summary>
    public int MinDepth { get; }
    /// <summary>The most hidden layers (at most 64).</summary>
    public int MaxDepth { get; }
    /// <summary>The narrowest layer.</summary>
    public int MinWidth { get; }
    /// <summary>The widest layer.</summary>
    public int MaxWidth { get; }

    /// <summary>The depth, then each layer's log-width (zeros past the depth).</summary>
    public override int EncodedWidth => 1 + MaxDepth;

    /// <inheritdoc/>
    /// <remarks>A uniform depth, then each width log-uniform.</remarks>
    public override object Sample(Generator g)
    {
        int depth = MinDepth + g.NextInt(MaxDepth - MinDepth + 1);
        return Enumerable.Range(0, depth).Select(_ => (int)width.Sample(g)).ToArray();
    }

    /// <inheritdoc/>
    /// <remarks>depth / MaxDepth, then each layer's log-width in [0, 1].</remarks>
    public override void Encode(object? value, Span<double> into)
    {
        into[..EncodedWidth].Clear();
        if (value is not int[] w) return;
        into[0] = MaxDepth > 0 ? (double)w.Length / MaxDepth : 0;
        for (int i = 0; i < w.Length; i++) width.Encode(w[i], into.Slice(1 + i, 1));
    }

    /// <summary>Every depth, each with the same width at every layer, at <paramref name="count"/> log-spaced widths.</summary>
    public override IReadOnlyList<object> Levels(int count) =>
        [.. Enumerable.Range(MinDepth, MaxDepth - MinDepth + 1).SelectMany(d => d == 0
            ? [Array.Empty<int>()]
            : width.Levels(count).Select(w => Enumerable.Repeat((int)w, d).ToArray())).Cast<object>()];

    /// <inheritdoc/>
    /// <remarks>The depths the best used, and the widths narrowed as one log-scaled integer.</remarks>
    public override Parameter Narrow(IReadOnlyList<object> best, double margin)
    {
        if (best.Count == 0) return this;
        var all = best.Cast<int[]>().ToArray();
        var widths = all.SelectMany(w => w).Cast<object>().ToArray();
        var narrow = widths.Length == 0 ? width : (IntParameter)width.Narrow(widths, margin);
        return new LayersParameter(Name, all.Min(w => w.Length), all.Max(w => w.Length), narrow.Low, narrow.High) { When = When };
    }

    /// <summary>Adds a layer (a copy of a neighbour's width), removes one, or halves or doubles one width.</summary>
    public override object Mutate(object value, Generator g)
    {
        var w = ((int[])value).ToList();
        int kind = g.NextInt(3);
        if (kind == 0 && w.Count < MaxDepth) w.Insert(g.NextInt(w.Count + 1), w.Count == 0 ? (int)width.Sample(g) : w[g.NextInt(w.Count)]);
        else if (kind == 1 && w.Count > MinDepth) w.RemoveAt(g.NextInt(w.Count));
        else if (w.Count > 0) { int i = g.NextInt(w.Count); w[i] = Math.Clamp(g.NextInt(2) == 0 ? w[i] / 2 : w[i] * 2, MinWidth, MaxWidth); }
        return w.ToArray();
    }
}
