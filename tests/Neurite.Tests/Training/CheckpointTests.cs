using Neurite.Nn;
using Neurite.Optim;
using Neurite.Serialization;
using Neurite.Training;

namespace Neurite.Tests.Training;

/// <summary>Checkpoint.Load checks the whole file before it changes anything: a bad field anywhere is a
/// ModelFormatException naming the file and the field, and the model, optimiser, scheduler and generator
/// keep their state.</summary>
public sealed class CheckpointTests : IDisposable
{
    readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("neurite-ckpt-");

    public void Dispose() => dir.Delete(recursive: true);

    string PathOf(string name) => Path.Combine(dir.FullName, name);

    /// <summary>A model, Adam and StepLR after a few steps, so every part has state worth restoring.</summary>
    sealed class Run
    {
        public readonly Sequential Model;
        public readonly Adam Optimizer;
        public readonly StepLR Scheduler;
        public readonly Generator Generator;

        public Run(ulong seed, int steps)
        {
            var g = new Generator(seed);
            Model = new Sequential(new Linear(3, 4, generator: g), new ReLU(), new BatchNorm1d(4), new Linear(4, 2, generator: g));
            Optimizer = new Adam(Model.Parameters(), learningRate: 0.05);
            Scheduler = new StepLR(Optimizer, stepSize: 1, gamma: 0.5);
            Generator = new Generator(seed + 100);
            var x = Tensor.Randn([8, 3], g);
            var y = Tensor.RandInt(0, 2, [8], g);
            for (int i = 0; i < steps; i++)
            {
                Optimizer.ZeroGrad();
                new CrossEntropyLoss().Forward(Model.Forward(x), y).Backward();
                Optimizer.Step();
                Scheduler.Step();
                Generator.NextDouble();
            }
        }

