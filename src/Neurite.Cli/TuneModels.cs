using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Search;
using Neurite.Training;

namespace Neurite.Cli;

/// <summary>What `neurite tune` knows how to turn into a network and its training: the parameter names a space file may
/// use, their kinds, and the MLP, optimiser and trainer a configuration stands for (built as `train` builds them).</summary>
static class TuneModels
{
    /// <summary>The parameters a `tune` space may hold, and what each must be.</summary>
    public static readonly (string Name, string Kind)[] Known =
    [
        ("lr", "float"), ("optimizer", $"choice of {Specs.Optimizers.Valid}"), ("momentum", "float in [0, 1) (sgd, momentum, nesterov)"),
        ("weight_decay", "float ≥ 0"), ("l2", "float ≥ 0"), ("dropout", "float in [0, 1)"), ("activation", $"choice of {Specs.Activations.Valid}"),
        ("batch_norm", "choice of true, false"), ("layers", "layers"), ("batch_size", "int ≥ 1"),
    ];

    /// <summary>Checks that every parameter of <paramref name="space"/> is one `tune` uses, with the right kind and values.</summary>
    public static void Check(SearchSpace space, string file)
    {
        foreach (var p in space.Parameters)
        {
            string? kind = Known.FirstOrDefault(k => k.Name == p.Name).Kind;
            string Bad(string what) => $"--space {file}: parameter '{p.Name}' {what}; tune's parameters: {string.Join("; ", Known.Select(k => $"{k.Name} ({k.Kind})"))}";
            if (kind is null) throw new UsageException(Bad("is not one tune knows"));
            bool ok = (p.Name, p) switch
            {
                ("optimizer", ChoiceParameter c) => c.Choices.All(Specs.Optimizers.Contains),
                ("activation", ChoiceParameter c) => c.Choices.All(Specs.Activations.Contains),
                ("batch_norm", ChoiceParameter c) => c.Choices.All(v => v is "true" or "false"),
                ("layers", LayersParameter l) => l.MaxWidth <= 1 << 16,
                ("batch_size", IntParameter i) => i.Low >= 1,
                ("dropout" or "momentum", FloatParameter f) => f.Low >= 0 && f.High < 1,
                ("lr", FloatParameter f) => f.Low > 0,
                ("weight_decay" or "l2", FloatParameter f) => f.Low >= 0,
                _ => false,
            };
            if (!ok) throw new UsageException(Bad($"must be a {kind}"));
        }
    }

    /// <summary>A configuration's model (standardisation fitted on <paramref name="data"/>'s training rows, the MLP, the target
    /// scale for regression), optimiser and trainer, with the `train` defaults for what the configuration leaves out.</summary>
    public static (Trainer Trainer, int BatchSize) Build(Configuration c, PreparedData data, Generator generator, int defaultBatchSize)
    {
        string S(string name, string fallback) => c.Has(name) ? c.Choice(name) : fallback;
        double F(string name, double fallback) => c.Has(name) ? c.Float(name) : fallback;
        var widths = c.Has("layers") ? c.Layers("layers") : [256, 128];
        var scaler = new StandardScaler();
        scaler.Fit(data.Train);
        var network = Specs.Mlp(widths.Count == 0 ? "linear" : "mlp:" + string.Join("-", widths), data.Inputs, data.Outputs,
            S("activation", "relu"), F("dropout", 0.2), S("batch_norm", "false") == "true", generator);
        Module model = new Sequential([new Standardize(scaler.Mean, scaler.Std), .. network.Layers, .. Commands.TrainCommand.TargetScale(data)]);
        string name = S("optimizer", "adam");
        var spec = Specs.Optimizers.Parse(name);
        double lr = F("lr", spec.DefaultLearningRate), wd = F("weight_decay", 0);
        Optimizer optimizer = c.Has("momentum") && name is "sgd" or "momentum" or "nesterov"
            ? new Sgd(model.Parameters(), lr, momentum: c.Float("momentum"), nesterov: name == "nesterov", weightDecay: wd)
            : spec.Create(model.Parameters(), lr, wd);
        Loss loss = data.Classification ? new CrossEntropyLoss() : new MSELoss();
        return (new Trainer(model, loss, optimizer) { L2 = F("l2", 0) }, c.Has("batch_size") ? c.Int("batch_size") : defaultBatchSize);
    }

    /// <summary>The training and dev rows as one training set (for the final fit of the best configuration).</summary>
    public static PreparedData TrainPlusDev(PreparedData data) => data.Dev.Count == 0 ? data : data with
    {
        Train = new TensorDataset(Tensor.Concat([data.Train.Features, data.Dev.Features]), Tensor.Concat([data.Train.Labels, data.Dev.Labels]), data.Train.ClassNames),
    };
}
