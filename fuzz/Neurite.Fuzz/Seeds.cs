using Neurite.Nn;
using Neurite.Nn.Zoo;
using Neurite.Optim;
using Neurite.Serialization;
using Neurite.Training;

namespace Neurite.Fuzz;

/// <summary>What a fuzz run attacks: <see cref="SafeTensors.Load"/>, <see cref="ModelFile.Load"/> or <see cref="Checkpoint.Load"/>.</summary>
public enum FuzzTarget { Weights, Architecture, Checkpoint }

/// <summary>A valid file set written by the library, which the mutator corrupts: file name → bytes, and the file the
/// loader is given. Checkpoint seeds also build the objects a checkpoint is loaded into.</summary>
public sealed class Seed
{
    public required string Name { get; init; }
    public required IReadOnlyDictionary<string, byte[]> Files { get; init; }
    public required string LoadFile { get; init; }
    public Func<CheckpointTarget>? NewCheckpointTarget { get; init; }
}

/// <summary>The model, optimiser, scheduler and generator a checkpoint is loaded into, with a fingerprint of their
/// state to check that a refused load changed nothing.</summary>
public sealed class CheckpointTarget(Module model, Optimizer optimizer, LrScheduler? scheduler, Generator generator)
{
    public int Load(string path) => Checkpoint.Load(path, model, optimizer, scheduler, generator);

    public int Fingerprint()
    {
        var h = new HashCode();
        foreach (var (name, t) in model.StateDict().OrderBy(kv => kv.Key, StringComparer.Ordinal)) Add(ref h, name, t);
        foreach (var p in model.Parameters())
            foreach (var (key, t) in optimizer.StateOf(p).OrderBy(kv => kv.Key, StringComparer.Ordinal)) Add(ref h, key, t);
        h.Add(optimizer.StepCount);
        foreach (var g in optimizer.Groups) h.Add(g.LearningRate);
        foreach (var v in scheduler?.GetState() ?? []) h.Add(v);
        foreach (var v in generator.GetState()) h.Add(v);
        return h.ToHashCode();
    }

    static void Add(ref HashCode h, string name, Tensor t)
    {
        h.Add(name);
        foreach (int d in t.Shape) h.Add(d);
        foreach (var v in t.ToDoubleArray()) h.Add(BitConverter.DoubleToInt64Bits(v));
    }
}

/// <summary>Builds the seed files at run time with the library itself, so they follow its current format.</summary>
public static class Seeds
{
    static Sequential Mlp(ulong seed)
    {
        var g = new Generator(seed);
        return new Sequential(new Linear(8, 16, generator: g), new ReLU(), new LayerNorm(16), new Dropout(0.1, g), new BatchNorm1d(16),
            new Linear(16, 3, generator: g, activation: Activation.Parse("tanh")));
    }

    static Sequential Conv(ulong seed)
    {
        var g = new Generator(seed);
        return new Sequential(new Conv2d(1, 4, 3, padding: Padding.Same), new ReLU(), new BatchNorm2d(4), new MaxPool2d(2), new Flatten(),
            new Linear(4 * 4 * 4, 5, generator: g));
    }

    static Sequential Recurrent(ulong seed) =>
        new(new Embedding(12, 4, new Generator(seed)), new Lstm(4, 6, numLayers: 2), new Gru(6, 3));

    static readonly VisionOptions ZooOptions = new(InChannels: 1, Classes: 10, InputSize: 28, Width: 0.5, BatchNorm: false, Dropout: 0.0);

