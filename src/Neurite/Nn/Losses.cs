namespace Neurite.Nn;

/// <summary>How a loss combines per-element values: their mean (default), their sum, or none (per-element).</summary>
public enum Reduction { Mean, Sum, None }

/// <summary>A loss: a function of predictions and targets that training minimises.</summary>
public abstract class Loss(Reduction reduction)
{
    public Reduction Reduction { get; } = reduction;

    /// <summary>The loss for <paramref name="prediction"/> against <paramref name="target"/>.</summary>
    public abstract Tensor Forward(Tensor prediction, Tensor target);

    protected Tensor Reduce(Tensor perElement) => Reduction switch
    {
        Reduction.Mean => perElement.Mean(),
        Reduction.Sum => perElement.Sum(),
        _ => perElement,
    };

    protected static void SameShape(string loss, Tensor prediction, Tensor target)
    {
        if (!prediction.Shape.SequenceEqual(target.Shape))
            throw new ShapeException($"{loss}: prediction [{string.Join(", ", prediction.Shape.ToArray())}] and target [{string.Join(", ", target.Shape.ToArray())}] must have the same shape");
    }

    public override string ToString() => $"{GetType().Name}(reduction={Reduction})";
}

/// <summary>Mean squared error (y − ŷ)²: the Gaussian negative log-likelihood with fixed variance, up to constants.</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor prediction, Tensor target)
    {
        SameShape("mse_loss", prediction, target);
        return Reduce(prediction.Sub(target).Square());
    }
}

/// <summary>Mean absolute error |y − ŷ| (L1 loss).</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor prediction, Tensor target)
    {
        SameShape("l1_loss", prediction, target);
        return Reduce(prediction.Sub(target).Abs());
    }
}

/// <summary>Huber loss: ½d² for |d| ≤ δ, δ(|d| − ½δ) beyond: quadratic near zero, linear for outliers.</summary>
public sealed class HuberLoss(double delta = 1.0, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public double Delta { get; } = delta > 0 ? delta : throw new ArgumentOutOfRangeException(nameof(delta), delta, "HuberLoss: delta must be positive");

    public override Tensor Forward(Tensor prediction, Tensor target)
    {
        SameShape("huber_loss", prediction, target);
        var a = prediction.Sub(target).Abs();
        var small = a.Clamp(max: Delta);  // min(|d|, δ)
        // ½·m² + δ·(|d| − m) with m = min(|d|, δ) equals both branches
        return Reduce(small.Square().Mul(0.5).Add(a.Sub(small).Mul(Delta)));
    }
}

/// <summary>
/// Gaussian negative log-likelihood ½(log σ² + (y − μ)²/σ²) for a predicted mean and variance
/// (the variance clamped to ≥ eps). Use <see cref="Forward(Tensor, Tensor, Tensor)"/>; the two-argument form assumes σ² = 1.
/// </summary>
public sealed class GaussianNLLLoss(double eps = 1e-6, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor prediction, Tensor target) => Forward(prediction, target, Tensor.OnesLike(prediction));

    public Tensor Forward(Tensor mean, Tensor target, Tensor variance)
    {
        SameShape("gaussian_nll_loss", mean, target);
        var v = variance.Clamp(min: eps);
        return Reduce(v.Log().Add(mean.Sub(target).Square().Div(v)).Mul(0.5));
    }
}

/// <summary>Binary cross-entropy on probabilities p ∈ [0, 1]: −[y log p + (1 − y) log(1 − p)], logs clamped at −100 as in PyTorch.</summary>
public sealed class BCELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor prediction, Tensor target)
    {
        SameShape("binary_cross_entropy", prediction, target);
        var logP = prediction.Log().Clamp(min: -100);
        var log1mP = prediction.Neg().Add(1).Log().Clamp(min: -100);
        return Reduce(target.Mul(logP).Add(target.Neg().Add(1).Mul(log1mP)).Neg());
    }
}

/// <summary>
/// Binary cross-entropy on logits z, computed stably as max(z, 0) − z·y + ln(1 + e^−|z|) (never exp of a
/// large positive number). Prefer it to Sigmoid + BCELoss.
/// </summary>
public sealed class BCEWithLogitsLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor prediction, Tensor target)
    {
        SameShape("binary_cross_entropy_with_logits", prediction, target);
        // max(z,0) − zy + ln(1+e^−|z|) = softplus(z) − zy
        return Reduce(prediction.Softplus().Sub(prediction.Mul(target)));
    }
}

/// <summary>
/// Categorical cross-entropy from logits [N, C] with int64 class targets [N], or one-hot/soft
/// probability targets [N, C]. Fused log-softmax: its gradient is softmax − y.
/// </summary>
public sealed class CrossEntropyLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor prediction, Tensor target) => Reduce(Tensor.CrossEntropy(prediction, target));
}

/// <summary>Negative log-likelihood of log-probabilities [N, C] (e.g. from LogSoftmax) at int64 targets [N].</summary>
public sealed class NLLLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor prediction, Tensor target)
    {
        if (prediction.Rank != 2 || target.DType != DType.Int64 || target.Rank != 1 || target.Shape[0] != prediction.Shape[0])
            throw new ShapeException($"nll_loss: expects log-probabilities [N, C] and int64 targets [N], got [{string.Join(", ", prediction.Shape.ToArray())}] and {target.DType.Name()} [{string.Join(", ", target.Shape.ToArray())}]");
        return Reduce(prediction.Gather(1, target.Reshape(-1, 1)).Reshape(-1).Neg());
    }
}

/// <summary>
/// KL divergence KL(target ‖ q) = Σ t·(log t − log q), with the prediction given as log-probabilities log q
/// (PyTorch's convention) and target probabilities t; terms with t = 0 contribute 0. Mean reduction
/// averages over all elements; use Sum and divide by the batch for the per-sample KL.
/// </summary>
public sealed class KLDivLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor prediction, Tensor target)
    {
        SameShape("kl_div", prediction, target);
        var positive = target.Gt(Tensor.ZerosLike(target));
        var logT = Tensor.Where(positive, target, Tensor.OnesLike(target)).Log(); // log 1 = 0 where t = 0
        return Reduce(target.Mul(logT.Sub(prediction)));
    }
}

/// <summary>Binary hinge loss max(0, 1 − y·ŷ) for targets y ∈ {−1, +1} (the SVM loss).</summary>
public sealed class HingeLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor prediction, Tensor target)
    {
        SameShape("hinge_loss", prediction, target);
        return Reduce(prediction.Mul(target).Neg().Add(1).Relu());
    }
}

/// <summary>Penalty terms added to a loss: loss + λ·penalty(θ) (seed 004). By default only weights
/// (parameters of rank ≥ 2) are penalised, not biases, which do not affect smoothness.</summary>
public static class Penalty
{
    /// <summary>Σ|w| over the module's weights (L1, favours sparsity).</summary>
    public static Tensor L1(Module module, bool includeBiases = false) => Sum(module, includeBiases, w => w.Abs().Sum());

    /// <summary>Σw² over the module's weights (L2, "weight decay").</summary>
    public static Tensor L2(Module module, bool includeBiases = false) => Sum(module, includeBiases, w => w.Square().Sum());

    static Tensor Sum(Module module, bool includeBiases, Func<Tensor, Tensor> term)
    {
        Tensor? total = null;
        foreach (var (_, p) in module.NamedParameters())
        {
            if (!p.RequiresGrad || (!includeBiases && p.Rank < 2)) continue;
            var t = term(p);
            total = total is null ? t : total.Add(t);
        }
        return total ?? Tensor.Scalar(0);
    }
}
