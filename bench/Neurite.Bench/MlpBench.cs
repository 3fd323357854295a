using System.Diagnostics;
using System.Globalization;
using Neurite.Data;
using Neurite.Nn;
using Neurite.Optim;

namespace Neurite.Bench;

/// <summary>
/// BENCHMARKS.md `mlp`: a 784-256-128-10 ReLU MLP on Fashion-MNIST, cross-entropy, Adam lr 1e-3, batch 128.
/// Training: one epoch over the 60,000 training images, samples/s. Inference: the 10,000 test images in
/// batches of 1000 under no-grad, samples/s. One JSON line per thread count.
/// </summary>
/// <remarks>
/// The data are loaded and cut into batches (one seeded shuffle, the same order for every repetition) before
/// any timing, so only the training steps are timed. Each thread count gets a fresh model (seed 0) and
/// optimiser, <c>--warmup</c> untimed training steps, then <c>--reps</c> timed epochs (median). GC collections
/// and allocated bytes are counted over the timed epochs and reported per training step; the peak working set
/// is the process's (Process.PeakWorkingSet64) at the time the line is written.
/// Options: <c>--threads 1,2</c>, <c>--reps R</c> (timed epochs, default 1), <c>--infer-reps R</c> (default 5),
/// <c>--warmup S</c> (steps, default 30), <c>--data DIR</c>, <c>--train-only</c> (one epoch, no inference: for an
/// external max-RSS measurement), <c>--profile</c> (Stopwatch split of a step into forward, backward, optimiser).
/// </remarks>
internal static class MlpBench
{
    const int Batch = 128, InferBatch = 1000;

