using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Neurite.Nn;
using Neurite.Nn.Zoo;
using Neurite.Onnx;

namespace Neurite.Bench;

/// <summary>
/// `ort`: inference against ONNX Runtime, the engine a .NET user would serve a model with. The MLP (784-256-128-10),
/// LeNet-5 and ResNet-20 (the zoo's, CIFAR-sized), each exported by Neurite to ONNX once and loaded by ONNX Runtime's
/// CPU provider (graph optimisations on, sequential execution, intra-op threads = the thread count, one inter-op
/// thread; at 2 threads both spin settings of ORT's thread pool are tried and the faster one kept). Same weights,
/// same inputs; the outputs are checked equal within 1e-4 before anything is timed. Batch 1 (latency: median and p99
/// of single calls) and batch 64 (throughput). Rounds interleave the two engines, the order flipped every round.
/// Options: --threads 1,2  --rounds R  --models mlp,lenet,resnet  --batches 1,64.
/// </summary>
internal static class OrtBench
{
    sealed record Case(string Name, Func<Module> Build, int[] SampleShape);

    static readonly Case[] Cases =
    [
        new("mlp", () => new Sequential(
            new Linear(784, 256, activation: Activation.ReLU, generator: new Generator(0)),
            new Linear(256, 128, activation: Activation.ReLU, generator: new Generator(1)),
            new Linear(128, 10, generator: new Generator(2))), [784]),
        new("lenet", LenetBench.Build, [1, 28, 28]),
        new("resnet", () => ResNet.ResNet20(new VisionOptions(InChannels: 3, Classes: 10, InputSize: 32, BatchNorm: true)), [3, 32, 32]),
    ];

    public static int Run(string[] args)
    {
        int[] threads = [1, 2], batches = [1, 64];
        int rounds = 5;
        string[] models = Cases.Select(c => c.Name).ToArray();
        for (int i = 0; i < args.Length; i++)
            switch (args[i])
            {
                case "--threads": threads = args[++i].Split(',').Select(int.Parse).ToArray(); break;
                case "--rounds": rounds = int.Parse(args[++i]); break;
                case "--models": models = args[++i].Split(','); break;
                case "--batches": batches = args[++i].Split(',').Select(int.Parse).ToArray(); break;
                default: throw new ArgumentException($"unknown option '{args[i]}' (--threads 1,2  --rounds R  --models mlp,lenet,resnet  --batches 1,64)");
            }
        string dir = Directory.CreateTempSubdirectory("neurite-ort-").FullName;
        try
        {
            foreach (var c in Cases.Where(c => models.Contains(c.Name)))
            {
                var model = c.Build();
                model.Eval();
                string path = Path.Combine(dir, c.Name + ".onnx");
                model.ExportOnnx(path, c.SampleShape);
                foreach (int t in threads)
                    foreach (int batch in batches)
                        Compare(c, model, path, t, batch, rounds);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
        return 0;
    }

    static void Compare(Case c, Module model, string path, int threads, int batch, int rounds)
    {
        Engine.Threads = threads;
        var x = Tensor.Uniform([batch, .. c.SampleShape], 0, 1, new Generator(7));
        float[] input = x.ToFloatArray();
        Tensor Neurite() { using var _ = Autograd.NoGrad(); return model.Forward(x); }
        float[] expected = Neurite().ToFloatArray();

        // ORT at its best: with one thread spinning does not matter; with two, both settings are timed and the faster kept
        var ort = new List<Ort>();
        foreach (bool spin in threads == 1 ? [true] : new[] { true, false })
        {
            var o = new Ort(path, threads, spin, [batch, .. c.SampleShape], expected.Length);
            float diff = MaxAbsDiff(o.Run(input), expected);
            if (diff > 1e-4f) throw new InvalidOperationException($"ort {c.Name}: ONNX Runtime's output differs from Neurite's by {diff} (> 1e-4)");
            ort.Add(o);
        }

        double budget = batch == 1 ? 0.3 : 1.0; // seconds per engine per round
        var neuriteTimes = new List<double>();
        var ortTimes = ort.Select(_ => new List<double>()).ToList();
        Time(() => Neurite(), 1.0, null);                       // warm-up: tier-1 code, pools
        foreach (var o in ort) Time(() => o.Run(input), 0.5, null);
        for (int r = 0; r < rounds; r++)
        {
            if (r % 2 == 0) Time(() => Neurite(), budget, neuriteTimes);
            for (int k = 0; k < ort.Count; k++) Time(() => ort[k].Run(input), budget, ortTimes[k]);
            if (r % 2 == 1) Time(() => Neurite(), budget, neuriteTimes);
        }
        int best = Enumerable.Range(0, ort.Count).MinBy(k => Percentile(ortTimes[k], 0.5));
        double nMed = Percentile(neuriteTimes, 0.5), oMed = Percentile(ortTimes[best], 0.5);
        Measure.Json(("workload", "ort"), ("model", c.Name), ("threads", threads), ("batch", batch),
            ("neurite_median_us", nMed), ("neurite_p99_us", Percentile(neuriteTimes, 0.99)), ("neurite_per_s", batch / nMed * 1e6),
            ("ort_median_us", oMed), ("ort_p99_us", Percentile(ortTimes[best], 0.99)), ("ort_per_s", batch / oMed * 1e6),
            ("ort_setting", ort[best].Setting), ("ratio", oMed / nMed), ("max_abs_diff", MaxAbsDiff(ort[best].Run(input), expected)));
        foreach (var o in ort) o.Dispose();
    }

    /// <summary>Calls <paramref name="body"/> for <paramref name="seconds"/>, adding each call's µs to <paramref name="into"/>.</summary>
    static void Time(Action body, double seconds, List<double>? into)
    {
        long end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        int calls = 0;
        while (Stopwatch.GetTimestamp() < end || calls < 3)
        {
            long t0 = Stopwatch.GetTimestamp();
            body();
            into?.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
            calls++;
        }
    }

    static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * sorted.Length))];
    }

    static float MaxAbsDiff(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new InvalidOperationException($"ort: {a.Length} outputs against Neurite's {b.Length}");
        float m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    /// <summary>One ONNX Runtime session with pre-bound input and output buffers (its fastest calling convention).</summary>
    sealed class Ort : IDisposable
    {
        readonly InferenceSession session;
        readonly RunOptions run = new();
        readonly float[] inputBuffer, outputBuffer;
        readonly OrtValue inputValue, outputValue;
        readonly string[] inputNames, outputNames;
        public string Setting { get; }

        public Ort(string path, int threads, bool spin, int[] inputShape, int outputLength)
        {
            var options = new SessionOptions
            {
                IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
            Setting = $"intra_op={threads} spin={(spin ? 1 : 0)}";
            session = new InferenceSession(path, options);
            inputNames = [session.InputNames[0]];
            outputNames = [session.OutputNames[0]];
            inputBuffer = new float[inputShape.Aggregate(1, (a, b) => a * b)];
            outputBuffer = new float[outputLength];
            inputValue = OrtValue.CreateTensorValueFromMemory(inputBuffer, inputShape.Select(d => (long)d).ToArray());
            outputValue = OrtValue.CreateTensorValueFromMemory(outputBuffer, [inputShape[0], outputLength / inputShape[0]]);
        }

        public float[] Run(float[] input)
        {
            input.CopyTo(inputBuffer, 0);
            session.Run(run, inputNames, [inputValue], outputNames, [outputValue]);
            return outputBuffer;
        }

        public void Dispose()
        {
            inputValue.Dispose();
            outputValue.Dispose();
            session.Dispose();
            run.Dispose();
        }
    }
}
