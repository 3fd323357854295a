using Neurite.Data;

namespace Neurite.Tests.Data;

public class DatasetsTests
{
    [Fact]
    public void Iris_shape_classes_and_first_row()
    {
        var iris = Datasets.Iris();
        Assert.Equal([150, 4], iris.Features.Shape.ToArray());
        Assert.Equal(DType.Float32, iris.Features.DType);
        Assert.Equal(DType.Int64, iris.Labels.DType);
        Assert.Equal(["setosa", "versicolor", "virginica"], iris.ClassNames!);
        Assert.Equal([50, 50, 50], iris.ClassCounts());
        Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f], iris.Features.ToFloatArray()[..4]);
        Assert.Equal([5.9f, 3.0f, 5.1f, 1.8f], iris.Features.ToFloatArray()[^4..]);
        Assert.Equal(2L, iris.Labels.ToLongArray()[^1]);
    }

    [Fact]
    public void Digits_count_classes_and_pixels()
    {
        var digits = Datasets.Digits();
        Assert.Equal([1797, 64], digits.Features.Shape.ToArray());
        Assert.Equal([178, 182, 177, 183, 181, 182, 181, 179, 174, 180], digits.ClassCounts());
        var px = digits.Features.ToFloatArray();
        Assert.Equal(0f, px.Min());
        Assert.Equal(16f, px.Max());
        Assert.All(px, v => Assert.Equal(MathF.Round(v), v));
        // First image (a 0), first row of pixels: 0,0,5,13,9,1,0,0.
        Assert.Equal([0f, 0f, 5f, 13f, 9f, 1f, 0f, 0f], px[..8]);
        Assert.Equal(0L, digits.Labels.ToLongArray()[0]);
        var images = Datasets.Digits(images: true, scale: 1.0 / 16);
        Assert.Equal([1797, 1, 8, 8], images.Features.Shape.ToArray());
        Assert.Equal(13f / 16, images.Features[0, 0, 0, 3], 6);
    }

    [Fact]
    public void Generators_are_seeded_balanced_and_shaped()
    {
        var gens = new Func<ulong, TensorDataset>[]
        {
            s => Datasets.Xor(100, 0.1, s), s => Datasets.TwoSpirals(100, 0.05, s), s => Datasets.Moons(100, 0.1, s),
            s => Datasets.Circles(100, 0.05, 0.5, s), s => Datasets.Blobs(99, 3, 1.0, 2, s),
        };
        foreach (var make in gens)
        {
            var a = make(1);
            Assert.Equal(a.Features.ToFloatArray(), make(1).Features.ToFloatArray());
            Assert.NotEqual(a.Features.ToFloatArray(), make(2).Features.ToFloatArray());
            Assert.Equal(2, a.Features.Size(1));
            var counts = a.ClassCounts();
            Assert.True(counts.Max() - counts.Min() <= 1, $"balanced classes: {string.Join(",", counts)}");
        }
    }

    [Fact]
    public void Generators_put_points_where_their_formulas_say()
    {
        // Noise-free: XOR label = signs differ; circles radius 1 vs factor; moons on their arcs.
        var xor = Datasets.Xor(40, noise: 0);
        var (x, y) = xor;
        var xs = x.ToFloatArray(); var ys = y.ToLongArray();
        for (int i = 0; i < 40; i++) Assert.Equal(xs[2 * i] * xs[2 * i + 1] < 0 ? 1L : 0L, ys[i]);

        var (cx, cy) = Datasets.Circles(50, noise: 0, factor: 0.3);
        var c = cx.ToFloatArray(); var cl = cy.ToLongArray();
        for (int i = 0; i < 50; i++) Assert.Equal(cl[i] == 0 ? 1 : 0.3, Math.Sqrt(c[2 * i] * c[2 * i] + c[2 * i + 1] * c[2 * i + 1]), 1e-5);

        var (mx, my) = Datasets.Moons(50, noise: 0);
        var m = mx.ToFloatArray(); var ml = my.ToLongArray();
        for (int i = 0; i < 50; i++)
        {
            double px = ml[i] == 0 ? m[2 * i] : 1 - m[2 * i], py = ml[i] == 0 ? m[2 * i + 1] : 0.5 - m[2 * i + 1];
            Assert.Equal(1, Math.Sqrt(px * px + py * py), 1e-5);
        }

        var (sx, _) = Datasets.TwoSpirals(200, noise: 0);
        Assert.All(sx.ToFloatArray(), v => Assert.InRange(v, -1f, 1f));

        var (bx, by) = Datasets.Blobs(300, centers: 3, std: 0.5, features: 4, seed: 3);
        Assert.Equal([300, 4], bx.Shape.ToArray());
        Assert.Equal([100, 100, 100], new TensorDataset(bx, by).ClassCounts());
    }

    [Fact]
    public void NoisyCurve_is_sin_plus_noise()
    {
        var (x, y) = Datasets.NoisyCurve(500, noise: 0.1, seed: 4);
        Assert.Equal([500, 1], y.Shape.ToArray());
        Assert.Equal(DType.Float32, y.DType);
        var xs = x.ToFloatArray(); var ys = y.ToFloatArray();
        Assert.All(xs, v => Assert.InRange(v, 0f, 1f));
        var residual = xs.Zip(ys, (u, v) => v - Math.Sin(2 * Math.PI * u)).ToArray();
        double mean = residual.Average(), std = Math.Sqrt(residual.Select(r => (r - mean) * (r - mean)).Average());
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(std, 0.09, 0.11);
        var (_, clean) = Datasets.NoisyCurve(5, noise: 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => Datasets.NoisyCurve(0));
        Assert.Equal(5, clean.Size(0));
    }
}
