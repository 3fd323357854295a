using Neurite.Kernels;

namespace Neurite;

// Views: new shape and strides over the same storage, no copy. Backward maps the gradient back
// through the inverse view.
public sealed partial class Tensor
{
    Tensor View(int[] newShape, int[] newStrides, int newOffset) => new(data, DType, newShape, newStrides, newOffset);

    /// <summary>A second tensor over the same storage, shape and strides, with no graph: ops that only mark a point in
    /// the graph (hooks) record their own node on it.</summary>
    internal Tensor Alias() => View(shape, strides, offset);

    /// <summary>The same elements in a new shape; one dimension may be −1 (inferred). A view when the
    /// data is contiguous, a copy otherwise.</summary>
    public Tensor Reshape(params int[] newShape)
    {
        int[] target = InferShape("reshape", newShape);
        if (Neurite.Shape.Equal(target, shape)) return this;
        var src = Contiguous();
        var y = src.View(target, Neurite.Shape.ContiguousStrides(target), src.offset);
        if (Autograd.Tracks(src))
            Autograd.Record(y, "reshape", src, static (n, g) => Node.Flow(n.A!, g.Reshape(n.A!.shape)));
        return y;
    }

    /// <summary>Same as <see cref="Reshape"/>.</summary>
    public Tensor View(params int[] newShape) => Reshape(newShape);