        /// <summary>Everything a load could change, as plain values.</summary>
        public string Fingerprint() => string.Join("|",
            Model.StateDict().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + string.Join(",", kv.Value.ToDoubleArray())))
            + "|" + string.Join(";", Model.Parameters().Select(p => string.Join(",", Optimizer.StateOf(p).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + ":" + string.Join(",", kv.Value.ToDoubleArray())))))
            + $"|steps {Optimizer.StepCount}|lr {Optimizer.LearningRate:R}|sched {string.Join(",", Scheduler.GetState())}|rng {string.Join(",", Generator.GetState())}";

        public int Load(string path) => Checkpoint.Load(path, Model, Optimizer, Scheduler, Generator);
    }

    string Saved(out Run source)
    {
        source = new Run(1, steps: 3);
        var path = PathOf("ckpt.safetensors");
        Checkpoint.Save(path, source.Model, source.Optimizer, epoch: 3, source.Scheduler, source.Generator);
        return path;
    }

    /// <summary>Rewrites the checkpoint at <paramref name="path"/> with its tensors and metadata edited.</summary>
    static void Edit(string path, Action<Dictionary<string, Tensor>, Dictionary<string, string>> edit)
    {
        var (tensors, meta) = SafeTensors.Load(path);
        edit(tensors, meta);
        SafeTensors.Save(path, tensors, meta);
    }

    [Fact]
    public void LoadRestoresEverythingSaved()
    {
        var path = Saved(out var source);
        var target = new Run(2, steps: 1);
        Assert.NotEqual(source.Fingerprint(), target.Fingerprint());
        Assert.Equal(3, target.Load(path));
        Assert.Equal(source.Fingerprint(), target.Fingerprint());
        Assert.Equal(0.05 * 0.125, target.Optimizer.LearningRate);  // three StepLR halvings
    }

    [Fact]
    public void AFreshOptimizerLoadsAndAStatefulOneIsReplaced()
    {
        // state before the first step is empty; loading it into a trained optimiser empties its state
        var fresh = new Run(3, steps: 0);
        var path = PathOf("fresh.safetensors");
        Checkpoint.Save(path, fresh.Model, fresh.Optimizer, 0, fresh.Scheduler, fresh.Generator);
        var target = new Run(4, steps: 2);
        Assert.Equal(0, target.Load(path));
        Assert.Equal(fresh.Fingerprint(), target.Fingerprint());
    }

    public static TheoryData<string, string, string> BadFields => new()
    {
        { "epoch", "Infinity", "checkpoint field 'epoch' must be a non-negative integer, got 'Infinity'" },
        { "epoch", "-1", "checkpoint field 'epoch' must be a non-negative integer, got '-1'" },
        { "epoch", "3.5", "'epoch' must be a non-negative integer" },
        { "epoch", "99999999999", "'epoch' must be a non-negative integer" },
        { "step_count", "-3", "'step_count' must be a non-negative integer" },
        { "step_count", "", "'step_count' must be a non-negative integer, got ''" },
        { "lr", "NaN", "'lr' value 0 must be a finite learning rate ≥ 0" },
        { "lr", "Infinity", "'lr' value 0 must be a finite learning rate ≥ 0" },
        { "lr", "-0.1", "'lr' value 0 must be a finite learning rate ≥ 0" },
        { "lr", "0.1,0.2", "'lr' must hold 1 comma-separated values, not more" },
        { "lr", "1e999", "'lr' value 0 must be a finite learning rate" },
        { "rng", "1,2,3", "'rng' must hold 6 comma-separated unsigned integers, not 3" },
        { "rng", "1,2,3,4,5,-6", "'rng' value 5 must be an unsigned integer" },
        { "rng", "0,0,0,0,0,0", "'rng' must not be all zero" },
        { "scheduler", "NaN", "'scheduler' value 0 must be a finite number" },
        { "scheduler", "Infinity", "'scheduler' must start with the scheduler's epoch" },
        { "scheduler", "1.5", "'scheduler' must start with the scheduler's epoch" },
        { "scheduler", "1,2", "'scheduler' must hold 1 comma-separated values, not more" },
        { "format", "pytorch", "'format' must be 'neurite-checkpoint', got 'pytorch'" },
        { "optimizer", "Sgd", "'optimizer' must be Adam (the checkpoint was saved with another optimizer), got 'Sgd'" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void ABadFieldIsNamedAndChangesNothing(string field, string value, string because)
    {
        var path = Saved(out _);
        Edit(path, (_, meta) => meta[field] = value);
        AssertRefusedUntouched(path, because);
    }

    [Theory]
    [InlineData("epoch")]
    [InlineData("step_count")]
    [InlineData("lr")]
    [InlineData("rng")]
    [InlineData("scheduler")]
    [InlineData("format")]
    [InlineData("optimizer")]
    public void AMissingFieldIsNamedAndChangesNothing(string field)
    {
        var path = Saved(out _);
        Edit(path, (_, meta) => meta.Remove(field));
        AssertRefusedUntouched(path, $"checkpoint has no field '{field}'");
    }

    [Fact]
    public void BadTensorsAreNamedAndChangeNothing()
    {
        var path = Saved(out _);
        var original = File.ReadAllBytes(path);
        void Case(Action<Dictionary<string, Tensor>> edit, string because)
        {
            File.WriteAllBytes(path, original);
            Edit(path, (tensors, _) => edit(tensors));
            AssertRefusedUntouched(path, because);
        }
        Case(t => t.Remove("model.3.bias"), "checkpoint has no tensor 'model.3.bias'");
        Case(t => t["model.9.weight"] = Tensor.Zeros(2), "'model.9.weight' is not a parameter or buffer of the model");
        Case(t => t["model.0.weight"] = Tensor.Zeros(3, 4), "'model.0.weight' must be float32 [4, 3], got float32 [3, 4]");
        Case(t => t["model.2.running_mean"] = Tensor.Zeros([4], DType.Float64), "'model.2.running_mean' must be float32 [4], got float64 [4]");
        // the optimiser's tensors come last in name order: a late failure after every model tensor was fine
        Case(t => t["optim.0.5.exp_avg"] = Tensor.Zeros(3), "'optim.0.5.exp_avg' must be float32 [2], got float32 [3]");
        Case(t => t["optim.0.9.exp_avg"] = Tensor.Zeros(2), "'optim.0.9.exp_avg' is not optim.GROUP.INDEX.KEY for a parameter");
        Case(t => t["optim.1.0.exp_avg"] = Tensor.Zeros(2), "'optim.1.0.exp_avg' is not optim.GROUP.INDEX.KEY");
        Case(t => t["optim.x"] = Tensor.Zeros(2), "'optim.x' is not optim.GROUP.INDEX.KEY");
        Case(t => t["optim.0.5.step"] = Tensor.Scalar(double.NaN, DType.Float64), "'optim.0.5.step' must be a scalar holding a non-negative integer");
        Case(t => t["optim.0.5.step"] = Tensor.Scalar(-1, DType.Float64), "'optim.0.5.step' must be a scalar holding a non-negative integer");
        // only Adam knows it needs exp_avg_sq: it is refused while loading the state, and the state rolled back
        Case(t => t.Remove("optim.0.5.exp_avg_sq"), "optimizer state does not fit Adam");
    }

    [Fact]
    public void ASchedulerWithoutStateInTheFileIsRefused()
    {
        var source = new Run(1, steps: 2);
        var path = PathOf("nosched.safetensors");
        Checkpoint.Save(path, source.Model, source.Optimizer, 2, scheduler: null, source.Generator);
        AssertRefusedUntouched(path, "checkpoint has no field 'scheduler'");
        // without a scheduler to restore, the same file loads
        var target = new Run(2, steps: 1);
        Assert.Equal(2, Checkpoint.Load(path, target.Model, target.Optimizer, scheduler: null, target.Generator));
    }

    [Fact]
    public void HostileValuesAreQuotedShort()
    {
        var path = Saved(out _);
        Edit(path, (_, meta) => meta["epoch"] = new string('9', 100_000));
        var e = Assert.Throws<ModelFormatException>(() => new Run(2, 1).Load(path));
        Assert.True(e.Message.Length < 400, e.Message);
    }

    /// <summary>The load fails with a ModelFormatException naming the file and <paramref name="because"/>, and a
    /// trained run it was loaded into is exactly as before.</summary>
    static void AssertRefusedUntouched(string path, string because)
    {
        var target = new Run(2, steps: 2);
        string before = target.Fingerprint();
        var e = Assert.Throws<ModelFormatException>(() => target.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(because, e.Message);
        Assert.Equal(before, target.Fingerprint());
    }
}
