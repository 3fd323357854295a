namespace Neurite.Data;

/// <summary>
/// A data file is malformed: a ragged or non-numeric CSV row, an IDX header that does not match the
/// file. The message names the file and, for text formats, the 1-based line.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>An error in <paramref name="file"/> at <paramref name="line"/> (0 when not line-based).</summary>
    public DataFormatException(string file, int line, string message, Exception? inner = null)
        : base(line > 0 ? $"{file}, line {line}: {message}" : $"{file}: {message}", inner)
    {
        File = file;
        Line = line;
    }

    /// <summary>The file (or source name) that is malformed.</summary>
    public string File { get; }

    /// <summary>The 1-based line of the error, or 0 for binary formats.</summary>
    public int Line { get; }
}
