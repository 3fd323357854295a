namespace Neurite;

/// <summary>Element type of a <see cref="Tensor"/>.</summary>
/// <remarks>
/// <see cref="Float32"/> is the working type of every layer and kernel. <see cref="Float64"/> runs the
/// same ops, slower, for gradient checking against finite differences. <see cref="Int64"/> holds
/// indices and class labels (argmax, gather, one-hot, cross-entropy targets); arithmetic rejects it.
/// </remarks>
public enum DType
{
    Float32,
    Float64,
    Int64,
}

public static class DTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this DType dtype) => dtype == DType.Float32 ? 4 : 8;

    public static bool IsFloatingPoint(this DType dtype) => dtype != DType.Int64;

    /// <summary>The lower-case name PyTorch prints (<c>float32</c>, <c>float64</c>, <c>int64</c>).</summary>
    public static string Name(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        _ => "int64",
    };
}
