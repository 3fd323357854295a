namespace Neurite;

public sealed partial class Tensor
{
    [ThreadStatic] static List<Node>? order;
    [ThreadStatic] static Stack<(Node node, int next)>? pending;
    static int stampCounter;

    /// <summary>
    /// Computes the gradient of this tensor with respect to every leaf that requires grad, and adds it
    /// to their <see cref="Grad"/>. Walks the graph in reverse topological order.
    /// </summary>
    /// <param name="gradient">∂L/∂this, of this tensor's shape; may be omitted only for a one-element tensor (then 1).</param>
    /// <param name="retainGraph">Keep what the graph saved so backward can run through it again.</param>
    /// <exception cref="InvalidOperationException">This tensor does not require grad, the graph was already
    /// released by an earlier backward, or the tensor is not a scalar and no gradient was given.</exception>
    public void Backward(Tensor? gradient = null, bool retainGraph = false)
    {
        if (!RequiresGrad)
            throw new InvalidOperationException("backward: this tensor does not require grad and has no grad_fn; set RequiresGrad on an input");
        if (gradient is null)
        {
            if (numel != 1)
                throw new InvalidOperationException($"backward: a gradient can be created implicitly only for one-element outputs, got shape {Neurite.Shape.Format(shape)}; pass the upstream gradient");
            gradient = Ones(shape, DType);
        }
        else
        {
            if (!Neurite.Shape.Equal(gradient.shape, shape))
                throw new ShapeException($"backward: gradient of shape {Neurite.Shape.Format(gradient.shape)} does not match the output's shape {Neurite.Shape.Format(shape)}");
            if (gradient.DType != DType)
                throw new ArgumentException($"backward: gradient is {gradient.DType.Name()} but the output is {DType.Name()}");
        }
        if (GradFn is not { } root)
        {
            Node.Flow(this, gradient);
            return;
        }
        if (root.IsReleased) throw GraphReleased(root);

        var nodes = TopologicalOrder(root);
        root.GradSlot(OutputIndex) = gradient;
        bool recycling = StoragePool.BeginPass();
        try
        {
            using (Autograd.NoGrad())
            {
                // Post-order lists inputs before their users, so walking it backwards visits every
                // node after all the nodes that feed gradient into it.
                for (int i = nodes.Count - 1; i >= 0; i--)
                {
                    var node = nodes[i];
                    if (node.HasGrad)
                    {
                        if (node.IsReleased) throw GraphReleased(node);
                        if (recycling) ReleaseToPool(node);
                        node.RunBackward();
                    }
                    if (!retainGraph) node.Release();
                    // fn has returned: gradients no accumulator holds any more can be reused.
                    if (recycling) StoragePool.Settle();
                }
            }
        }
        finally
        {
            if (recycling) StoragePool.EndPass();
            nodes.Clear();
        }
    }

    /// <summary>The node's gradients are about to be consumed: their storage may be reused once backward has run.</summary>
    static void ReleaseToPool(Node node)
    {
        if (node.OutputGrads is null) StoragePool.Release(node.GradAccum!.data);
        else foreach (var g in node.OutputGrads) if (g is not null) StoragePool.Release(g.data);
    }

    static InvalidOperationException GraphReleased(Node node) => new(
        $"backward: the graph through {node} was already released by an earlier Backward(); " +
        "call the first Backward(retainGraph: true) to run backward through it twice");

    /// <summary>Nodes reachable from <paramref name="root"/>, each after the nodes it depends on.</summary>
    static List<Node> TopologicalOrder(Node root)
    {
        var result = order ??= new List<Node>();
        var stack = pending ??= new Stack<(Node, int)>();
        result.Clear();
        int stamp = Interlocked.Increment(ref stampCounter);
        root.Stamp = stamp;
        stack.Push((root, 0));
        // Iterative depth-first search: long graphs (an RNN unrolled over many steps) must not
        // overflow the call stack.
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            int count = node.InputCount;
            bool descended = false;
            for (int i = next; i < count; i++)
            {
                if (node.Input(i)?.GradFn is { } child && child.Stamp != stamp)
                {
                    child.Stamp = stamp;
                    stack.Push((node, i + 1));
                    stack.Push((child, 0));
                    descended = true;
                    break;
                }
            }
            if (!descended) result.Add(node);
        }
        return result;
    }

    /// <summary>A tensor sharing this one's storage, cut from the graph (no grad).</summary>
    public Tensor Detach() => new(data, DType, shape, strides, offset);
}
