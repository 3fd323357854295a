namespace Neurite;

/// <summary>Computes the gradients of a node's inputs from the gradient of its output, and passes
/// them on with <see cref="Node.Flow"/>.</summary>
internal delegate void BackwardFn(Node node, Tensor grad);

/// <summary>
/// One recorded op in the computation graph: its inputs, what its backward needs, and the
/// function that turns the output's gradient into the inputs' gradients.
/// </summary>
/// <remarks>
/// Ops record a node with a <c>static</c> lambda and put what backward needs into
/// <see cref="Saved"/>, <see cref="Scalar"/> or <see cref="State"/>, so recording allocates one
/// object. After <see cref="Tensor.Backward"/> the node drops its inputs and saved tensors (unless
/// the graph is retained), so the memory of the forward pass is released.
/// </remarks>
public sealed class Node
{
    internal Tensor? A, B;                 // the inputs of unary and binary ops
    internal Tensor[]? Inputs;             // the inputs of n-ary ops (concat, stack)
    internal Tensor? Saved;                // a tensor backward needs besides the inputs (e.g. the output)
    internal double Scalar;                // a constant backward needs (e.g. an exponent)
    internal object? State;                // anything else backward needs (shapes, indices)
    internal BackwardFn? Fn;
    internal Tensor? GradAccum;            // the output's gradient, summed over its uses
    internal int Stamp;                    // marks the node as visited by the current backward pass

    internal Node(string op, BackwardFn fn)
    {
        Op = op;
        Fn = fn;
    }

    /// <summary>The op that produced this node's output, e.g. <c>"matmul"</c>.</summary>
    public string Op { get; }

    /// <summary>True once backward has run and released what it saved.</summary>
    public bool IsReleased => Fn is null;

    internal int InputCount => Inputs?.Length ?? (B is not null ? 2 : A is not null ? 1 : 0);

    internal Tensor? Input(int i) => Inputs is not null ? Inputs[i] : i == 0 ? A : B;

    /// <summary>Adds <paramref name="grad"/> to the gradient of <paramref name="input"/>: into its node
    /// when it was computed, into <see cref="Tensor.Grad"/> when it is a leaf.</summary>
    internal static void Flow(Tensor input, Tensor grad)
    {
        if (!input.RequiresGrad) return;
        if (!Shape.Equal(input.shape, grad.shape))
            throw new InvalidOperationException($"internal: gradient of shape {Shape.Format(grad.shape)} for a tensor of shape {Shape.Format(input.shape)}");
        if (input.GradFn is { } node)
        {
            // The first gradient is kept by reference; later ones make a new sum, so a tensor
            // handed to several inputs (as add's backward does) is never modified in place.
            var old = node.GradAccum;
            node.GradAccum = old is null ? grad : Autograd.WithoutGrad(old, grad, static (x, y) => x.Add(y));
            StoragePool.Hold(node.GradAccum.data);
            if (old is not null) StoragePool.Release(old.data);
        }
        else if (input.Grad is null)
            input.Grad = grad.Clone(); // the leaf owns its gradient, so later steps may add in place
        else
            input.Grad.AddInPlace(grad);
    }

    internal void Release()
    {
        A = B = Saved = null;
        Inputs = null;
        State = null;
        Fn = null;
        GradAccum = null;
    }

    public override string ToString() => $"<{Op}Backward>";
}