    /// <summary>The seeds for <paramref name="target"/>, written through <paramref name="scratch"/> (a folder of its own).</summary>
    public static List<Seed> Build(FuzzTarget target, string scratch)
    {
        Directory.CreateDirectory(scratch);
        var models = new (string name, Module model, string architecture)[]
        {
            ("mlp", Mlp(1), ModelJson.ToJson(Mlp(1))),
            ("conv", Conv(2), ModelJson.ToJson(Conv(2))),
            ("zoo", Zoo.Create("lenet5", ZooOptions), ModelJson.Zoo("lenet5", ZooOptions)),
            ("recurrent", Recurrent(3), ModelJson.ToJson(Recurrent(3))),
        };
        var seeds = new List<Seed>();
        switch (target)
        {
            case FuzzTarget.Weights:
                foreach (var (name, model, _) in models)
                    seeds.Add(Written(scratch, name, dir => SafeTensors.Save(Path.Combine(dir, name + ".safetensors"), model.StateDict(),
                        new Dictionary<string, string> { ["format"] = "neurite" }), name + ".safetensors"));
                foreach (var s in CheckpointSeeds(scratch)) seeds.Add(new Seed { Name = "weights-of-" + s.Name, Files = s.Files, LoadFile = s.LoadFile });
                break;
            case FuzzTarget.Architecture:
                foreach (var (name, model, architecture) in models)
                {
                    // whatever ModelFile.Save writes today (one file or two), loaded by its .safetensors name
                    seeds.Add(Written(scratch, name, dir => ModelFile.Save(model, Path.Combine(dir, name + ".safetensors"), architecture), name + ".safetensors"));
                    // the legacy two-file form, NAME.json beside NAME.safetensors, written by hand
                    seeds.Add(Written(scratch, name + "-legacy", dir =>
                    {
                        File.WriteAllText(Path.Combine(dir, name + ".json"), architecture);
                        SafeTensors.Save(Path.Combine(dir, name + ".safetensors"), model.StateDict(), new Dictionary<string, string> { ["format"] = "neurite" });
                    }, name + ".safetensors"));
                }
                break;
            default:
                seeds.AddRange(CheckpointSeeds(scratch));
                break;
        }
        return seeds;
    }

    static List<Seed> CheckpointSeeds(string scratch)
    {
        // a trained run of each kind and a fresh one of the same architecture to load it into
        (Module, Optimizer, LrScheduler?, Generator) MlpAdam(ulong seed, int steps)
        {
            var m = Mlp(seed);
            var opt = new Adam(m.Parameters(), learningRate: 0.01);
            var sched = new StepLR(opt, stepSize: 1, gamma: 0.5);
            Train(m, opt, sched, Tensor.Randn([6, 8], new Generator(seed + 10)), 3, steps);
            return (m, opt, sched, new Generator(seed + 20));
        }
        (Module, Optimizer, LrScheduler?, Generator) ConvSgd(ulong seed, int steps)
        {
            var m = Conv(seed);
            var opt = new Sgd(m.Parameters(), learningRate: 0.05, momentum: 0.9);
            Train(m, opt, null, Tensor.Randn([3, 1, 8, 8], new Generator(seed + 10)), 5, steps);
            return (m, opt, null, new Generator(seed + 20));
        }
        (Module, Optimizer, LrScheduler?, Generator) MlpRmsPlateau(ulong seed, int steps)
        {
            var m = Mlp(seed);
            var opt = new RmsProp(m.Parameters(), learningRate: 0.01, momentum: 0.5);
            var sched = new ReduceLROnPlateau(opt, patience: 0);
            Train(m, opt, null, Tensor.Randn([6, 8], new Generator(seed + 10)), 3, steps);
            for (int i = 0; i < steps; i++) sched.Step(1.0);
            return (m, opt, sched, new Generator(seed + 20));
        }
        var kinds = new (string name, Func<ulong, int, (Module, Optimizer, LrScheduler?, Generator)> make)[]
            { ("ckpt-mlp-adam", MlpAdam), ("ckpt-conv-sgd", ConvSgd), ("ckpt-mlp-rmsprop", MlpRmsPlateau) };
        var seeds = new List<Seed>();
        foreach (var (name, make) in kinds)
        {
            var seed = Written(scratch, name, dir =>
            {
                var (m, opt, sched, g) = make(1, 3);
                Checkpoint.Save(Path.Combine(dir, "ckpt.safetensors"), m, opt, epoch: 3, sched, g);
            }, "ckpt.safetensors");
            seeds.Add(new Seed
            {
                Name = seed.Name, Files = seed.Files, LoadFile = seed.LoadFile,
                NewCheckpointTarget = () => { var (m, opt, sched, g) = make(2, 1); return new CheckpointTarget(m, opt, sched, g); },
            });
        }
        return seeds;
    }

    static void Train(Module model, Optimizer opt, LrScheduler? sched, Tensor x, int classes, int steps)
    {
        var y = Tensor.RandInt(0, classes, [x.Shape[0]], new Generator(99));
        for (int i = 0; i < steps; i++)
        {
            opt.ZeroGrad();
            new CrossEntropyLoss().Forward(model.Forward(x), y).Backward();
            opt.Step();
            sched?.Step();
        }
    }

    /// <summary>Runs <paramref name="write"/> in an empty folder and keeps every file it wrote.</summary>
    static Seed Written(string scratch, string name, Action<string> write, string loadFile)
    {
        string dir = Path.Combine(scratch, name);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        write(dir);
        var files = Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f)!, File.ReadAllBytes);
        Directory.Delete(dir, recursive: true);
        return new Seed { Name = name, Files = files, LoadFile = loadFile };
    }
}
