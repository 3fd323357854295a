namespace Neurite.Nn;

/// <summary>
/// The information measures of discrete distributions, as differentiable tensor functions. A distribution is a
/// tensor of probabilities along <c>dim</c> (default: the last), non-negative and summing to 1; leading dimensions
/// are a batch, reduced away one value per distribution. Results are in nats (natural log) unless
/// <c>logBase</c> says otherwise (2 for bits). 0 · log 0 counts as 0, as in information theory and
/// <c>torch.special.xlogy</c>.
/// </summary>
public static class Information
{
    /// <summary>H(p) = −Σ p log p.</summary>
    public static Tensor Entropy(Tensor p, int dim = -1, double logBase = Math.E)
    {
        Check(p, dim, "entropy");
        return -XLogY(p, p).Sum(dim) / Math.Log(CheckBase(logBase, "entropy"));
    }

    /// <summary>H(p, q) = −Σ p log q: the expected code length of p's symbols under a code built for q.</summary>
    public static Tensor CrossEntropy(Tensor p, Tensor q, int dim = -1, double logBase = Math.E)
    {
        CheckPair(p, q, dim, "cross_entropy");
        return -XLogY(p, q).Sum(dim) / Math.Log(CheckBase(logBase, "cross_entropy"));
    }

    /// <summary>KL(p ‖ q) = Σ p log(p / q) = H(p, q) − H(p) ≥ 0, zero only when p = q; +∞ where q = 0 &lt; p.</summary>
    public static Tensor KlDivergence(Tensor p, Tensor q, int dim = -1, double logBase = Math.E)
    {
        CheckPair(p, q, dim, "kl_divergence");
        return (XLogY(p, p) - XLogY(p, q)).Sum(dim) / Math.Log(CheckBase(logBase, "kl_divergence"));
    }

    /// <summary>JS(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m) with m = (p + q)/2: symmetric, finite, at most log 2.</summary>
    public static Tensor JensenShannon(Tensor p, Tensor q, int dim = -1, double logBase = Math.E)
    {
        CheckPair(p, q, dim, "jensen_shannon");
        var m = (p + q) * 0.5;
        return ((XLogY(p, p) - XLogY(p, m)).Sum(dim) + (XLogY(q, q) - XLogY(q, m)).Sum(dim)) * 0.5 / Math.Log(CheckBase(logBase, "jensen_shannon"));
    }

    /// <summary>
    /// I(X; Y) = Σ p(x, y) log(p(x, y) / (p(x) p(y))) of a joint distribution [X, Y] (all entries sum to 1): how many
    /// nats knowing Y tells about X; 0 exactly when they are independent.
    /// </summary>
    public static Tensor MutualInformation(Tensor joint, double logBase = Math.E)
    {
        if (joint.Rank != 2) throw new ArgumentException($"mutual_information: the joint distribution must be a matrix [X, Y], got [{string.Join(", ", joint.Shape.ToArray())}]");
        Check(joint.Reshape(joint.NumEl), 0, "mutual_information");
        var px = joint.Sum(1, keepDim: true);
        var py = joint.Sum(0, keepDim: true);
        return (XLogY(joint, joint) - XLogY(joint, px * py)).Sum() / Math.Log(CheckBase(logBase, "mutual_information"));
    }

    /// <summary>x · log y with 0 where x = 0 whatever y is (<c>torch.special.xlogy</c>), −∞ where x &gt; 0 = y:
    /// where x = 0, y + 1 stands in for y, so the log stays finite and the term and its gradient are 0.</summary>
    static Tensor XLogY(Tensor x, Tensor y)
    {
        Tensor zero;
        using (Autograd.NoGrad()) zero = x.Eq(Tensor.ZerosLike(x));
        return x * (y + zero).Log();
    }

    static double CheckBase(double logBase, string op) =>
        logBase > 0 && logBase != 1 && double.IsFinite(logBase) ? logBase
            : throw new ArgumentOutOfRangeException(nameof(logBase), logBase, $"{op}: the log base must be positive, finite and not 1");

    static void CheckPair(Tensor p, Tensor q, int dim, string op)
    {
        if (!p.Shape.SequenceEqual(q.Shape))
            throw new ArgumentException($"{op}: p [{string.Join(", ", p.Shape.ToArray())}] and q [{string.Join(", ", q.Shape.ToArray())}] must have the same shape");
        Check(p, dim, op);
        Check(q, dim, op);
    }

    /// <summary>Float dtype, entries in [0, 1] and each distribution along <paramref name="dim"/> summing to 1 (±1e-4).</summary>
    static void Check(Tensor p, int dim, string op)
    {
        if (p.DType == DType.Int64) throw new ArgumentException($"{op}: probabilities must be float32 or float64, got int64");
        if (p.Rank == 0) throw new ArgumentException($"{op}: a distribution needs at least one dimension");
        int d = dim < 0 ? dim + p.Rank : dim;
        if (d < 0 || d >= p.Rank) throw new ArgumentOutOfRangeException(nameof(dim), dim, $"{op}: dim must be in [{-p.Rank}, {p.Rank - 1}] for a tensor of rank {p.Rank}");
        double[] sums, values;
        using (Autograd.NoGrad())
        {
            values = p.ToDoubleArray();
            sums = p.Sum(d).ToDoubleArray();
        }
        for (int i = 0; i < values.Length; i++)
            if (!(values[i] >= 0 && values[i] <= 1)) throw new ArgumentException($"{op}: probability {values[i]} at flat index {i} is not in [0, 1]");
        for (int i = 0; i < sums.Length; i++)
            if (Math.Abs(sums[i] - 1) > 1e-4) throw new ArgumentException($"{op}: distribution {i} along dim {dim} sums to {sums[i]}, not 1");
    }
}
