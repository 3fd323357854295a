using System.Buffers;
using System.Text;

namespace Neurite.Data.Text;

/// <summary>Reads text files strictly: UTF-8 only, with clear errors for anything else.</summary>
public static class TextFile
{
    // C0 control characters other than \t (0x09), \n (0x0A), \f (0x0C) and \r (0x0D). In UTF-8 these
    // bytes only ever stand for themselves (never inside a multi-byte sequence), so a byte search finds them.
    static readonly SearchValues<byte> binaryBytes = SearchValues.Create(
        [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0B, 0x0E, 0x0F,
         0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F]);

    static readonly UTF8Encoding strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The whole of the file at <paramref name="path"/> as a string, decoded as strict UTF-8; a leading
    /// byte-order mark (EF BB BF) is removed. Line ends are kept as they are.
    /// </summary>
    /// <remarks>
    /// Errors name the file, the 1-based line and the 0-based byte offset in the file (counting any BOM),
    /// so the bad spot can be found with a hex editor: e.g. a Latin-1 <c>é</c> gives
    /// <c>notes.txt, line 3: not valid UTF-8 at byte offset 57 (byte 0xE9); re-save the file as UTF-8</c>.
    /// </remarks>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="DataFormatException">
    /// The file is empty (or only a BOM), is not valid UTF-8, or looks binary: it has a NUL or another C0
    /// control byte other than tab, line feed, form feed and carriage return.
    /// </exception>
    public static string ReadUtf8(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"TextFile.ReadUtf8: there is no file {path}", path);
        byte[] bytes = File.ReadAllBytes(path);
        int start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        if (bytes.Length == start)
            throw new DataFormatException(path, 0, start == 0 ? "the file is empty" : "the file is empty (it has only a UTF-8 byte-order mark)");

        var text = bytes.AsSpan(start);
        int binary = text.IndexOfAny(binaryBytes);
        int invalid = FirstInvalidUtf8(text);
        if (binary >= 0 && (invalid < 0 || binary < invalid))
            throw new DataFormatException(path, LineAt(bytes, start + binary),
                $"the file looks binary: byte 0x{text[binary]:X2} at offset {start + binary} (a control character; text may only have tab, newline, form feed and carriage return)");
        if (invalid >= 0)
            throw new DataFormatException(path, LineAt(bytes, start + invalid),
                $"not valid UTF-8 at byte offset {start + invalid} (byte 0x{text[invalid]:X2}); re-save the file as UTF-8");
        return strictUtf8.GetString(text);
    }

    /// <summary>The offset of the first byte that does not start a valid UTF-8 sequence, or -1.</summary>
    static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes)) return -1;
        int i = 0;
        while (i < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[i..], out _, out int used) != OperationStatus.Done) return i;
            i += used;
        }
        return -1;
    }

    /// <summary>The 1-based line of byte <paramref name="offset"/>: one more than the line feeds before it.</summary>
    static int LineAt(byte[] bytes, int offset) => bytes.AsSpan(0, offset).Count((byte)'\n') + 1;
}
