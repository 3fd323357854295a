using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Neurite.Data.Vision;

namespace Neurite.Tests.Vision;

/// <summary>Builds PNG files chunk by chunk for the decoder tests, so each can hold exactly the bytes a case needs.</summary>
static class PngBuilder
{
    public static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Chunk(string type, ReadOnlySpan<byte> data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.Compute(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    public static byte[] Ihdr(int width, int height, int depth, int colour, int interlace = 0)
    {
        var d = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(d, width);
        BinaryPrimitives.WriteInt32BigEndian(d.AsSpan(4), height);
        (d[8], d[9], d[12]) = ((byte)depth, (byte)colour, (byte)interlace);
        return Chunk("IHDR", d);
    }

    public static byte[] Zlib(ReadOnlySpan<byte> raw)
    {
        using var m = new MemoryStream();
        using (var z = new ZLibStream(m, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);
        return m.ToArray();
    }

    public static byte[] PngFile(params byte[][] chunks) => [.. Signature, .. chunks.SelectMany(c => c)];

    /// <summary>A complete PNG of already-filtered rows (each row: filter byte, then the packed samples).</summary>
    public static byte[] Image(int width, int height, int depth, int colour, byte[] filtered, byte[]? palette = null, int interlace = 0) =>
        palette is null
            ? PngFile(Ihdr(width, height, depth, colour, interlace), Chunk("IDAT", Zlib(filtered)), Chunk("IEND", []))
            : PngFile(Ihdr(width, height, depth, colour, interlace), Chunk("PLTE", palette), Chunk("IDAT", Zlib(filtered)), Chunk("IEND", []));

    /// <summary>The forward filter of spec § 9.2, written plainly from the definitions, for one row.</summary>
    public static byte[] Filter(int type, byte[] row, byte[]? prior, int bpp)
    {
        var o = new byte[row.Length + 1];
        o[0] = (byte)type;
        for (int x = 0; x < row.Length; x++)
        {
            int a = x >= bpp ? row[x - bpp] : 0, b = prior is null ? 0 : prior[x], c = x >= bpp && prior is not null ? prior[x - bpp] : 0;
            int predictor = type switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                _ => Math.Abs(b - c) <= Math.Abs(a - c) && Math.Abs(b - c) <= Math.Abs(a + b - 2 * c) ? a
                    : Math.Abs(a - c) <= Math.Abs(a + b - 2 * c) ? b : c,
            };
            o[x + 1] = (byte)(row[x] - predictor);
        }
        return o;
    }
}
