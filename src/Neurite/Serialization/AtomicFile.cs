namespace Neurite.Serialization;

/// <summary>
/// Writes files so that a crash or Ctrl-C mid-write never leaves a half-written file: the data goes to a
/// temporary file in the same folder, is flushed to disk, and then replaces the target in one rename.
/// Temporary files that killed processes left beside the target are removed first (<see cref="StaleTemporaryFiles"/>).
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> atomically: <paramref name="write"/> fills a temporary file in the same folder
    /// (created if missing), which is flushed to disk and renamed over the target. If <paramref name="write"/> throws, the
    /// temporary file is deleted, the target is left as it was, and the exception propagates.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the content to the stream it is given (do not dispose it).</param>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        StaleTemporaryFiles.Remove(full);
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary><see cref="File.WriteAllText(string, string)"/>, atomically (UTF-8 without a byte-order mark): see <see cref="Write"/>.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });
}
