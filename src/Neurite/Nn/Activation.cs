using System.Globalization;

namespace Neurite.Nn;

/// <summary>
/// Names the element-wise activation a layer applies to its output: <see cref="None"/> (the identity, the default),
/// <see cref="ReLU"/>, <see cref="LeakyReLU"/>(α), <see cref="ELU"/>(α), <see cref="Sigmoid"/>, <see cref="Tanh"/>,
/// <see cref="Softplus"/>, <see cref="GELU"/> or <see cref="Step"/>. A value: <c>default(Activation)</c> is None, and two
/// activations with the same name and parameter are equal.
/// </summary>
/// <remarks>
/// Its text form (<see cref="ToString"/>, <see cref="Parse"/>, the model JSON) is the name with the parameter after a
/// colon: <c>"relu"</c>, <c>"leaky_relu:0.01"</c>. <see cref="Fusable"/> says whether the layers' kernels apply it
/// themselves (today only ReLU: the GEMM tile epilogue of <see cref="Linear"/> and the convolution kernel's store),
/// otherwise the layer runs its op and then the activation's op. Everything about each activation is in one table.
/// </remarks>
/// <example><code>var hidden = new Linear(784, 128, activation: Activation.ReLU);   // Linear(784 → 128, relu)</code></example>
public readonly struct Activation : IEquatable<Activation>
{
    /// <summary>One row of the table: everything known about one activation.</summary>
    sealed record Spec(string Name, double? DefaultParameter, Func<Tensor, double, Tensor> Run, KernelEpilogue Epilogue);

    // The table. Row 0 is the identity, so default(Activation) is None.
    static readonly Spec[] Table =
    [
        new("none", null, static (x, _) => x, KernelEpilogue.None),
        new("relu", null, static (x, _) => x.Relu(), KernelEpilogue.Relu),
        new("leaky_relu", 0.01, static (x, a) => x.LeakyRelu(a), KernelEpilogue.None),
        new("elu", 1.0, static (x, a) => x.Elu(a), KernelEpilogue.None),
        new("sigmoid", null, static (x, _) => x.Sigmoid(), KernelEpilogue.None),
        new("tanh", null, static (x, _) => x.Tanh(), KernelEpilogue.None),
        new("softplus", null, static (x, _) => x.Softplus(), KernelEpilogue.None),
        new("gelu", null, static (x, _) => x.Gelu(), KernelEpilogue.None),
        new("step", null, static (x, _) => x.Step(), KernelEpilogue.None),
    ];

    readonly byte kind;        // row of Table
    readonly double parameter; // 0 when the activation has none

    Activation(int kind, double parameter) => (this.kind, this.parameter) = ((byte)kind, parameter);

    static Activation Of(string name, double? parameter = null)
    {
        int row = Array.FindIndex(Table, s => s.Name == name);
        return new Activation(row, parameter ?? Table[row].DefaultParameter ?? 0);
    }

    /// <summary>The identity: the layer's output unchanged (the default).</summary>
    public static Activation None => default;

    /// <summary>max(x, 0); fused into the Linear and convolution kernels.</summary>
    public static Activation ReLU { get; } = Of("relu");

    /// <summary>σ(x) = 1/(1 + e^−x).</summary>
    public static Activation Sigmoid { get; } = Of("sigmoid");

    /// <summary>tanh(x).</summary>
    public static Activation Tanh { get; } = Of("tanh");

    /// <summary>ln(1 + eˣ).</summary>
    public static Activation Softplus { get; } = Of("softplus");

    /// <summary>x·Φ(x) (exact, with erf).</summary>
    public static Activation GELU { get; } = Of("gelu");

    /// <summary>The Heaviside step (no gradient).</summary>
    public static Activation Step { get; } = Of("step");

    /// <summary>x for x &gt; 0, αx otherwise.</summary>
    public static Activation LeakyReLU(double alpha = 0.01) => Of("leaky_relu", alpha);

    /// <summary>x for x &gt; 0, α(eˣ − 1) otherwise.</summary>
    public static Activation ELU(double alpha = 1.0) => Of("elu", alpha);

    Spec Row => Table[kind];

    /// <summary>The name in the text form, e.g. <c>relu</c>, <c>leaky_relu</c>, <c>none</c>.</summary>
    public string Name => Row.Name;

    /// <summary>The parameter (α of leaky_relu and elu), or null for an activation without one.</summary>
    public double? Parameter => Row.DefaultParameter is null ? null : parameter;

    /// <summary>True for <see cref="None"/>.</summary>
    public bool IsNone => kind == 0;

    /// <summary>Whether the layers' kernels apply this activation themselves, in one op with the layer (today only ReLU).</summary>
    public bool Fusable => Row.Epilogue != KernelEpilogue.None;

    /// <summary>What the kernels do for it: the layers map this to their fused op.</summary>
    internal KernelEpilogue Epilogue => Row.Epilogue;

    /// <summary>This activation applied to <paramref name="x"/> as its own op (<paramref name="x"/> itself for None).</summary>
    public Tensor Apply(Tensor x) => Row.Run(x, parameter);

    /// <summary>Every activation's text form: <c>none, relu, leaky_relu[:alpha], …</c> (for help and error messages).</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(s => s.DefaultParameter is null ? s.Name : s.Name + "[:alpha]").ToArray();

    /// <summary>
    /// Reads the text form: a name (case-insensitive), and for leaky_relu and elu optionally <c>:α</c>
    /// (default 0.01 and 1), e.g. <c>"relu"</c>, <c>"leaky_relu:0.2"</c>.
    /// </summary>
    /// <exception cref="FormatException">An unknown name (the message lists the valid ones), a parameter on an activation
    /// that takes none, or a parameter that is not a finite number.</exception>
    public static Activation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':');
        string name = (colon < 0 ? text : text[..colon]).Trim();
        int row = Array.FindIndex(Table, s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
        if (row < 0)
            throw new FormatException($"activation: unknown name '{text}' (valid: {string.Join(", ", Names)})");
        var spec = Table[row];
        if (colon < 0) return new Activation(row, spec.DefaultParameter ?? 0);
        if (spec.DefaultParameter is null)
            throw new FormatException($"activation: '{spec.Name}' takes no parameter, got '{text}'");
        if (!double.TryParse(text[(colon + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || !double.IsFinite(p))
            throw new FormatException($"activation: the parameter in '{text}' is not a finite number");
        return new Activation(row, p);
    }

    /// <summary>The text form: <c>relu</c>, <c>leaky_relu:0.01</c>, <c>none</c> (read back by <see cref="Parse"/>).</summary>
    public override string ToString() =>
        Row.DefaultParameter is null ? Name : Name + ":" + parameter.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>True when both are the same activation with the same parameter (<c>leaky_relu:0.01</c> ≠ <c>leaky_relu:0.2</c>).</summary>
    public bool Equals(Activation other) => kind == other.kind && parameter.Equals(other.parameter);

    /// <summary>True when <paramref name="obj"/> is an <see cref="Activation"/> equal to this one.</summary>
    public override bool Equals(object? obj) => obj is Activation a && Equals(a);

    /// <summary>A hash of the activation and its parameter, consistent with <see cref="Equals(Activation)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(kind, parameter);

    /// <summary>Same activation and parameter.</summary>
    public static bool operator ==(Activation a, Activation b) => a.Equals(b);

    /// <summary>Different activation or parameter.</summary>
    public static bool operator !=(Activation a, Activation b) => !a.Equals(b);
}

/// <summary>What a layer's kernel can do to its output as it stores it.</summary>
internal enum KernelEpilogue
{
    /// <summary>Nothing: the activation runs as its own op after the layer's.</summary>
    None,

    /// <summary>max(·, 0): <c>Tensor.LinearRelu</c>, <c>Tensor.Conv2dRelu</c>.</summary>
    Relu,
}

/// <summary>
/// A layer that can apply an <see cref="Nn.Activation"/> to its output (<see cref="Linear"/>, <see cref="Conv2d"/>,
/// <see cref="Conv1d"/>). Containers use it to run the layer and a following activation module as one op:
/// <see cref="Sequential"/> does so when the layer has no activation of its own and <see cref="CanFuse"/> says yes.
/// </summary>
public interface IActivatable
{
    /// <summary>The activation the layer applies to its own output (<see cref="Nn.Activation.None"/> if none).</summary>
    Activation Activation { get; }

    /// <summary>Whether <see cref="Forward(Tensor, Activation)"/> applies <paramref name="activation"/> inside the
    /// layer's own op (when the layer has no activation of its own), rather than as a second op.</summary>
    bool CanFuse(Activation activation);

    /// <summary><c>then.Apply(Forward(x))</c>, fused into the layer's op when it can be; the values and gradients
    /// equal those of the two ops one after the other.</summary>
    Tensor Forward(Tensor x, Activation then);
}

/// <summary>A module that is an element-wise activation and nothing else (<see cref="ReLU"/>, <see cref="Tanh"/>, …):
/// it exposes the <see cref="Nn.Activation"/> it applies, so a container can hand it to the layer before it.</summary>
public interface IActivationModule
{
    /// <summary>The activation this module applies; its <c>Forward(x)</c> equals <c>Activation.Apply(x)</c>.</summary>
    Activation Activation { get; }
}
