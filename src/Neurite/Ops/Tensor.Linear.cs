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
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null) => Affine("linear", x, weight, bias, relu: false);

    /// <summary>
    /// ReLU(x·Wᵀ + b) as one op: the bias and the ReLU are applied to each GEMM tile while it is in cache, and no
    /// pre-activation tensor is made. <see cref="Nn.Linear"/> uses it for its ReLU activation (also when
    /// <see cref="Nn.Sequential"/> hands it a following <see cref="Nn.ReLU"/>); the result equals <c>Linear(x, weight, bias).Relu()</c>.
    /// </summary>
    internal static Tensor LinearRelu(Tensor x, Tensor weight, Tensor? bias) => Affine("linear_relu", x, weight, bias, relu: true);

    static Tensor Affine(string op, Tensor x, Tensor weight, Tensor? bias, bool relu)
    {
        RequireSameDType(op, x, weight);
        if (weight.Rank != 2 || x.Rank == 0 || x.shape[^1] != weight.shape[1])
            throw new ShapeException($"{op}: input {Neurite.Shape.Format(x.shape)} does not fit weight {Neurite.Shape.Format(weight.shape)} (expects [*, {(weight.Rank == 2 ? weight.shape[1] : -1)}])");
        int outF = weight.shape[0], inF = weight.shape[1];
        if (bias is not null)
        {
            RequireSameDType(op, x, bias);
            if (bias.Rank != 1 || bias.shape[0] != outF)
                throw new ShapeException($"{op}: bias {Neurite.Shape.Format(bias.shape)} does not fit weight {Neurite.Shape.Format(weight.shape)} (expects [{outF}])");
        }
        var x2 = x.Rank == 2 ? x : x.Detach().Reshape(-1, inF);
        int n = x2.shape[0];
        var y = Uninitialized([n, outF], x.DType);
        LinearInto(x2, weight, bias, y, relu);
        var result = x.Rank == 2 ? y : y.Detach().Reshape([.. x.shape[..^1], outF]);
        if (Autograd.Tracks(x, weight) || bias is not null && Autograd.Tracks(bias))
        {
            var inputs = bias is null ? new[] { x, weight } : new[] { x, weight, bias };
            // linear_relu keeps its output: ReLU's gradient mask is y > 0, which equals pre-activation > 0.
            if (relu)
                Autograd.Record(result, op, inputs, static (node, g) => LinearBackward(node, ReluGrad(node.Saved!, g, "linear_relu"))).Saved = result;
            else
                Autograd.Record(result, op, inputs, static (node, g) => LinearBackward(node, g));
        }
        return result;
    }

    // y = x·Wᵀ + b → ∂L/∂x = G·W, ∂L/∂W = Gᵀ·x, ∂L/∂b = Σ_rows G
    static void LinearBackward(Node node, Tensor g)
    {
        var (x, w) = (node.Inputs![0], node.Inputs[1]);
        int outF = w.shape[0], inF = w.shape[1];
        var g2 = g.Rank == 2 ? g : g.Reshape(-1, outF);
        if (x.RequiresGrad) Node.Flow(x, g2.MatMul(w).Reshape(x.shape));
        if (w.RequiresGrad) Node.Flow(w, g2.T.MatMul(x.Rank == 2 ? x : x.Reshape(-1, inF)));
        if (node.Inputs.Length == 3 && node.Inputs[2].RequiresGrad) Node.Flow(node.Inputs[2], g2.Sum(0));
    }

    static unsafe void LinearInto(Tensor x, Tensor w, Tensor? bias, Tensor y, bool relu)
    {
        int n = x.shape[0], inF = w.shape[1], outF = w.shape[0];
        var (tx, ldx, px) = GemmOperand(x);
        var (tw, ldw, pw) = GemmOperand(w);
        // op(B) must be Wᵀ: W stored row-major [out, in] is read transposed; a transposed W view is read plain.
        bool transB = !tw;
        if (y.DType == DType.Float32)
        {
            // float32: the bias (and ReLU) are added to each tile of the product while it is in cache.
            var b = bias?.Contiguous();
            fixed (float* pX = px.Storage<float>(), pW = pw.Storage<float>(), pY = y.Storage<float>(), pB = b is null ? default : b.Storage<float>())
                Gemm.SgemmBiasRelu(tx, transB, n, outF, inF, pX + px.offset, ldx, pW + pw.offset, ldw, pY, outF, b is null ? null : pB + b.offset, relu);
            return;
        }
        double beta = 0;
        if (bias is not null && n > 0)
        {
            var b = bias.Contiguous();
            if (y.DType == DType.Float32) { var row = b.Span<float>(); var dst = y.Span<float>(); for (int i = 0; i < n; i++) row.CopyTo(dst.Slice(i * outF, outF)); }
            else { var row = b.Span<double>(); var dst = y.Span<double>(); for (int i = 0; i < n; i++) row.CopyTo(dst.Slice(i * outF, outF)); }
            beta = 1;
        }
        fixed (double* pX = px.Storage<double>(), pW = pw.Storage<double>(), pY = y.Storage<double>())
            Gemm.Dgemm(tx, transB, n, outF, inF, 1.0, pX + px.offset, ldx, pW + pw.offset, ldw, beta, pY, outF);
        if (relu) new Kernels.Operators.ReluOp().Invoke<double>(y.Span<double>(), y.Span<double>());
    }
}
