using System.Diagnostics;
using System.Globalization;

namespace Neurite.Serialization;

/// <summary>
/// Removes what a killed save left behind: <see cref="AtomicFile"/> writes <c>.NAME.PID.GUID.tmp</c> beside
/// NAME and renames it; a process killed before the rename leaves that file forever. The next atomic write of NAME
/// (a model, a checkpoint, a history) deletes those whose process is no longer running.
/// </summary>
static class StaleTemporaryFiles
{
    public static void Remove(string path)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (dir is null || !Directory.Exists(dir)) return;
        string prefix = "." + Path.GetFileName(full) + ".";
        foreach (var temp in Directory.EnumerateFiles(dir, prefix + "*.tmp"))
        {
            var parts = Path.GetFileName(temp)[prefix.Length..].Split('.');
            if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || Running(pid)) continue;
            try { File.Delete(temp); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }  // someone else's: leave it
        }
    }

    static bool Running(int pid)
    {
        if (pid == Environment.ProcessId) return true;  // a save of this process in progress on another thread
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
