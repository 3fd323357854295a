namespace Neurite.Nn;

/// <summary>
/// Cross-entropy over padded batches of sequences: logits [N, T, V] (batch-first, default) or [T, N, V]
/// (<paramref name="timeFirst"/>), int64 targets [N, T] (or [T, N]), and which positions are real, given as
/// per-sequence lengths (positions t &lt; lengths[b] are real) or as a 0/1 mask shaped like the targets.
/// Mean reduction is the mean over real positions only (every real token weighs the same, as PyTorch's
/// <c>CrossEntropyLoss</c> with <c>ignore_index</c>); Sum is their total; None gives per-position losses shaped like
/// the targets, 0 at padded positions. Padded positions never change the value or any gradient: their logits are not
/// read by the loss and their targets may hold anything (e.g. −100 or a padding id).
/// </summary>
/// <example><code>
/// var loss = new SequenceCrossEntropyLoss();
/// var (h, _) = lstm.Forward(x, null, lengths);           // x [N, T, I], batch-first
/// var value = loss.Forward(head.Forward(h), targets, lengths);  // logits [N, T, V], targets int64 [N, T]
/// </code></example>
public sealed class SequenceCrossEntropyLoss(Reduction reduction = Reduction.Mean, bool timeFirst = false) : Loss(reduction)
{
    const string Op = "sequence_cross_entropy";

    /// <summary>Logits are [T, N, V] and targets and masks [T, N]; lengths are per sequence either way.</summary>
    public bool TimeFirst { get; } = timeFirst;

    /// <summary>The loss with every position real.</summary>
    public override Tensor Forward(Tensor prediction, Tensor target) => Compute(prediction, target, null);

    /// <summary>The loss over the first <paramref name="lengths"/>[b] steps of each sequence b (1 ≤ length ≤ T).</summary>
    public Tensor Forward(Tensor prediction, Tensor target, int[] lengths)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        var (n, steps) = CheckShapes(prediction, target);
        if (lengths.Length != n)
            throw new ShapeException($"{Op}: {lengths.Length} lengths for a batch of {n} sequences (logits {Shape.Format(prediction.Shape)})");
        var real = new bool[n * steps];
        for (int b = 0; b < n; b++)
        {
            if (lengths[b] < 1 || lengths[b] > steps)
                throw new ArgumentOutOfRangeException(nameof(lengths), lengths[b], $"{Op}: length {lengths[b]} of sequence {b} must be in [1, {steps}] (T of logits {Shape.Format(prediction.Shape)})");
            for (int t = 0; t < lengths[b]; t++) real[Flat(b, t, n, steps)] = true;
        }
        return Compute(prediction, target, real);
    }

    /// <summary>The loss over the positions where <paramref name="mask"/> (shaped like the targets, float or int64)
    /// is 1; it must be 0 or 1 everywhere and 1 somewhere.</summary>
    public Tensor Forward(Tensor prediction, Tensor target, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        CheckShapes(prediction, target);
        if (!mask.Shape.SequenceEqual(target.Shape))
            throw new ShapeException($"{Op}: mask {Shape.Format(mask.Shape)} must have the targets' shape {Shape.Format(target.Shape)}");
        var values = mask.ToDoubleArray();
        var real = new bool[values.Length];
        bool any = false;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] != 0 && values[i] != 1)
                throw new ArgumentException($"{Op}: mask values must be 0 or 1, got {values[i]} at flat position {i} of mask {Shape.Format(mask.Shape)}", nameof(mask));
            any |= real[i] = values[i] == 1;
        }
        if (!any) throw new ArgumentException($"{Op}: the mask {Shape.Format(mask.Shape)} selects no position", nameof(mask));
        return Compute(prediction, target, real);
    }

    /// <summary>The flat position of sequence b, step t in the [N, T] (or [T, N]) layout.</summary>
    int Flat(int b, int t, int n, int steps) => TimeFirst ? t * n + b : b * steps + t;

    (int n, int steps) CheckShapes(Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        string layout = TimeFirst ? "[T, N, V]" : "[N, T, V]";
        if (prediction.Rank != 3)
            throw new ShapeException($"{Op}: expects logits {layout}, got {Shape.Format(prediction.Shape)}");
        if (!prediction.DType.IsFloatingPoint())
            throw new ArgumentException($"{Op}: logits must be floating-point, got {prediction.DType.Name()} {Shape.Format(prediction.Shape)}", nameof(prediction));
        if (target.DType != DType.Int64 || target.Rank != 2 || target.Shape[0] != prediction.Shape[0] || target.Shape[1] != prediction.Shape[1])
            throw new ShapeException($"{Op}: logits {Shape.Format(prediction.Shape)} ({layout}) need int64 targets [{prediction.Shape[0]}, {prediction.Shape[1]}], got {target.DType.Name()} {Shape.Format(target.Shape)}");
        return TimeFirst ? (prediction.Shape[1], prediction.Shape[0]) : (prediction.Shape[0], prediction.Shape[1]);
    }

    Tensor Compute(Tensor prediction, Tensor target, bool[]? real)
    {
        var (n, steps) = CheckShapes(prediction, target);
        int classes = prediction.Shape[2], total = n * steps;
        var ids = target.ToLongArray();
        var rows = new List<long>(total);
        var picked = new List<long>(total);
        for (int p = 0; p < total; p++)
        {
            if (real is not null && !real[p]) continue;
            if (ids[p] < 0 || ids[p] >= classes)
            {
                int b = TimeFirst ? p % n : p / steps, t = TimeFirst ? p / n : p % steps;
                throw new ArgumentOutOfRangeException(nameof(target), $"{Op}: target {ids[p]} of sequence {b} at step {t} is out of range for {classes} classes (logits {Shape.Format(prediction.Shape)})");
            }
            rows.Add(p);
            picked.Add(ids[p]);
        }
        // Only the real rows reach the cross-entropy: padded logits are never read, so their gradient is exactly 0.
        var flat = prediction.Reshape(total, classes);
        var selected = rows.Count == total ? flat : flat.IndexSelect(0, Tensor.FromArray(rows.ToArray(), rows.Count));
        var losses = Tensor.CrossEntropy(selected, Tensor.FromArray(picked.ToArray(), picked.Count));
        if (Reduction != Reduction.None) return Reduce(losses);
        if (rows.Count == total) return losses.Reshape(target.Shape.ToArray());
        // scatter back: each padded position reads the appended constant 0
        var slot = new long[total];
        Array.Fill(slot, rows.Count);
        for (int i = 0; i < rows.Count; i++) slot[rows[i]] = i;
        var padded = Tensor.Concat([losses, Tensor.Zeros([1], losses.DType)], 0);
        return padded.IndexSelect(0, Tensor.FromArray(slot, total)).Reshape(target.Shape.ToArray());
    }
}
