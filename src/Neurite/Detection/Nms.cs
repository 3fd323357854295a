namespace Neurite.Detection;

/// <summary>
/// Non-maximum suppression, like <c>torchvision.ops.nms</c> and <c>batched_nms</c>: visiting boxes from the highest
/// score down, keep a box and drop every later one whose IoU with it is greater than the threshold.
/// </summary>
public static class Nms
{
    /// <summary>
    /// Indices of the boxes kept, highest score first. <paramref name="boxes"/> [N, 4] xyxy, <paramref name="scores"/> [N].
    /// Equal scores keep the lower index first. A pair of empty boxes (IoU 0/0) does not suppress.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A threshold outside [0, 1].</exception>
    /// <exception cref="ArgumentException">Shapes that do not match, or a box with x2 &lt; x1, y2 &lt; y1 or a non-finite coordinate.</exception>
    public static long[] Apply(Tensor boxes, Tensor scores, double iouThreshold)
    {
        var (b, s) = Read(boxes, scores, iouThreshold, "nms");
        return Keep(b, s, null, iouThreshold);
    }

    /// <summary>
    /// NMS within each class (<paramref name="classes"/> [N], int64): boxes of different classes never suppress each
    /// other. Indices kept, highest score first over all classes.
    /// </summary>
    public static long[] Batched(Tensor boxes, Tensor scores, Tensor classes, double iouThreshold)
    {
        var (b, s) = Read(boxes, scores, iouThreshold, "batched_nms");
        if (classes.DType != DType.Int64 || classes.Rank != 1 || classes.Shape[0] != s.Length)
            throw new ArgumentException($"batched_nms: classes must be int64 of shape [{s.Length}], got {classes.DType.Name()} [{string.Join(", ", classes.Shape.ToArray())}]");
        return Keep(b, s, classes.ToLongArray(), iouThreshold);
    }

    static (double[] Boxes, double[] Scores) Read(Tensor boxes, Tensor scores, double iouThreshold, string op)
    {
        if (!(iouThreshold >= 0 && iouThreshold <= 1))
            throw new ArgumentOutOfRangeException(nameof(iouThreshold), iouThreshold, $"{op}: the IoU threshold must be in [0, 1]");
        Boxes.Check(boxes, op);
        if (scores.Rank != 1 || scores.Shape[0] != boxes.Shape[0])
            throw new ArgumentException($"{op}: scores must have shape [{boxes.Shape[0]}] (one per box), got [{string.Join(", ", scores.Shape.ToArray())}]");
        using var _ = Autograd.NoGrad();
        var s = scores.ToDoubleArray();
        for (int i = 0; i < s.Length; i++)
            if (double.IsNaN(s[i])) throw new ArgumentException($"{op}: score {i} is NaN");
        return (boxes.ToDoubleArray(), s);
    }

    static long[] Keep(double[] b, double[] s, long[]? classes, double threshold)
    {
        int n = s.Length;
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(order, (i, j) => s[j] != s[i] ? s[j].CompareTo(s[i]) : i.CompareTo(j));
        var suppressed = new bool[n];
        var keep = new List<long>();
        for (int oi = 0; oi < n; oi++)
        {
            int i = order[oi];
            if (suppressed[i]) continue;
            keep.Add(i);
            double areaI = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
            for (int oj = oi + 1; oj < n; oj++)
            {
                int j = order[oj];
                if (suppressed[j] || classes is not null && classes[j] != classes[i]) continue;
                double w = Math.Min(b[4 * i + 2], b[4 * j + 2]) - Math.Max(b[4 * i], b[4 * j]);
                double h = Math.Min(b[4 * i + 3], b[4 * j + 3]) - Math.Max(b[4 * i + 1], b[4 * j + 1]);
                if (w <= 0 || h <= 0) continue;
                double inter = w * h, areaJ = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
                if (inter / (areaI + areaJ - inter) > threshold) suppressed[j] = true;
            }
        }
        return [.. keep];
    }
}
