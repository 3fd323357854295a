using System.Numerics.Tensors;

namespace Neurite.Bench;

/// <summary>
/// Framework overhead (BENCHMARKS.md `tiny`): (a) one-sample forward of a 4-16-3 tanh MLP under no-grad;
/// (b) one training step (forward, cross-entropy, backward, SGD) of a 2-16-16-2 ReLU MLP, batch 32.
/// Plus `tinyop`: add two 4-element tensors, forward and backward.
/// </summary>
internal static class TinyBench
{
    /// <summary>`tiny [--threads 1,2] [--reps N]`: both cases at each thread count (Threads.Count).</summary>
    public static int Run(string[] args)
    {
        int reps = 21;
        int[] threads = [Kernels.Threads.Count];
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--reps") reps = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            else if (args[i] == "--threads") threads = Array.ConvertAll(args[i + 1].Split(','), s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture));
            else throw new ArgumentException($"tiny: unknown option {args[i]} (valid: --threads 1,2  --reps N)");
        }
        foreach (int t in threads)
        {
            Kernels.Threads.Count = t;
            Forward(reps);
            TrainStep(reps);
        }
        return 0;
    }

    static Tensor Param(Generator g, params int[] shape) => Tensor.Uniform(shape, -0.5, 0.5, g).RequireGrad();

    static void Forward(int reps)
    {
        var g = new Generator(0);
        var w1 = Tensor.Uniform([4, 16], -0.5, 0.5, g); var b1 = Tensor.Uniform([16], -0.5, 0.5, g);
        var w2 = Tensor.Uniform([16, 3], -0.5, 0.5, g); var b2 = Tensor.Uniform([3], -0.5, 0.5, g);
        var x = Tensor.Uniform([1, 4], -1, 1, g);
        void Body()
        {
            using var _ = Autograd.NoGrad();
            x.MatMul(w1).Add(b1).Tanh().MatMul(w2).Add(b2);
        }
        double us = Measure.MedianMicros(Body, 2000, reps);
        var (bytes, gc) = Measure.Allocation(Body, 20000);
        Measure.Json(("workload", "tiny"), ("impl", "neurite"), ("case", "forward"), ("threads", Kernels.Threads.Count),
            ("median_us", us), ("alloc_bytes_per_iter", bytes), ("gc0_per_iter", gc));
    }

    /// <summary>A 2-16-16-2 ReLU MLP trained with plain SGD; shared by the benchmark and the memory test's shape.</summary>
    internal sealed class Mlp
    {
        public readonly Tensor[] Params;
        readonly Tensor x, target;
        const float Lr = 0.05f;

        public Mlp(int seed = 0, int batch = 32)
        {
            var g = new Generator((ulong)seed);
            Params = [Param(g, 2, 16), Param(g, 16), Param(g, 16, 16), Param(g, 16), Param(g, 16, 2), Param(g, 2)];
            x = Tensor.Uniform([batch, 2], -1, 1, g);
            // XOR-like labels: class 1 when the signs differ
            var labels = new long[batch];
            var xs = x.ToFloatArray();
            for (int i = 0; i < batch; i++) labels[i] = xs[2 * i] * xs[2 * i + 1] < 0 ? 1 : 0;
            target = Tensor.FromArray(labels, batch, 1);
        }

        public double Step()
        {
            var p = Params;
            var h = x.MatMul(p[0]).Add(p[1]).Relu();
            h = h.MatMul(p[2]).Add(p[3]).Relu();
            var logits = h.MatMul(p[4]).Add(p[5]);
            // cross-entropy = −mean log softmax(z)[y]
            var loss = logits.LogSoftmax(1).Gather(1, target).Mean().Neg();
            loss.Backward();
            using (Autograd.NoGrad())
                foreach (var w in p)
                {
                    // w ← w − lr·∇w, in place; the gradient is then cleared (set to none, like PyTorch)
                    TensorPrimitives.MultiplyAdd(w.Grad!.Span<float>(), -Lr, w.Span<float>(), w.Span<float>());
                    w.ZeroGrad();
                }
            return loss.Item();
        }
    }

    static void TrainStep(int reps)
    {
        var mlp = new Mlp();
        void Body() => mlp.Step();
        double us = Measure.MedianMicros(Body, 200, reps);
        var (bytes, gc) = Measure.Allocation(Body, 5000);
        Measure.Json(("workload", "tiny"), ("impl", "neurite"), ("case", "train_step"), ("threads", Kernels.Threads.Count),
            ("median_us", us), ("alloc_bytes_per_iter", bytes), ("gc0_per_iter", gc));
    }

    /// <summary>`tinyop`: c = a + b on 4-element leaves that require grad, then c.Backward(ones).</summary>
    public static int RunOp(string[] args)
    {
        int reps = args.Length > 0 ? int.Parse(args[0]) : 21;
        var a = Tensor.Of(1, 2, 3, 4).RequireGrad();
        var b = Tensor.Of(5, 6, 7, 8).RequireGrad();
        var ones = Tensor.Ones(4);
        void Body()
        {
            a.Add(b).Backward(ones);
        }
        double us = Measure.MedianMicros(Body, 20000, reps);
        var (bytes, gc) = Measure.Allocation(Body, 200000);
        Measure.Json(("workload", "tinyop"), ("impl", "neurite"), ("case", "add4_fwd_bwd"), ("median_us", us),
            ("alloc_bytes_per_iter", bytes), ("gc0_per_iter", gc));
        void Fwd() { using var _ = Autograd.NoGrad(); a.Add(b); }
        us = Measure.MedianMicros(Fwd, 20000, reps);
        (bytes, gc) = Measure.Allocation(Fwd, 200000);
        Measure.Json(("workload", "tinyop"), ("impl", "neurite"), ("case", "add4_nograd"), ("median_us", us),
            ("alloc_bytes_per_iter", bytes), ("gc0_per_iter", gc));
        return 0;
    }
}
