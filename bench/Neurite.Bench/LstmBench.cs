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
        Measure.TrainingSteps("lstm", threads, () => Tensor.CrossEntropy(model.Forward(x).Reshape(-1, V), y).Mean(), opt, B * T, steps, reps, warmup, profile);
    }
}
