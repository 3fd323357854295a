using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Neurite;

/// <summary>
/// An N-dimensional array of <see cref="float"/>, <see cref="double"/> or <see cref="long"/> that
/// records the operations applied to it, so <see cref="Backward"/> can compute gradients.
/// </summary>
/// <remarks>
/// A tensor is a view: storage (a plain managed array) + shape + strides + offset. Views
/// (<see cref="Reshape"/> of contiguous data, <see cref="Transpose"/>, <see cref="Narrow"/>,
/// <see cref="Expand"/>, …) share storage and copy nothing. Shape and stride arrays are never mutated
/// once a tensor is built, so tensors share them.
/// </remarks>
public sealed partial class Tensor
{
    internal readonly Array data;          // float[], double[] or long[]
    internal readonly int[] shape;
    internal readonly int[] strides;
    internal readonly int offset;
    internal readonly int numel;
    internal readonly bool contiguous;

    internal Tensor(Array data, DType dtype, int[] shape, int[] strides, int offset)
    {
        this.data = data;
        DType = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        numel = Neurite.Shape.NumEl(shape);
        contiguous = Neurite.Shape.IsContiguous(shape, strides);
    }

    /// <summary>A new contiguous tensor over <paramref name="data"/> (not copied).</summary>
    internal Tensor(Array data, DType dtype, int[] shape) : this(data, dtype, shape, Neurite.Shape.ContiguousStrides(shape), 0) { }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>The size of each dimension.</summary>
    public ReadOnlySpan<int> Shape => shape;

    /// <summary>Elements to skip in storage to move one step along each dimension.</summary>
    public ReadOnlySpan<int> Strides => strides;

    /// <summary>Number of dimensions (0 for a scalar).</summary>
    public int Rank => shape.Length;

    /// <summary>Number of elements.</summary>
    public int NumEl => numel;

    /// <summary>True when the elements lie in storage in row-major order with no gaps.</summary>
    public bool IsContiguous => contiguous;

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public int Size(int dim) => shape[Neurite.Shape.Axis("size", dim, shape.Length)];

    // ---- autograd state -------------------------------------------------------------------------

    bool requiresGrad;

    /// <summary>
    /// When true, ops on this tensor are recorded and <see cref="Backward"/> fills <see cref="Grad"/>.
    /// Only floating-point tensors can require gradients.
    /// </summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (value && !DType.IsFloatingPoint())
                throw new InvalidOperationException($"requires_grad: only floating-point tensors can require gradients, this one is {DType.Name()}");
            if (!value && GradFn is not null)
                throw new InvalidOperationException("requires_grad: cannot turn off gradients of a non-leaf tensor; use Detach()");
            requiresGrad = value;
        }
    }

    /// <summary>The gradient accumulated by <see cref="Backward"/> (leaf tensors only), or null.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The graph node that produced this tensor, or null for a leaf (created by the user).</summary>
    public Node? GradFn { get; internal set; }

    /// <summary>True for tensors created by the user rather than by a recorded op.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor, for fluent construction.</summary>
    public Tensor RequireGrad(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>Clears the accumulated gradient (sets it to null, as PyTorch does by default).</summary>
    public void ZeroGrad() => Grad = null;

    /// <summary>Which output of <see cref="GradFn"/> this tensor is (0 unless the op has several).</summary>
    internal int OutputIndex;

    internal void MarkNonLeaf(Node node, int outputIndex)
    {
        GradFn = node;
        OutputIndex = outputIndex;
        requiresGrad = true;
    }

    // ---- raw access for kernels -----------------------------------------------------------------

    /// <summary>The whole storage as a span of <typeparamref name="T"/> (offset not applied).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Span<T> Storage<T>() where T : unmanaged =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(data)), data.Length);

    /// <summary>The elements of a contiguous tensor, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Span<T> Span<T>() where T : unmanaged
    {
        if (!contiguous) throw new InvalidOperationException("internal: Span() of a non-contiguous tensor");
        return Storage<T>().Slice(offset, numel);
    }

    /// <summary>Copies the elements, in row-major order, to a new <see cref="float"/> array.</summary>
    public float[] ToFloatArray()
    {
        var c = DType == DType.Float32 ? Contiguous() : To(DType.Float32);
        return c.Span<float>().ToArray();
    }

    /// <summary>Copies the elements, in row-major order, to a new <see cref="double"/> array.</summary>
    public double[] ToDoubleArray()
    {
        var c = DType == DType.Float64 ? Contiguous() : To(DType.Float64);
        return c.Span<double>().ToArray();
    }

    /// <summary>Copies the elements, in row-major order, to a new <see cref="long"/> array.</summary>
    public long[] ToLongArray()
    {
        var c = DType == DType.Int64 ? Contiguous() : To(DType.Int64);
        return c.Span<long>().ToArray();
    }

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        if (numel != 1) throw new InvalidOperationException($"item: only one-element tensors convert to a scalar, got shape {Neurite.Shape.Format(shape)}");
        return DType switch
        {
            DType.Float32 => Storage<float>()[offset],
            DType.Float64 => Storage<double>()[offset],
            _ => Storage<long>()[offset],
        };
    }

    // ---- element access -------------------------------------------------------------------------

    /// <summary>Reads or writes one element. Writing bypasses autograd, like PyTorch's in-place index assignment under no_grad.</summary>
    [IndexerName("At")]
    public double this[params int[] index]
    {
        get
        {
            int at = StorageIndex(index);
            return DType switch
            {
                DType.Float32 => Storage<float>()[at],
                DType.Float64 => Storage<double>()[at],
                _ => Storage<long>()[at],
            };
        }
        set
        {
            int at = StorageIndex(index);
            switch (DType)
            {
                case DType.Float32: Storage<float>()[at] = (float)value; break;
                case DType.Float64: Storage<double>()[at] = value; break;
                default: Storage<long>()[at] = (long)value; break;
            }
        }
    }

    int StorageIndex(int[] index)
    {
        if (index.Length != shape.Length)
            throw new IndexOutOfRangeException($"index: {index.Length} indices given for a tensor of shape {Neurite.Shape.Format(shape)}");
        int at = offset;
        for (int i = 0; i < index.Length; i++)
        {
            int k = index[i] < 0 ? index[i] + shape[i] : index[i];
            if ((uint)k >= (uint)shape[i])
                throw new IndexOutOfRangeException($"index: index {index[i]} is out of range for dimension {i} of size {shape[i]} (shape {Neurite.Shape.Format(shape)})");
            at += k * strides[i];
        }
        return at;
    }
}
