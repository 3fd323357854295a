using Neurite.Kernels;

namespace Neurite;

// NOTE: softmax and log-softmax are primitives, not compositions of exp/sum/div: one pass that
// subtracts the row maximum first is both faster and safe from overflow (seed 002).
public sealed partial class Tensor
{
    /// <summary>softmax along <paramref name="axis"/>: e^(x − max) / Σ e^(x − max).</summary>
    public Tensor Softmax(int axis = -1)
    {
        // A 0-d tensor is a row of one (axis 0 or −1, as in PyTorch): softmax 1, log-softmax 0.
        if (Rank == 0) return Unsqueeze(0).Softmax(Neurite.Shape.Axis("softmax", axis, 1)).Squeeze(0);
        var y = SoftmaxRaw(axis, log: false);
        if (Autograd.Tracks(this))
            Autograd.Record(y, "softmax", this, static (n, g) =>
            {
                // ∂softmax/∂x · g = y ⊙ (g − Σ g⊙y)
                int a = (int)n.Scalar;
                var y = n.Saved!;
                Node.Flow(n.A!, FusedRowsBackward(y, g, a, log: false) ?? y.Mul(g.Sub(g.Mul(y).Sum(a, keepDim: true))));
            }, saved: y, scalar: Neurite.Shape.Axis("softmax", axis, Rank));
        return y;
    }

    /// <summary>log-softmax along <paramref name="axis"/>: x − max − ln Σ e^(x − max).</summary>
    public Tensor LogSoftmax(int axis = -1)
    {
        if (Rank == 0) return Unsqueeze(0).LogSoftmax(Neurite.Shape.Axis("log_softmax", axis, 1)).Squeeze(0);
        var y = SoftmaxRaw(axis, log: true);
        if (Autograd.Tracks(this))
            Autograd.Record(y, "log_softmax", this, static (n, g) =>
            {
                // ∂logsoftmax/∂x · g = g − softmax(x) · Σ g
                int a = (int)n.Scalar;
                Node.Flow(n.A!, FusedRowsBackward(n.Saved!, g, a, log: true) ?? g.Sub(n.Saved!.Exp().Mul(g.Sum(a, keepDim: true))));
            }, saved: y, scalar: Neurite.Shape.Axis("log_softmax", axis, Rank));
        return y;
    }

    /// <summary>The backward pass in one kernel when the axis is the last and both tensors are contiguous rows; else null.</summary>
    static Tensor? FusedRowsBackward(Tensor y, Tensor g, int axis, bool log)
    {
        if (axis != y.Rank - 1 || !y.contiguous || !g.contiguous || y.DType != g.DType || !Neurite.Shape.Equal(y.shape, g.shape) || y.numel == 0)
            return null;
        var dx = Uninitialized(y.shape, y.DType);
        int r = y.shape[^1];
        if (y.DType == DType.Float32)
        {
            if (log) Reduce.LogSoftmaxBackwardRows(y.Span<float>(), g.Span<float>(), r, dx.Span<float>());
            else Reduce.SoftmaxBackwardRows(y.Span<float>(), g.Span<float>(), r, dx.Span<float>());
        }
        else
        {
            if (log) Reduce.LogSoftmaxBackwardRows(y.Span<double>(), g.Span<double>(), r, dx.Span<double>());
            else Reduce.SoftmaxBackwardRows(y.Span<double>(), g.Span<double>(), r, dx.Span<double>());
        }
        return dx;
    }

    Tensor SoftmaxRaw(int axis, bool log)
    {
        string op = log ? "log_softmax" : "softmax";
        RequireFloat(op, this);
        int a = Neurite.Shape.Axis(op, axis, Rank);
        // Rows along the last axis are contiguous; another axis is moved last, computed, moved back.
        var rows = (a == Rank - 1 ? Detach() : Detach().Transpose(a, -1)).Contiguous();
        var y = Uninitialized(rows.shape, DType);
        int r = rows.shape[^1];
        if (DType == DType.Float32)
        {
            if (log) Reduce.LogSoftmaxRows(rows.Span<float>(), r, y.Span<float>());
            else Reduce.SoftmaxRows(rows.Span<float>(), r, y.Span<float>());
        }
        else
        {
            if (log) Reduce.LogSoftmaxRows(rows.Span<double>(), r, y.Span<double>());
            else Reduce.SoftmaxRows(rows.Span<double>(), r, y.Span<double>());
        }
        return a == Rank - 1 ? y : y.Transpose(a, -1);
    }
}
