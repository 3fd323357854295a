using System.Runtime.CompilerServices;

namespace Neurite;

/// <summary>Switches for the autograd engine: whether ops are recorded.</summary>
public static class Autograd
{
    [ThreadStatic] static int noGradDepth;

    /// <summary>True when ops on this thread record the graph (outside every <see cref="NoGrad"/> scope).</summary>
    public static bool IsEnabled => noGradDepth == 0;

    /// <summary>
    /// A scope in which no op is recorded, for inference and optimiser updates:
    /// <code>using (Autograd.NoGrad()) { var y = model.Forward(x); }</code>
    /// </summary>
    public static NoGradScope NoGrad()
    {
        noGradDepth++;
        return new NoGradScope();
    }

    /// <summary>Ends a <see cref="NoGrad"/> scope when disposed.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <summary>Ends the scope: gradient recording resumes unless an outer <see cref="NoGrad"/> scope is still open.</summary>
        public void Dispose() => noGradDepth--;
    }

    internal static Tensor WithoutGrad(Tensor a, Tensor b, Func<Tensor, Tensor, Tensor> f)
    {
        noGradDepth++;
        try { return f(a, b); }
        finally { noGradDepth--; }
    }

    /// <summary>True when an op on <paramref name="a"/> must be recorded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Tracks(Tensor a) => a.RequiresGrad && noGradDepth == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Tracks(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && noGradDepth == 0;

    internal static bool Tracks(Tensor[] inputs)
    {
        if (noGradDepth != 0) return false;
        foreach (var t in inputs) if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>Records a unary op: <paramref name="output"/> = op(<paramref name="input"/>).</summary>
    internal static Node Record(Tensor output, string op, Tensor input, BackwardFn backward, Tensor? saved = null, double scalar = 0)
        => Mark(output, new PlainNode(op, backward) { A = input, Saved = saved, Scalar = scalar });

    /// <summary>Records a unary op whose backward needs <paramref name="state"/>.</summary>
    internal static Node Record<TState>(Tensor output, string op, Tensor input, BackwardFn<TState> backward, TState state, Tensor? saved = null, double scalar = 0)
        => Mark(output, new Node<TState>(op, backward, state) { A = input, Saved = saved, Scalar = scalar });

    /// <summary>Records a binary op: <paramref name="output"/> = op(<paramref name="a"/>, <paramref name="b"/>).</summary>
    internal static Node Record(Tensor output, string op, Tensor a, Tensor b, BackwardFn backward, Tensor? saved = null, double scalar = 0)
        => Mark(output, new PlainNode(op, backward) { A = a, B = b, Saved = saved, Scalar = scalar });

    /// <summary>Records a binary op whose backward needs <paramref name="state"/>.</summary>
    internal static Node Record<TState>(Tensor output, string op, Tensor a, Tensor b, BackwardFn<TState> backward, TState state, Tensor? saved = null, double scalar = 0)
        => Mark(output, new Node<TState>(op, backward, state) { A = a, B = b, Saved = saved, Scalar = scalar });

    /// <summary>Records an n-ary op.</summary>
    internal static Node Record(Tensor output, string op, Tensor[] inputs, BackwardFn backward)
        => Mark(output, new PlainNode(op, backward) { Inputs = inputs });

    /// <summary>Records an n-ary op whose backward needs <paramref name="state"/>.</summary>
    internal static Node Record<TState>(Tensor output, string op, Tensor[] inputs, BackwardFn<TState> backward, TState state)
        => Mark(output, new Node<TState>(op, backward, state) { Inputs = inputs });

    /// <summary>
    /// Records an op with several outputs (a recurrent layer's outputs and final state): <paramref name="outputs"/>[k]
    /// becomes output k of one node, and backward receives each output's gradient, or null for an output nothing used.
    /// </summary>
    internal static Node RecordMulti<TState>(Tensor[] outputs, string op, Tensor[] inputs, MultiBackwardFn<TState> backward, TState state)
    {
        var node = new MultiOutputNode<TState>(op, outputs.Length, backward, state) { Inputs = inputs };
        for (int k = 0; k < outputs.Length; k++) outputs[k].MarkNonLeaf(node, k);
        return node;
    }

    static Node Mark(Tensor output, Node node)
    {
        output.MarkNonLeaf(node, 0);
        return node;
    }
}
