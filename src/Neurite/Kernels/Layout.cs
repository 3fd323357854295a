namespace Neurite.Kernels;

/// <summary>Where a tensor's elements lie in its storage: shape, strides (in elements) and offset.</summary>
internal readonly record struct Layout(int[] Shape, int[] Strides, int Offset)
{
    public int Rank => Shape.Length;

    /// <summary>
    /// Merges dimensions that every layout walks as one (stride[i] = stride[i+1]·shape[i+1]) and drops
    /// size-1 dimensions, so a contiguous tensor of any shape becomes one flat loop. All layouts must
    /// have the same shape. Returns the merged shape and, per layout, its merged strides.
    /// </summary>
    public static (int[] shape, int[][] strides) Coalesce(int[] shape, params int[][] strides)
    {
        if (strides.Length is < 1 or > 2) throw new ArgumentException("coalesce: one or two stride sets are supported", nameof(strides));
        Span<int> dims = stackalloc int[shape.Length];
        Span<int> s0 = stackalloc int[shape.Length];
        Span<int> s1 = stackalloc int[shape.Length];
        int rank = Coalesce(shape, strides[0], strides.Length > 1 ? strides[1] : strides[0], dims, s0, s1);
        int[][] result = strides.Length == 1 ? [s0[..rank].ToArray()] : [s0[..rank].ToArray(), s1[..rank].ToArray()];
        return (dims[..rank].ToArray(), result);
    }

    /// <summary>
    /// The allocation-free form of <see cref="Coalesce(int[], int[][])"/> for two layouts (pass the same strides
    /// twice for one): writes the merged shape and strides into the given spans (each at least shape's
    /// length) and returns the merged rank (0 when every dimension has size 1).
    /// </summary>
    public static int Coalesce(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides0, ReadOnlySpan<int> strides1,
        Span<int> dims, Span<int> merged0, Span<int> merged1)
    {
        int rank = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            int size = shape[i];
            if (size == 1) continue;
            int last = rank - 1;
            if (last >= 0 && merged0[last] == strides0[i] * size && merged1[last] == strides1[i] * size)
            {
                dims[last] *= size;
                merged0[last] = strides0[i];
                merged1[last] = strides1[i];
            }
            else
            {
                dims[rank] = size;
                merged0[rank] = strides0[i];
                merged1[rank] = strides1[i];
                rank++;
            }
        }
        return rank;
    }
}
