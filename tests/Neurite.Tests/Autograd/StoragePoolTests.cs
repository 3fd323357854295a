namespace Neurite.Tests;

/// <summary>
/// The autograd engine recycles the large gradients it allocated and dropped (StoragePool). These tests check
/// that recycling happens, that it never changes a gradient (pool on vs off, bit for bit, over several steps so
/// recycled arrays with stale contents are reused), and that nothing the caller can still see is recycled.
/// </summary>
[Collection(GlobalStateCollection.Name)] // they change StoragePool.MaxBytes and MinElements, which are process-wide
public sealed class StoragePoolTests : IDisposable
{
    readonly int savedMinElements = StoragePool.MinElements;

    public StoragePoolTests() => StoragePool.MinElements = 16 * 1024;

    public void Dispose()
    {
        StoragePool.MinElements = savedMinElements;
        StoragePool.Clear();
    }

    // 4×8×32×32 = 32,768 elements: above StoragePool.MinElements, so every activation gradient is poolable.
    static readonly int[] Image = [4, 8, 32, 32];

    /// <summary>A residual block with fan-out (h used twice, a tensor added to itself), views (reshape,
    /// transpose, narrow) and an expand, so gradients alias each other in every way the engine must handle.</summary>
    static Tensor Loss(Tensor x, Tensor w1, Tensor w2, Tensor scale)
    {
        var h = Tensor.Conv2d(x, w1, padding: 1).Relu();
        var r = Tensor.Conv2d(h, w2, padding: 1);
        var sum = h.Add(r).Add(h);                                   // h reaches the sum twice
        var twice = sum.Add(sum);                                    // one tensor on both sides of an add
        var flat = twice.Reshape(4, 8, 1024).Transpose(1, 2);        // views of one storage
        var scaled = flat.Mul(scale.Expand(4, 1024, 8));             // broadcast gradient reduced back
        var part = scaled.Narrow(1, 0, 512);
        return part.Square().Mean().Add(scaled.Tanh().Mean());
    }

    static (Tensor x, Tensor w1, Tensor w2, Tensor scale) Inputs()
    {
        var g = new Generator(7);
        return (Tensor.Randn(Image, g).RequireGrad(), Tensor.Randn([8, 8, 3, 3], g).Mul(0.1).Detach().RequireGrad(),
            Tensor.Randn([8, 8, 3, 3], g).Mul(0.1).Detach().RequireGrad(), Tensor.Randn([1, 1, 8], g).Detach().RequireGrad());
    }

    static float[][] GradientsOverSteps(int steps)
    {
        var (x, w1, w2, scale) = Inputs();
        var result = new List<float[]>();
        for (int s = 0; s < steps; s++)
        {
            foreach (var p in new[] { x, w1, w2, scale }) p.ZeroGrad();
            Loss(x, w1, w2, scale).Backward();
            foreach (var p in new[] { x, w1, w2, scale }) result.Add(p.Grad!.ToFloatArray());
        }
        return [.. result];
    }

    [Fact]
    public void RecyclingLeavesEveryGradientBitIdentical()
    {
        long saved = StoragePool.MaxBytes;
        try
        {
            StoragePool.MaxBytes = 0;
            var plain = GradientsOverSteps(3);
            StoragePool.MaxBytes = 1L << 30;
            StoragePool.Clear();
            var pooled = GradientsOverSteps(3);
            Assert.True(StoragePool.PooledBytes > 0, "the backward pass recycled nothing");
            Assert.Equal(plain.Length, pooled.Length);
            for (int i = 0; i < plain.Length; i++) Assert.Equal(plain[i], pooled[i]);
        }
        finally
        {
            StoragePool.MaxBytes = saved;
            StoragePool.Clear();
        }
    }

    [Fact]
    public void RecycledGradientsAreReusedByTheNextAllocations()
    {
        StoragePool.Clear();
        var (x, w1, w2, scale) = Inputs();
        Loss(x, w1, w2, scale).Backward();
        long pooled = StoragePool.PooledBytes;
        Assert.True(pooled >= 32768 * 4, $"expected at least one recycled activation gradient, pool holds {pooled} bytes");
        var fresh = Tensor.Zeros(Image);                      // same length: taken from the pool, and zeroed
        Assert.Equal(pooled - 32768 * 4, StoragePool.PooledBytes);
        Assert.All(fresh.ToFloatArray(), v => Assert.Equal(0f, v));
        StoragePool.Clear();
        Assert.Equal(0, StoragePool.PooledBytes);
    }

    [Fact]
    public void NothingTheCallerHoldsIsRecycled()
    {
        StoragePool.Clear();
        var (x, w1, w2, scale) = Inputs();
        // Activations the caller keeps, the caller's own upstream gradient and the leaf gradients must survive
        // later allocations that draw from the pool.
        var h = Tensor.Conv2d(x, w1, padding: 1);
        var y = h.Relu().Mul(2);
        var upstream = Tensor.Randn(Image, new Generator(3));
        var hBefore = h.ToFloatArray();
        var yBefore = y.ToFloatArray();
        var upstreamBefore = upstream.ToFloatArray();
        y.Backward(upstream);
        var xGrad = x.Grad!;
        var xGradBefore = xGrad.ToFloatArray();
        Assert.True(StoragePool.PooledBytes > 0);
        // Drain the pool by overwriting everything it hands out.
        var taken = new List<Tensor>();
        for (int i = 0; i < 100 && StoragePool.PooledBytes > 0; i++) taken.Add(Tensor.Full(Image, 123));
        Assert.Equal(0, StoragePool.PooledBytes);
        Assert.NotEmpty(taken);
        Assert.Equal(hBefore, h.ToFloatArray());
        Assert.Equal(yBefore, y.ToFloatArray());
        Assert.Equal(upstreamBefore, upstream.ToFloatArray());
        Assert.Equal(xGradBefore, xGrad.ToFloatArray());
        StoragePool.Clear();
    }

    [Fact]
    public void PoolKeepsNoMoreThanMaxBytes()
    {
        long saved = StoragePool.MaxBytes;
        try
        {
            StoragePool.Clear();
            StoragePool.MaxBytes = 32768 * 4;               // room for one activation gradient
            var (x, w1, w2, scale) = Inputs();
            Loss(x, w1, w2, scale).Backward();
            Assert.InRange(StoragePool.PooledBytes, 1, 32768 * 4);
        }
        finally
        {
            StoragePool.MaxBytes = saved;
            StoragePool.Clear();
        }
    }

    [Fact]
    public void SmallGradientsAreLeftToTheGarbageCollector()
    {
        StoragePool.Clear();
        var x = Tensor.Randn([100, 100], new Generator(1)).RequireGrad(); // 10,000 < MinElements
        x.Tanh().Mul(x).Sum().Backward();
        Assert.Equal(0, StoragePool.PooledBytes);
    }
}
