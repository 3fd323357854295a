using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Neurite.Data.Vision;

/// <summary>
/// A minimal PNG encoder (ISO/IEC 15948): 8-bit greyscale (colour type 0) or RGB (colour type 2),
/// no interlacing, filter type 0 (None) on every row. The decoder is in <c>PngDecoder.cs</c>. Chunks: IHDR, one IDAT (zlib stream), IEND,
/// each followed by the CRC-32 of its type and data.
/// </summary>
public static partial class Png
{
    static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The PNG file for <paramref name="pixels"/>: rows top to bottom, each pixel's
    /// <paramref name="channels"/> (1 or 3) bytes together.</summary>
    /// <exception cref="ArgumentException">The sizes are not positive, channels is not 1 or 3, or the pixel count is wrong.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        Pnm.CheckImage(pixels.Length, width, height, channels, "Png");
        using var file = new MemoryStream();
        file.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;                                    // bit depth
        header[9] = (byte)(channels == 1 ? 0 : 2);        // colour type: greyscale or truecolour
        header[10] = header[11] = header[12] = 0;         // deflate, adaptive filtering, no interlace
        WriteChunk(file, "IHDR", header);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            int row = width * channels;
            for (int y = 0; y < height; y++)
            {
                zlib.WriteByte(0);                        // filter type None
                zlib.Write(pixels.Slice(y * row, row));
            }
        }
        WriteChunk(file, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        s.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        s.Write(typeBytes);
        s.Write(data);
        uint crc = Crc32.Update(Crc32.Update(Crc32.Initial, typeBytes), data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc ^ 0xFFFFFFFFu);
        s.Write(word);
    }
}

/// <summary>CRC-32 of ISO 3309 / ITU-T V.42 (polynomial 0xEDB88320 reflected), as PNG and zlib's crc32 use, table-driven.</summary>
internal static class Crc32
{
    public const uint Initial = 0xFFFFFFFFu;

    static readonly uint[] Table = Build();

    static uint[] Build()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    /// <summary>Feeds <paramref name="data"/> into a running (pre-inverted) CRC; finish with <c>^ 0xFFFFFFFF</c>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    /// <summary>The finished CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Update(Initial, data) ^ 0xFFFFFFFFu;
}

/// <summary>Netpbm images. The encoder writes binary PGM (<c>P5</c>, greyscale) and PPM (<c>P6</c>, RGB) with
/// maxval 255; the decoder (<c>PnmDecoder.cs</c>) also reads the plain-text forms.</summary>
public static partial class Pnm
{
    /// <summary>A PGM file (1 channel) or PPM file (3 channels) for <paramref name="pixels"/>, laid out as for <see cref="Png.Encode"/>.</summary>
    /// <exception cref="ArgumentException">The sizes are not positive, channels is not 1 or 3, or the pixel count is wrong.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        CheckImage(pixels.Length, width, height, channels, "Pnm");
        byte[] header = Encoding.ASCII.GetBytes($"{(channels == 1 ? "P5" : "P6")}\n{width} {height}\n255\n");
        var file = new byte[header.Length + pixels.Length];
        header.CopyTo(file, 0);
        pixels.CopyTo(file.AsSpan(header.Length));
        return file;
    }

    internal static void CheckImage(int length, int width, int height, int channels, string op)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"{op}: image size must be positive, got {width}×{height}");
        if (channels is not (1 or 3)) throw new ArgumentException($"{op}: channels must be 1 (greyscale) or 3 (RGB), got {channels}");
        if ((long)width * height * channels != length)
            throw new ArgumentException($"{op}: {width}×{height}×{channels} needs {(long)width * height * channels} bytes, got {length}");
    }
}
