using System.Text;

namespace Neurite;

/// <summary>Shape arithmetic shared by every op: strides, broadcasting, axis normalisation, formatting.</summary>
/// <remarks>Shape and stride arrays are never mutated after a tensor is built, so tensors share them freely.</remarks>
internal static class Shape
{
    internal static readonly int[] Scalar = [];

    /// <summary>Product of the dimensions; throws when it overflows an <see cref="int"/>.</summary>
    internal static int NumEl(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        if (n > int.MaxValue) throw new ArgumentException($"tensor of shape {Format(shape)} has {n} elements; at most {int.MaxValue} are supported");
        return (int)n;
    }

    /// <summary>Row-major strides of a contiguous tensor of this shape.</summary>
    internal static int[] ContiguousStrides(int[] shape)
    {
        if (shape.Length == 0) return Scalar;
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    internal static bool IsContiguous(int[] shape, int[] strides)
    {
        // An empty tensor has no element out of place, whatever its strides (ContiguousStrides
        // gives [2, 0] the strides [1, 1], which the walk below would reject).
        foreach (int d in shape) if (d == 0) return true;
        int expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 1) continue; // a size-1 dimension's stride never matters
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    internal static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>NumPy broadcasting: align trailing dimensions; each pair must be equal or contain a 1.</summary>
    internal static int[] Broadcast(string op, int[] a, int[] b)
    {
        if (ReferenceEquals(a, b) || a.AsSpan().SequenceEqual(b)) return a;
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ShapeException($"{op}: cannot broadcast {Format(a)} with {Format(b)} (dimension {i}: {da} vs {db})");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Strides that read a tensor of <paramref name="shape"/>/<paramref name="strides"/> as if it had
    /// <paramref name="target"/> shape: broadcast dimensions get stride 0.</summary>
    internal static int[] BroadcastStrides(int[] shape, int[] strides, int[] target)
    {
        var result = new int[target.Length];
        int lead = target.Length - shape.Length;
        for (int i = 0; i < shape.Length; i++)
            result[lead + i] = shape[i] == 1 && target[lead + i] != 1 ? 0 : strides[i];
        return result;
    }

    /// <summary>Turns a possibly negative axis into 0..rank-1, or throws naming the op.</summary>
    internal static int Axis(string op, int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"{op}: axis {axis} is out of range for a tensor of rank {rank} (valid: {-rank}..{rank - 1})");
        return a;
    }

    /// <summary>Normalises a set of axes (null = all) into a sorted flag array; duplicates are an error.</summary>
    internal static bool[] AxesMask(string op, int[]? axes, int rank)
    {
        var mask = new bool[rank];
        if (axes is null || axes.Length == 0 && rank == 0)
        {
            Array.Fill(mask, true);
            return mask;
        }
        foreach (int axis in axes)
        {
            int a = Axis(op, axis, rank);
            if (mask[a]) throw new ArgumentException($"{op}: axis {axis} is repeated in [{string.Join(", ", axes)}]");
            mask[a] = true;
        }
        return mask;
    }

    internal static string Format(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i]);
        }
        return sb.Append(']').ToString();
    }
}

/// <summary>Thrown when tensors' shapes do not fit an op; the message names the op and the shapes.</summary>
public sealed class ShapeException(string message) : ArgumentException(message);
