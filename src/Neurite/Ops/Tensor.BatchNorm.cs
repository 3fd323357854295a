using System.Numerics;
using Neurite.Kernels;

namespace Neurite;

// NOTE: batch normalisation is a primitive, not composed from mean/var/sub/div: one pass for the
// statistics, one multiply-add for the output, and the closed-form backward below, instead of ~8 ops
// and their intermediates (Kernels/BatchNorm.cs).
public sealed partial class Tensor
{
    /// <summary>
    /// Batch normalisation of <paramref name="input"/> [N, C, *] per channel (Ioffe &amp; Szegedy 2015):
    /// y = γ·(x − μ)/√(σ² + ε) + β. In training μ and σ² are the batch's (over N and the trailing dimensions, σ²
    /// biased) and, when given, the running statistics are updated in place:
    /// running_mean ← (1 − momentum)·running_mean + momentum·μ, running_var likewise with the unbiased σ²·M/(M − 1).
    /// In evaluation the running statistics are used. <paramref name="weight"/> γ and <paramref name="bias"/> β [C]
    /// may be null (1 and 0).
    /// </summary>
    /// <remarks>Backward (training): dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy.</remarks>
    /// <exception cref="ShapeException">Shapes disagree, or training sees one value per channel.</exception>
    public static Tensor BatchNorm(Tensor input, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar, bool training, double momentum = 0.1, double eps = 1e-5)
    {
        RequireFloat("batch_norm", input);
        if (input.Rank < 2) throw new ShapeException($"batch_norm: expects input [N, C, *], got {Neurite.Shape.Format(input.shape)}");
        int n = input.shape[0], c = input.shape[1], s = c == 0 || n == 0 ? 0 : input.numel / (n * c);
        foreach (var (t, name) in new[] { (weight, "weight"), (bias, "bias"), (runningMean, "running_mean"), (runningVar, "running_var") })
            if (t is not null && (t.Rank != 1 || t.shape[0] != c || t.DType != input.DType))
                throw new ShapeException($"batch_norm: {name} must be {input.DType.Name()} [{c}] for input {Neurite.Shape.Format(input.shape)}, got {t.DType.Name()} {Neurite.Shape.Format(t.shape)}");
        if (!training && (runningMean is null || runningVar is null))
            throw new ArgumentException("batch_norm: evaluation needs the running mean and variance");
        if (training && (long)n * s < 2)
            throw new ShapeException($"batch_norm: training needs more than one value per channel, got input {Neurite.Shape.Format(input.shape)}");
        var x = input.Contiguous();
        var y = Empty(input.shape, input.DType);
        var mean = new double[c];
        var invStd = new double[c];
        if (x.DType == DType.Float32) BatchNormForward<float>(x, y, weight, bias, runningMean, runningVar, training, momentum, eps, mean, invStd);
        else BatchNormForward<double>(x, y, weight, bias, runningMean, runningVar, training, momentum, eps, mean, invStd);

        var inputs = new List<Tensor>(3) { x };
        if (weight is not null) inputs.Add(weight);
        if (bias is not null) inputs.Add(bias);
        var all = inputs.ToArray();
        if (Autograd.Tracks(all))
            Autograd.Record(y, "batch_norm", all, static (node, st, g) =>
            {
                var x = node.Inputs![0];
                var w = st.HasWeight ? node.Inputs[1] : null;
                var b = st.HasBias ? node.Inputs[st.HasWeight ? 2 : 1] : null;
                var dx = x.RequiresGrad ? Empty(x.shape, x.DType) : null;
                int c = x.shape[1];
                var dGamma = new double[c];
                var dBeta = new double[c];
                if (x.DType == DType.Float32) BatchNormBackward<float>(x, g.Contiguous(), dx, w, st, dGamma, dBeta);
                else BatchNormBackward<double>(x, g.Contiguous(), dx, w, st, dGamma, dBeta);
                if (dx is not null) Node.Flow(x, dx);
                if (w is { RequiresGrad: true }) Node.Flow(w, FromArray(dGamma, c).To(w.DType));
                if (b is { RequiresGrad: true }) Node.Flow(b, FromArray(dBeta, c).To(b.DType));
            }, new BatchNormState(mean, invStd, training, weight is not null, bias is not null));
        return y;
    }

    sealed record BatchNormState(double[] Mean, double[] InvStd, bool Training, bool HasWeight, bool HasBias);

    static unsafe void BatchNormForward<T>(Tensor x, Tensor y, Tensor? weight, Tensor? bias, Tensor? runningMean, Tensor? runningVar,
        bool training, double momentum, double eps, double[] mean, double[] invStd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.shape[0], c = x.shape[1], s = c == 0 || n == 0 ? 0 : x.numel / (n * c);
        var gamma = weight?.Contiguous();
        var beta = bias?.Contiguous();
        fixed (T* px = x.Span<T>(), py = y.Span<T>(), pg = gamma is null ? default : gamma.Span<T>(), pb = beta is null ? default : beta.Span<T>())
        fixed (double* pm = mean, pr = invStd)
        {
            if (training)
            {
                Kernels.BatchNorm.Stats(px, n, c, s, pm, pr);
                if (runningMean is not null && runningVar is not null)
                {
                    long m = (long)n * s;
                    UpdateRunning<T>(runningMean, mean, momentum, 1);
                    UpdateRunning<T>(runningVar, invStd, momentum, (double)m / (m - 1)); // unbiased σ²
                }
            }
            else
            {
                var rm = runningMean!.ToDoubleArray();
                var rv = runningVar!.ToDoubleArray();
                Array.Copy(rm, mean, c);
                Array.Copy(rv, invStd, c);
            }
            for (int i = 0; i < c; i++) invStd[i] = 1 / Math.Sqrt(invStd[i] + eps);
            if (y.numel > 0) Kernels.BatchNorm.Normalize(px, py, n, c, s, pm, pr, pg, pb);
        }
    }

    /// <summary>running ← (1 − momentum)·running + momentum·factor·batch, in place and unrecorded.</summary>
    static void UpdateRunning<T>(Tensor running, double[] batch, double momentum, double factor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < batch.Length; i++)
        {
            int at = running.offset + i * running.strides[0];
            var r = running.Storage<T>();
            r[at] = T.CreateTruncating((1 - momentum) * double.CreateTruncating(r[at]) + momentum * factor * batch[i]);
        }
    }

    static unsafe void BatchNormBackward<T>(Tensor x, Tensor gy, Tensor? dx, Tensor? weight, BatchNormState st, double[] dGamma, double[] dBeta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.shape[0], c = x.shape[1], s = c == 0 || n == 0 ? 0 : x.numel / (n * c);
        var gamma = weight?.Contiguous();
        fixed (T* px = x.Span<T>(), pgy = gy.Span<T>(), pdx = dx is null ? default : dx.Span<T>(), pg = gamma is null ? default : gamma.Span<T>())
        fixed (double* pm = st.Mean, pr = st.InvStd, pdg = dGamma, pdb = dBeta)
            Kernels.BatchNorm.Backward(px, pgy, pdx, n, c, s, pm, pr, pg, pdg, pdb, st.Training);
    }
}
