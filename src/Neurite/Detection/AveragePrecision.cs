namespace Neurite.Detection;

/// <summary>An axis-aligned box by its corners (x2 ≥ x1, y2 ≥ y1).</summary>
public readonly record struct Box(double X1, double Y1, double X2, double Y2)
{
    /// <summary>(x2 − x1)(y2 − y1).</summary>
    public double Area => (X2 - X1) * (Y2 - Y1);

    /// <summary>Intersection over union; 0 for two empty boxes.</summary>
    public double Iou(Box other)
    {
        double w = Math.Min(X2, other.X2) - Math.Max(X1, other.X1), h = Math.Min(Y2, other.Y2) - Math.Max(Y1, other.Y1);
        if (w <= 0 || h <= 0) return 0;
        double inter = w * h;
        return inter / (Area + other.Area - inter);
    }
}

/// <summary>A detector's output for one object: where, which class, how sure.</summary>
public readonly record struct Detected(Box Box, int Class, double Score);

/// <summary>A ground-truth object.</summary>
public readonly record struct Labelled(Box Box, int Class);

/// <summary>Average precision per class and its mean, at one IoU threshold or averaged over several.</summary>
/// <param name="PerClass">AP of each class that has ground truth (classes without are left out, as in COCO).</param>
/// <param name="Mean">The mean over <paramref name="PerClass"/>.</param>
public sealed record AveragePrecisionResult(IReadOnlyDictionary<int, double> PerClass, double Mean);

/// <summary>
/// Mean average precision of a detector over a set of images, the detection metric of PASCAL VOC and COCO.
/// Per class, detections of all images are taken from the highest score down; each is a true positive when its IoU
/// with a not yet matched ground-truth box of its class in its image is at least the threshold (the best-overlapping
/// such box is matched), else a false positive. AP is the area under the precision–recall curve after making
/// precision non-increasing in recall (the all-point interpolation of VOC 2010 and later). mAP@0.5 uses IoU 0.5;
/// COCO's mAP@[0.5:0.95] averages it over the thresholds 0.5, 0.55, …, 0.95.
/// </summary>
public static class AveragePrecision
{
    /// <summary>COCO's thresholds 0.5, 0.55, …, 0.95.</summary>
    public static readonly double[] CocoThresholds = [.. Enumerable.Range(0, 10).Select(i => 0.5 + 0.05 * i)];

    /// <summary>AP per class and mAP at <paramref name="iouThreshold"/>. <paramref name="detections"/>[i] and
    /// <paramref name="truth"/>[i] belong to image i.</summary>
    /// <exception cref="ArgumentException">Lists of different lengths, a bad box, a NaN score.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A threshold outside (0, 1].</exception>
    public static AveragePrecisionResult Compute(IReadOnlyList<IReadOnlyList<Detected>> detections, IReadOnlyList<IReadOnlyList<Labelled>> truth, double iouThreshold = 0.5)
    {
        if (!(iouThreshold > 0 && iouThreshold <= 1))
            throw new ArgumentOutOfRangeException(nameof(iouThreshold), iouThreshold, "average precision: the IoU threshold must be in (0, 1]");
        Validate(detections, truth);
        var perClass = new SortedDictionary<int, double>();
        foreach (int c in truth.SelectMany(t => t).Select(t => t.Class).Distinct())
            perClass[c] = ClassAp(detections, truth, c, iouThreshold);
        return new AveragePrecisionResult(perClass, perClass.Count == 0 ? double.NaN : perClass.Values.Average());
    }

    /// <summary>The mean of <see cref="Compute"/>'s mAP over <paramref name="thresholds"/> (default: COCO's ten).</summary>
    public static double MeanOverThresholds(IReadOnlyList<IReadOnlyList<Detected>> detections, IReadOnlyList<IReadOnlyList<Labelled>> truth, IReadOnlyList<double>? thresholds = null) =>
        (thresholds ?? CocoThresholds).Average(t => Compute(detections, truth, t).Mean);

    static double ClassAp(IReadOnlyList<IReadOnlyList<Detected>> detections, IReadOnlyList<IReadOnlyList<Labelled>> truth, int c, double threshold)
    {
        var ranked = detections.SelectMany((d, image) => d.Where(x => x.Class == c).Select(x => (Image: image, x.Box, x.Score)))
            .OrderByDescending(x => x.Score).ToList();   // OrderByDescending is stable: equal scores keep image order
        var gt = truth.Select(t => t.Where(x => x.Class == c).Select(x => x.Box).ToArray()).ToArray();
        var matched = gt.Select(g => new bool[g.Length]).ToArray();
        int positives = gt.Sum(g => g.Length), tp = 0, fp = 0;
        var recall = new List<double>();
        var precision = new List<double>();
        foreach (var (image, box, _) in ranked)
        {
            int best = -1;
            double bestIou = threshold;
            for (int k = 0; k < gt[image].Length; k++)
            {
                if (matched[image][k]) continue;
                double iou = box.Iou(gt[image][k]);
                if (iou >= bestIou) { bestIou = iou; best = k; }
            }
            if (best >= 0) { matched[image][best] = true; tp++; } else fp++;
            recall.Add((double)tp / positives);
            precision.Add((double)tp / (tp + fp));
        }
        // precision envelope from the right, then the area at each step of recall
        for (int i = precision.Count - 2; i >= 0; i--) precision[i] = Math.Max(precision[i], precision[i + 1]);
        double ap = 0, previousRecall = 0;
        for (int i = 0; i < recall.Count; i++)
        {
            ap += (recall[i] - previousRecall) * precision[i];
            previousRecall = recall[i];
        }
        return ap;
    }

    static void Validate(IReadOnlyList<IReadOnlyList<Detected>> detections, IReadOnlyList<IReadOnlyList<Labelled>> truth)
    {
        if (detections.Count != truth.Count)
            throw new ArgumentException($"average precision: {detections.Count} images of detections but {truth.Count} of ground truth");
        for (int i = 0; i < truth.Count; i++)
        {
            foreach (var d in detections[i])
            {
                CheckBox(d.Box, $"image {i}: a detection");
                if (double.IsNaN(d.Score)) throw new ArgumentException($"average precision: image {i}: a detection has a NaN score");
            }
            foreach (var t in truth[i]) CheckBox(t.Box, $"image {i}: a ground-truth box");
        }
    }

    static void CheckBox(Box b, string what)
    {
        if (!(double.IsFinite(b.X1) && double.IsFinite(b.Y1) && double.IsFinite(b.X2) && double.IsFinite(b.Y2)) || b.X2 < b.X1 || b.Y2 < b.Y1)
            throw new ArgumentException($"average precision: {what} is {b}, but boxes need finite corners with x2 ≥ x1 and y2 ≥ y1");
    }
}
