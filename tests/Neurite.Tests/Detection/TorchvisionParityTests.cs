using System.Text.Json;
using Neurite.Detection;

namespace Neurite.Tests.Detection;

/// <summary>Box conversion, IoU, GIoU and NMS equal to torchvision 0.14's on the seeded boxes that
/// tests/fixtures-src/detection/make_fixtures.py wrote (torchvision is not needed to run these tests).</summary>
public class TorchvisionParityTests
{
    static readonly JsonElement Fixture = Load();

    static JsonElement Load()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "tests", "Neurite.Tests", "Fixtures", "detection", "torchvision.json");
            if (File.Exists(path)) return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        }
        throw new FileNotFoundException("tests/Neurite.Tests/Fixtures/detection/torchvision.json not found above " + AppContext.BaseDirectory);
    }

    static Tensor Matrix(string key)
    {
        var rows = Fixture.GetProperty(key).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        return Tensor.FromArray(rows.SelectMany(r => r).ToArray(), rows.Length, rows[0].Length);
    }

    static Tensor Vector(string key) => Tensor.FromArray(Fixture.GetProperty(key).EnumerateArray().Select(v => v.GetDouble()).ToArray());

    static void Close(Tensor expected, Tensor actual, double tolerance = 1e-12)
    {
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= tolerance, $"element {i}: torchvision {e[i]}, Neurite {a[i]}");
    }

    [Fact]
    public void IouMatches() => Close(Matrix("iou"), Boxes.Iou(Matrix("a"), Matrix("b")));

    [Fact]
    public void GeneralizedIouMatches() => Close(Matrix("giou"), Boxes.GeneralizedIou(Matrix("a"), Matrix("b")));

    [Fact]
    public void ConversionsMatchAndInvert()
    {
        var a = Matrix("a");
        Close(Matrix("a_cxcywh"), Boxes.XyxyToCxcywh(a));
        Close(a, Boxes.CxcywhToXyxy(Boxes.XyxyToCxcywh(a)), 1e-12);
    }

    [Theory]
    [InlineData("0.0")]
    [InlineData("0.3")]
    [InlineData("0.5")]
    [InlineData("0.7")]
    [InlineData("1.0")]
    public void NmsKeepsTheSameBoxesInTheSameOrder(string threshold)
    {
        var expected = Fixture.GetProperty("nms").GetProperty(threshold).EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var kept = Nms.Apply(Matrix("nms_boxes"), Vector("nms_scores"), double.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, kept);
    }

    [Theory]
    [InlineData("0.3")]
    [InlineData("0.5")]
    public void BatchedNmsKeepsTheSameBoxesInTheSameOrder(string threshold)
    {
        var expected = Fixture.GetProperty("batched_nms").GetProperty(threshold).EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var classes = Tensor.FromArray(Fixture.GetProperty("nms_classes").EnumerateArray().Select(v => v.GetInt64()).ToArray());
        var kept = Nms.Batched(Matrix("nms_boxes"), Vector("nms_scores"), classes, double.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, kept);
        Assert.True(kept.Length > Nms.Apply(Matrix("nms_boxes"), Vector("nms_scores"), double.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture)).Length);
    }
}
