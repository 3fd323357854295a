namespace Neurite.Cli;

/// <summary>
/// Checks a path a command will write, before the work starts: its folder must exist (or be created with
/// <c>--create-dirs</c>) and be writable, so a long run never ends in "cannot write".
/// </summary>
public static class OutputPath
{
    /// <summary>
    /// The model file for <c>--output</c>: PATH.safetensors, or — when PATH ends with '/' or is a folder —
    /// RUN.safetensors inside it.
    /// </summary>
    public static string Model(string output, string runName, bool? createDirs)
    {
        bool folder = output.EndsWith('/') || output.EndsWith(Path.DirectorySeparatorChar) || Directory.Exists(output);
        string file = folder ? Path.Combine(output, runName + ".safetensors") : Serialization.ModelFile.FileOf(output);
        Check("--output", file, createDirs);
        return file;
    }

    /// <summary>Checks that <paramref name="file"/> can be written (its folder exists or is created, and accepts a file).
    /// <paramref name="createDirs"/>: the command's --create-dirs, or null for a command without that option.</summary>
    public static void Check(string option, string file, bool? createDirs)
    {
        string full = Path.GetFullPath(file);
        if (Directory.Exists(full)) throw new UsageException($"{option}: {file} is a folder; give a file name, or end the path with '/' for a model named after the run");
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir))
        {
            if (createDirs != true)
                throw new UsageException($"{option}: the folder {dir} does not exist ({(createDirs is null ? "create it first" : "create it, or add --create-dirs")})");
            try { Directory.CreateDirectory(dir); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UsageException($"{option}: cannot create the folder {dir}: {e.Message}"); }
        }
        string probe = Path.Combine(dir, $".neurite-write-test.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot write to the folder {dir}: {e.Message}");
        }
        if (File.Exists(full) && new FileInfo(full).IsReadOnly) throw new UsageException($"{option}: {file} is read-only");
    }

    /// <summary>A file name from a run's data set and model: "digits-mlp-256-128".</summary>
    public static string RunName(string dataset, string model) =>
        string.Concat($"{Path.GetFileNameWithoutExtension(dataset)}-{model}".Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-'));
}
