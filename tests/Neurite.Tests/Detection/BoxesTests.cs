using Neurite.Detection;

namespace Neurite.Tests.Detection;

public class BoxesTests
{
    [Fact]
    public void IouOfHandWorkedPairs()
    {
        // [0,0,2,2] vs [1,1,3,3]: intersection 1, union 7; vs [2,0,4,2]: touching, 0; vs itself: 1
        var a = Tensor.FromArray(new double[] { 0, 0, 2, 2 }, 1, 4);
        var b = Tensor.FromArray(new double[] { 1, 1, 3, 3, 2, 0, 4, 2, 0, 0, 2, 2 }, 3, 4);
        Assert.Equal(new[] { 1 / 7.0, 0, 1 }, Boxes.Iou(a, b).ToDoubleArray());
        // GIoU: enclosing boxes [0,0,3,3] (9): 1/7 − (9 − 7)/9; [0,0,4,2] (8): 0 − (8 − 8)/8 = 0; itself 1
        var giou = Boxes.GeneralizedIou(a, b).ToDoubleArray();
        Assert.Equal(1 / 7.0 - 2 / 9.0, giou[0], 12);
        Assert.Equal(0, giou[1], 12);
        Assert.Equal(1, giou[2], 12);
        // far apart: IoU 0 but GIoU still tells how far: [0,0,1,1] vs [3,0,4,1], enclosing 4, union 2 → −0.5
        Assert.Equal(-0.5, Boxes.GeneralizedIou(Tensor.FromArray(new double[] { 0, 0, 1, 1 }, 1, 4), Tensor.FromArray(new double[] { 3, 0, 4, 1 }, 1, 4)).Item(), 12);
    }

    [Fact]
    public void GeneralizedIouLossHasTheRightGradient()
    {
        var predicted = Tensor.FromArray(new double[] { 0.1, 0.2, 2.3, 2.1, 1.2, 0.6, 4.2, 1.7 }, 2, 4).RequireGrad();
        var target = Tensor.FromArray(new double[] { 0, 0, 2, 2, 1, 1, 3.5, 2.5, 0.5, 0.5, 1.5, 3 }, 3, 4);
        GradCheck.Assert(t => (1 - Boxes.GeneralizedIou(t[0], target)).Sum(), predicted);
        GradCheck.Assert(t => Boxes.Iou(t[0], target).Sum(), predicted);
        GradCheck.Assert(t => Boxes.XyxyToCxcywh(t[0]).Square().Sum(), predicted);
    }

    [Theory]
    [InlineData(new double[] { 2, 0, 1, 1 }, "box 0 is (2, 0, 1, 1)")]
    [InlineData(new double[] { 0, 0, double.NaN, 1 }, "non-finite")]
    public void BadBoxesAreNamed(double[] box, string message)
    {
        var good = Tensor.FromArray(new double[] { 0, 0, 1, 1 }, 1, 4);
        var e = Assert.Throws<ArgumentException>(() => Boxes.Iou(Tensor.FromArray(box, 1, 4), good));
        Assert.Contains(message, e.Message);
        Assert.Contains("[N, 4]", Assert.Throws<ArgumentException>(() => Boxes.Area(Tensor.Zeros(3, 5))).Message);
    }

    [Fact]
    public void NmsRefusesAThresholdOutsideZeroToOneAndMismatchedScores()
    {
        var boxes = Tensor.FromArray(new double[] { 0, 0, 1, 1, 0, 0, 1, 1 }, 2, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => Nms.Apply(boxes, Tensor.FromArray(new double[] { 1, 0.5 }), 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Nms.Apply(boxes, Tensor.FromArray(new double[] { 1, 0.5 }), double.NaN));
        Assert.Contains("scores must have shape [2]", Assert.Throws<ArgumentException>(() => Nms.Apply(boxes, Tensor.FromArray(new double[] { 1 }), 0.5)).Message);
        // equal scores: the lower index first; the duplicate is suppressed
        Assert.Equal(new long[] { 0 }, Nms.Apply(boxes, Tensor.FromArray(new double[] { 0.5, 0.5 }), 0.5));
    }
}