    int[] InferShape(string op, int[] requested)
    {
        var target = (int[])requested.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == -1)
            {
                if (infer >= 0) throw new ShapeException($"{op}: only one dimension can be -1, got {Neurite.Shape.Format(requested)}");
                infer = i;
            }
            else if (target[i] < 0) throw new ShapeException($"{op}: invalid dimension {target[i]} in {Neurite.Shape.Format(requested)}");
            else known *= target[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || numel % known != 0)
                throw new ShapeException($"{op}: cannot reshape {Neurite.Shape.Format(shape)} ({numel} elements) into {Neurite.Shape.Format(requested)}");
            target[infer] = (int)(numel / known);
        }
        else if (known != numel)
            throw new ShapeException($"{op}: cannot reshape {Neurite.Shape.Format(shape)} ({numel} elements) into {Neurite.Shape.Format(requested)} ({known} elements)");
        return target;
    }

    /// <summary>Flattens dimensions <paramref name="startDim"/>..<paramref name="endDim"/> into one.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Rank == 0) return Reshape(1);
        int s = Neurite.Shape.Axis("flatten", startDim, Rank), e = Neurite.Shape.Axis("flatten", endDim, Rank);
        if (s > e) throw new ArgumentException($"flatten: start dim {startDim} comes after end dim {endDim}");
        var target = new List<int>();
        for (int i = 0; i < s; i++) target.Add(shape[i]);
        int merged = 1;
        for (int i = s; i <= e; i++) merged *= shape[i];
        target.Add(merged);
        for (int i = e + 1; i < Rank; i++) target.Add(shape[i]);
        return Reshape(target.ToArray());
    }

    /// <summary>Swaps two dimensions (a view).</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int a = Neurite.Shape.Axis("transpose", dim0, Rank), b = Neurite.Shape.Axis("transpose", dim1, Rank);
        var perm = new int[Rank];
        for (int i = 0; i < Rank; i++) perm[i] = i;
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(perm);
    }

    /// <summary>The transpose of a matrix (rank ≤ 2).</summary>
    public Tensor T
    {
        get
        {
            if (Rank > 2) throw new ShapeException($"T: expects a tensor of rank ≤ 2, got {Neurite.Shape.Format(shape)}; use Transpose or Permute");
            return Rank < 2 ? this : Transpose(0, 1);
        }
    }

    /// <summary>Reorders the dimensions (a view): result dimension i is this tensor's dimension dims[i].</summary>
    public Tensor Permute(params int[] dims)
    {
        if (dims.Length != Rank)
            throw new ShapeException($"permute: {dims.Length} dimensions given for a tensor of shape {Neurite.Shape.Format(shape)}");
        var seen = new bool[Rank];
        var newShape = new int[Rank];
        var newStrides = new int[Rank];
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int d = Neurite.Shape.Axis("permute", dims[i], Rank);
            if (seen[d]) throw new ArgumentException($"permute: dimension {dims[i]} repeats in [{string.Join(", ", dims)}]");
            seen[d] = true;
            newShape[i] = shape[d];
            newStrides[i] = strides[d];
            inverse[d] = i;
        }
        var y = View(newShape, newStrides, offset);
        if (Autograd.Tracks(this))
            Autograd.Record(y, "permute", this, static (n, inverse, g) => Node.Flow(n.A!, g.Permute(inverse)), inverse);
        return y;
    }

    /// <summary>Elements start..start+length−1 of dimension <paramref name="dim"/> (a view).</summary>
    public Tensor Narrow(int dim, int start, int length) => Slice(dim, start, start + length);

    /// <summary>Elements start, start+step, … below end of dimension <paramref name="dim"/> (a view),
    /// like Python's <c>x[..., start:end:step]</c>. Negative start/end count from the end.</summary>
    public Tensor Slice(int dim, int start, int end, int step = 1)
    {
        int d = Neurite.Shape.Axis("slice", dim, Rank);
        int size = shape[d];
        if (start < 0) start += size;
        if (end < 0) end += size;
        if (step <= 0) throw new ArgumentException($"slice: step must be positive, got {step}");
        if (start < 0 || start > size || end < start || end > size)
            throw new ArgumentOutOfRangeException(nameof(start), $"slice: range {start}..{end} is out of bounds for dimension {d} of size {size} (shape {Neurite.Shape.Format(shape)})");
        var newShape = (int[])shape.Clone();
        var newStrides = (int[])strides.Clone();
        newShape[d] = (end - start + step - 1) / step;
        newStrides[d] = strides[d] * step;
        var y = View(newShape, newStrides, offset + (newShape[d] == 0 ? 0 : start * strides[d]));
        if (Autograd.Tracks(this))
            Autograd.Record(y, "slice", this, static (n, st, g) =>
            {
                var (d, start, end, step) = st;
                var full = ZerosLike(n.A!);
                full.Slice(d, start, end, step).CopyFromUnrecorded(g);
                Node.Flow(n.A!, full);
            }, (d, start, end, step));
        return y;
    }

    /// <summary>Index <paramref name="index"/> of dimension <paramref name="dim"/>, with that dimension removed (a view).</summary>
    public Tensor Select(int dim, int index)
    {
        int d = Neurite.Shape.Axis("select", dim, Rank);
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d])
            throw new ArgumentOutOfRangeException(nameof(index), $"select: index {index} is out of range for dimension {d} of size {shape[d]}");
        return Narrow(d, i, 1).Squeeze(d);
    }

    /// <summary>Repeats size-1 dimensions (and adds leading ones) to reach <paramref name="target"/>
    /// without copying (stride 0). −1 keeps a dimension.</summary>
    public Tensor Expand(params int[] target)
    {
        if (target.Length < Rank)
            throw new ShapeException($"expand: cannot expand {Neurite.Shape.Format(shape)} to fewer dimensions {Neurite.Shape.Format(target)}");
        int lead = target.Length - Rank;
        var newShape = new int[target.Length];
        var newStrides = new int[target.Length];
        for (int i = 0; i < target.Length; i++)
        {
            int own = i < lead ? 1 : shape[i - lead];
            int want = target[i] == -1 && i >= lead ? own : target[i];
            if (want < 0)
                throw new ShapeException($"expand: invalid size {target[i]} in {Neurite.Shape.Format(target)} for {Neurite.Shape.Format(shape)} (-1 only keeps an existing dimension)");
            if (own != want && own != 1)
                throw new ShapeException($"expand: cannot expand {Neurite.Shape.Format(shape)} to {Neurite.Shape.Format(target)} (dimension {i}: {own} is not 1)");
            newShape[i] = want;
            newStrides[i] = i < lead || own != want ? 0 : strides[i - lead];
        }
        var y = View(newShape, newStrides, offset);
        if (Autograd.Tracks(this))
            Autograd.Record(y, "expand", this, static (n, g) => Node.Flow(n.A!, g.SumTo(n.A!.shape)));
        return y;
    }

    /// <summary>Removes size-1 dimensions (all, or just <paramref name="dim"/>).</summary>
    public Tensor Squeeze(int? dim = null)
    {
        int d = dim is { } v ? Neurite.Shape.Axis("squeeze", v, Rank) : -1;
        var newShape = new List<int>(Rank);
        var newStrides = new List<int>(Rank);
        for (int i = 0; i < Rank; i++)
        {
            if (shape[i] == 1 && (d < 0 || i == d)) continue;
            newShape.Add(shape[i]);
            newStrides.Add(strides[i]);
        }
        if (newShape.Count == Rank) return this;
        return ShapeView(newShape.ToArray(), newStrides.ToArray(), "squeeze");
    }

    /// <summary>Inserts a size-1 dimension at <paramref name="dim"/> (−1 appends).</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = Neurite.Shape.Axis("unsqueeze", dim, Rank + 1);
        var newShape = new List<int>(shape);
        var newStrides = new List<int>(strides);
        newShape.Insert(d, 1);
        newStrides.Insert(d, d < Rank ? strides[d] * shape[d] : 1);
        return ShapeView(newShape.ToArray(), newStrides.ToArray(), "unsqueeze");
    }

    /// <summary>A view that only adds or removes size-1 dimensions; its gradient is reshaped back.</summary>
    Tensor ShapeView(int[] newShape, int[] newStrides, string op)
    {
        var y = View(newShape, newStrides, offset);
        if (Autograd.Tracks(this))
            Autograd.Record(y, op, this, static (n, g) => Node.Flow(n.A!, g.Reshape(n.A!.shape)));
        return y;
    }

    /// <summary>Writes <paramref name="source"/> (broadcast) into this view, unrecorded.</summary>
    internal void CopyFromUnrecorded(Tensor source)
    {
        var src = Neurite.Shape.Equal(source.shape, shape) ? source : source.Expand(shape);
        switch (DType)
        {
            case DType.Float32: StridedCopy.Copy(src.Storage<float>(), src.Layout, Storage<float>(), Layout); break;
            case DType.Float64: StridedCopy.Copy(src.Storage<double>(), src.Layout, Storage<double>(), Layout); break;
            default: StridedCopy.Copy(src.Storage<long>(), src.Layout, Storage<long>(), Layout); break;
        }
    }
}
