using System.Diagnostics;
using System.Globalization;
using Neurite.Nn;
using Neurite.Optim;

namespace Neurite.Bench;

/// <summary>Timing shared by the `lenet` and `resnet` workloads: training steps and no-grad inference of a CNN on
/// random data already in memory, medians over repetitions after untimed warm-up, at each thread count.</summary>
internal static class CnnTraining
{
    public sealed record Options(int[] Threads, int Reps, int StepsPerRep, int Warmup, bool Inference);

    public static Options Parse(string[] args, int stepsPerRep, bool inference)
    {
        var o = new Options([1, 2], 5, stepsPerRep, 3, inference);
        for (int i = 0; i < args.Length; i++)
            o = args[i] switch
            {
                "--threads" => o with { Threads = Array.ConvertAll(args[++i].Split(','), s => int.Parse(s, CultureInfo.InvariantCulture)) },
                "--reps" => o with { Reps = int.Parse(args[++i], CultureInfo.InvariantCulture) },
                "--steps" => o with { StepsPerRep = int.Parse(args[++i], CultureInfo.InvariantCulture) },
                "--no-inference" => o with { Inference = false }, // training only (for profiling)
                _ => throw new ArgumentException($"unknown option '{args[i]}' (--threads 1,2  --reps R  --steps S  --no-inference)"),
            };
        return o;
    }

    /// <summary>Runs the workload at each thread count and writes one JSON line each.</summary>
    public static void Run(string workload, Func<Module> build, int[] sampleShape, int batch, int inferBatch, Options o)
    {
        int saved = Kernels.Threads.Count;
        try
        {
            foreach (int t in o.Threads)
            {
                Kernels.Threads.Count = t;
                var g = new Generator(42);
                var model = build();
                var opt = new Sgd(model.Parameters(), learningRate: 0.01, momentum: 0.9);
                var loss = new CrossEntropyLoss();
                var x = Tensor.Uniform([batch, .. sampleShape], 0, 1, g);
                var y = Tensor.RandInt(0, 10, [batch], g);
                void Step()
                {
                    var l = loss.Forward(model.Forward(x), y);
                    opt.ZeroGrad();
                    l.Backward();
                    opt.Step();
                }
                int gen2 = GC.CollectionCount(2), gen0 = GC.CollectionCount(0);
                var pause = GC.GetTotalPauseDuration();
                double trainPerS = batch / Median(Step, o);
                int steps = o.Warmup + o.Reps * o.StepsPerRep;
                var fields = new List<(string, object)> { ("workload", workload), ("impl", "neurite"), ("threads", t), ("batch", batch), ("train_images_per_s", trainPerS),
                    ("gc0_per_step", (GC.CollectionCount(0) - gen0) / (double)steps), ("gc2_per_step", (GC.CollectionCount(2) - gen2) / (double)steps),
                    ("gc_pause_ms_per_step", (GC.GetTotalPauseDuration() - pause).TotalMilliseconds / steps) };
                if (o.Inference)
                {
                    model.Eval();
                    var xi = Tensor.Uniform([inferBatch, .. sampleShape], 0, 1, g);
                    void Infer() { using var _ = Autograd.NoGrad(); model.Forward(xi); }
                    fields.Add(("infer_batch", inferBatch));
                    fields.Add(("infer_images_per_s", inferBatch / Median(Infer, o with { StepsPerRep = Math.Max(1, o.StepsPerRep * batch / inferBatch) })));
                }
                Measure.Json([.. fields]);
            }
        }
        finally { Kernels.Threads.Count = saved; }
    }

    /// <summary>Median seconds per call over <see cref="Options.Reps"/> repetitions of <see cref="Options.StepsPerRep"/> calls.</summary>
    static double Median(Action body, Options o)
    {
        // At least the given steps and one second: hot methods must reach .NET's optimised tier-1 code first.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < o.Warmup || warm.ElapsedMilliseconds < 1000; i++) body();
        var samples = new double[o.Reps];
        var sw = new Stopwatch();
        for (int r = 0; r < o.Reps; r++)
        {
            sw.Restart();
            for (int i = 0; i < o.StepsPerRep; i++) body();
            samples[r] = sw.Elapsed.TotalSeconds / o.StepsPerRep;
        }
        Array.Sort(samples);
        return samples[o.Reps / 2];
    }
}
