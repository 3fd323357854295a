using Neurite.Data;
using Neurite.Data.Vision;

namespace Neurite.Tests.Vision;

public class TransformTests
{
    // Pixel (n, c, y, x) holds a distinct value, so every output pixel can be traced to its source.
    static Tensor Numbered(int n, int c, int h, int w)
    {
        var v = new float[n * c * h * w];
        for (int i = 0; i < v.Length; i++) v[i] = i + 1;
        return Tensor.FromArray(v, n, c, h, w);
    }

    static float At(float[] v, int[] s, int n, int c, int y, int x) => v[((n * s[1] + c) * s[2] + y) * s[3] + x];

    [Fact]
    public void FlipsAreExactReversals()
    {
        var x = Numbered(2, 3, 4, 5);
        var h = Images.FlipHorizontal(x).ToFloatArray();
        var v = Images.FlipVertical(x).ToFloatArray();
        var src = x.ToFloatArray();
        int[] s = [2, 3, 4, 5];
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 4; y++)
                    for (int i = 0; i < 5; i++)
                    {
                        Assert.Equal(At(src, s, n, c, y, 4 - i), At(h, s, n, c, y, i));
                        Assert.Equal(At(src, s, n, c, 3 - y, i), At(v, s, n, c, y, i));
                    }
        Assert.Equal(src, Images.FlipHorizontal(Images.FlipHorizontal(x)).ToFloatArray());   // an involution
    }

    [Fact]
    public void RandomFlipWithProbabilityOneAndZero()
    {
        var x = Numbered(3, 1, 2, 3);
        var g = new Generator(1);
        Assert.Equal(Images.FlipHorizontal(x).ToFloatArray(), new RandomHorizontalFlip(1).Apply(x, g).ToFloatArray());
        Assert.Equal(x.ToFloatArray(), new RandomHorizontalFlip(0).Apply(x, g).ToFloatArray());
        Assert.Equal(Images.FlipVertical(x).ToFloatArray(), new RandomVerticalFlip(1).Apply(x, g).ToFloatArray());
    }

    [Fact]
    public void RandomFlipFlipsExactlyTheSamplesWhoseDrawIsBelowP()
    {
        var x = Numbered(16, 2, 3, 3);
        var y = new RandomHorizontalFlip(0.5).Apply(x, new Generator(9)).ToFloatArray();
        var flipped = Images.FlipHorizontal(x).ToFloatArray();
        var src = x.ToFloatArray();
        var replay = new Generator(9);
        int count = 0;
        for (int n = 0; n < 16; n++)
        {
            bool flip = replay.NextDouble() < 0.5;
            count += flip ? 1 : 0;
            Assert.Equal((flip ? flipped : src).AsSpan(n * 18, 18).ToArray(), y.AsSpan(n * 18, 18).ToArray());
        }
        Assert.InRange(count, 1, 15);   // both outcomes occur with this seed
    }

    [Fact]
    public void CropWithPaddingShiftsContentByTheDrawnOffset()
    {
        const int n = 6, c = 2, size = 8, pad = 3;
        var x = Numbered(n, c, size, size);
        var crop = new RandomCrop(new RandomCropOptions(Size: size, Padding: pad));
        var y = crop.Apply(x, new Generator(5)).ToFloatArray();
        var src = x.ToFloatArray();
        int[] s = [n, c, size, size];
        var replay = new Generator(5);
        var offsets = new HashSet<(int, int)>();
        for (int i = 0; i < n; i++)
        {
            var (top, left) = crop.Draw(replay, size, size);
            Assert.InRange(top, 0, 2 * pad);
            Assert.InRange(left, 0, 2 * pad);
            offsets.Add((top, left));
            for (int ch = 0; ch < c; ch++)
                for (int r = 0; r < size; r++)
                    for (int q = 0; q < size; q++)
                    {
                        int sy = r + top - pad, sx = q + left - pad;
                        bool inside = sy >= 0 && sy < size && sx >= 0 && sx < size;
                        Assert.Equal(inside ? At(src, s, i, ch, sy, sx) : 0f, At(y, s, i, ch, r, q));
                    }
        }
        Assert.True(offsets.Count > 1);   // samples draw their own offsets
    }

    [Fact]
    public void PadCropAtThePaddingIsIdentityAndAtZeroShiftsRightDown()
    {
        var x = Numbered(1, 1, 4, 4);
        Assert.Equal(x.ToFloatArray(), Images.PadCrop(x, 2, 2, 2).ToFloatArray());
        var shifted = Images.PadCrop(x, 1, 0, 0).ToFloatArray();
        // Row 0 and column 0 are padding; (1, 1) holds the old (0, 0) = 1.
        Assert.Equal([0, 0, 0, 0, 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11], shifted);
    }

    [Fact]
    public void RotationByZeroIsIdentityAnd90IsTransposeThenFlip()
    {
        var x = Numbered(2, 3, 5, 5);
        Assert.Equal(x.ToFloatArray(), Images.Rotate(x, 0).ToFloatArray());
        var r = Images.Rotate(x, 90).ToFloatArray();
        var expected = Images.FlipVertical(x.Transpose(2, 3)).ToFloatArray();   // np.rot90: counter-clockwise
        Assert.Equal(expected, r);
        Assert.Equal(x.ToFloatArray(), Images.Rotate(Images.Rotate(x, 180), -180).ToFloatArray());
        Assert.Equal(r, Images.Rotate(x, -270).ToFloatArray());
    }

    [Fact]
    public void RotationInterpolatesBilinearlyAndFillsWithZero()
    {
        // Integer translation is an exact shift with zero fill.
        var x = Numbered(1, 1, 3, 3);
        Assert.Equal([0, 1, 2, 0, 4, 5, 0, 7, 8], Images.Rotate(x, 0, translateX: 1).ToFloatArray());
        // Half-pixel shift on a constant row: interior pixels average two neighbours, the edge one a neighbour and 0.
        var ones = Tensor.Ones(1, 1, 1, 4);
        Assert.Equal([0.5f, 1, 1, 1], Images.Rotate(ones, 0, translateX: 0.5).ToFloatArray());
        // 45° on a 3×3 constant image: the centre is exact, the corners read partly outside.
        var r = Images.Rotate(Tensor.Ones(1, 1, 3, 3), 45).ToFloatArray();
        Assert.Equal(1f, r[4], 6);
        Assert.True(r[0] < 1 && r[0] > 0);
    }

    [Fact]
    public void RandomAffineMatchesItsDraws()
    {
        var x = Numbered(4, 2, 6, 6);
        var affine = new RandomAffine(new RandomAffineOptions(Degrees: 15, Translate: 0.2));
        var y = affine.Apply(x, new Generator(3)).ToFloatArray();
        var replay = new Generator(3);
        for (int i = 0; i < 4; i++)
        {
            var (deg, tx, ty) = affine.Draw(replay, 6, 6);
            Assert.InRange(Math.Abs(deg), 0, 15);
            Assert.InRange(Math.Abs(tx), 0, 1);   // round(0.2 · 6 · u) ≤ 1
            var one = Images.Rotate(x.Narrow(0, i, 1), deg, tx, ty).ToFloatArray();
            Assert.Equal(one, y.AsSpan(i * 72, 72).ToArray());
        }
    }

    [Fact]
    public void ErasingSetsExactlyTheDrawnRectangle()
    {
        const int n = 8, c = 3, h = 10, w = 12;
        var x = Numbered(n, c, h, w);
        var erase = new RandomErasing(new RandomErasingOptions(Probability: 0.75, Value: -1));
        var y = erase.Apply(x, new Generator(11)).ToFloatArray();
        var src = x.ToFloatArray();
        int[] s = [n, c, h, w];
        var replay = new Generator(11);
        int erased = 0;
        for (int i = 0; i < n; i++)
        {
            var rect = erase.Draw(replay, h, w);
            if (rect is var (top, left, rh, rw))
            {
                erased++;
                double fraction = (double)rh * rw / (h * w);
                Assert.InRange(fraction, 0.005, 0.5);   // 0.02…0.4 of the area before rounding the sides
            }
            for (int ch = 0; ch < c; ch++)
                for (int r = 0; r < h; r++)
                    for (int q = 0; q < w; q++)
                    {
                        bool inside = rect is var (t, l, hh, ww) && r >= t && r < t + hh && q >= l && q < l + ww;
                        Assert.Equal(inside ? -1f : At(src, s, i, ch, r, q), At(y, s, i, ch, r, q));
                    }
        }
        Assert.InRange(erased, 1, n - 1);
    }

    [Fact]
    public void NormalizeIsPerChannel()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 10, 20, 30, 40 }, 1, 2, 2, 2);
        var y = new Normalize([2f, 20f], [0.5f, 10f]).Apply(x, new Generator(0)).ToFloatArray();
        Assert.Equal([-2f, 0f, 2f, 4f, -1f, 0f, 1f, 2f], y);
        Assert.Throws<ShapeException>(() => new Normalize([0f], [1f]).Apply(x, new Generator(0)));
    }

    [Fact]
    public void ColorJitterScalesBrightnessAndContrastAroundTheMean()
    {
        var x = Tensor.FromArray(new float[] { 0.2f, 0.4f, 0.6f, 0.8f }, 1, 1, 2, 2);
        var jitter = new ColorJitter(new ColorJitterOptions(Brightness: 0.3, Contrast: 0.3, Clamp: false));
        var y = jitter.Apply(x, new Generator(4)).ToFloatArray();
        var (b, k) = jitter.Draw(new Generator(4));
        float mean = b * 0.5f;   // mean of b·x
        float[] expected = [.. new[] { 0.2f, 0.4f, 0.6f, 0.8f }.Select(v => (b * v - mean) * k + mean)];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], y[i], 5);
        Assert.NotEqual(1f, b);
    }

    [Fact]
    public void OptionsAreValidatedWithTheirNames()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomCrop(new RandomCropOptions(Size: 32, Padding: -1)));
        Assert.Contains("Padding", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomErasing(new RandomErasingOptions(MinArea: 0.5, MaxArea: 0.1)));
        Assert.Contains("MaxArea", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomHorizontalFlip(1.5));
        Assert.Contains("probability", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomAffine(new RandomAffineOptions(Degrees: -1)));
        Assert.Contains("Degrees", e.Message);
        Assert.Throws<ShapeException>(() => new RandomHorizontalFlip().Apply(Tensor.Zeros(2, 3), new Generator(0)));
        Assert.Throws<ShapeException>(() => new RandomCrop(new RandomCropOptions(Size: 9)).Apply(Tensor.Zeros(1, 1, 8, 8), new Generator(0)));
    }

    static Compose CifarLike() => new(
        new RandomCrop(new RandomCropOptions(Size: 8, Padding: 2)),
        new RandomHorizontalFlip(),
        new RandomErasing());

    [Fact]
    public void SameSeedSameBatchDifferentSeedDifferent()
    {
        var x = Numbered(8, 3, 8, 8);
        var a = CifarLike().Apply(x, new Generator(42)).ToFloatArray();
        var b = CifarLike().Apply(x, new Generator(42)).ToFloatArray();
        var c = CifarLike().Apply(x, new Generator(43)).ToFloatArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(Numbered(8, 3, 8, 8).ToFloatArray(), x.ToFloatArray());   // input untouched
    }

    static List<float[]> Epoch(DataLoader loader) => loader.Select(batch => batch.x.ToFloatArray()).ToList();

    [Fact]
    public void DataLoaderTransformIsDeterministicPerSeedAndEpoch()
    {
        var data = new TensorDataset(Numbered(20, 3, 8, 8), Tensor.Arange(20, DType.Int64));
        List<float[]> Run(ulong seed, int prefetch, int epochs)
        {
            var loader = new DataLoader(data, 6, shuffle: true, seed: seed, prefetch: prefetch, transform: CifarLike());
            var all = new List<float[]>();
            for (int e = 0; e < epochs; e++) all.AddRange(Epoch(loader));
            return all;
        }
        var first = Run(7, 2, 2);
        Assert.Equal(8, first.Count);
        Assert.Equal(first, Run(7, 0, 2));            // prefetching changes nothing
        Assert.Equal(first, Run(7, 2, 2));            // same seed → same augmented batches
        Assert.NotEqual(first, Run(8, 2, 2));

        // Different epochs draw differently even for the same samples in the same order.
        var fixedOrder = new DataLoader(data, 20, seed: 7, transform: CifarLike());
        var e0 = Epoch(fixedOrder)[0];
        var e1 = Epoch(fixedOrder)[0];
        Assert.NotEqual(e0, e1);
        fixedOrder.Epoch = 0;
        Assert.Equal(e0, Epoch(fixedOrder)[0]);       // resuming at epoch 0 replays it
    }

    [Fact]
    public void AugmentingABatchIsFast()
    {
        // 512 CIFAR-sized images through crop + flip + erase + normalise: a few ms each, far below a training step.
        var x = Tensor.Rand([512, 3, 32, 32], new Generator(1));
        var t = new Compose(new RandomCrop(new RandomCropOptions(32, 4)), new RandomHorizontalFlip(), new RandomErasing(),
            new Normalize([0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f]));
        t.Apply(x, new Generator(0));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 5; i++) t.Apply(x, new Generator((ulong)i));
        Assert.True(clock.Elapsed.TotalSeconds < 2, $"5 batches of 512 took {clock.Elapsed.TotalMilliseconds} ms");
    }
}
