namespace Neurite.Kernels;

/// <summary>Where a tensor's elements lie in its storage: shape, strides (in elements) and offset.</summary>
public readonly record struct Layout(int[] Shape, int[] Strides, int Offset)
{
    public int Rank => Shape.Length;

    /// <summary>
    /// Merges dimensions that every layout walks as one (stride[i] = stride[i+1]·shape[i+1]) and drops
    /// size-1 dimensions, so a contiguous tensor of any shape becomes one flat loop. All layouts must
    /// have the same shape. Returns the merged shape and, per layout, its merged strides.
    /// </summary>
    public static (int[] shape, int[][] strides) Coalesce(int[] shape, params int[][] strides)
    {
        var dims = new List<int>(shape.Length);
        var st = new List<int>[strides.Length];
        for (int k = 0; k < strides.Length; k++) st[k] = new List<int>(shape.Length);
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1) continue;
            int last = dims.Count - 1;
            bool merge = last >= 0;
            for (int k = 0; k < strides.Length && merge; k++)
                merge = st[k][last] == strides[k][i] * shape[i];
            if (merge)
            {
                dims[last] *= shape[i];
                for (int k = 0; k < strides.Length; k++) st[k][last] = strides[k][i];
            }
            else
            {
                dims.Add(shape[i]);
                for (int k = 0; k < strides.Length; k++) st[k].Add(strides[k][i]);
            }
        }
        var result = new int[strides.Length][];
        for (int k = 0; k < strides.Length; k++) result[k] = st[k].ToArray();
        return (dims.ToArray(), result);
    }
}
