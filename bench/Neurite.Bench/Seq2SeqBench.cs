using System.Diagnostics;
using System.Globalization;
using Neurite.Data.Text;
using Neurite.Optim;
using Neurite.Seq2Seq;

namespace Neurite.Bench;

/// <summary>
/// `seq2seq`: teacher-forced training of an encoder–decoder with attention, as bench/pytorch/seq2seq.py: source and
/// target vocabularies of 32, embedding 64, a one-layer LSTM encoder of 128 over 20 source tokens, an LSTM-cell decoder
/// of 128 over 12 target tokens with additive attention and input feeding (h̃ = tanh(W[c; h] + b) fed to the next
/// step), a linear layer to the vocabulary, cross-entropy over every target step, Adam lr 1e-3, batch 64; random tokens
/// (seed 0), every sequence full length. Training target tokens/s (batch × 12 per step): the median of <c>--reps</c>
/// blocks of <c>--steps</c> steps after at least <c>--warmup</c> untimed steps and two seconds. Options:
/// <c>--threads 1,2</c>, <c>--steps 10</c>, <c>--reps 3</c>, <c>--warmup 3</c>, <c>--profile</c> (forward, backward, optimiser split).
/// </summary>
internal static class Seq2SeqBench
{
    const int V = 32, E = 64, H = 128, S = 20, T = 12, B = 64;

    public static int Run(string[] args)
    {
        int[] threadCounts = [1, 2];
        int steps = 10, reps = 3, warmup = 3;
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
                default: Console.Error.WriteLine($"seq2seq: unknown option '{args[i]}'"); return 2;
            }
        }
        // V − 4 ordinary tokens after the reserved <pad> <unk> <s> </s>
        var vocab = Vocabulary.Build([Enumerable.Range(0, V - Vocabulary.Reserved).Select(i => "t" + i.ToString(CultureInfo.InvariantCulture))]);
        var g = new Generator(0);
        var source = Tensor.RandInt(Vocabulary.Reserved, V, [B, S], g);
        var target = Tensor.RandInt(Vocabulary.Reserved, V, [B, T], g);
        int saved = Kernels.Threads.Count;
        try
        {
            foreach (int t in threadCounts)
            {
                Kernels.Threads.Count = t;
                RunOne(t, vocab, source, target, steps, reps, warmup, profile);
            }
        }
        finally
        {
            Kernels.Threads.Count = saved;
        }
        return 0;
    }

    static void RunOne(int threads, Vocabulary vocab, Tensor source, Tensor target, int steps, int reps, int warmup, bool profile)
    {
        var model = new Seq2SeqModel(vocab, vocab, new Seq2SeqOptions(E, H, Attention: AttentionKind.Additive, InputFeeding: true), generator: new Generator(1));
        var opt = new Adam(model.Parameters(), learningRate: 1e-3);
        int[] sourceLengths = Enumerable.Repeat(S, B).ToArray(), targetLengths = Enumerable.Repeat(T, B).ToArray();
        Measure.TrainingSteps("seq2seq", threads, () => model.Loss(source, sourceLengths, target, targetLengths), opt, B * T, steps, reps, warmup, profile);
    }
}
