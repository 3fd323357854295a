namespace Neurite;

/// <summary>Element type of a <see cref="Tensor"/>.</summary>
/// <remarks>
/// <see cref="Float32"/> is the working type of every layer and kernel. <see cref="Float64"/> runs the
/// same ops, slower, for gradient checking against finite differences. <see cref="Int64"/> holds
/// indices and class labels (argmax, gather, one-hot, cross-entropy targets); arithmetic rejects it.
/// </remarks>
public enum DType
{
    /// <summary>32-bit IEEE float (<c>torch.float32</c>), the default.</summary>
    Float32,
    /// <summary>64-bit IEEE float (<c>torch.float64</c>), for gradient checks.</summary>
    Float64,
    /// <summary>64-bit signed integer (<c>torch.int64</c>): indices and class labels.</summary>
    Int64,
}

/// <summary>Size, kind and name of a <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this DType dtype) => dtype == DType.Float32 ? 4 : 8;

    /// <summary>True for <see cref="DType.Float32"/> and <see cref="DType.Float64"/> (like <c>torch.is_floating_point</c>).</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype != DType.Int64;

    /// <summary>The lower-case name PyTorch prints (<c>float32</c>, <c>float64</c>, <c>int64</c>).</summary>
    public static string Name(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        _ => "int64",
    };
}
