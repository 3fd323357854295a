using System.Diagnostics;
using System.Globalization;
using Neurite.Nn;
using Neurite.Optim;

namespace Neurite.Bench;

/// <summary>
/// BENCHMARKS.md `lstm`: a character language model, vocabulary 96, embedding 64, one LSTM layer of 256, sequence 64,
/// batch 32, a linear layer to the vocabulary, cross-entropy over every step, Adam lr 1e-3; random tokens (seed 0), as
/// bench/pytorch/lstm.py. Training tokens/s (batch × sequence per step): the median of <c>--reps</c> blocks of
/// <c>--steps</c> steps after at least <c>--warmup</c> untimed steps and two seconds. GC collections per step over the
/// timed blocks. Options: <c>--threads 1,2</c>, <c>--steps 20</c>, <c>--reps 3</c>, <c>--warmup 3</c>, <c>--profile</c>.
/// </summary>
internal static class LstmBench
{
    const int V = 96, E = 64, H = 256, T = 64, B = 32;

    sealed class CharLm : Module
    {
        public readonly Embedding Emb;
        public readonly Lstm Lstm;
        public readonly Linear Out;

        public CharLm()
        {
            Emb = RegisterModule("emb", new Embedding(V, E, new Generator(0)));
            Lstm = RegisterModule("lstm", new Lstm(E, H, batchFirst: true, generator: new Generator(1)));
            Out = RegisterModule("out", new Linear(H, V, generator: new Generator(2)));
        }

        public override Tensor Forward(Tensor tokens) => Out.Forward(Lstm.Forward(Emb.Forward(tokens)));
    }

    public static int Run(string[] args)
    {
        int[] threadCounts = [1, 2];
        int steps = 20, reps = 3, warmup = 3;
        bool profile = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads": threadCounts = Array.ConvertAll(args[++i].Split(','), s => int.Parse(s, CultureInfo.InvariantCulture)); break;
                case "--steps": steps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--reps": reps = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--profile": profile = true; break;
                default: Console.Error.WriteLine($"lstm: unknown option '{args[i]}'"); return 2;
            }
        }
        var g = new Generator(0);
        var seq = Tensor.RandInt(0, V, [B, T + 1], g);
        var x = seq.Narrow(1, 0, T).Contiguous();
        var y = seq.Narrow(1, 1, T).Contiguous().Reshape(-1);
        int saved = Kernels.Threads.Count;
        try
        {
            foreach (int t in threadCounts)
            {
                Kernels.Threads.Count = t;
                RunOne(t, x, y, steps, reps, warmup, profile);
            }
        }
        finally
        {
            Kernels.Threads.Count = saved;
        }
        return 0;
    }

    static void RunOne(int threads, Tensor x, Tensor y, int steps, int reps, int warmup, bool profile)
    {
        var model = new CharLm();
        var opt = new Adam(model.Parameters(), learningRate: 1e-3);
        double lastLoss = 0;
        double fwd = 0, bwd = 0, upd = 0;
        void Step()
        {
            long t0 = Stopwatch.GetTimestamp();
            var logits = model.Forward(x).Reshape(-1, V);
            var loss = Tensor.CrossEntropy(logits, y).Mean();
            long t1 = Stopwatch.GetTimestamp();
            opt.ZeroGrad();
            loss.Backward();
            long t2 = Stopwatch.GetTimestamp();
            opt.Step();
            lastLoss = loss.Item();
            long t3 = Stopwatch.GetTimestamp();
            fwd += t1 - t0; bwd += t2 - t1; upd += t3 - t2;
        }
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < warmup || warm.ElapsedMilliseconds < 2000; i++) Step();
        fwd = bwd = upd = 0;
        int gc0 = GC.CollectionCount(0), gc1 = GC.CollectionCount(1), gc2 = GC.CollectionCount(2);
        long bytes = GC.GetTotalAllocatedBytes(precise: false);
        var seconds = new double[reps];
        var sw = new Stopwatch();
        for (int r = 0; r < reps; r++)
        {
            sw.Restart();
            for (int s = 0; s < steps; s++) Step();
            seconds[r] = sw.Elapsed.TotalSeconds;
        }
        double total = (double)reps * steps;
        if (profile)
        {
            double us = 1e6 / Stopwatch.Frequency / total;
            Console.Error.WriteLine(string.Format(CultureInfo.InvariantCulture, "lstm profile (threads {0}, µs/step): forward+loss {1:F0}, backward {2:F0}, optimiser {3:F0}",
                threads, fwd * us, bwd * us, upd * us));
        }
        Array.Sort(seconds);
        Measure.Json(("workload", "lstm"), ("impl", "neurite"), ("threads", threads),
            ("train_tokens_per_s", B * T * steps / seconds[reps / 2]), ("final_loss", lastLoss), ("steps", steps), ("reps", reps),
            ("gc0_per_step", (GC.CollectionCount(0) - gc0) / total), ("gc1_per_step", (GC.CollectionCount(1) - gc1) / total),
            ("gc2_per_step", (GC.CollectionCount(2) - gc2) / total),
            ("alloc_bytes_per_step", (GC.GetTotalAllocatedBytes(precise: false) - bytes) / total),
            ("peak_working_set_mb", Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0));
    }
}
