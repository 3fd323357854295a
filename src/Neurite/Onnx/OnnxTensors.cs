using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Neurite.Serialization;
using Proto = global::Onnx;

namespace Neurite.Onnx;

/// <summary>ONNX TensorProto and ValueInfoProto ⇄ Neurite: sizes checked against the data before allocating.</summary>
internal static class OnnxTensors
{
    enum ElemType { Float = 1, Int32 = 6, Int64 = 7, Bool = 9, Double = 11 }

    /// <summary>A Neurite tensor holding <paramref name="t"/>: FLOAT → float32, DOUBLE → float64, INT64/INT32/BOOL → int64.</summary>
    /// <exception cref="ModelFormatException">External or segmented data, an unsupported type, a negative dim, more
    /// than 2³¹ − 1 elements, or data that does not hold exactly what the dims claim.</exception>
    public static Tensor ToTensor(Proto.TensorProto t, string what)
    {
        ModelFormatException Bad(string problem) => new($"{what}: {problem}");
        if (t.DataLocation == Proto.TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
            throw Bad("stores its data in an external file, which is not supported (weights must be inside the model file)");
        if (t.Segment is not null) throw Bad("is segmented, which is not supported");
        var shape = new int[t.Dims.Count];
        long count = 1, nonZero = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = t.Dims[i];
            if (d < 0) throw Bad($"has a negative dimension {d}");
            count *= Math.Min(d, 1L << 32);
            nonZero *= Math.Max(Math.Min(d, 1L << 32), 1);
            if (count > int.MaxValue || nonZero > int.MaxValue) throw Bad($"dims [{string.Join(", ", t.Dims)}] claim more than {int.MaxValue} elements");
            shape[i] = (int)d;
        }
        int n = (int)count;
        var raw = t.RawData.Span;
        var type = (ElemType)t.DataType;
        int size = type switch { ElemType.Float or ElemType.Int32 => 4, ElemType.Int64 or ElemType.Double => 8, ElemType.Bool => 1, _ => 0 };
        if (size == 0) throw Bad($"has data type {(Proto.TensorProto.Types.DataType)t.DataType}, which is not supported (FLOAT, DOUBLE, INT64, INT32, BOOL)");
        int typed = type switch
        {
            ElemType.Float => t.FloatData.Count,
            ElemType.Double => t.DoubleData.Count,
            ElemType.Int64 => t.Int64Data.Count,
            _ => t.Int32Data.Count,
        };
        string dims = $"[{string.Join(", ", t.Dims)}]";
        if (raw.Length > 0 && typed > 0) throw Bad("has both raw_data and typed data");
        if (raw.Length > 0 ? raw.Length != (long)n * size : typed != n)
            throw Bad($"dims {dims} need {n} elements ({(long)n * size} bytes) but the data holds {(raw.Length > 0 ? raw.Length + " bytes" : typed + " elements")}");
        switch (type)
        {
            case ElemType.Float:
            {
                var v = new float[n];
                if (raw.Length > 0) MemoryMarshal.Cast<byte, float>(raw).CopyTo(v); // ONNX raw data is little-endian, as .NET here
                else t.FloatData.CopyTo(v, 0);
                return Shaped(Tensor.FromArray(v, shape), shape);
            }
            case ElemType.Double:
            {
                var v = new double[n];
                if (raw.Length > 0) MemoryMarshal.Cast<byte, double>(raw).CopyTo(v);
                else t.DoubleData.CopyTo(v, 0);
                return Shaped(Tensor.FromArray(v, shape), shape);
            }
            default:
            {
                var v = new long[n];
                for (int i = 0; i < n; i++)
                    v[i] = raw.Length == 0 ? (type == ElemType.Int64 ? t.Int64Data[i] : t.Int32Data[i])
                        : type switch
                        {
                            ElemType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(8 * i)),
                            ElemType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(4 * i)),
                            _ => raw[i] != 0 ? 1 : 0,
                        };
                return Shaped(Tensor.FromArray(v, shape), shape);
            }
        }
    }

    /// <summary>A scalar (dims []) stays a scalar: Tensor.FromArray reads an empty shape as 1-D.</summary>
    internal static Tensor Shaped(Tensor t, int[] shape) => shape.Length == 0 ? t.Reshape() : t;

    /// <summary>A graph input or output declaration.</summary>
    public static OnnxValueInfo Info(Proto.ValueInfoProto vi, string what, bool allowUnknownType = false)
    {
        if (vi.Type?.TensorType is not { } tt)
        {
            if (allowUnknownType) return new OnnxValueInfo(vi.Name, DType.Float32, null);
            throw new ModelFormatException($"{what} is not a tensor (sequences, maps and optionals are not supported)");
        }
        DType dtype = (ElemType)tt.ElemType switch
        {
            ElemType.Float => DType.Float32,
            ElemType.Int64 or ElemType.Int32 => DType.Int64, // int32 (sequence_lens) is fed as int64
            ElemType.Double => DType.Float64,
            _ when allowUnknownType => DType.Float32,
            _ => throw new ModelFormatException($"{what} has element type {(Proto.TensorProto.Types.DataType)tt.ElemType}, which is not supported (FLOAT, DOUBLE, INT64, INT32)"),
        };
        if (tt.Shape is null) return new OnnxValueInfo(vi.Name, dtype, null);
        var dims = tt.Shape.Dim.Select(d => d.ValueCase == Proto.TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue
            ? new OnnxDim(d.DimValue, null)
            : new OnnxDim(null, d.ValueCase == Proto.TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam && d.DimParam.Length > 0 ? d.DimParam : null)).ToArray();
        return new OnnxValueInfo(vi.Name, dtype, dims);
    }
}
