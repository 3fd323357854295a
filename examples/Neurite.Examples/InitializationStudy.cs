using Neurite.Nn;
using Neurite.Training;

namespace Neurite.Examples;

/// <summary>
/// Seed 001's initialisation study: one batch of 1,000 Gaussian inputs through 10 layers of 500 tanh units, under four
/// initialisations, with <see cref="Diagnostics.Measure"/> reporting each layer's activations. Small random weights
/// (std 0.01) shrink the signal layer by layer until it collapses to zero; large ones (std 1) drive every unit into
/// saturation at ±1, where tanh's gradient vanishes; Xavier (std √(1/n)) keeps a healthy spread through all ten layers,
/// and so does He (std √(2/n)) for tanh. With ReLU, Xavier halves the variance at every layer and He keeps it.
/// </summary>
public static class InitializationStudy
{
    /// <summary>Per initialisation, each tanh (or ReLU) layer's activation std and saturated fraction, and the warnings.</summary>
    public sealed record Case(string Name, double[] Std, double[] Saturated, IReadOnlyList<DiagnosticWarning> Warnings);

    public sealed record Result(Case Small, Case Large, Case Xavier, Case He, Case ReluXavier, Case ReluHe);

    public const int Layers = 10, Width = 500;

    public static Result Run(TextWriter output, ulong seed = 1)
    {
        var x = Tensor.Randn([1000, Width], new Generator(seed));
        Case Study(string name, Init init, Func<Module> activation)
        {
            var g = new Generator(seed + 1);
            var layers = new List<Module>();
            for (int i = 0; i < Layers; i++) { layers.Add(new Linear(Width, Width, bias: false, init: init, generator: g)); layers.Add(activation()); }
            var snapshot = Diagnostics.Measure(new Sequential(layers.ToArray()), x);
            var acts = Enumerable.Range(0, Layers).Select(i => snapshot[(2 * i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)]).ToArray();
            var c = new Case(name, acts.Select(a => a.Std).ToArray(), acts.Select(a => a.SaturatedFraction ?? 0).ToArray(), snapshot.Warnings);
            output.WriteLine($"{name,-22} std by layer: {string.Join(" ", c.Std.Select(s => s.ToString("0.00e+0", System.Globalization.CultureInfo.InvariantCulture)))}");
            if (activation() is Tanh)
                output.WriteLine($"{"",-22} saturated:    {string.Join(" ", c.Saturated.Select(s => s.ToString("P0", System.Globalization.CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal).PadLeft(7)))}");
            foreach (var w in c.Warnings.Take(2)) output.WriteLine($"{"",-22} warning: {w}");
            if (c.Warnings.Count > 2) output.WriteLine($"{"",-22} … and {c.Warnings.Count - 2} more warnings");
            return c;
        }
        output.WriteLine($"{Layers} layers of {Width} units, one batch of {x.Shape[0]} N(0, 1) inputs");
        return new Result(
            Study("tanh, N(0, 0.01²)", Init.SmallNormal(0.01), () => new Tanh()),
            Study("tanh, N(0, 1)", Init.SmallNormal(1.0), () => new Tanh()),
            Study("tanh, Xavier", Init.XavierNormal(), () => new Tanh()),
            Study("tanh, He", Init.HeNormal(), () => new Tanh()),
            Study("relu, Xavier", Init.XavierNormal(), () => new ReLU()),
            Study("relu, He", Init.HeNormal(), () => new ReLU()));
    }
}
