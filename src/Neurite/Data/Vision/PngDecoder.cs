using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Neurite.Data.Vision;

public static partial class Png
{
    /// <summary>
    /// Decodes a PNG file to 8-bit pixels: rows top to bottom, each pixel's channels together, as
    /// <see cref="Encode"/> takes them.
    /// </summary>
    /// <param name="file">The whole file.</param>
    /// <param name="source">The file's name, for error messages.</param>
    /// <returns>The pixels and their layout. <c>Channels</c> is 1 for greyscale, 2 for grey + alpha, 3 for RGB and
    /// for palette images (expanded through PLTE), 4 for RGBA.</returns>
    /// <remarks>
    /// <para>Reads every colour type and bit depth of ISO/IEC 15948: greyscale at 1, 2, 4, 8 or 16 bits, palette at
    /// 1, 2, 4 or 8, grey + alpha, RGB and RGBA at 8 or 16; all five row filters (None, Sub, Up, Average, Paeth);
    /// non-interlaced and Adam7-interlaced images. Samples below 8 bits are scaled to 0…255 (v·255 / (2ᵈ − 1), so
    /// 1-bit white is 255); 16-bit samples keep their high byte. Ancillary chunks (gAMA, tRNS, text, …) are
    /// CRC-checked and ignored: no gamma or colour-profile correction, and a palette's tRNS transparency is not
    /// turned into an alpha channel.</para>
    /// <para>Refused, with a <see cref="DataFormatException"/> naming <paramref name="source"/>: a bad signature;
    /// a chunk that runs past the end of the file or fails its CRC; IHDR missing, not first or malformed; an
    /// invalid colour type / bit depth pair; an image of more than <see cref="ImageFiles.MaxDecodedBytes"/> bytes
    /// decoded; a palette image without PLTE; IDAT missing or split by other chunks; IEND missing; an unknown
    /// critical chunk; corrupt zlib data, or decompressed data longer or shorter than the header implies;
    /// an unknown filter type; a palette index past the palette.</para>
    /// <para>Hostile files fail before large allocations: the size cap is checked on IHDR, and the decompressed
    /// buffer is allocated only when deflate could produce it from the IDAT bytes present (at most 1032:1).</para>
    /// </remarks>
    /// <example><code>var (pixels, w, h, c) = Png.Decode(File.ReadAllBytes("digit.png"), "digit.png");</code></example>
    /// <exception cref="DataFormatException">The file is not a PNG this decoder reads; the message says why.</exception>
    public static (byte[] Pixels, int Width, int Height, int Channels) Decode(ReadOnlySpan<byte> file, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (file.Length < 8 || !file[..8].SequenceEqual(Signature))
            throw Error(source, file.Length < 8 && Signature.StartsWith(file)
                ? $"truncated: {file.Length} bytes, shorter than the 8-byte PNG signature"
                : "not a PNG file: the first 8 bytes are not the PNG signature 89 50 4E 47 0D 0A 1A 0A");

        Header? header = null;
        byte[]? palette = null;
        var idat = new List<(int At, int Length)>();
        bool idatEnded = false, sawEnd = false;
        int at = 8;
        while (!sawEnd)
        {
            if (at == file.Length)
                throw Error(source, header is null ? "no IHDR chunk: the file ends after the signature" : "no IEND chunk: the file is truncated");
            if (file.Length - at < 12)
                throw Error(source, $"truncated chunk at byte {at}: {file.Length - at} bytes left, a chunk needs at least 12");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(file[at..]);
            var typeBytes = file.Slice(at + 4, 4);
            string type = Encoding.ASCII.GetString(typeBytes);
            if (length > int.MaxValue)
                throw Error(source, $"chunk {type} at byte {at} declares length {length}, more than 2³¹ − 1");
            if (length > file.Length - at - 12)
                throw Error(source, $"truncated: chunk {type} at byte {at} declares {length} bytes of data, but only {file.Length - at - 12} remain before its CRC");
            var data = file.Slice(at + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(file[(at + 8 + (int)length)..]);
            uint computed = Crc32.Update(Crc32.Update(Crc32.Initial, typeBytes), data) ^ 0xFFFFFFFFu;
            if (stored != computed)
                throw Error(source, $"chunk {type} at byte {at} fails its CRC: stored 0x{stored:x8}, computed 0x{computed:x8} (the file is corrupt)");

            if (header is null && type != "IHDR")
                throw Error(source, $"the first chunk is {type}, expected IHDR");
            if (type != "IDAT" && idat.Count > 0) idatEnded = true;
            switch (type)
            {
                case "IHDR":
                    if (header is not null) throw Error(source, $"a second IHDR chunk at byte {at}");
                    header = Header.Parse(data, source);
                    break;
                case "PLTE":
                    if (idat.Count > 0) throw Error(source, "PLTE comes after IDAT");
                    if (length == 0 || length % 3 != 0 || length > 768)
                        throw Error(source, $"PLTE has {length} bytes, expected 3 per entry and 1 to 256 entries");
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    if (idatEnded) throw Error(source, $"IDAT chunks are not consecutive (another IDAT at byte {at} after other chunks)");
                    idat.Add((at + 8, (int)length));
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
                default:
                    // Bit 5 of the first type byte clear = critical: a decoder must not ignore it (spec § 5.4).
                    if ((typeBytes[0] & 0x20) == 0)
                        throw Error(source, $"unknown critical chunk {type} at byte {at}");
                    break;
            }
            at += 12 + (int)length;
        }
        var h = header!;
        if (idat.Count == 0) throw Error(source, "no IDAT chunk: the file has no image data");
        if (h.ColourType == 3 && palette is null) throw Error(source, "palette image (colour type 3) without a PLTE chunk");

        long compressedLength = 0;
        foreach (var (_, n) in idat) compressedLength += n;
        long rawLength = h.RawLength();
        // Deflate emits at most 258 bytes per 2 bits (a length-258 match with one-bit codes), so no zlib stream
        // of n bytes inflates past 1032·n: a tiny IDAT claiming a big image is refused before the buffer exists.
        if (rawLength > 1032 * compressedLength)
            throw Error(source, $"{h.Width}×{h.Height} needs {rawLength} bytes of filtered data, but {compressedLength} bytes of IDAT cannot inflate to that (the file is truncated or corrupt)");

        var compressed = new byte[compressedLength];
        int put = 0;
        foreach (var (start, n) in idat) { file.Slice(start, n).CopyTo(compressed.AsSpan(put)); put += n; }
        var raw = Inflate(compressed, rawLength, source);
        return (Reconstruct(raw, h, palette, source), h.Width, h.Height, h.OutChannels);
    }

    static byte[] Inflate(byte[] compressed, long rawLength, string source)
    {
        var raw = new byte[rawLength];
        try
        {
            using var z = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            int got = z.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
            if (got < raw.Length)
                throw Error(source, $"decompressed IDAT has {got} bytes, but the header implies {raw.Length} (the image data is truncated)");
            if (z.ReadByte() >= 0)
                throw Error(source, $"decompressed IDAT is longer than the {raw.Length} bytes the header implies");
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(source, 0, $"PNG: corrupt zlib data in IDAT: {e.Message}", e);
        }
        return raw;
    }

    /// <summary>Undoes the row filters pass by pass (one pass unless Adam7) and unpacks samples to 8-bit pixels.</summary>
    static byte[] Reconstruct(byte[] raw, Header h, byte[]? palette, string source)
    {
        int channels = h.OutChannels;
        var pixels = new byte[(long)h.Width * h.Height * channels];
        int bpp = Math.Max(1, h.BitsPerPixel / 8);   // filter distance: bytes per complete pixel, at least 1
        int at = 0;
        foreach (var p in h.Passes())
        {
            int rowBytes = h.RowBytes(p.Width);
            for (int y = 0; y < p.Height; y++)
            {
                byte filter = raw[at];
                var row = raw.AsSpan(at + 1, rowBytes);
                var previous = y == 0 ? default : raw.AsSpan(at - rowBytes, rowBytes);
                if (filter > 4)
                    throw Error(source, $"unknown filter type {filter} on row {y}{(h.Interlaced ? $" of Adam7 pass {p.Number}" : "")}, expected 0 to 4");
                Unfilter(filter, row, previous, bpp);
                int outY = p.Y0 + y * p.DY;
                for (int i = 0; i < p.Width; i++)
                {
                    int outX = p.X0 + i * p.DX;
                    var dst = pixels.AsSpan((int)(((long)outY * h.Width + outX) * channels), channels);
                    Unpack(row, i, h, palette, dst, source);
                }
                at += 1 + rowBytes;
            }
        }
        return pixels;
    }

    /// <summary>Reverses one row's filter in place; <paramref name="previous"/> is the reconstructed row above
    /// (empty for the first row of a pass, which reads as zeros).</summary>
    static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous, int bpp)
    {
        bool top = previous.IsEmpty;
        switch (filter)
        {
            case 1:   // Sub: Raw(x) = Sub(x) + Raw(x − bpp)
                for (int x = bpp; x < row.Length; x++) row[x] += row[x - bpp];
                break;
            case 2:   // Up: Raw(x) = Up(x) + Prior(x)
                if (!top) for (int x = 0; x < row.Length; x++) row[x] += previous[x];
                break;
            case 3:   // Average: Raw(x) = Average(x) + ⌊(Raw(x − bpp) + Prior(x)) / 2⌋
                for (int x = 0; x < row.Length; x++)
                {
                    int a = x >= bpp ? row[x - bpp] : 0, b = top ? 0 : previous[x];
                    row[x] += (byte)((a + b) >> 1);
                }
                break;
            case 4:   // Paeth: Raw(x) = Paeth(x) + PaethPredictor(Raw(x − bpp), Prior(x), Prior(x − bpp))
                for (int x = 0; x < row.Length; x++)
                {
                    int a = x >= bpp ? row[x - bpp] : 0, b = top ? 0 : previous[x], c = x >= bpp && !top ? previous[x - bpp] : 0;
                    row[x] += Paeth(a, b, c);
                }
                break;
        }
    }

