namespace Neurite;

// Joining and splitting along an axis. Split and chunk are narrows (views); concat copies once.
public sealed partial class Tensor
{
    /// <summary>Joins tensors along an existing dimension; all other dimensions must match.</summary>
    public static Tensor Concat(Tensor[] tensors, int dim = 0)
    {
        if (tensors.Length == 0) throw new ArgumentException("concat: expects at least one tensor");
        var first = tensors[0];
        int d = Neurite.Shape.Axis("concat", dim, first.Rank);
        int total = 0;
        foreach (var t in tensors)
        {
            if (t.DType != first.DType)
                throw new ArgumentException($"concat: dtype mismatch, {first.DType.Name()} and {t.DType.Name()}");
            bool fits = t.Rank == first.Rank;
            for (int i = 0; fits && i < t.Rank; i++) fits = i == d || t.shape[i] == first.shape[i];
            if (!fits)
                throw new ShapeException($"concat: shapes {Neurite.Shape.Format(first.shape)} and {Neurite.Shape.Format(t.shape)} differ outside dimension {d}");
            total += t.shape[d];
        }
        var outShape = (int[])first.shape.Clone();
        outShape[d] = total;
        var y = Uninitialized(outShape, first.DType);
        int at = 0;
        var sizes = new int[tensors.Length];
        for (int i = 0; i < tensors.Length; i++)
        {
            sizes[i] = tensors[i].shape[d];
            y.Detach().Narrow(d, at, sizes[i]).CopyFromUnrecorded(tensors[i]);
            at += sizes[i];
        }
        if (Autograd.Tracks(tensors))
            Autograd.Record(y, "concat", tensors, static (n, st, g) =>
            {
                // each input receives its own slice of the gradient
                var (d, sizes) = st;
                int at = 0;
                for (int i = 0; i < sizes.Length; i++)
                {
                    if (n.Inputs![i].RequiresGrad) Node.Flow(n.Inputs[i], g.Narrow(d, at, sizes[i]));
                    at += sizes[i];
                }
            }, (d, sizes));
        return y;
    }

    /// <summary>Joins same-shaped tensors along a new dimension.</summary>
    public static Tensor Stack(Tensor[] tensors, int dim = 0)
    {
        if (tensors.Length == 0) throw new ArgumentException("stack: expects at least one tensor");
        foreach (var t in tensors)
            if (!Neurite.Shape.Equal(t.shape, tensors[0].shape))
                throw new ShapeException($"stack: all tensors must have the same shape, got {Neurite.Shape.Format(tensors[0].shape)} and {Neurite.Shape.Format(t.shape)}");
        int d = Neurite.Shape.Axis("stack", dim, tensors[0].Rank + 1);
        var expanded = new Tensor[tensors.Length];
        for (int i = 0; i < tensors.Length; i++) expanded[i] = tensors[i].Unsqueeze(d);
        return Concat(expanded, d);
    }

    /// <summary>Splits into pieces of <paramref name="size"/> along <paramref name="dim"/> (the last may be smaller).</summary>
    public Tensor[] Split(int size, int dim = 0)
    {
        int d = Neurite.Shape.Axis("split", dim, Rank);
        if (size <= 0) throw new ArgumentException($"split: size must be positive, got {size}");
        var pieces = new List<Tensor>();
        for (int at = 0; at < shape[d]; at += size) pieces.Add(Narrow(d, at, Math.Min(size, shape[d] - at)));
        return pieces.ToArray();
    }

    /// <summary>Splits into pieces of the given sizes, which must add up to the dimension's size.</summary>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        int d = Neurite.Shape.Axis("split", dim, Rank);
        if (sizes.Sum() != shape[d] || sizes.Any(s => s < 0))
            throw new ShapeException($"split: sizes [{string.Join(", ", sizes)}] do not add up to dimension {d} of {Neurite.Shape.Format(shape)}");
        var pieces = new Tensor[sizes.Length];
        for (int i = 0, at = 0; i < sizes.Length; at += sizes[i], i++) pieces[i] = Narrow(d, at, sizes[i]);
        return pieces;
    }

    /// <summary>Splits into <paramref name="chunks"/> nearly equal pieces.</summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        if (chunks <= 0) throw new ArgumentException($"chunk: chunks must be positive, got {chunks}");
        int d = Neurite.Shape.Axis("chunk", dim, Rank);
        return Split(Math.Max(1, (shape[d] + chunks - 1) / chunks), d);
    }
}
