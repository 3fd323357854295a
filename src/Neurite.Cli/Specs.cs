using System.Globalization;
using Neurite.Nn;
using Neurite.Optim;

namespace Neurite.Cli;

/// <summary>Thrown for a bad command-line value; the message says what is wrong and what is valid.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Parses the command line's model, optimiser and schedule names into values, once, at the edge.</summary>
public static class Specs
{
    public static readonly string[] Activations = ["relu", "tanh", "sigmoid", "leaky_relu", "elu", "gelu", "softplus", "prelu"];
    public static readonly string[] Optimizers = ["sgd", "momentum", "nesterov", "adam", "adamw", "adagrad", "rmsprop"];
    public static readonly string[] Schedules = ["none", "step", "exponential", "cosine", "plateau", "warmup"];

    /// <summary>Builds an MLP from "mlp:128-64" (hidden sizes), with the activation's standard initialiser
    /// (He for the ReLU family, Xavier for tanh and sigmoid), optional batch norm and dropout after each hidden layer.</summary>
    public static Sequential Mlp(string spec, int inputs, int outputs, string activation, double dropout, bool batchNorm, Generator generator)
    {
        var hidden = ParseHidden(spec);
        var layers = new List<Module>();
        int width = inputs;
        Init init = activation is "tanh" or "sigmoid" ? Init.XavierUniform() : Init.HeUniform();
        foreach (int h in hidden)
        {
            layers.Add(new Linear(width, h, init: init, generator: generator));
            if (batchNorm) layers.Add(new BatchNorm1d(h));
            layers.Add(Activation(activation));
            if (dropout > 0) layers.Add(new Dropout(dropout));  // Generator.Default: its state goes into checkpoints
            width = h;
        }
        layers.Add(new Linear(width, outputs, generator: generator));
        return new Sequential(layers.ToArray());
    }

    static int[] ParseHidden(string spec)
    {
        const string prefix = "mlp:";
        if (spec == "mlp" || spec == "linear" || spec == "logistic") return [];
        if (!spec.StartsWith(prefix, StringComparison.Ordinal))
            throw new UsageException($"--model: unknown model '{spec}'. Valid: mlp:H1-H2-… (e.g. mlp:128-64), or linear (logistic/softmax regression)");
        var parts = spec[prefix.Length..].Split('-', StringSplitOptions.RemoveEmptyEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
                throw new UsageException($"--model: '{parts[i]}' in '{spec}' is not a positive layer size. Example: mlp:128-64");
        return sizes;
    }

    public static Module Activation(string name) => name switch
    {
        "relu" => new ReLU(),
        "tanh" => new Tanh(),
        "sigmoid" => new Sigmoid(),
        "leaky_relu" => new LeakyReLU(),
        "elu" => new ELU(),
        "gelu" => new GELU(),
        "softplus" => new Softplus(),
        "prelu" => new PReLU(),
        _ => throw new UsageException($"--activation: unknown activation '{name}'. Valid: {string.Join(", ", Activations)}"),
    };

    public static Optimizer Optimizer(string name, IEnumerable<Tensor> parameters, double lr, double weightDecay) => name switch
    {
        "sgd" => new Sgd(parameters, lr, weightDecay: weightDecay),
        "momentum" => new Sgd(parameters, lr, momentum: 0.9, weightDecay: weightDecay),
        "nesterov" => new Sgd(parameters, lr, momentum: 0.9, nesterov: true, weightDecay: weightDecay),
        "adam" => new Adam(parameters, lr, weightDecay: weightDecay),
        "adamw" => new AdamW(parameters, lr, weightDecay: weightDecay == 0 ? 0.01 : weightDecay),
        "adagrad" => new AdaGrad(parameters, lr, weightDecay: weightDecay),
        "rmsprop" => new RmsProp(parameters, lr, weightDecay: weightDecay),
        _ => throw new UsageException($"--optimizer: unknown optimizer '{name}'. Valid: {string.Join(", ", Optimizers)}"),
    };

    public static LrScheduler? Schedule(string name, Optimizer optimizer, int epochs) => name switch
    {
        "none" => null,
        "step" => new StepLR(optimizer, Math.Max(1, epochs / 3), 0.1),
        "exponential" => new ExponentialLR(optimizer, 0.95),
        "cosine" => new CosineAnnealingLR(optimizer, Math.Max(1, epochs)),
        "plateau" => new ReduceLROnPlateau(optimizer, 0.5, 2),
        "warmup" => new LinearWarmup(optimizer, Math.Max(1, epochs / 5)),
        _ => throw new UsageException($"--schedule: unknown schedule '{name}'. Valid: {string.Join(", ", Schedules)}"),
    };

    /// <summary>The learning rate an optimiser is usually started with.</summary>
    public static double DefaultLearningRate(string optimizer) => optimizer switch
    {
        "adam" or "adamw" => 1e-3,
        "rmsprop" => 1e-3,
        "adagrad" => 1e-2,
        _ => 0.05,
    };
}
