using System.Globalization;
using Neurite.Nn;
using Neurite.Optim;
using Neurite.Serialization;

namespace Neurite.Training;

/// <summary>
/// Everything needed to resume training exactly as if it had never stopped, in one safetensors file
/// written atomically: model weights and buffers (<c>model.*</c>), optimiser state per parameter
/// (<c>optim.GROUP.INDEX.KEY</c>), and as metadata the epoch, the optimiser's step count and learning
/// rates, the scheduler's state and the random generator's state (dropout, shuffling seeds).
/// </summary>
/// <remarks>
/// A <see cref="Data.DataLoader"/> shuffles by seed and epoch, so resuming needs only its
/// <c>Epoch</c> set to <see cref="Load"/>'s result.
/// </remarks>
public static class Checkpoint
{
    /// <summary>The tensors of a checkpoint: the model's state dict as <c>model.NAME</c> and the optimiser's state as
    /// <c>optim.GROUP.INDEX.KEY</c>. Commands that save more (e.g. a carried recurrent state) add to it.</summary>
    public static Dictionary<string, Tensor> StateTensors(Module model, Optimizer optimizer)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (name, t) in model.StateDict()) tensors["model." + name] = t;
        for (int g = 0; g < optimizer.Groups.Count; g++)
            for (int i = 0; i < optimizer.Groups[g].Parameters.Count; i++)
                foreach (var (key, t) in optimizer.StateOf(optimizer.Groups[g].Parameters[i]))
                    tensors[$"optim.{g}.{i}.{key}"] = t;
        return tensors;
    }

    public static void Save(string path, Module model, Optimizer optimizer, int epoch, LrScheduler? scheduler = null, Generator? generator = null)
    {
        var tensors = StateTensors(model, optimizer);
        var meta = new Dictionary<string, string>
        {
            ["format"] = "neurite-checkpoint",
            ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
            ["optimizer"] = optimizer.GetType().Name,
            ["step_count"] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture),
            ["lr"] = string.Join(",", optimizer.Groups.Select(g => g.LearningRate.ToString("R", CultureInfo.InvariantCulture))),
            ["rng"] = string.Join(",", (generator ?? Generator.Default).GetState()),
        };
        if (scheduler is not null) meta["scheduler"] = string.Join(",", scheduler.GetState().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        SafeTensors.Save(path, tensors, meta);
    }

    /// <summary>Restores a checkpoint into <paramref name="model"/>, <paramref name="optimizer"/> (built the same way as
    /// when it was saved), the scheduler and the generator; returns the epoch it was saved after.</summary>
    public static int Load(string path, Module model, Optimizer optimizer, LrScheduler? scheduler = null, Generator? generator = null)
    {
        var (tensors, meta) = SafeTensors.Load(path);
        string Meta(string key) => meta.TryGetValue(key, out var v) ? v : throw new ModelFormatException($"{path}: checkpoint metadata has no '{key}'");
        if (Meta("format") != "neurite-checkpoint") throw new ModelFormatException($"{path}: not a Neurite checkpoint");
        if (Meta("optimizer") != optimizer.GetType().Name)
            throw new ArgumentException($"{path}: checkpoint was saved with {Meta("optimizer")}, not {optimizer.GetType().Name}");

        var modelState = tensors.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key["model.".Length..], kv => kv.Value);
        model.LoadStateDict(modelState);
        for (int g = 0; g < optimizer.Groups.Count; g++)
            for (int i = 0; i < optimizer.Groups[g].Parameters.Count; i++)
            {
                string prefix = $"optim.{g}.{i}.";
                var state = tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
                optimizer.LoadStateOf(optimizer.Groups[g].Parameters[i], state);
            }
        optimizer.StepCount = long.Parse(Meta("step_count"), CultureInfo.InvariantCulture);
        var rates = Meta("lr").Split(',');
        if (rates.Length != optimizer.Groups.Count) throw new ArgumentException($"{path}: checkpoint has {rates.Length} parameter groups, the optimizer {optimizer.Groups.Count}");
        for (int g = 0; g < rates.Length; g++) optimizer.Groups[g].LearningRate = double.Parse(rates[g], CultureInfo.InvariantCulture);
        if (scheduler is not null && meta.TryGetValue("scheduler", out var s))
            scheduler.SetState(s.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        (generator ?? Generator.Default).SetState(Meta("rng").Split(',').Select(v => ulong.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        return int.Parse(Meta("epoch"), CultureInfo.InvariantCulture);
    }
}

/// <summary>Saves a <see cref="Checkpoint"/> every <c>every</c> epochs (and after the last one).</summary>
public sealed class CheckpointCallback(string path, int every = 1, LrScheduler? scheduler = null) : Callback
{
    readonly int every = every > 0 ? every : throw new ArgumentOutOfRangeException(nameof(every), every, "CheckpointCallback: every must be positive");

    public override void OnEpochEnd(Trainer trainer, EpochResult result)
    {
        if (result.Epoch % every == 0 || result.Epoch == trainer.Epochs)
            Checkpoint.Save(path, trainer.Model, trainer.Optimizer, result.Epoch, scheduler);
    }
}
