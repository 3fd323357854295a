using System.Globalization;
using Neurite.Nn;
using Neurite.Nn.Zoo;
using Neurite.Optim;

namespace Neurite.Cli;

/// <summary>Thrown for a bad command-line value; the message says what is wrong and what is valid.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The values a command-line name stands for, in one table: parsing, help text and the "Valid: …" list of an
/// error all come from the same rows, so adding a name touches one line.
/// </summary>
public sealed class NameTable<T>(string option, params (string Name, T Value)[] rows)
{
    public IEnumerable<string> Names => rows.Select(r => r.Name);

    public string Valid => string.Join(", ", Names);

    public bool Contains(string name) => rows.Any(r => r.Name == name);

    /// <summary>The value of <paramref name="name"/>, or a <see cref="UsageException"/> naming the option and listing the valid names.</summary>
    public T Parse(string name)
    {
        foreach (var (n, value) in rows)
            if (n == name) return value;
        throw new UsageException($"{option}: unknown value '{name}'. Valid: {Valid}");
    }
}

/// <summary>An optimiser by name: how to build it and the learning rate it usually starts with.</summary>
public sealed record OptimizerSpec(Func<IEnumerable<Tensor>, double, double, Optimizer> Create, double DefaultLearningRate);

/// <summary>A hidden activation by name: the layer and the initialiser that suits it (He for the ReLU family, Xavier for tanh and sigmoid).</summary>
public sealed record ActivationSpec(Func<Module> Create, Func<Init> Init);

/// <summary>Parses the command line's model, activation, optimiser and schedule names into values, once, at the edge.</summary>
public static class Specs
{
    public static readonly NameTable<ActivationSpec> Activations = new("--activation",
        ("relu", new(() => new ReLU(), He)),
        ("tanh", new(() => new Tanh(), Xavier)),
        ("sigmoid", new(() => new Sigmoid(), Xavier)),
        ("leaky_relu", new(() => new LeakyReLU(), He)),
        ("elu", new(() => new ELU(), He)),
        ("gelu", new(() => new GELU(), He)),
        ("softplus", new(() => new Softplus(), He)),
        ("prelu", new(() => new PReLU(), He)));

    static Init He() => Init.HeUniform();
    static Init Xavier() => Init.XavierUniform();

    public static readonly NameTable<OptimizerSpec> Optimizers = new("--optimizer",
        ("sgd", new((p, lr, wd) => new Sgd(p, lr, weightDecay: wd), 0.05)),
        ("momentum", new((p, lr, wd) => new Sgd(p, lr, momentum: 0.9, weightDecay: wd), 0.05)),
        ("nesterov", new((p, lr, wd) => new Sgd(p, lr, momentum: 0.9, nesterov: true, weightDecay: wd), 0.05)),
        ("adam", new((p, lr, wd) => new Adam(p, lr, weightDecay: wd), 1e-3)),
        ("adamw", new((p, lr, wd) => new AdamW(p, lr, weightDecay: wd == 0 ? 0.01 : wd), 1e-3)),
        ("adagrad", new((p, lr, wd) => new AdaGrad(p, lr, weightDecay: wd), 1e-2)),
        ("rmsprop", new((p, lr, wd) => new RmsProp(p, lr, weightDecay: wd), 1e-3)));

    public static readonly NameTable<Func<Optimizer, int, LrScheduler?>> Schedules = new("--schedule",
        ("none", (_, _) => null),
        ("step", (o, epochs) => new StepLR(o, Math.Max(1, epochs / 3), 0.1)),
        ("exponential", (o, _) => new ExponentialLR(o, 0.95)),
        ("cosine", (o, epochs) => new CosineAnnealingLR(o, Math.Max(1, epochs))),
        ("plateau", (o, _) => new ReduceLROnPlateau(o, 0.5, 2)),
        ("warmup", (o, epochs) => new LinearWarmup(o, Math.Max(1, epochs / 5))));

    /// <summary>True when <paramref name="spec"/> names a network of the zoo (convolutional, trained on images).</summary>
    public static bool IsZoo(string spec) => Zoo.Names.Contains(spec);

    /// <summary>Builds an MLP from "mlp:128-64" (hidden sizes), with the activation's standard initialiser,
    /// optional batch norm and dropout after each hidden layer.</summary>
    public static Sequential Mlp(string spec, int inputs, int outputs, string activation, double dropout, bool batchNorm, Generator generator)
    {
        var hidden = ParseHidden(spec);
        var act = Activations.Parse(activation);
        var layers = new List<Module>();
        int width = inputs;
        foreach (int h in hidden)
        {
            layers.Add(new Linear(width, h, init: act.Init(), generator: generator));
            if (batchNorm) layers.Add(new BatchNorm1d(h));
            layers.Add(act.Create());
            if (dropout > 0) layers.Add(new Dropout(dropout));  // Generator.Default: its state goes into checkpoints
            width = h;
        }
        layers.Add(new Linear(width, outputs, generator: generator));
        return new Sequential(layers.ToArray());
    }

    /// <summary>Checks a --model value without building anything.</summary>
    public static void CheckModel(string spec)
    {
        if (!IsZoo(spec)) ParseHidden(spec);
    }

    static int[] ParseHidden(string spec)
    {
        const string prefix = "mlp:";
        if (spec == "mlp" || spec == "linear" || spec == "logistic") return [];
        if (!spec.StartsWith(prefix, StringComparison.Ordinal))
            throw new UsageException($"--model: unknown model '{spec}'. Valid: mlp:H1-H2-… (e.g. mlp:128-64), linear (logistic/softmax regression), {string.Join(", ", Zoo.Names)}, " +
                                     $"or a classical model: {ClassicalTraining.Models.Valid}");
        var parts = spec[prefix.Length..].Split('-', StringSplitOptions.RemoveEmptyEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0 || sizes[i] > 1 << 16)
                throw new UsageException($"--model: '{parts[i]}' in '{spec}' is not a layer size in 1..65536. Example: mlp:128-64");
        return sizes;
    }
}
