using Neurite.Kernels;

namespace Neurite;

// NOTE: the affine map of a Linear layer is one primitive, not MatMul(x, Wᵀ) + b: the bias is written
// into the output first and GEMM accumulates onto it (β = 1), and backward produces ∂L/∂W directly in
// W's own [out, in] layout (Gᵀ·X), with no transposed view of W in the graph.
public sealed partial class Tensor
{
    /// <summary>
    /// y = x·Wᵀ + b (PyTorch's <c>F.linear</c>) for x [*, in], W [out, in], b [out] (or null) → y [*, out].
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        RequireSameDType("linear", x, weight);
        if (weight.Rank != 2 || x.Rank == 0 || x.shape[^1] != weight.shape[1])
            throw new ShapeException($"linear: input {Neurite.Shape.Format(x.shape)} does not fit weight {Neurite.Shape.Format(weight.shape)} (expects [*, {(weight.Rank == 2 ? weight.shape[1] : -1)}])");
        int outF = weight.shape[0], inF = weight.shape[1];
        if (bias is not null)
        {
            RequireSameDType("linear", x, bias);
            if (bias.Rank != 1 || bias.shape[0] != outF)
                throw new ShapeException($"linear: bias {Neurite.Shape.Format(bias.shape)} does not fit weight {Neurite.Shape.Format(weight.shape)} (expects [{outF}])");
        }
        var x2 = x.Rank == 2 ? x : x.Detach().Reshape(-1, inF);
        int n = x2.shape[0];
        var y = Uninitialized([n, outF], x.DType);
        LinearInto(x2, weight, bias, y);
        var result = x.Rank == 2 ? y : y.Detach().Reshape([.. x.shape[..^1], outF]);
        if (Autograd.Tracks(x, weight) || bias is not null && Autograd.Tracks(bias))
        {
            var inputs = bias is null ? new[] { x, weight } : new[] { x, weight, bias };
            Autograd.Record(result, "linear", inputs, static (node, g) =>
            {
                // y = x·Wᵀ + b → ∂L/∂x = G·W, ∂L/∂W = Gᵀ·x, ∂L/∂b = Σ_rows G
                var (x, w) = (node.Inputs![0], node.Inputs[1]);
                int outF = w.shape[0], inF = w.shape[1];
                var g2 = g.Rank == 2 ? g : g.Reshape(-1, outF);
                if (x.RequiresGrad) Node.Flow(x, g2.MatMul(w).Reshape(x.shape));
                if (w.RequiresGrad) Node.Flow(w, g2.T.MatMul(x.Rank == 2 ? x : x.Reshape(-1, inF)));
                if (node.Inputs.Length == 3 && node.Inputs[2].RequiresGrad) Node.Flow(node.Inputs[2], g2.Sum(0));
            });
        }
        return result;
    }

    static unsafe void LinearInto(Tensor x, Tensor w, Tensor? bias, Tensor y)
    {
        int n = x.shape[0], inF = w.shape[1], outF = w.shape[0];
        var (tx, ldx, px) = GemmOperand(x);
        var (tw, ldw, pw) = GemmOperand(w);
        // op(B) must be Wᵀ: W stored row-major [out, in] is read transposed; a transposed W view is read plain.
        bool transB = !tw;
        float beta = 0;
        if (bias is not null && n > 0)
        {
            var b = bias.Contiguous();
            if (y.DType == DType.Float32) { var row = b.Span<float>(); var dst = y.Span<float>(); for (int i = 0; i < n; i++) row.CopyTo(dst.Slice(i * outF, outF)); }
            else { var row = b.Span<double>(); var dst = y.Span<double>(); for (int i = 0; i < n; i++) row.CopyTo(dst.Slice(i * outF, outF)); }
            beta = 1;
        }
        if (y.DType == DType.Float32)
            fixed (float* pX = px.Storage<float>(), pW = pw.Storage<float>(), pY = y.Storage<float>())
                Gemm.Sgemm(tx, transB, n, outF, inF, 1f, pX + px.offset, ldx, pW + pw.offset, ldw, beta, pY, outF);
        else
            fixed (double* pX = px.Storage<double>(), pW = pw.Storage<double>(), pY = y.Storage<double>())
                Gemm.Dgemm(tx, transB, n, outF, inF, 1.0, pX + px.offset, ldx, pW + pw.offset, ldw, beta, pY, outF);
    }
}
