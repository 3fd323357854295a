using Neurite.Kernels;

namespace Neurite;

// NOTE: cross-entropy from logits is one primitive, not log-softmax followed by a gather: the
// forward is the stable log-softmax, and the backward is the famous (softmax − one-hot)/N in one pass.
public sealed partial class Tensor
{
    /// <summary>
    /// Per-sample cross-entropy −log softmax(logits)[target] for logits [N, C] and int64 class
    /// targets [N] (values in 0..C−1), or soft/one-hot float targets [N, C]: −Σ_c t_c·log softmax_c.
    /// Returns the [N] losses; reduce them with Mean or Sum.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target)
    {
        RequireFloat("cross_entropy", logits);
        if (logits.Rank != 2)
            throw new ShapeException($"cross_entropy: expects logits [N, C], got {Neurite.Shape.Format(logits.shape)}");
        int n = logits.shape[0], c = logits.shape[1];
        bool hard = target.DType == DType.Int64;
        if (hard ? target.Rank != 1 || target.shape[0] != n : !Neurite.Shape.Equal(target.shape, logits.shape))
            throw new ShapeException($"cross_entropy: logits {Neurite.Shape.Format(logits.shape)} need int64 class targets [{n}] or probabilities [{n}, {c}], got {target.DType.Name()} {Neurite.Shape.Format(target.shape)}");
        if (!hard) RequireSameDType("cross_entropy", logits, target);
        long[]? classes = hard ? target.ToLongArray() : null;
        if (classes is not null)
            foreach (long k in classes)
                if (k < 0 || k >= c) throw new ArgumentOutOfRangeException(nameof(target), $"cross_entropy: target class {k} is out of range for {c} classes");

        var logp = logits.Detach().Contiguous().LogSoftmaxContiguous();
        var loss = hard ? PickNegated(logp, classes!) : logp.Mul(target.Detach()).Sum(1).Neg();
        if (Autograd.Tracks(logits) || !hard && Autograd.Tracks(target))
            Autograd.Record(loss, "cross_entropy", logits, target, static (node, st, g) =>
            {
                var (logp, classes) = st;
                var p = logp.Exp();
                var gc = g.Reshape(-1, 1);
                if (node.A!.RequiresGrad)
                {
                    // ∂/∂logits = (softmax − y)·g, with y the one-hot (or soft) target (its rows sum to 1)
                    var delta = classes is null ? p.Mul(node.B!.Sum(1, keepDim: true)).Sub(node.B!) : SubtractOneHot(p, classes);
                    Node.Flow(node.A, delta.Mul(gc));
                }
                if (classes is null && node.B!.RequiresGrad)
                    Node.Flow(node.B, logp.Neg().Mul(gc)); // ∂/∂t_c = −log p_c
            }, (logp, classes));
        return loss;
    }

    Tensor LogSoftmaxContiguous()
    {
        var y = Uninitialized(shape, DType);
        if (DType == DType.Float32) Reduce.LogSoftmaxRows(Span<float>(), shape[^1], y.Span<float>());
        else Reduce.LogSoftmaxRows(Span<double>(), shape[^1], y.Span<double>());
        return y;
    }

    static Tensor PickNegated(Tensor logp, long[] classes)
    {
        int c = logp.shape[1];
        var loss = Empty([classes.Length], logp.DType);
        for (int i = 0; i < classes.Length; i++) loss.SetFlat(i, -logp.GetFlat(i * c + (int)classes[i]));
        return loss;
    }

    static Tensor SubtractOneHot(Tensor p, long[] classes)
    {
        int c = p.shape[1];
        for (int i = 0; i < classes.Length; i++) p.SetFlat(i * c + (int)classes[i], p.GetFlat(i * c + (int)classes[i]) - 1);
        return p;
    }

    double GetFlat(int i) => DType switch
    {
        DType.Float32 => Storage<float>()[offset + i],
        DType.Float64 => Storage<double>()[offset + i],
        _ => Storage<long>()[offset + i],
    };
}
