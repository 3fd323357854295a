using Neurite.Kernels;

namespace Neurite;

// Matrix products. Every layout that GEMM can read in place (row-major, or transposed: a
// Transpose() view) goes to it without a copy; the transposes of backward are such views.
public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product with PyTorch's rules: 1-D·1-D is a dot product; 2-D·2-D a matrix product;
    /// a 1-D operand is treated as a row (left) or column (right) vector and that dimension removed;
    /// higher ranks are batches of matrices whose batch dimensions broadcast.
    /// </summary>
    /// <exception cref="ShapeException">The inner dimensions differ, e.g. <c>matmul: cannot multiply [32, 784] by [128, 10]</c>.</exception>
    public Tensor MatMul(Tensor other)
    {
        RequireSameDType("matmul", this, other);
        if (Rank == 0 || other.Rank == 0)
            throw new ShapeException($"matmul: both operands need at least one dimension, got {Neurite.Shape.Format(shape)} and {Neurite.Shape.Format(other.shape)}");
        if (Rank == 1 && other.Rank == 1)
        {
            CheckInner(shape[0], other.shape[0], other);
            return Unsqueeze(0).MatMul(other.Unsqueeze(1)).Reshape();
        }
        // check here, so the message names the 1-D operand as given, not its unsqueezed matrix
        if (Rank == 1) { CheckInner(shape[0], other.shape[^2], other); return Unsqueeze(0).MatMul(other).Squeeze(-2); }
        if (other.Rank == 1) { CheckInner(shape[^1], other.shape[0], other); return MatMul(other.Unsqueeze(1)).Squeeze(-1); }

        int m = shape[^2], k = shape[^1], n = other.shape[^1];
        CheckInner(k, other.shape[^2], other);
        int[] batch = Neurite.Shape.Broadcast("matmul", shape[..^2], other.shape[..^2]);
        int[] outShape = [.. batch, m, n];
        var y = Uninitialized(outShape, DType);
        MatMulInto(this, other, y, batch);
        if (Autograd.Tracks(this, other))
            Autograd.Record(y, "matmul", this, other, static (n, g) =>
            {
                // C = A·B → ∂L/∂A = G·Bᵀ, ∂L/∂B = Aᵀ·G (summed over broadcast batch dimensions)
                var (a, b) = (n.A!, n.B!);
                if (a.RequiresGrad) Node.Flow(a, g.MatMul(b.Transpose(-1, -2)).SumTo(a.shape));
                if (b.RequiresGrad) Node.Flow(b, a.Transpose(-1, -2).MatMul(g).SumTo(b.shape));
            });
        return y;
    }

    void CheckInner(int k, int otherK, Tensor other)
    {
        if (k != otherK)
            throw new ShapeException($"matmul: cannot multiply {Neurite.Shape.Format(shape)} by {Neurite.Shape.Format(other.shape)} (inner dimensions {k} and {otherK} differ)");
    }

    static unsafe void MatMulInto(Tensor a, Tensor b, Tensor c, int[] batch)
    {
        var (ta, lda, pa) = GemmOperand(a);
        var (tb, ldb, pb) = GemmOperand(b);
        int m = pa.shape[^2], k = pa.shape[^1], n = pb.shape[^1];
        int batches = Neurite.Shape.NumEl(batch);
        var sa = Neurite.Shape.BroadcastStrides(pa.shape[..^2], pa.strides[..^2], batch);
        var sb = Neurite.Shape.BroadcastStrides(pb.shape[..^2], pb.strides[..^2], batch);
        var index = new int[batch.Length];
        for (int i = 0; i < batches; i++)
        {
            int oa = pa.offset, ob = pb.offset;
            for (int d = 0; d < batch.Length; d++) { oa += index[d] * sa[d]; ob += index[d] * sb[d]; }
            int oc = i * m * n;
            if (a.DType == DType.Float32)
                fixed (float* pA = pa.Storage<float>(), pB = pb.Storage<float>(), pC = c.Storage<float>())
                    Gemm.Sgemm(ta, tb, m, n, k, 1f, pA + oa, lda, pB + ob, ldb, 0f, pC + oc, n);
            else
                fixed (double* pA = pa.Storage<double>(), pB = pb.Storage<double>(), pC = c.Storage<double>())
                    Gemm.Dgemm(ta, tb, m, n, k, 1.0, pA + oa, lda, pB + ob, ldb, 0.0, pC + oc, n);
            for (int d = batch.Length - 1; d >= 0 && ++index[d] == batch[d]; d--) index[d] = 0;
        }
    }

    /// <summary>How GEMM reads the last two dimensions of <paramref name="t"/>: row-major with row stride
    /// ld, or transposed (column-major) with column stride ld. Other layouts are copied first.</summary>
    static (bool trans, int ld, Tensor t) GemmOperand(Tensor t)
    {
        int rows = t.shape[^2], cols = t.shape[^1];
        int s0 = t.strides[^2], s1 = t.strides[^1];
        if (s1 == 1 || cols == 1)
        {
            int ld = rows == 1 ? cols : s0;
            if (ld >= cols) return (false, ld, t);
        }
        if (s0 == 1 || rows == 1)
        {
            int ld = cols == 1 ? rows : s1;
            if (ld >= rows) return (true, ld, t);
        }
        var c = t.Detach().Contiguous();
        return (false, cols, c);
    }
}