    public static int Run(string[] args)
    {
        int[] threadCounts = [1, 2];
        int reps = 1, inferReps = 5, warmup = 30;
        string? folder = null;
        bool trainOnly = false, profile = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads": threadCounts = Array.ConvertAll(args[++i].Split(','), s => int.Parse(s, CultureInfo.InvariantCulture)); break;
                case "--reps": reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--infer-reps": inferReps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--data": folder = args[++i]; break;
                case "--train-only": trainOnly = true; break;
                case "--profile": profile = true; break;
                default: Console.Error.WriteLine($"mlp: unknown option '{args[i]}'"); return 2;
            }
        }

        var (train, test) = FashionMnist.Load(folder);
        var batches = EpochBatches.Of(train, Batch); // 469 batches (the last of 96), built before timing
        var testBatches = new List<(Tensor x, Tensor y)>();
        for (int s = 0; s < test.Count; s += InferBatch)
            testBatches.Add((test.Features.Narrow(0, s, InferBatch).Contiguous(), test.Labels.Narrow(0, s, InferBatch).Contiguous()));

        int saved = Kernels.Threads.Count;
        try
        {
            foreach (int t in threadCounts)
            {
                Kernels.Threads.Count = t;
                RunOne(t, batches, testBatches, train.Count, test.Count, reps, inferReps, warmup, trainOnly, profile);
            }
        }
        finally
        {
            Kernels.Threads.Count = saved;
        }
        return 0;
    }

    static Sequential Model() => new(
        new Linear(784, 256, generator: new Generator(0)), new ReLU(),
        new Linear(256, 128, generator: new Generator(1)), new ReLU(),
        new Linear(128, 10, generator: new Generator(2)));

    static void RunOne(int threads, List<(Tensor x, Tensor y)> batches, List<(Tensor x, Tensor y)> testBatches,
        int trainCount, int testCount, int reps, int inferReps, int warmup, bool trainOnly, bool profile)
    {
        var model = Model();
        var opt = new Adam(model.Parameters(), learningRate: 1e-3);
        var lossFn = new CrossEntropyLoss();
        double lastLoss = 0;

        void TrainStep(Tensor x, Tensor y)
        {
            var loss = lossFn.Forward(model.Forward(x), y);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
            lastLoss = loss.Item();
        }

        // At least `warmup` steps and two seconds, so the timed epoch runs .NET's optimised (tier-1) code, not the
        // quickly jitted first version; 30 steps alone left the first thread count measured ~30 % low.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < warmup || warm.ElapsedMilliseconds < 2000; i++) TrainStep(batches[i % batches.Count].x, batches[i % batches.Count].y);

        if (profile) Profile(model, opt, lossFn, batches, threads);

        int gc0 = GC.CollectionCount(0), gc1 = GC.CollectionCount(1), gc2 = GC.CollectionCount(2);
        long bytes = GC.GetTotalAllocatedBytes(precise: false);
        var pause = GC.GetTotalPauseDuration();
        var epochSeconds = new double[reps];
        var sw = new Stopwatch();
        for (int r = 0; r < reps; r++)
        {
            sw.Restart();
            foreach (var (x, y) in batches) TrainStep(x, y);
            sw.Stop();
            epochSeconds[r] = sw.Elapsed.TotalSeconds;
        }
        double steps = (double)reps * batches.Count;
        double gc0PerStep = (GC.CollectionCount(0) - gc0) / steps;
        double gc1PerStep = (GC.CollectionCount(1) - gc1) / steps;
        double gc2PerStep = (GC.CollectionCount(2) - gc2) / steps;
        double allocPerStep = (GC.GetTotalAllocatedBytes(precise: false) - bytes) / steps;
        double gcPauseMsPerEpoch = (GC.GetTotalPauseDuration() - pause).TotalMilliseconds / reps;
        Array.Sort(epochSeconds);
        double trainRate = trainCount / epochSeconds[reps / 2];

        var fields = new List<(string, object)>
        {
            ("workload", "mlp"), ("impl", "neurite"), ("threads", threads),
            ("train_samples_per_s", trainRate),
        };
        if (!trainOnly)
        {
            model.Eval();
            double accuracy = 0;
            void Infer()
            {
                using var _ = Autograd.NoGrad();
                long correct = 0;
                foreach (var (x, y) in testBatches)
                {
                    var pred = model.Forward(x).ArgMax(1).Span<long>();
                    var labels = y.Span<long>();
                    for (int i = 0; i < pred.Length; i++) if (pred[i] == labels[i]) correct++;
                }
                accuracy = (double)correct / testCount;
            }
            var warmInfer = Stopwatch.StartNew();
            while (warmInfer.ElapsedMilliseconds < 1000) Infer(); // warm-up (tier-1 code, as for training)
            var inferSeconds = new double[inferReps];
            for (int r = 0; r < inferReps; r++)
            {
                sw.Restart(); Infer(); sw.Stop();
                inferSeconds[r] = sw.Elapsed.TotalSeconds;
            }
            Array.Sort(inferSeconds);
            fields.Add(("infer_samples_per_s", testCount / inferSeconds[inferReps / 2]));
            fields.Add(("test_accuracy", accuracy));
            model.Train();
        }
        fields.Add(("final_loss", lastLoss));
        fields.Add(("epochs", reps));
        fields.Add(("gc0_per_step", gc0PerStep));
        fields.Add(("gc1_per_step", gc1PerStep));
        fields.Add(("gc2_per_step", gc2PerStep));
        fields.Add(("alloc_bytes_per_step", allocPerStep));
        fields.Add(("gc_pause_ms_per_epoch", gcPauseMsPerEpoch));
        fields.Add(("working_set_mb", Environment.WorkingSet / 1048576.0));
        using (var self = Process.GetCurrentProcess())
            fields.Add(("peak_working_set_mb", self.PeakWorkingSet64 / 1048576.0));
        Measure.Json(fields.ToArray());
    }

    /// <summary>Stopwatch split of training steps into forward (+loss), backward and optimiser, on stderr.</summary>
    static void Profile(Sequential model, Adam opt, Loss lossFn, List<(Tensor x, Tensor y)> batches, int threads)
    {
        var sw = new Stopwatch();
        double fwd = 0, bwd = 0, step = 0;
        var layerTimes = new double[model.Count];
        int n = Math.Min(200, batches.Count);
        for (int i = 0; i < n; i++)
        {
            var (x, y) = batches[i];
            sw.Restart();
            var h = x;
            for (int l = 0; l < model.Count; l++)
            {
                long t0 = Stopwatch.GetTimestamp();
                h = model[l].Forward(h);
                layerTimes[l] += Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
            var loss = lossFn.Forward(h, y);
            fwd += sw.Elapsed.TotalMicroseconds;
            sw.Restart();
            opt.ZeroGrad();
            loss.Backward();
            bwd += sw.Elapsed.TotalMicroseconds;
            sw.Restart();
            opt.Step();
            loss.Item();
            step += sw.Elapsed.TotalMicroseconds;
        }
        var inv = CultureInfo.InvariantCulture;
        Console.Error.WriteLine(string.Format(inv, "mlp profile (threads {0}, {1} steps, µs/step): forward+loss {2:F0}, backward {3:F0}, optimiser {4:F0}, total {5:F0}",
            threads, n, fwd / n, bwd / n, step / n, (fwd + bwd + step) / n));
        Console.Error.WriteLine("  forward per layer (µs/step): " + string.Join(", ",
            Enumerable.Range(0, model.Count).Select(l => $"{model[l].Describe()} {(layerTimes[l] / n).ToString("F0", inv)}")));
    }
}
