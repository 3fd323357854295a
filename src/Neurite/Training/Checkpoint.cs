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

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically: <see cref="StateTensors"/> and the metadata
    /// (format, epoch, optimizer type and step count, each group's learning rate, the scheduler's and generator's state).</summary>
    /// <param name="path">The safetensors file to write.</param>
    /// <param name="model">The model whose weights and buffers are saved.</param>
    /// <param name="optimizer">The optimizer whose per-parameter state is saved.</param>
    /// <param name="epoch">The epoch just finished, returned by <see cref="Load"/>.</param>
    /// <param name="scheduler">The learning-rate schedule to save, or null.</param>
    /// <param name="generator">The random generator to save; default <see cref="Generator.Default"/>.</param>
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
    /// <remarks>
    /// Transactional: the whole file is parsed and checked first — every metadata field (invariant culture), every
    /// model tensor present with its parameter's shape and dtype and none unexpected, every optimiser state tensor
    /// shaped like its parameter — and only then applied. A bad file gives a <see cref="ModelFormatException"/>
    /// naming the file and the field and leaves the model, optimiser, scheduler and generator as they were.
    /// Tensors outside <c>model.*</c> and <c>optim.*</c> are left to the caller (e.g. <c>neurite lm</c>'s <c>lm.h</c>).
    /// </remarks>
    public static int Load(string path, Module model, Optimizer optimizer, LrScheduler? scheduler = null, Generator? generator = null)
    {
        var (tensors, meta) = SafeTensors.Load(path);
        var c = new Parsed(path, meta);
        if (c.Text("format") != "neurite-checkpoint") throw c.Bad("format", "must be 'neurite-checkpoint'", c.Text("format"));
        if (c.Text("optimizer") != optimizer.GetType().Name)
            throw c.Bad("optimizer", $"must be {optimizer.GetType().Name} (the checkpoint was saved with another optimizer)", c.Text("optimizer"));
        int epoch = c.Int("epoch");
        long stepCount = c.Long("step_count");
        double[] rates = c.Doubles("lr", optimizer.Groups.Count, "a finite learning rate ≥ 0", v => double.IsFinite(v) && v >= 0);
        ulong[] rng = c.ULongs("rng", 6);
        if (rng[0] == 0 && rng[1] == 0 && rng[2] == 0 && rng[3] == 0) throw c.Bad("rng", "must not be all zero (xoshiro256** would only give zeros)", meta["rng"]);
        double[]? schedule = scheduler is null ? null : SchedulerState(c, scheduler);

        var modelState = ModelState(path, tensors, model);
        var optimState = OptimizerState(path, tensors, optimizer);

        // Everything is valid: apply. The optimiser goes first, since only its LoadStateOf knows which state keys it
        // needs (a missing one throws); on a throw its previous state comes back and nothing else has changed.
        ApplyOptimizerState(path, optimizer, optimState);
        model.LoadStateDict(modelState);  // names and shapes checked above, so this cannot throw
        optimizer.StepCount = stepCount;
        for (int g = 0; g < rates.Length; g++) optimizer.Groups[g].LearningRate = rates[g];
        scheduler?.SetState(schedule!);
        (generator ?? Generator.Default).SetState(rng);
        return epoch;
    }

    /// <summary>The scheduler's state: as many values as the scheduler keeps, the first (its epoch) a non-negative
    /// integer, the others finite — except ReduceLROnPlateau's best metric, +∞ until a first metric arrives.</summary>
    static double[] SchedulerState(Parsed c, LrScheduler scheduler)
    {
        int count = scheduler.GetState().Length;
        var state = c.Doubles("scheduler", count, "a finite number", v => !double.IsNaN(v));
        if (!(state[0] >= 0 && state[0] <= int.MaxValue && state[0] == Math.Floor(state[0])))
            throw c.Bad("scheduler", "must start with the scheduler's epoch, a non-negative integer", c.Text("scheduler"));
        for (int i = 1; i < state.Length; i++)
        {
            bool plateauBest = scheduler is ReduceLROnPlateau && i == 1 && double.IsPositiveInfinity(state[i]);
            if (!double.IsFinite(state[i]) && !plateauBest) throw c.Bad("scheduler", $"value {i} must be finite", c.Text("scheduler"));
        }
        if (scheduler is ReduceLROnPlateau && !(state[2] >= 0 && state[2] <= int.MaxValue && state[2] == Math.Floor(state[2]) && state[3] > 0))
            throw c.Bad("scheduler", "of ReduceLROnPlateau must hold [epoch, best, bad epochs ≥ 0 (an integer), scale > 0]", c.Text("scheduler"));
        return state;
    }

    /// <summary>The <c>model.*</c> tensors, checked against the model's own state dict without touching it.</summary>
    static Dictionary<string, Tensor> ModelState(string path, Dictionary<string, Tensor> tensors, Module model)
    {
        var own = model.StateDict();
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, t) in tensors)
        {
            if (!key.StartsWith("model.", StringComparison.Ordinal)) continue;
            string name = key["model.".Length..];
            if (!own.TryGetValue(name, out var target))
                throw new ModelFormatException($"{path}: checkpoint tensor '{SafeTensors.Quote(key)}' is not a parameter or buffer of the model ({model.GetType().Name})");
            Expect(path, key, t, target);
            state[name] = t;
        }
        foreach (var name in own.Keys)
            if (!state.ContainsKey(name)) throw new ModelFormatException($"{path}: checkpoint has no tensor 'model.{name}'");
        return state;
    }

    /// <summary>The <c>optim.GROUP.INDEX.KEY</c> tensors by parameter, each shaped and typed like its parameter (a
    /// <c>step</c> counter: a scalar holding a non-negative integer).</summary>
    static Dictionary<string, Tensor>[][] OptimizerState(string path, Dictionary<string, Tensor> tensors, Optimizer optimizer)
    {
        var state = optimizer.Groups.Select(g => g.Parameters.Select(_ => new Dictionary<string, Tensor>(StringComparer.Ordinal)).ToArray()).ToArray();
        foreach (var (key, t) in tensors)
        {
            if (!key.StartsWith("optim.", StringComparison.Ordinal)) continue;
            var parts = key.Split('.', 4);
            if (parts.Length != 4 || parts[3].Length == 0
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int g) || g >= state.Length
                || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int i) || i >= state[g].Length)
                throw new ModelFormatException($"{path}: checkpoint tensor '{SafeTensors.Quote(key)}' is not optim.GROUP.INDEX.KEY for a parameter of the optimizer " +
                    $"({optimizer.Groups.Count} groups of [{string.Join(", ", optimizer.Groups.Select(x => x.Parameters.Count))}] parameters)");
            var parameter = optimizer.Groups[g].Parameters[i];
            if (parts[3] == "step")
            {
                double v = t.NumEl == 1 && t.Rank == 0 ? t.Item() : double.NaN;
                if (!(v >= 0 && v <= long.MaxValue && v == Math.Floor(v)))
                    throw new ModelFormatException($"{path}: checkpoint tensor '{SafeTensors.Quote(key)}' must be a scalar holding a non-negative integer");
            }
            else Expect(path, key, t, parameter);
            state[g][i][parts[3]] = t;
        }
        return state;
    }

    static void ApplyOptimizerState(string path, Optimizer optimizer, Dictionary<string, Tensor>[][] state)
    {
        var previous = optimizer.Groups.Select(g => g.Parameters.Select(optimizer.StateOf).ToArray()).ToArray();
        try
        {
            for (int g = 0; g < state.Length; g++)
                for (int i = 0; i < state[g].Length; i++) optimizer.LoadStateOf(optimizer.Groups[g].Parameters[i], state[g][i]);
        }
        catch (ArgumentException e)
        {
            // LoadStateOf replaces its entries with copies, so the tensors of the previous state are intact
            for (int g = 0; g < state.Length; g++)
                for (int i = 0; i < state[g].Length; i++) optimizer.LoadStateOf(optimizer.Groups[g].Parameters[i], previous[g][i]);
            throw new ModelFormatException($"{path}: checkpoint optimizer state does not fit {optimizer.GetType().Name}: {e.Message}");
        }
    }

    static void Expect(string path, string key, Tensor t, Tensor target)
    {
        if (t.DType != target.DType || !t.Shape.SequenceEqual(target.Shape))
            throw new ModelFormatException($"{path}: checkpoint tensor '{SafeTensors.Quote(key)}' must be {target.DType.Name()} [{string.Join(", ", target.Shape.ToArray())}], " +
                $"got {t.DType.Name()} [{string.Join(", ", t.Shape.ToArray())}]");
    }

    /// <summary>The checkpoint's metadata fields, each parsed strictly in the invariant culture.</summary>
    sealed class Parsed(string path, Dictionary<string, string> meta)
    {
        static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        public string Text(string field) => meta.TryGetValue(field, out var v) ? v : throw new ModelFormatException($"{path}: checkpoint has no field '{field}'");

        public ModelFormatException Bad(string field, string problem, string got) =>
            new($"{path}: checkpoint field '{field}' {problem}, got '{SafeTensors.Quote(got)}'");

        public int Int(string field)
        {
            string s = Text(field);
            return int.TryParse(s, NumberStyles.AllowLeadingSign, Inv, out int v) && v >= 0 ? v : throw Bad(field, "must be a non-negative integer", s);
        }

        public long Long(string field)
        {
            string s = Text(field);
            return long.TryParse(s, NumberStyles.AllowLeadingSign, Inv, out long v) && v >= 0 ? v : throw Bad(field, "must be a non-negative integer", s);
        }

        public ulong[] ULongs(string field, int count)
        {
            string s = Text(field);
            var parts = s.Split(',', count + 1);
            if (parts.Length != count) throw Bad(field, $"must hold {count} comma-separated unsigned integers, not {Count(parts, count)}", s);
            var values = new ulong[count];
            for (int i = 0; i < count; i++)
                if (!ulong.TryParse(parts[i], NumberStyles.None, Inv, out values[i])) throw Bad(field, $"value {i} must be an unsigned integer", s);
            return values;
        }

        static string Count(string[] parts, int count) => parts.Length > count ? "more" : parts.Length.ToString(Inv);

        public double[] Doubles(string field, int count, string what, Func<double, bool> valid)
        {
            string s = Text(field);
            // split only as far as needed: a hostile field of a million commas must not become a million strings
            var parts = s.Split(',', count + 1);
            if (parts.Length != count) throw Bad(field, $"must hold {count} comma-separated values, not {Count(parts, count)}", s);
            var values = new double[count];
            for (int i = 0; i < count; i++)
                if (!double.TryParse(parts[i], NumberStyles.Float, Inv, out values[i]) || !valid(values[i])) throw Bad(field, $"value {i} must be {what}", s);
            return values;
        }
    }
}

/// <summary>Saves a <see cref="Checkpoint"/> every <c>every</c> epochs (and after the last one).</summary>
public sealed class CheckpointCallback(string path, int every = 1, LrScheduler? scheduler = null) : Callback
{
    readonly int every = every > 0 ? every : throw new ArgumentOutOfRangeException(nameof(every), every, "CheckpointCallback: every must be positive");

    /// <summary>Saves when the epoch is a multiple of <c>every</c> or the last of <c>Fit</c>, overwriting the same file.</summary>
    public override void OnEpochEnd(Trainer trainer, EpochResult result)
    {
        if (result.Epoch % every == 0 || result.Epoch == trainer.Epochs)
            Checkpoint.Save(path, trainer.Model, trainer.Optimizer, result.Epoch, scheduler);
    }
}
