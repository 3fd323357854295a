using Neurite.Nn;

namespace Neurite.Training;

/// <summary>
/// Max-norm regularisation (Srebro &amp; Shraibman 2005; with dropout in Srivastava et al. 2014; CS231n, seed 001):
/// after every update, each unit's incoming weight vector — a row of a <see cref="Linear"/> weight [out, in], an
/// output filter of a <see cref="Conv2d"/> or <see cref="Conv1d"/> — is scaled down so that its Euclidean norm is at
/// most <see cref="Limit"/> (typically 3 or 4). Biases are left alone. Unlike an L2 penalty it never shrinks a
/// weight vector that is inside the ball, and it keeps weights bounded even with a large learning rate.
/// Keras: <c>kernel_constraint=MaxNorm(3)</c>; PyTorch: <c>torch.renorm(w, 2, 0, 3)</c> after each step.
/// <code>trainer.Fit(data, epochs: 20, callbacks: new MaxNorm(3));</code>
/// </summary>
public sealed class MaxNorm : Callback
{
    /// <summary>The largest norm a unit's incoming weights may have.</summary>
    public double Limit { get; }

    /// <exception cref="ArgumentOutOfRangeException">A limit that is not positive and finite.</exception>
    public MaxNorm(double limit)
    {
        if (!(limit > 0 && double.IsFinite(limit))) throw new ArgumentOutOfRangeException(nameof(limit), limit, "max-norm: the limit must be positive and finite");
        Limit = limit;
    }

    /// <summary>Applies the constraint after each optimizer step.</summary>
    public override void OnBatchEnd(Trainer trainer, int epoch, int batch, double loss, int samples) => Apply(trainer.Model, Limit);

    /// <summary>Scales every unit's incoming weights of the linear and convolutional layers in <paramref name="model"/>
    /// (and its children) to a norm of at most <paramref name="limit"/>, in place. Returns how many units were scaled.</summary>
    public static int Apply(Module model, double limit)
    {
        if (!(limit > 0 && double.IsFinite(limit))) throw new ArgumentOutOfRangeException(nameof(limit), limit, "max-norm: the limit must be positive and finite");
        int scaled = 0;
        foreach (var m in Modules(model))
        {
            Tensor? w = m switch { Linear l => l.Weight, Conv2d c => c.Weight, Conv1d c => c.Weight, _ => null };
            if (w is not null) scaled += w.DType == DType.Float64 ? Renorm<double>(w, limit) : Renorm<float>(w, limit);
        }
        return scaled;
    }

    static IEnumerable<Module> Modules(Module m) => m.NamedChildren().SelectMany(c => Modules(c.Module)).Prepend(m);

    /// <summary>Each slice w[u, …] with ‖·‖₂ &gt; limit is multiplied by limit / ‖·‖₂.</summary>
    static int Renorm<T>(Tensor w, double limit) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var data = w.Span<T>();   // parameters are contiguous
        int units = w.Shape[0], fanIn = data.Length / units, scaled = 0;
        for (int u = 0; u < units; u++)
        {
            var row = data.Slice(u * fanIn, fanIn);
            double sum = 0;
            foreach (var v in row) sum += double.CreateTruncating(v) * double.CreateTruncating(v);
            double norm = Math.Sqrt(sum);
            if (norm <= limit) continue;
            var factor = T.CreateTruncating(limit / norm);
            for (int i = 0; i < row.Length; i++) row[i] *= factor;
            scaled++;
        }
        return scaled;
    }
}
