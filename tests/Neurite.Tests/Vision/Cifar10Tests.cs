using Neurite.Data;
using Neurite.Data.Vision;
using Neurite.Tests.Data;

namespace Neurite.Tests.Vision;

public class Cifar10Tests
{
    // Record r of a file: label (seed + r) % 10, pixel i = (seed + 7r + i) % 256.
    static byte[] Records(int count, int seed)
    {
        var bytes = new byte[count * Cifar10.RecordSize];
        for (int r = 0; r < count; r++)
        {
            bytes[r * Cifar10.RecordSize] = (byte)((seed + r) % 10);
            for (int i = 0; i < 3072; i++) bytes[r * Cifar10.RecordSize + 1 + i] = (byte)((seed + 7 * r + i) % 256);
        }
        return bytes;
    }

    static void WriteAll(TempDir dir, int perFile = 2)
    {
        for (int f = 0; f < 5; f++) File.WriteAllBytes(dir.File(Cifar10.TrainFiles[f]), Records(perFile, f));
        File.WriteAllBytes(dir.File(Cifar10.TestFile), Records(3, 100));
    }

    [Fact]
    public void LoadsRecordsAsNchwInUnitRange()
    {
        using var dir = new TempDir();
        WriteAll(dir);
        var (train, test) = Cifar10.Load(dir.Path);
        Assert.Equal([10, 3, 32, 32], train.Features.Shape.ToArray());
        Assert.Equal([3, 3, 32, 32], test.Features.Shape.ToArray());
        Assert.Equal(DType.Float32, train.Features.DType);
        Assert.Equal(DType.Int64, train.Labels.DType);
        Assert.Equal("airplane", train.ClassNames![0]);
        Assert.Equal(10, test.ClassNames!.Count);
        // Train sample 3 is file 1 (seed 1), record 1: label 2; R plane first, then G, then B.
        Assert.Equal(2, train.Labels[3]);
        var x = train.Features;
        Assert.Equal((1 + 7 + 0) * (1f / 255), (float)x[3, 0, 0, 0]);
        Assert.Equal((1 + 7 + 33) * (1f / 255), (float)x[3, 0, 1, 1]);            // row 1, column 1 of red
        Assert.Equal(((1 + 7 + 1024 + 5) % 256) * (1f / 255), (float)x[3, 1, 0, 5]); // green plane starts at byte 1024
        Assert.Equal(((1 + 7 + 2048) % 256) * (1f / 255), (float)x[3, 2, 0, 0]);
        Assert.Equal([0L, 1, 2], test.Labels.ToLongArray());
        Assert.InRange(x.ToFloatArray().Max(), 0.99f, 1f);
    }

    [Fact]
    public void FindsTheExtractedSubfolder()
    {
        using var dir = new TempDir();
        var sub = Directory.CreateDirectory(dir.File("cifar-10-batches-bin")).FullName;
        for (int f = 0; f < 5; f++) File.WriteAllBytes(Path.Combine(sub, Cifar10.TrainFiles[f]), Records(1, f));
        File.WriteAllBytes(Path.Combine(sub, Cifar10.TestFile), Records(1, 0));
        Assert.Equal(5, Cifar10.Load(dir.Path).Train.Count);
    }

    [Fact]
    public void WrongSizeIsRejectedNamingTheFileAndTheRecordSize()
    {
        using var dir = new TempDir();
        WriteAll(dir);
        File.WriteAllBytes(dir.File("data_batch_3.bin"), Records(2, 0)[..^5]);
        var e = Assert.Throws<DataFormatException>(() => Cifar10.Load(dir.Path));
        Assert.Contains("data_batch_3.bin", e.Message);
        Assert.Contains("3073", e.Message);
    }

    [Fact]
    public void MissingFileIsRejectedNamingIt()
    {
        using var dir = new TempDir();
        WriteAll(dir);
        File.Delete(dir.File("data_batch_5.bin"));
        var e = Assert.Throws<FileNotFoundException>(() => Cifar10.Load(dir.Path));
        Assert.Contains("data_batch_5.bin", e.Message);
        Assert.Contains("test_batch.bin", e.Message);   // the message lists what is expected
        Assert.Throws<DirectoryNotFoundException>(() => Cifar10.Load(dir.File("nope")));
    }

    [Fact]
    public void BadLabelIsRejected()
    {
        using var dir = new TempDir();
        var bytes = Records(2, 0);
        bytes[Cifar10.RecordSize] = 10;
        File.WriteAllBytes(dir.File("b.bin"), bytes);
        var e = Assert.Throws<DataFormatException>(() => Cifar10.Read(dir.File("b.bin")));
        Assert.Contains("record 1", e.Message);
    }
}
