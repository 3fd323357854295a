using System.Numerics.Tensors;

namespace Neurite;

public sealed partial class Tensor
{
    /// <summary>
    /// This tensor's elements as a <see cref="TensorSpan{T}"/> of System.Numerics.Tensors, without copying: the same
    /// storage, shape and strides (a view such as a transpose stays a view). Writes through the span change the tensor
    /// (and every view sharing its storage), and are not recorded by autograd.
    /// <code>TensorPrimitives.Sigmoid(...)  // or any TensorSpan-based API, on Neurite's memory</code>
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not this tensor's element type.</exception>
    public TensorSpan<T> AsTensorSpan<T>() where T : unmanaged
    {
        CheckElement<T>("AsTensorSpan");
        var lengths = shape.Select(d => (nint)d).ToArray();
        var strideElements = strides.Select(s => (nint)s).ToArray();
        return new TensorSpan<T>(Storage<T>()[offset..], lengths, strideElements);
    }

    /// <summary>The elements of a contiguous tensor as a span, without copying (row-major order); the span writes through.</summary>
    /// <exception cref="InvalidOperationException">A non-contiguous tensor (call <see cref="Contiguous"/> first), or a
    /// <typeparamref name="T"/> other than the element type.</exception>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        CheckElement<T>("AsSpan");
        if (!contiguous) throw new InvalidOperationException("AsSpan: the tensor is not contiguous (a transposed or strided view); call Contiguous() first");
        return Span<T>();
    }

    /// <summary>A tensor with a copy of <paramref name="source"/>'s elements and its shape (float, double or long).</summary>
    /// <exception cref="ArgumentException">An element type Neurite has no dtype for.</exception>
    public static Tensor FromTensorSpan<T>(ReadOnlyTensorSpan<T> source) where T : unmanaged
    {
        var dims = source.Lengths.ToArray().Select(d => checked((int)d)).ToArray();
        var dtype = typeof(T) == typeof(float) ? DType.Float32 : typeof(T) == typeof(double) ? DType.Float64 : typeof(T) == typeof(long) ? DType.Int64
            : throw new ArgumentException($"FromTensorSpan: no Neurite dtype for {typeof(T).Name} (float, double or long)");
        var t = Zeros(dims, dtype);
        source.FlattenTo(t.Storage<T>());
        return t;
    }

    void CheckElement<T>(string op) where T : unmanaged
    {
        bool ok = DType switch { DType.Float32 => typeof(T) == typeof(float), DType.Float64 => typeof(T) == typeof(double), _ => typeof(T) == typeof(long) };
        if (!ok) throw new InvalidOperationException($"{op}: the tensor holds {DType.Name()}, not {typeof(T).Name}");
    }
}
