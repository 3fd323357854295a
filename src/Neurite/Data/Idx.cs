using System.Buffers.Binary;
using System.IO.Compression;

namespace Neurite.Data;

/// <summary>
/// Reader for the IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed (detected by the
/// gzip magic 0x1f 0x8b, not by the file name).
/// </summary>
/// <remarks>
/// Format (big-endian): two zero bytes; a type byte (0x08 ubyte, 0x09 sbyte, 0x0B int16, 0x0C int32,
/// 0x0D float32, 0x0E float64); the number of dimensions (1–4 here); one uint32 per dimension; then the
/// elements in row-major order. The whole header is checked, and the size the header implies is checked
/// against the file (its length, or for gzip the uncompressed size in the trailer) before the tensor is
/// allocated, so a corrupt header claiming billions of items fails at once instead of allocating them.
/// Decoding streams in 64 KiB chunks straight into the tensor.
/// </remarks>
public static class Idx
{
    const int MaxRank = 4;

    /// <summary>
    /// Reads an IDX file into a tensor of its shape, converted to <paramref name="dtype"/>; floating-point
    /// results are multiplied by <paramref name="scale"/> (e.g. 1/255 for pixels).
    /// </summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="DataFormatException">Bad magic, type byte or rank; a size that does not match the file.</exception>
    public static Tensor Read(string path, DType dtype = DType.Float32, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Idx: no such file: {Path.GetFullPath(path)}", path);
        if (!dtype.IsFloatingPoint() && scale != 1)
            throw new ArgumentException($"Idx.Read: scale {scale} needs a floating-point dtype, got {dtype.Name()}", nameof(scale));
        using var file = File.OpenRead(path);
        var magic = new byte[2];
        bool gzip = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        long? available = gzip ? null : file.Length;
        if (gzip)
        {
            // The gzip trailer's ISIZE is the uncompressed length mod 2³². A bound, not a proof (the
            // stream is still checked to end exactly where the header says), but enough to reject a
            // corrupt header before allocating.
            if (file.Length < 18) throw new DataFormatException(path, 0, $"gzip stream of {file.Length} bytes is truncated");
            file.Position = file.Length - 4;
            Span<byte> isize = stackalloc byte[4];
            file.ReadExactly(isize);
            available = BinaryPrimitives.ReadUInt32LittleEndian(isize);
            file.Position = 0;
        }
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return ReadStream(stream, path, gzip, available!.Value, dtype, scale);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, 0, $"corrupt gzip stream: {e.Message}", e);
        }
    }

    static Tensor ReadStream(Stream s, string path, bool gzip, long available, DType dtype, double scale)
    {
        Span<byte> head = stackalloc byte[4];
        if (s.ReadAtLeast(head, 4, throwOnEndOfStream: false) < 4)
            throw new DataFormatException(path, 0, "file is shorter than the 4-byte IDX magic number");
        if (head[0] != 0 || head[1] != 0)
            throw new DataFormatException(path, 0, $"not an IDX file: magic number 0x{head[0]:x2}{head[1]:x2}{head[2]:x2}{head[3]:x2}, expected 0x0000TTDD (two zero bytes, type, rank)");
        int elemSize = head[2] switch
        {
            0x08 or 0x09 => 1,
            0x0B => 2,
            0x0C or 0x0D => 4,
            0x0E => 8,
            _ => throw new DataFormatException(path, 0, $"unknown IDX element type 0x{head[2]:x2}, expected 0x08 (ubyte), 0x09, 0x0B, 0x0C, 0x0D or 0x0E"),
        };
        int rank = head[3];
        if (rank < 1 || rank > MaxRank)
            throw new DataFormatException(path, 0, $"IDX rank {rank} is not supported, expected 1 to {MaxRank} dimensions");
        var dims = new byte[4 * rank];
        if (s.ReadAtLeast(dims, dims.Length, throwOnEndOfStream: false) < dims.Length)
            throw new DataFormatException(path, 0, $"truncated IDX header: expected {rank} dimension sizes");
        var shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(dims.AsSpan(4 * i));
            if (d > int.MaxValue) throw new DataFormatException(path, 0, $"dimension {i} has size {d}, more than {int.MaxValue}");
            shape[i] = (int)d;
            count *= d;
            if (count > int.MaxValue)
                throw new DataFormatException(path, 0, $"header shape [{string.Join(", ", shape[..(i + 1)])}...] has more than {int.MaxValue} elements");
        }
        long headerBytes = 4 + 4L * rank, payload = count * elemSize;
        long total = headerBytes + payload;
        if (!gzip && total != available)
            throw new DataFormatException(path, 0, $"header shape {Shape.Format(shape)} of {elemSize}-byte elements needs {total} bytes, but the file has {available}");
        if (gzip && (total & 0xFFFF_FFFF) != available)
            throw new DataFormatException(path, 0, $"header shape {Shape.Format(shape)} of {elemSize}-byte elements needs {total} bytes uncompressed, but the gzip trailer says {available}");

        var t = Tensor.Zeros(shape, dtype);
        Decode(s, path, head[2], elemSize, payload, t, scale);
        if (gzip && s.ReadByte() >= 0)
            throw new DataFormatException(path, 0, $"data continues past the {total} bytes that header shape {Shape.Format(shape)} implies");
        return t;
    }

    static void Decode(Stream s, string path, byte type, int elemSize, long payload, Tensor t, double scale)
    {
        var buffer = new byte[64 * 1024];
        long done = 0;
        int carry = 0, at = 0;   // carry: bytes of a partial element left at the front of buffer
        while (done < payload)
        {
            int want = (int)Math.Min(buffer.Length - carry, payload - done);
            int got = s.Read(buffer, carry, want);
            if (got <= 0)
                throw new DataFormatException(path, 0, $"truncated: expected {payload} bytes of data after the header, got {done}");
            done += got;
            int bytes = carry + got, whole = bytes / elemSize * elemSize;
            Convert(buffer.AsSpan(0, whole), type, t, at, scale);
            at += whole / elemSize;
            carry = bytes - whole;
            buffer.AsSpan(whole, carry).CopyTo(buffer);
        }
    }

    static void Convert(ReadOnlySpan<byte> src, byte type, Tensor t, int at, double scale)
    {
        switch (t.DType)
        {
            case DType.Float32:
            {
                var dst = t.Span<float>()[at..];
                float f = (float)scale;
                if (type == 0x08) { for (int i = 0; i < src.Length; i++) dst[i] = src[i] * f; }
                else for (int i = 0, k = 0; i < src.Length; i += Size(type), k++) dst[k] = (float)(Element(src[i..], type) * scale);
                break;
            }
            case DType.Float64:
            {
                var dst = t.Span<double>()[at..];
                for (int i = 0, k = 0; i < src.Length; i += Size(type), k++) dst[k] = Element(src[i..], type) * scale;
                break;
            }
            default:
            {
                var dst = t.Span<long>()[at..];
                for (int i = 0, k = 0; i < src.Length; i += Size(type), k++) dst[k] = (long)Element(src[i..], type);
                break;
            }
        }
    }

    static int Size(byte type) => type switch { 0x08 or 0x09 => 1, 0x0B => 2, 0x0C or 0x0D => 4, _ => 8 };

    static double Element(ReadOnlySpan<byte> b, byte type) => type switch
    {
        0x08 => b[0],
        0x09 => (sbyte)b[0],
        0x0B => BinaryPrimitives.ReadInt16BigEndian(b),
        0x0C => BinaryPrimitives.ReadInt32BigEndian(b),
        0x0D => BinaryPrimitives.ReadSingleBigEndian(b),
        _ => BinaryPrimitives.ReadDoubleBigEndian(b),
    };

    /// <summary>Writes <paramref name="values"/> as an unsigned-byte IDX file of shape <paramref name="shape"/>
    /// (gzip-compressed when <paramref name="gzip"/>); for tests and for exporting small data sets.</summary>
    public static void WriteBytes(string path, ReadOnlySpan<byte> values, int[] shape, bool gzip = false)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        if (n != values.Length) throw new ArgumentException($"Idx.WriteBytes: {values.Length} values cannot fill shape {Shape.Format(shape)}");
        if (shape.Length is < 1 or > MaxRank) throw new ArgumentException($"Idx.WriteBytes: rank must be 1 to {MaxRank}, got {shape.Length}");
        using var file = File.Create(path);
        using Stream s = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        s.Write([0, 0, 0x08, (byte)shape.Length]);
        Span<byte> dim = stackalloc byte[4];
        foreach (int d in shape)
        {
            BinaryPrimitives.WriteUInt32BigEndian(dim, (uint)d);
            s.Write(dim);
        }
        s.Write(values);
    }
}
