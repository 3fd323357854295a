namespace Neurite.Nn;

/// <summary>How a loss combines per-element values: their mean (default), their sum, or none (per-element).</summary>
public enum Reduction
{
    /// <summary>The mean over every element (PyTorch's <c>reduction='mean'</c>): a scalar.</summary>
    Mean,
    /// <summary>The sum over every element (<c>reduction='sum'</c>): a scalar.</summary>
    Sum,
    /// <summary>The per-element (or per-sample) losses, unreduced (<c>reduction='none'</c>).</summary>
    None,
}

/// <summary>A loss: a function of predictions and targets that training minimises.</summary>
public abstract class Loss(Reduction reduction)
{
    /// <summary>How the per-element losses are combined (default <see cref="Reduction.Mean"/>).</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>The loss for <paramref name="prediction"/> against <paramref name="target"/>.</summary>
    public abstract Tensor Forward(Tensor prediction, Tensor target);

    /// <summary>Applies <see cref="Reduction"/>: the mean or sum of <paramref name="perElement"/> as a scalar, or it unchanged.</summary>
    protected Tensor Reduce(Tensor perElement) => Reduction switch
    {
        Reduction.Mean => perElement.Mean(),
        Reduction.Sum => perElement.Sum(),
        _ => perElement,
    };

    /// <summary>Checks that prediction and target have the same shape (no broadcasting).</summary>
    /// <param name="loss">The loss's name for the message, e.g. <c>mse_loss</c>.</param>
    /// <param name="prediction">The prediction.</param>
    /// <param name="target">The target.</param>
    /// <exception cref="ShapeException">The shapes differ.</exception>
    protected static void SameShape(string loss, Tensor prediction, Tensor target)
    {
        if (!prediction.Shape.SequenceEqual(target.Shape))
            throw new ShapeException($"{loss}: prediction [{string.Join(", ", prediction.Shape.ToArray())}] and target [{string.Join(", ", target.Shape.ToArray())}] must have the same shape");
    }

    /// <summary>E.g. <c>MSELoss(reduction=Mean)</c>.</summary>
    public override string ToString() => $"{GetType().Name}(reduction={Reduction})";
}

/// <summary>Mean squared error (y − ŷ)²: the Gaussian negative log-likelihood with fixed variance, up to constants.</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <summary>(ŷ − y)² elementwise, reduced (<c>torch.nn.MSELoss</c>); prediction and target of one shape.</summary>
    /// <exception cref="ShapeException"><paramref name="prediction"/> and <paramref name="target"/> differ in shape.</exception>
    public override Tensor Forward(Tensor prediction, Tensor target)
    {
        SameShape("mse_loss", prediction, target);
        return Reduce(prediction.Sub(target).Square());
    }
}

/// <summary>Mean absolute error |y − ŷ| (L1 loss).</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <summary>|ŷ − y| elementwise, reduced (<c>torch.nn.L1Loss</c>); prediction and target of one shape.</summary>
    /// <exception cref="ShapeException"><paramref name="prediction"/> and <paramref name="target"/> differ in shape.</exception>
    public override Tensor Forward(Tensor prediction, Tensor target)
    {
        SameShape("l1_loss", prediction, target);
        return Reduce(prediction.Sub(target).Abs());
    }
}