    /// <summary>The neighbour (left a, above b, upper-left c) closest to a + b − c; ties go a, b, c (spec § 9.4).</summary>
    static byte Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
    }

    /// <summary>Pixel <paramref name="i"/> of a reconstructed row as 8-bit channels.</summary>
    static void Unpack(ReadOnlySpan<byte> row, int i, Header h, byte[]? palette, Span<byte> dst, string source)
    {
        int depth = h.BitDepth;
        if (depth == 8 && h.ColourType != 3) { row.Slice(i * dst.Length, dst.Length).CopyTo(dst); return; }
        if (depth == 16) { for (int k = 0; k < dst.Length; k++) dst[k] = row[2 * (i * dst.Length + k)]; return; }
        // One sample per pixel here (grey or palette index), packed most significant bits first.
        int value = depth == 8 ? row[i] : (row[i * depth >> 3] >> (8 - depth - (i * depth & 7))) & ((1 << depth) - 1);
        if (h.ColourType == 3)
        {
            if (3 * value + 3 > palette!.Length)
                throw Error(source, $"palette index {value} is past the {palette.Length / 3}-entry PLTE");
            palette.AsSpan(3 * value, 3).CopyTo(dst);
        }
        else dst[0] = (byte)(value * 255 / ((1 << depth) - 1));
    }

    static DataFormatException Error(string source, string message) => new(source, 0, $"PNG: {message}");

    /// <summary>One Adam7 pass (or the whole image): its size and where its pixels land.</summary>
    readonly record struct Pass(int Number, int Width, int Height, int X0, int Y0, int DX, int DY);

    sealed record Header(int Width, int Height, int BitDepth, int ColourType, bool Interlaced)
    {
        /// <summary>Samples per pixel in the file: grey 1, RGB 3, palette 1, grey + alpha 2, RGBA 4.</summary>
        public int Samples => ColourType switch { 0 or 3 => 1, 2 => 3, 4 => 2, _ => 4 };

        /// <summary>Channels decoded: palette entries expand to RGB.</summary>
        public int OutChannels => ColourType == 3 ? 3 : Samples;

        public int BitsPerPixel => Samples * BitDepth;

        public int RowBytes(int width) => (int)(((long)width * BitsPerPixel + 7) / 8);

        /// <summary>Bytes of filtered data: each non-empty pass row is a filter byte and its packed samples.</summary>
        public long RawLength()
        {
            long n = 0;
            foreach (var p in Passes()) n += (long)p.Height * (1 + RowBytes(p.Width));
            return n;
        }

        static readonly (int X0, int Y0, int DX, int DY)[] Adam7 =
            [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

        /// <summary>The passes that hold pixels (an Adam7 pass with no columns or rows has no bytes at all).</summary>
        public IEnumerable<Pass> Passes()
        {
            if (!Interlaced) { yield return new Pass(0, Width, Height, 0, 0, 1, 1); yield break; }
            for (int k = 0; k < Adam7.Length; k++)
            {
                var (x0, y0, dx, dy) = Adam7[k];
                int w = (Width - x0 + dx - 1) / dx, h = (Height - y0 + dy - 1) / dy;
                if (w > 0 && h > 0) yield return new Pass(k + 1, w, h, x0, y0, dx, dy);
            }
        }

        public static Header Parse(ReadOnlySpan<byte> d, string source)
        {
            if (d.Length != 13) throw Error(source, $"IHDR has {d.Length} bytes, expected 13");
            uint w = BinaryPrimitives.ReadUInt32BigEndian(d), h = BinaryPrimitives.ReadUInt32BigEndian(d[4..]);
            if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue)
                throw Error(source, $"image size {w}×{h} is invalid: width and height must be 1 to 2³¹ − 1");
            int depth = d[8], colour = d[9];
            bool valid = colour switch
            {
                0 => depth is 1 or 2 or 4 or 8 or 16,
                3 => depth is 1 or 2 or 4 or 8,
                2 or 4 or 6 => depth is 8 or 16,
                _ => false,
            };
            if (!valid)
                throw Error(source, colour is 0 or 2 or 3 or 4 or 6
                    ? $"bit depth {depth} is invalid for colour type {colour}"
                    : $"unknown colour type {colour}, expected 0, 2, 3, 4 or 6");
            if (d[10] != 0) throw Error(source, $"unknown compression method {d[10]}, expected 0 (deflate)");
            if (d[11] != 0) throw Error(source, $"unknown filter method {d[11]}, expected 0 (adaptive)");
            if (d[12] > 1) throw Error(source, $"unknown interlace method {d[12]}, expected 0 (none) or 1 (Adam7)");
            var header = new Header((int)w, (int)h, depth, colour, d[12] == 1);
            long bytes = (long)w * h * header.OutChannels;
            if (bytes > ImageFiles.MaxDecodedBytes)
                throw Error(source, $"{w}×{h}×{header.OutChannels} decodes to {bytes} bytes, more than the {ImageFiles.MaxDecodedBytes}-byte limit");
            return header;
        }
    }
}
