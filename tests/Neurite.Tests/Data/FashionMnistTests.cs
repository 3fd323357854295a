using Neurite.Data;

namespace Neurite.Tests.Data;

public class FashionMnistTests
{
    static void WriteSet(TempDir dir, string prefix, int n, bool gzip)
    {
        string ext = gzip ? ".gz" : "";
        var px = Enumerable.Range(0, n * 28 * 28).Select(i => (byte)(i % 251)).ToArray();
        Idx.WriteBytes(dir.File($"{prefix}-images-idx3-ubyte{ext}"), px, [n, 28, 28], gzip);
        Idx.WriteBytes(dir.File($"{prefix}-labels-idx1-ubyte{ext}"), Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray(), [n], gzip);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Loads_a_folder_of_small_idx_files(bool gzip)
    {
        using var dir = new TempDir();
        WriteSet(dir, "train", 6, gzip);
        WriteSet(dir, "t10k", 3, gzip);
        var (train, test) = FashionMnist.Load(dir.Path);
        Assert.Equal([6, 784], train.Features.Shape.ToArray());
        Assert.Equal([3, 784], test.Features.Shape.ToArray());
        Assert.Equal([0L, 1L, 2L, 3L, 4L, 5L], train.Labels.ToLongArray());
        Assert.Equal(250f / 255, train.Features.ToFloatArray()[250], 6);
        Assert.Equal("Ankle boot", train.ClassNames![9]);
        var (imgs, _) = FashionMnist.Load(dir.Path, images: true);
        Assert.Equal([6, 1, 28, 28], imgs.Features.Shape.ToArray());
    }

    [Fact]
    public void Label_count_mismatch_is_reported()
    {
        using var dir = new TempDir();
        WriteSet(dir, "train", 4, false);
        WriteSet(dir, "t10k", 2, false);
        Idx.WriteBytes(dir.File("t10k-labels-idx1-ubyte"), [1, 2, 3], [3]);
        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(dir.Path));
        Assert.Contains("expected 2 labels", e.Message);
        File.Delete(dir.File("t10k-labels-idx1-ubyte"));
        Assert.Contains("t10k-labels-idx1-ubyte", Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(dir.Path)).Message);
    }

    [Fact]
    public void Missing_folder_says_how_to_get_the_data()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load("/nonexistent/neurite-fmnist"));
        Assert.Contains("/nonexistent/neurite-fmnist", e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
    }

    // The real data set where Debian's package is installed; elsewhere, the clear "not found" error.
    [Fact]
    public void Real_fashion_mnist_or_a_clear_error()
    {
        if (!Directory.Exists(FashionMnist.DefaultFolder))
        {
            var e = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load());
            Assert.Contains(FashionMnist.DefaultFolder, e.Message);
            Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
            return;
        }
        var (train, test) = FashionMnist.Load();
        Assert.Equal([60000, 784], train.Features.Shape.ToArray());
        Assert.Equal([10000, 784], test.Features.Shape.ToArray());
        Assert.All(train.ClassCounts(), c => Assert.Equal(6000, c));
        Assert.All(test.ClassCounts(), c => Assert.Equal(1000, c));
        var px = test.Features.ToFloatArray();
        Assert.Equal(0f, px.Min());
        Assert.Equal(1f, px.Max());
    }
}
