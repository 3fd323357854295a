using Neurite.Data;

namespace Neurite.Tests.Data;

public class DataLoaderTests
{
    // Features row i = [i, 10i + 1]; labels i: every batch row can be traced back to its sample.
    static TensorDataset Numbered(int n)
    {
        var x = new float[2 * n];
        var y = new long[n];
        for (int i = 0; i < n; i++) { x[2 * i] = i; x[2 * i + 1] = 10 * i + 1; y[i] = i; }
        return new TensorDataset(Tensor.FromArray(x, n, 2), Tensor.FromArray(y, n));
    }

    static List<long> Epoch(DataLoader loader)
    {
        var seen = new List<long>();
        foreach (var (x, y) in loader)
        {
            var xs = x.ToFloatArray();
            var ys = y.ToLongArray();
            for (int r = 0; r < ys.Length; r++)
            {
                Assert.Equal(ys[r], (long)xs[2 * r]);               // rows stay paired with their labels
                Assert.Equal(10 * ys[r] + 1, (long)xs[2 * r + 1]);
            }
            seen.AddRange(ys);
        }
        return seen;
    }

    [Fact]
    public void GetBatch_copies_rows_in_index_order()
    {
        var (x, y) = Numbered(5).GetBatch([3, 0, 3]);
        Assert.Equal([3, 2], x.Shape.ToArray());
        Assert.Equal([3f, 31f, 0f, 1f, 3f, 31f], x.ToFloatArray());
        Assert.Equal([3L, 0L, 3L], y.ToLongArray());
        Assert.True(x.IsContiguous);
    }

    [Fact]
    public void GetBatch_rejects_out_of_range_index()
    {
        var e = Assert.Throws<IndexOutOfRangeException>(() => Numbered(5).GetBatch([1, 5]));
        Assert.Contains("index 5", e.Message);
        Assert.Contains("5 samples", e.Message);
    }

    [Fact]
    public void Mismatched_rows_are_rejected_with_both_shapes()
    {
        var e = Assert.Throws<ShapeException>(() => new TensorDataset(Tensor.Zeros(4, 2), Tensor.Zeros([3], DType.Int64)));
        Assert.Contains("4 rows", e.Message);
        Assert.Contains("3", e.Message);
    }

    [Fact]
    public void One_hot_labels_and_feature_reshape()
    {
        var data = new TensorDataset(Tensor.Zeros(3, 4), Tensor.FromArray(new long[] { 2, 0, 1 }), ["a", "b", "c"]);
        var onehot = data.WithOneHotLabels();
        Assert.Equal([3, 3], onehot.Labels.Shape.ToArray());
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f, 0f, 1f, 0f], onehot.Labels.ToFloatArray());
        Assert.Equal([3, 5], data.WithOneHotLabels(5).Labels.Shape.ToArray());
        Assert.Equal([3, 1, 2, 2], data.ReshapeFeatures(1, 2, 2).Features.Shape.ToArray());
        Assert.Throws<InvalidOperationException>(() => onehot.WithOneHotLabels());
    }

    [Fact]
    public void Subset_maps_indices_to_the_source()
    {
        var sub = Numbered(10).Subset([7, 2, 9]);
        Assert.Equal(3, sub.Count);
        var (_, y) = sub.GetBatch([2, 0]);
        Assert.Equal([9L, 7L], y.ToLongArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Every_sample_exactly_once_per_epoch(int prefetch)
    {
        var loader = new DataLoader(Numbered(103), batchSize: 10, shuffle: true, seed: 7, prefetch: prefetch);
        Assert.Equal(11, loader.BatchCount);
        for (int e = 0; e < 3; e++)
        {
            var seen = Epoch(loader);
            Assert.Equal(Enumerable.Range(0, 103).Select(i => (long)i), seen.Order());
        }
    }

    [Fact]
    public void Batches_have_the_right_sizes_with_and_without_drop_last()
    {
        var keep = new DataLoader(Numbered(25), batchSize: 10);
        Assert.Equal([10, 10, 5], keep.Select(b => b.x.Size(0)));
        var drop = new DataLoader(Numbered(25), batchSize: 10, dropLast: true);
        Assert.Equal(2, drop.BatchCount);
        Assert.Equal([10, 10], drop.Select(b => b.x.Size(0)));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), Epoch(new DataLoader(Numbered(25), 10, dropLast: true)));
    }

    [Fact]
    public void Without_shuffle_the_order_is_the_data_set_order()
    {
        Assert.Equal(Enumerable.Range(0, 17).Select(i => (long)i), Epoch(new DataLoader(Numbered(17), 4)));
    }

    [Fact]
    public void Same_seed_same_orders_and_epochs_differ()
    {
        var a = new DataLoader(Numbered(50), 8, shuffle: true, seed: 42);
        var b = new DataLoader(Numbered(50), 8, shuffle: true, seed: 42, prefetch: 0);
        var a0 = Epoch(a); var a1 = Epoch(a);
        var b0 = Epoch(b); var b1 = Epoch(b);
        Assert.Equal(a0, b0);
        Assert.Equal(a1, b1);
        Assert.NotEqual(a0, a1);
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => (long)i), a0);
        Assert.NotEqual(a0, Epoch(new DataLoader(Numbered(50), 8, shuffle: true, seed: 43)));
        // Resuming at epoch 1 reproduces epoch 1.
        var c = new DataLoader(Numbered(50), 8, shuffle: true, seed: 42) { Epoch = 1 };
        Assert.Equal(a1, Epoch(c));
    }

    [Fact]
    public void Breaking_early_stops_the_producer_and_the_next_epoch_is_complete()
    {
        var loader = new DataLoader(Numbered(1000), batchSize: 1, shuffle: true, seed: 1, prefetch: 4);
        foreach (var _ in loader) break;
        Assert.Equal(1000, Epoch(loader).Distinct().Count());
    }

    [Fact]
    public void A_failing_batch_surfaces_on_the_consumer()
    {
        var loader = new DataLoader(new Failing(), batchSize: 2);
        var e = Assert.Throws<InvalidOperationException>(() => loader.ToList());
        Assert.Equal("boom", e.Message);
    }

    sealed class Failing : Dataset
    {
        public override int Count => 6;

        public override (Tensor x, Tensor y) GetBatch(ReadOnlySpan<int> indices) =>
            indices[0] == 4 ? throw new InvalidOperationException("boom") : (Tensor.Zeros(indices.Length, 1), Tensor.Zeros(indices.Length));
    }

    [Fact]
    public void Invalid_arguments_name_the_parameter()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Numbered(3), batchSize: 0));
        Assert.Equal("batchSize", e.ParamName);
        Assert.Contains("at least 1", e.Message);
        Assert.Equal("prefetch", Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Numbered(3), 1, prefetch: -1)).ParamName);
    }
}