/// <summary>Huber loss: ½d² for |d| ≤ δ, δ(|d| − ½δ) beyond: quadratic near zero, linear for outliers.</summary>
public sealed class HuberLoss(double delta = 1.0, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <summary>The threshold δ between the quadratic and the linear part (default 1.0; must be positive, else the constructor throws <see cref="ArgumentOutOfRangeException"/>).</summary>
    public double Delta { get; } = delta > 0 ? delta : throw new ArgumentOutOfRangeException(nameof(delta), delta, "HuberLoss: delta must be positive");

    /// <summary>With d = ŷ − y elementwise: ½d² where |d| ≤ δ, else δ(|d| − ½δ); reduced (<c>torch.nn.HuberLoss(delta)</c>).</summary>
    /// <exception cref="ShapeException"><paramref name="prediction"/> and <paramref name="target"/> differ in shape.</exception>
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
    /// <summary>The loss with unit variance: ½(ŷ − y)² elementwise, reduced (half of <see cref="MSELoss"/>).</summary>
    /// <exception cref="ShapeException"><paramref name="prediction"/> and <paramref name="target"/> differ in shape.</exception>
    public override Tensor Forward(Tensor prediction, Tensor target) => Forward(prediction, target, Tensor.OnesLike(prediction));

    /// <summary>½(log σ² + (μ − y)²/σ²) elementwise with σ² = max(<paramref name="variance"/>, eps), reduced
    /// (<c>torch.nn.GaussianNLLLoss</c> without <c>full</c>: no constant ½ log 2π).</summary>
    /// <param name="mean">The predicted mean μ.</param>
    /// <param name="target">The target y, of μ's shape.</param>
    /// <param name="variance">The predicted variance σ², of μ's shape or broadcastable to it (e.g. one per sample).</param>
    /// <exception cref="ShapeException"><paramref name="mean"/> and <paramref name="target"/> differ in shape.</exception>
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
    /// <summary>−[y log p + (1 − y) log(1 − p)] elementwise, each log clamped at −100, reduced (<c>torch.nn.BCELoss</c>);
    /// <paramref name="prediction"/> holds probabilities p ∈ [0, 1] (e.g. after <see cref="Sigmoid"/>), <paramref name="target"/> y ∈ [0, 1].</summary>
    /// <exception cref="ShapeException"><paramref name="prediction"/> and <paramref name="target"/> differ in shape.</exception>
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
    /// <summary>softplus(z) − z·y elementwise (= −[y log σ(z) + (1 − y) log(1 − σ(z))]), reduced (<c>torch.nn.BCEWithLogitsLoss</c>);
    /// <paramref name="prediction"/> holds logits z, <paramref name="target"/> y ∈ [0, 1].</summary>
    /// <exception cref="ShapeException"><paramref name="prediction"/> and <paramref name="target"/> differ in shape.</exception>
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
    /// <summary>Per sample −log softmax(z)[y] (int64 targets) or −Σ_c t_c·log softmax_c(z) (probability targets),
    /// then reduced: the default is the mean over the batch (<c>torch.nn.CrossEntropyLoss</c>).</summary>
    /// <param name="prediction">Logits [N, C] (not probabilities).</param>
    /// <param name="target">Int64 class indices [N] in 0 … C − 1, or probabilities [N, C] of the logits' dtype (no gradient flows into them).</param>
    /// <exception cref="ShapeException">The logits are not [N, C], or the target is neither [N] int64 nor [N, C].</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class index outside 0 … C − 1.</exception>
    /// <example><code>var loss = new CrossEntropyLoss().Forward(model.Forward(x), labels);  // scalar, mean over the batch</code></example>
    public override Tensor Forward(Tensor prediction, Tensor target) => Reduce(Tensor.CrossEntropy(prediction, target));
}

/// <summary>Negative log-likelihood of log-probabilities [N, C] (e.g. from LogSoftmax) at int64 targets [N].</summary>
public sealed class NLLLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <summary>−prediction[i, target[i]] per sample, reduced (<c>torch.nn.NLLLoss</c>); after <see cref="LogSoftmax"/> it equals <see cref="CrossEntropyLoss"/>.</summary>
    /// <param name="prediction">Log-probabilities [N, C].</param>
    /// <param name="target">Int64 class indices [N].</param>
    /// <exception cref="ShapeException">The prediction is not [N, C], or the target is not int64 [N].</exception>
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
    /// <summary>t·(log t − log q) elementwise (0 where t = 0), reduced (<c>torch.nn.KLDivLoss</c>); <paramref name="prediction"/> holds log q, <paramref name="target"/> holds probabilities t.</summary>
    /// <exception cref="ShapeException"><paramref name="prediction"/> and <paramref name="target"/> differ in shape.</exception>
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
    /// <summary>max(0, 1 − y·ŷ) elementwise, reduced; <paramref name="prediction"/> holds scores ŷ, <paramref name="target"/> y ∈ {−1, +1}.</summary>
    /// <exception cref="ShapeException"><paramref name="prediction"/> and <paramref name="target"/> differ in shape.</exception>
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
