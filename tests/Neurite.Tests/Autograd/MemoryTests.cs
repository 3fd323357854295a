using System.Numerics.Tensors;

namespace Neurite.Tests;

/// <summary>Runs alone: the heap is process-wide, so tests allocating in parallel would blur the measurement.</summary>
[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public sealed class MemoryTestsCollection;

/// <summary>A training loop must not leak: backward releases the graph, so the heap stays flat.</summary>
[Collection(nameof(MemoryTests))]
public class MemoryTests
{
    /// <summary>2-16-2 MLP on XOR-like points, built from MatMul/Add/Relu/Sum with leaf weights and SGD under NoGrad.</summary>
    sealed class TinyMlp
    {
        readonly Tensor w1, b1, w2, b2, x, y;

        public TinyMlp()
        {
            var g = new Generator(7);
            w1 = Tensor.Uniform([2, 16], -0.5, 0.5, g).RequireGrad();
            b1 = Tensor.Zeros(16).RequireGrad();
            w2 = Tensor.Uniform([16, 2], -0.5, 0.5, g).RequireGrad();
            b2 = Tensor.Zeros(2).RequireGrad();
            x = Tensor.FromArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
            // one-hot XOR targets
            y = Tensor.FromArray(new float[,] { { 1, 0 }, { 0, 1 }, { 0, 1 }, { 1, 0 } });
        }

        public double Step(float lr = 0.05f)
        {
            var h = x.MatMul(w1).Add(b1).Relu();
            var diff = h.MatMul(w2).Add(b2).Sub(y);
            var loss = diff.Mul(diff).Sum();
            loss.Backward();
            using (Neurite.Autograd.NoGrad())
                foreach (var w in new[] { w1, b1, w2, b2 })
                {
                    // w ← w − lr·∇w in place, then drop the gradient
                    TensorPrimitives.MultiplyAdd(w.Grad!.Span<float>(), -lr, w.Span<float>(), w.Span<float>());
                    w.ZeroGrad();
                }
            return loss.Item();
        }
    }

    [Fact]
    public void TenThousandTrainingStepsKeepTheHeapFlat()
    {
        var mlp = new TinyMlp();
        double first = mlp.Step();
        for (int i = 0; i < 200; i++) mlp.Step(); // warm up: JIT, thread-static buffers
        long before = GC.GetTotalMemory(forceFullCollection: true);
        double last = 0;
        for (int i = 0; i < 10_000; i++) last = mlp.Step();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        // A leak of even one small tensor per step would be ≥ 10,000 × ~100 B = 1 MB; the margin
        // absorbs the runtime's own bookkeeping.
        Assert.True(after - before < 256 * 1024, $"heap grew by {after - before} bytes over 10,000 steps ({before} → {after})");
        Assert.True(last < first, $"the loss should fall while training: {first} → {last}");
    }
}
