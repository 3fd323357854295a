using Neurite.Kernels;
using Neurite.Nn;
using Neurite.Optim;
using ModelZoo = Neurite.Nn.Zoo.Zoo;
using VisionOptions = Neurite.Nn.Zoo.VisionOptions;

namespace Neurite.Tests.Training;

/// <summary>
/// Same seed ⇒ the same bits at any thread count: every reduction a kernel splits is cut by problem size, never by
/// <see cref="Threads.Count"/>, and its partial sums are added in a fixed order (docs/ARCHITECTURE.md, Determinism).
/// Each model trains a few Adam steps on one seeded batch at 1 and at 2 threads; the batches are large enough
/// that the kernels take their multi-threaded paths (conv weight gradients from 2²⁰ multiply-adds, batch norm
/// from 2¹⁶ elements, GEMM from 3·10⁶, the recurrent rows from 8 rows × 4096 gates).
/// </summary>
[Collection(GlobalStateCollection.Name)] // sets Threads.Count and seeds Generator.Default, both process-wide
public class DeterminismTests
{
    const int Steps = 3;

    [Fact]
    public void LeNet5TrainsToTheSameBitsAtOneAndTwoThreads() =>
        AssertSameBits(() => ModelZoo.Create("lenet5", new VisionOptions(1, 10, 28, Dropout: 0)), batch: 64, [1, 28, 28]);

    [Fact]
    public void ResNet20TrainsToTheSameBitsAtOneAndTwoThreads() =>
        AssertSameBits(() => ModelZoo.Create("resnet20", new VisionOptions(3, 10, 32, Width: 0.5)), batch: 16, [3, 32, 32]);

    [Fact]
    public void MlpWithBatchNormTrainsToTheSameBitsAtOneAndTwoThreads() =>
        AssertSameBits(() => new Sequential(new Linear(64, 128), new BatchNorm1d(128), new ReLU(), new Linear(128, 10)), batch: 512, [64]);

    [Fact]
    public void LstmTrainsToTheSameBitsAtOneAndTwoThreads()
    {
        // x [T = 20, N = 32, 32] → h [T, N, 128]; loss: mean square of the outputs
        var one = Train(1, () => new Lstm(32, 128), [20, 32, 32], (m, x, _) => ((Lstm)m).Forward(x, null).Output.Square().Mean());
        var two = Train(2, () => new Lstm(32, 128), [20, 32, 32], (m, x, _) => ((Lstm)m).Forward(x, null).Output.Square().Mean());
        AssertEqualBits(one, two);
    }

    [Theory]
    [InlineData(1, 6, 28, 5, 2)]    // LeNet-5's first layer: 6 output channels, the im2col weight gradient
    [InlineData(16, 16, 16, 3, 1)]  // a ResNet-20 layer: the direct weight gradient
    public void ConvGradientsHaveTheSameBitsAtOneTwoAndThreeThreads(int c, int o, int size, int k, int pad)
    {
        // a batch of 21: 4 chunks of 5–6 images, taken unevenly by 3 threads
        var g = new Generator(3);
        var x = Tensor.Uniform([21, c, size, size], -1, 1, g);
        var w = Tensor.Uniform([o, c, k, k], -1, 1, g);
        var gy = Tensor.Uniform([21, o, size + 2 * pad - k + 1, size + 2 * pad - k + 1], -1, 1, g);
        Dictionary<string, double[]> Grads(int threads)
        {
            int saved = Threads.Count;
            Threads.Count = threads;
            try
            {
                var xi = x.Clone().RequireGrad();
                var wi = w.Clone().RequireGrad();
                Tensor.Conv2d(xi, wi, null, padding: pad).Backward(gy);
                return new() { ["dx"] = xi.Grad!.ToDoubleArray(), ["dw"] = wi.Grad!.ToDoubleArray() };
            }
            finally
            {
                Threads.Count = saved;
            }
        }
        var one = Grads(1);
        AssertEqualBits(one, Grads(2));
        AssertEqualBits(one, Grads(3));
    }

    static void AssertSameBits(Func<Module> create, int batch, int[] sample)
    {
        int[] shape = [batch, .. sample];
        var one = Train(1, create, shape, (m, x, y) => Tensor.CrossEntropy(m.Forward(x), y).Mean());
        var two = Train(2, create, shape, (m, x, y) => Tensor.CrossEntropy(m.Forward(x), y).Mean());
        AssertEqualBits(one, two);
    }

    /// <summary>The state (parameters and buffers) after <see cref="Steps"/> Adam steps at <paramref name="threads"/> threads.</summary>
    static Dictionary<string, double[]> Train(int threads, Func<Module> create, int[] shape, Func<Module, Tensor, Tensor, Tensor> loss)
    {
        int saved = Threads.Count;
        Threads.Count = threads;
        try
        {
            Generator.ManualSeed(7);
            var model = create();
            var g = new Generator(11);
            var x = Tensor.Normal(shape, 0, 1, g);
            var y = Tensor.FromArray(Enumerable.Range(0, shape[0]).Select(_ => (long)g.NextInt(10)).ToArray());
            var adam = new Adam(model.Parameters(), 1e-2);
            for (int step = 0; step < Steps; step++)
            {
                adam.ZeroGrad();
                loss(model, x, y).Backward();
                adam.Step();
            }
            return model.StateDict().ToDictionary(e => e.Key, e => e.Value.ToDoubleArray());
        }
        finally
        {
            Threads.Count = saved;
        }
    }

    /// <summary>Every tensor equal bit for bit (float32 values are exact in double), with the first difference named.</summary>
    static void AssertEqualBits(Dictionary<string, double[]> one, Dictionary<string, double[]> two)
    {
        Assert.Equal(one.Keys.Order(), two.Keys.Order());
        var differing = new List<string>();
        foreach (var (name, a) in one)
        {
            var b = two[name];
            Assert.Equal(a.Length, b.Length);
            int first = -1;
            double worst = 0;
            for (int i = 0; i < a.Length; i++)
                if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i]))
                {
                    if (first < 0) first = i;
                    worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
                }
            if (first >= 0) differing.Add($"{name}[{first}]: {a[first]:R} vs {b[first]:R} (max |Δ| {worst:G3})");
        }
        Assert.True(differing.Count == 0, $"1 thread vs more differ in {differing.Count} of {one.Count} tensors: " + string.Join("; ", differing.Take(4)));
    }
}
