namespace Neurite.Data.Vision;

public static partial class Pnm
{
    /// <summary>
    /// Decodes a Netpbm greyscale or colour image: PGM (<c>P2</c> plain text, <c>P5</c> binary) or PPM
    /// (<c>P3</c> plain text, <c>P6</c> binary), laid out as for <see cref="Encode"/>.
    /// </summary>
    /// <param name="file">The whole file.</param>
    /// <param name="source">The file's name, for error messages.</param>
    /// <returns>The pixels; <c>Channels</c> is 1 for PGM, 3 for PPM.</returns>
    /// <remarks>
    /// <para>The header is the magic number, width, height and maxval separated by whitespace, with <c>#</c>
    /// comments to the end of the line; plain files may have comments between samples too. Maxval may be 1 to
    /// 65535: samples are rescaled to 0…255 as round(v·255 / maxval) (so maxval 255 is read as is), and above
    /// 255 binary samples are two bytes, most significant first. Only the first image of a multi-image file is read.</para>
    /// <para>Refused, with a <see cref="DataFormatException"/> naming <paramref name="source"/> (and for header
    /// and plain-text errors the 1-based line): PBM (<c>P1</c>, <c>P4</c>) and PAM (<c>P7</c>); a missing or
    /// non-numeric header field; a size of 0 or more than <see cref="ImageFiles.MaxDecodedBytes"/> bytes decoded;
    /// maxval 0 or above 65535; a sample above maxval; too few samples. The size cap and the bytes left in the
    /// file are checked before the pixels are allocated.</para>
    /// </remarks>
    /// <exception cref="DataFormatException">The file is not a PGM/PPM this decoder reads; the message says why.</exception>
    public static (byte[] Pixels, int Width, int Height, int Channels) Decode(ReadOnlySpan<byte> file, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (file.Length < 2 || file[0] != 'P')
            throw new DataFormatException(source, 0, "Netpbm: not a PGM/PPM file: it does not start with P2, P3, P5 or P6");
        char kind = (char)file[1];
        if (kind is '1' or '4') throw new DataFormatException(source, 0, $"Netpbm: P{kind} (PBM, 1-bit bitmap) is not supported; convert to PGM (P2/P5) or PNG");
        if (kind == '7') throw new DataFormatException(source, 0, "Netpbm: P7 (PAM) is not supported; convert to PGM/PPM (P5/P6) or PNG");
        if (kind is not ('2' or '3' or '5' or '6'))
            throw new DataFormatException(source, 0, $"Netpbm: unknown magic number P{Printable(file[1])}, expected P2, P3, P5 or P6");
        bool plain = kind is '2' or '3';
        int channels = kind is '2' or '5' ? 1 : 3;

        int at = 2;
        if (at < file.Length && !IsSpace(file[at]) && file[at] != '#')
            throw Error(source, file, at, $"P{kind} must be followed by whitespace, got '{Printable(file[at])}'");
        int width = Number(file, ref at, source, "width"), height = Number(file, ref at, source, "height");
        if (width == 0 || height == 0) throw Error(source, file, at, $"image size {width}×{height} is invalid: width and height must be at least 1");
        long count = (long)width * height * channels;
        if (count > ImageFiles.MaxDecodedBytes)
            throw Error(source, file, at, $"{width}×{height}×{channels} decodes to {count} bytes, more than the {ImageFiles.MaxDecodedBytes}-byte limit");
        int maxval = Number(file, ref at, source, "maxval");
        if (maxval is 0 or > 65535) throw Error(source, file, at, $"maxval {maxval} is invalid, expected 1 to 65535");

        byte[] pixels;
        if (plain)
        {
            // Each sample takes at least one digit and one separator: a bound to check before allocating.
            long left = file.Length - at;
            if (count > (left + 1) / 2)
                throw Error(source, file, file.Length, $"truncated: {width}×{height}×{channels} needs {count} samples, but only {left} characters remain");
            pixels = new byte[count];
            for (long i = 0; i < count; i++)
            {
                int v = Number(file, ref at, source, $"sample {i} (pixel ({i / channels % width}, {i / channels / width}))", eofIsTruncation: count);
                pixels[i] = Scale(v, maxval, i, channels, width, source, file, at);
            }
            return (pixels, width, height, channels);
        }

        // Binary: exactly one whitespace byte after maxval, then the raster.
        if (at >= file.Length || !IsSpace(file[at]))
            throw Error(source, file, at, "maxval must be followed by a single whitespace character before the raster");
        at++;
        int bytesPerSample = maxval < 256 ? 1 : 2;
        long need = count * bytesPerSample;
        if (file.Length - at < need)
            throw new DataFormatException(source, 0, $"Netpbm: truncated: {width}×{height}×{channels} at maxval {maxval} needs {need} bytes of raster, but the file has {file.Length - at}");
        var raster = file.Slice(at, (int)need);
        pixels = new byte[count];
        if (maxval == 255) { raster.CopyTo(pixels); return (pixels, width, height, channels); }
        for (int i = 0; i < count; i++)
        {
            int v = bytesPerSample == 1 ? raster[i] : raster[2 * i] << 8 | raster[2 * i + 1];
            pixels[i] = Scale(v, maxval, i, channels, width, source, file, 0);
        }
        return (pixels, width, height, channels);
    }

    static byte Scale(int v, int maxval, long i, int channels, int width, string source, ReadOnlySpan<byte> file, int at)
    {
        if (v > maxval)
            throw new DataFormatException(source, at > 0 ? Line(file, at) : 0,
                $"Netpbm: sample {v} at pixel ({i / channels % width}, {i / channels / width}) is above maxval {maxval}");
        return maxval == 255 ? (byte)v : (byte)((v * 255L + maxval / 2) / maxval);   // round(v·255 / maxval)
    }

    /// <summary>Skips whitespace and <c>#</c> comments, then reads a decimal number (0 to 2³¹ − 1).</summary>
    static int Number(ReadOnlySpan<byte> file, ref int at, string source, string what, long eofIsTruncation = 0)
    {
        while (at < file.Length && (IsSpace(file[at]) || file[at] == '#'))
        {
            if (file[at] == '#') while (at < file.Length && file[at] is not ((byte)'\n' or (byte)'\r')) at++;
            else at++;
        }
        if (at >= file.Length)
            throw Error(source, file, at, eofIsTruncation > 0
                ? $"truncated: the file ends before {what} of {eofIsTruncation}"
                : $"the file ends before the {what} in the header");
        if (file[at] is < (byte)'0' or > (byte)'9')
            throw Error(source, file, at, $"expected the {what} as a decimal number, got '{Printable(file[at])}'");
        long n = 0;
        while (at < file.Length && file[at] is >= (byte)'0' and <= (byte)'9')
        {
            n = n * 10 + (file[at++] - '0');
            if (n > int.MaxValue) throw Error(source, file, at, $"the {what} is more than {int.MaxValue}");
        }
        if (at < file.Length && !IsSpace(file[at]) && file[at] != '#')
            throw Error(source, file, at, $"expected whitespace after the {what}, got '{Printable(file[at])}'");
        return (int)n;
    }

    static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C;

    static string Printable(byte b) => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"0x{b:x2}";

    /// <summary>The 1-based line of byte <paramref name="at"/>, for errors in the text parts of a file.</summary>
    static int Line(ReadOnlySpan<byte> file, int at) => file[..Math.Min(at, file.Length)].Count((byte)'\n') + 1;

    static DataFormatException Error(string source, ReadOnlySpan<byte> file, int at, string message) =>
        new(source, Line(file, at), $"Netpbm: {message}");
}
