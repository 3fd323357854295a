namespace Neurite;

/// <summary>Computes the gradients of a node's inputs from the gradient of its output, and passes
/// them on with <see cref="Node.Flow"/>.</summary>
internal delegate void BackwardFn(Node node, Tensor grad);

/// <summary>Like <see cref="BackwardFn"/>, with the typed state the op recorded for its backward.</summary>
internal delegate void BackwardFn<TState>(Node node, TState state, Tensor grad);

/// <summary>Backward of an op with several outputs: <paramref name="grads"/>[k] is the gradient of output k,
/// or null when output k was not used by anything backward reached.</summary>
internal delegate void MultiBackwardFn<TState>(Node node, TState state, Tensor?[] grads);

/// <summary>
/// One recorded op in the computation graph: its inputs, what its backward needs, and the
/// function that turns the gradients of its outputs into the inputs' gradients.
/// </summary>
/// <remarks>
/// Ops record a node with a <c>static</c> lambda and put what backward needs into
/// <see cref="Saved"/>, <see cref="Scalar"/> or a typed state (<see cref="Node{TState}"/>), held in the node
/// itself, so recording allocates one object and backward needs no cast. An op may have several outputs
/// (<see cref="MultiOutputNode{TState}"/>: a recurrent layer's outputs and final state); each output tensor knows
/// its index, and the node keeps one gradient slot per output. After <see cref="Tensor.Backward"/> the node
/// drops its inputs and saved tensors (unless the graph is retained), so the memory of the forward pass is
/// released.
/// </remarks>
public abstract class Node
{
    internal Tensor? A, B;                 // the inputs of unary and binary ops
    internal Tensor[]? Inputs;             // the inputs of n-ary ops (concat, stack)
    internal Tensor? Saved;                // a tensor backward needs besides the inputs (e.g. the output)
    internal double Scalar;                // a constant backward needs (e.g. an exponent)
    internal Tensor? GradAccum;            // the gradient of output 0, summed over its uses
    internal Tensor?[]? OutputGrads;       // ops with several outputs: one summed gradient per output
    internal int Stamp;                    // marks the node as visited by the current backward pass

    private protected Node(string op, int outputs)
    {
        Op = op;
        if (outputs > 1) OutputGrads = new Tensor?[outputs];
    }

    /// <summary>The op that produced this node's output, e.g. <c>"matmul"</c>.</summary>
    public string Op { get; }

    /// <summary>Number of tensors the op produced.</summary>
    public int OutputCount => OutputGrads?.Length ?? 1;

    /// <summary>True once backward has run and released what it saved.</summary>
    public abstract bool IsReleased { get; }

    internal int InputCount => Inputs?.Length ?? (B is not null ? 2 : A is not null ? 1 : 0);

    internal Tensor? Input(int i) => Inputs is not null ? Inputs[i] : i == 0 ? A : B;

    /// <summary>The gradient slot of output <paramref name="output"/>.</summary>
    internal ref Tensor? GradSlot(int output) => ref OutputGrads is null ? ref GradAccum : ref OutputGrads[output];

    /// <summary>True when some output has received a gradient.</summary>
    internal bool HasGrad
    {
        get
        {
            if (OutputGrads is null) return GradAccum is not null;
            foreach (var g in OutputGrads) if (g is not null) return true;
            return false;
        }
    }

    /// <summary>Runs the op's backward on the gradients in its slots, then empties them.</summary>
    internal abstract void RunBackward();

    /// <summary>Adds <paramref name="grad"/> to the gradient of <paramref name="input"/>: into its node's slot
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
            ref var slot = ref node.GradSlot(input.OutputIndex);
            var old = slot;
            var sum = old is null ? grad : Autograd.WithoutGrad(old, grad, static (x, y) => x.Add(y));
            slot = sum;
            StoragePool.Hold(sum.data);
            if (old is not null) StoragePool.Release(old.data);
        }
        else if (input.Grad is null)
            input.Grad = grad.Clone(); // the leaf owns its gradient, so later steps may add in place
        else
            input.Grad.AddInPlace(grad);
    }

    internal virtual void Release()
    {
        A = B = Saved = null;
        Inputs = null;
        GradAccum = null;
        if (OutputGrads is not null) Array.Clear(OutputGrads);
    }

    private protected InvalidOperationException Released() => new(
        $"backward: the graph through {this} was already released by an earlier Backward(); " +
        "call the first Backward(retainGraph: true) to run backward through it twice");

    /// <summary>Takes the gradient of a single-output node out of its slot.</summary>
    private protected Tensor TakeGrad()
    {
        var g = GradAccum!;
        GradAccum = null;
        return g;
    }

    /// <summary>The op's backward name, as PyTorch's grad_fn prints: <c>&lt;MulBackward&gt;</c>.</summary>
    public override string ToString() => $"<{Op}Backward>";
}

/// <summary>Typed backward state that owns buffers nothing else references (saved gates, scratch): the node hands
/// them back to <see cref="StoragePool"/> when it releases what it saved.</summary>
internal interface IOwnsBuffers
{
    void ReleaseBuffers();
}

/// <summary>A single-output op whose backward needs only the inputs, <see cref="Node.Saved"/> and <see cref="Node.Scalar"/>.</summary>
internal sealed class PlainNode(string op, BackwardFn fn) : Node(op, 1)
{
    BackwardFn? fn = fn;

    public override bool IsReleased => fn is null;

    internal override void RunBackward() => (fn ?? throw Released())(this, TakeGrad());

    internal override void Release()
    {
        base.Release();
        fn = null;
    }
}

/// <summary>A single-output op with a typed state for its backward (shapes, indices, saved statistics).</summary>
internal sealed class Node<TState>(string op, BackwardFn<TState> fn, TState state) : Node(op, 1)
{
    BackwardFn<TState>? fn = fn;
    TState state = state;

    public override bool IsReleased => fn is null;

    internal override void RunBackward() => (fn ?? throw Released())(this, state, TakeGrad());

    internal override void Release()
    {
        base.Release();
        fn = null;
        (state as IOwnsBuffers)?.ReleaseBuffers();
        state = default!;
    }
}

/// <summary>An op with several outputs; its backward receives one gradient per output (null where unused).</summary>
internal sealed class MultiOutputNode<TState>(string op, int outputs, MultiBackwardFn<TState> fn, TState state) : Node(op, outputs)
{
    MultiBackwardFn<TState>? fn = fn;
    TState state = state;

    public override bool IsReleased => fn is null;

    internal override void RunBackward()
    {
        var f = fn ?? throw Released();
        // The backward gets its own array: the slots are emptied first, so a gradient that flows back into
        // this node (it cannot, in a DAG, but a bug would) is not lost or double-counted.
        var grads = (Tensor?[])OutputGrads!.Clone();
        Array.Clear(OutputGrads!);
        f(this, state, grads);
    }

    internal override void Release()
    {
        base.Release();
        fn = null;
        (state as IOwnsBuffers)?.ReleaseBuffers();
        state = default!;
    }
}
