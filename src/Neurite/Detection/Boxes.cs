namespace Neurite.Detection;

/// <summary>
/// Bounding boxes as [N, 4] tensors, in (x1, y1, x2, y2) corners ("xyxy", x2 ≥ x1, y2 ≥ y1) or (cx, cy, w, h)
/// ("cxcywh"), like <c>torchvision.ops</c>. The overlap measures are built from differentiable tensor ops, so a
/// box-regression loss (1 − IoU, 1 − GIoU) trains through them; any float dtype.
/// </summary>
public static class Boxes
{
    /// <summary>(cx, cy, w, h) → (x1, y1, x2, y2). <c>torchvision.ops.box_convert(b, "cxcywh", "xyxy")</c>.</summary>
    public static Tensor CxcywhToXyxy(Tensor boxes)
    {
        CheckShape(boxes, "cxcywh_to_xyxy");
        Tensor cx = Col(boxes, 0), cy = Col(boxes, 1), hw = Col(boxes, 2) * 0.5, hh = Col(boxes, 3) * 0.5;
        return Tensor.Stack([cx - hw, cy - hh, cx + hw, cy + hh], 1);
    }

    /// <summary>(x1, y1, x2, y2) → (cx, cy, w, h). <c>torchvision.ops.box_convert(b, "xyxy", "cxcywh")</c>.</summary>
    public static Tensor XyxyToCxcywh(Tensor boxes)
    {
        Check(boxes, "xyxy_to_cxcywh");
        Tensor x1 = Col(boxes, 0), y1 = Col(boxes, 1), x2 = Col(boxes, 2), y2 = Col(boxes, 3);
        return Tensor.Stack([(x1 + x2) * 0.5, (y1 + y2) * 0.5, x2 - x1, y2 - y1], 1);
    }

    /// <summary>Areas (x2 − x1)(y2 − y1) of xyxy boxes [N, 4] → [N].</summary>
    public static Tensor Area(Tensor boxes)
    {
        Check(boxes, "box_area");
        return (Col(boxes, 2) - Col(boxes, 0)) * (Col(boxes, 3) - Col(boxes, 1));
    }

    /// <summary>
    /// Intersection over union of every pair: a [N, 4] and b [M, 4] (xyxy) → [N, M], |A ∩ B| / |A ∪ B|.
    /// <c>torchvision.ops.box_iou</c>. Two empty boxes give 0/0 = NaN, as in torchvision.
    /// </summary>
    public static Tensor Iou(Tensor a, Tensor b) => Overlap(a, b, "box_iou").Iou;

    /// <summary>
    /// Generalized IoU (Rezatofighi et al. 2019) of every pair → [N, M]: IoU − |C \ (A ∪ B)| / |C|, with C the
    /// smallest box enclosing both; in [−1, 1], and informative (with a gradient) when the boxes do not overlap.
    /// <c>torchvision.ops.generalized_box_iou</c>.
    /// </summary>
    public static Tensor GeneralizedIou(Tensor a, Tensor b)
    {
        var (iou, union) = Overlap(a, b, "generalized_box_iou");
        var (a1, b1) = Pairs(a, b);
        var lt = a1.Narrow(2, 0, 2).Minimum(b1.Narrow(2, 0, 2));
        var rb = a1.Narrow(2, 2, 2).Maximum(b1.Narrow(2, 2, 2));
        var wh = (rb - lt).Clamp(min: 0);
        var enclosing = wh.Select(2, 0) * wh.Select(2, 1);
        return iou - (enclosing - union) / enclosing;
    }

    /// <summary>IoU and union areas of every pair.</summary>
    static (Tensor Iou, Tensor Union) Overlap(Tensor a, Tensor b, string op)
    {
        Check(a, op);
        Check(b, op);
        var (a1, b1) = Pairs(a, b);
        var lt = a1.Narrow(2, 0, 2).Maximum(b1.Narrow(2, 0, 2));   // [N, M, 2]
        var rb = a1.Narrow(2, 2, 2).Minimum(b1.Narrow(2, 2, 2));
        var wh = (rb - lt).Clamp(min: 0);
        var inter = wh.Select(2, 0) * wh.Select(2, 1);             // [N, M]
        var union = Area(a).Unsqueeze(1) + Area(b).Unsqueeze(0) - inter;
        return (inter / union, union);
    }

    /// <summary>a as [N, 1, 4] and b as [1, M, 4], so that ops broadcast to every pair.</summary>
    static (Tensor A, Tensor B) Pairs(Tensor a, Tensor b) => (a.Unsqueeze(1), b.Unsqueeze(0));

    static Tensor Col(Tensor boxes, int i) => boxes.Select(1, i);

    static void CheckShape(Tensor boxes, string op)
    {
        if (boxes.Rank != 2 || boxes.Shape[1] != 4)
            throw new ArgumentException($"{op}: boxes must have shape [N, 4], got [{string.Join(", ", boxes.Shape.ToArray())}]");
        if (boxes.DType == DType.Int64) throw new ArgumentException($"{op}: boxes must be float32 or float64, got int64");
    }

    /// <summary>Shape [N, 4], a float dtype, finite coordinates and x2 ≥ x1, y2 ≥ y1; the first bad box is named.</summary>
    internal static void Check(Tensor boxes, string op)
    {
        CheckShape(boxes, op);
        double[] v;
        using (Autograd.NoGrad()) v = boxes.ToDoubleArray();
        for (int i = 0; i < v.Length / 4; i++)
        {
            double x1 = v[4 * i], y1 = v[4 * i + 1], x2 = v[4 * i + 2], y2 = v[4 * i + 3];
            if (!(double.IsFinite(x1) && double.IsFinite(y1) && double.IsFinite(x2) && double.IsFinite(y2)))
                throw new ArgumentException($"{op}: box {i} has a non-finite coordinate ({x1}, {y1}, {x2}, {y2})");
            if (x2 < x1 || y2 < y1)
                throw new ArgumentException($"{op}: box {i} is ({x1}, {y1}, {x2}, {y2}), but xyxy boxes need x2 ≥ x1 and y2 ≥ y1");
        }
    }
}
