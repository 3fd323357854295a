using System.Diagnostics;
using Neurite.Serialization;

namespace Neurite.Fuzz;

/// <summary>How a case ended. <see cref="Loaded"/>, <see cref="Refused"/> (a <see cref="ModelFormatException"/>) and
/// <see cref="NotFound"/> are fine; the others are bugs.</summary>
public enum Outcome
{
    Loaded,
    Refused,
    NotFound,
    /// <summary>Any other exception type.</summary>
    Crash,
    /// <summary>Still running after the time limit.</summary>
    Hang,
    /// <summary>Allocated more than max(64 MB, 32 × the size of the files) on the loading thread.</summary>
    OverAllocation,
    /// <summary>Finished within the time limit but slower than the slow limit.</summary>
    Slow,
    /// <summary>A checkpoint was refused but the model, optimiser, scheduler or generator changed anyway.</summary>
    PartialLoad,
}

public sealed record CaseResult(FuzzTarget Target, int Case, string Seed, string Mutation, Outcome Outcome, string? Error, long AllocatedBytes, long LimitBytes, TimeSpan Elapsed)
{
    public bool IsFailure => Outcome is Outcome.Crash or Outcome.Hang or Outcome.OverAllocation or Outcome.PartialLoad;
}

public sealed record FuzzOptions
{
    public int Cases { get; init; } = 10_000;
    public int Seed { get; init; } = 1;
    /// <summary>Run only this case (reproduction).</summary>
    public int? OnlyCase { get; init; }
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan SlowLimit { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Stop after this many failures (a unit test needs only the first few).</summary>
    public int StopAfterFailures { get; init; } = int.MaxValue;
    /// <summary>A hung case cannot be stopped; its thread is waited for this long before the next case starts, so
    /// hung loads do not pile up their allocations. A run stops after two that never finish.</summary>
    public TimeSpan HangDrain { get; init; } = TimeSpan.FromSeconds(60);
    public string? WorkDirectory { get; init; }
}

public sealed class FuzzReport(FuzzTarget target)
{
    public FuzzTarget Target { get; } = target;
    public Dictionary<Outcome, int> Counts { get; } = Enum.GetValues<Outcome>().ToDictionary(o => o, _ => 0);
    public List<CaseResult> Failures { get; } = [];
    public int Cases => Counts.Values.Sum();
    public int FailureCount => Failures.Count;
    public string? StoppedEarly { get; set; }
    public TimeSpan Elapsed { get; set; }

    public string Summary() => $"{Target.ToString().ToLowerInvariant()}: {Cases} cases in {Elapsed.TotalSeconds:F1} s: " +
        string.Join(", ", Counts.Select(kv => $"{kv.Key} {kv.Value}")) + (StoppedEarly is null ? "" : $" (stopped early: {StoppedEarly})");
}

/// <summary>Runs mutated seed files through the loaders and classifies each outcome.</summary>
public static class Harness
{
    public static FuzzReport Run(FuzzTarget target, FuzzOptions options)
    {
        string work = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), $"neurite-fuzz-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var report = new FuzzReport(target);
        var clock = Stopwatch.StartNew();
        try
        {
            var seeds = Seeds.Build(target, Path.Combine(work, "seeds"));
            string caseDir = Path.Combine(work, "case");
            int stuck = 0;
            int first = options.OnlyCase ?? 0, last = options.OnlyCase ?? options.Cases - 1;
            for (int n = first; n <= last; n++)
            {
                var (result, thread) = RunCase(target, seeds, n, options, caseDir);
                report.Counts[result.Outcome]++;
                if (result.IsFailure) report.Failures.Add(result);
                if (thread is not null && !thread.Join(options.HangDrain) && ++stuck >= 2) { report.StoppedEarly = "two hung cases never finished"; break; }
                if (report.Failures.Count >= options.StopAfterFailures) { report.StoppedEarly = $"{report.Failures.Count} failures"; break; }
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        report.Elapsed = clock.Elapsed;
        return report;
    }

    /// <summary>One case: its own random stream (so it reproduces from seed, target and number alone), the mutated
    /// files written to <paramref name="caseDir"/>, the load on a thread of its own (timed, its allocations counted).
    /// Returns the thread if it is still running.</summary>
    public static (CaseResult, Thread?) RunCase(FuzzTarget target, IReadOnlyList<Seed> seeds, int n, FuzzOptions options, string caseDir)
    {
        var rng = new Random(HashCode.Combine(options.Seed, (int)target, n) & int.MaxValue);
        var seed = seeds[rng.Next(seeds.Count)];
        var (files, mutation) = new Mutator(rng).Mutate(seed);
        if (Directory.Exists(caseDir)) Directory.Delete(caseDir, recursive: true);
        Directory.CreateDirectory(caseDir);
        foreach (var (name, bytes) in files) File.WriteAllBytes(Path.Combine(caseDir, name), bytes);
        string path = Path.Combine(caseDir, seed.LoadFile);
        long size = files.Values.Sum(b => (long)b.Length);
        long limit = Math.Max(64L << 20, 32 * size);

        var checkpoint = seed.NewCheckpointTarget?.Invoke();
        int before = checkpoint?.Fingerprint() ?? 0;
        Action load = target switch
        {
            FuzzTarget.Weights => () => SafeTensors.Load(path),
            FuzzTarget.Architecture => () => ModelFile.Load(path),
            _ => () => checkpoint!.Load(path),
        };
        Exception? error = null;
        long allocated = 0;
        var thread = new Thread(() =>
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            try { load(); }
            catch (Exception e) { error = e; }
            allocated = GC.GetAllocatedBytesForCurrentThread() - start;
        }) { IsBackground = true, Name = $"fuzz {target} case {n}" };
        var clock = Stopwatch.StartNew();
        thread.Start();
        bool finished = thread.Join(options.TimeLimit);
        var elapsed = clock.Elapsed;
        CaseResult Result(Outcome o, string? message) => new(target, n, seed.Name, mutation, o, message, allocated, limit, elapsed);
        if (!finished) return (Result(Outcome.Hang, $"still running after {options.TimeLimit.TotalSeconds:F0} s"), thread);

        var outcome = error switch
        {
            null => Outcome.Loaded,
            ModelFormatException => Outcome.Refused,
            FileNotFoundException => Outcome.NotFound,
            _ => Outcome.Crash,
        };
        string? message = error is null ? null : $"{error.GetType().FullName}: {FirstLine(error.Message)}" + (outcome == Outcome.Crash ? $"\n      at {TopFrame(error)}" : "");
        if (outcome != Outcome.Crash)
        {
            if (allocated > limit) { outcome = Outcome.OverAllocation; message = $"allocated {allocated:N0} bytes, limit {limit:N0} ({message ?? "loaded"})"; }
            else if (checkpoint is not null && outcome != Outcome.Loaded && checkpoint.Fingerprint() != before) { outcome = Outcome.PartialLoad; message = $"refused, but the state changed ({message})"; }
            else if (elapsed > options.SlowLimit) { outcome = Outcome.Slow; message = $"took {elapsed.TotalMilliseconds:F0} ms ({message ?? "loaded"})"; }
        }
        return (Result(outcome, message), null);
    }

    static string FirstLine(string s)
    {
        int nl = s.IndexOf('\n');
        s = nl < 0 ? s : s[..nl];
        return s.Length <= 300 ? s : s[..297] + "…";
    }

    static string TopFrame(Exception e) =>
        (e.StackTrace ?? "").Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0)?.Replace("at ", "", StringComparison.Ordinal) ?? "?";

    /// <summary>The report as text: counts, then the first <paramref name="show"/> failures with how to reproduce each.</summary>
    public static void Print(FuzzReport report, FuzzOptions options, TextWriter output, int show = 5)
    {
        output.WriteLine(report.Summary());
        foreach (var f in report.Failures.Take(show))
        {
            output.WriteLine($"  case {f.Case} ({f.Outcome}, seed file set '{f.Seed}'): {f.Mutation}");
            if (f.Error is not null) output.WriteLine($"    {f.Error}");
            output.WriteLine($"    reproduce: dotnet run --project fuzz/Neurite.Fuzz -c Release -- --target {f.Target.ToString().ToLowerInvariant()} --seed {options.Seed} --case {f.Case}");
        }
        if (report.Failures.Count > show) output.WriteLine($"  … and {report.Failures.Count - show} more failures");
        var kinds = report.Failures.GroupBy(f => f.Outcome == Outcome.Crash ? f.Error?.Split(':')[0] ?? "?" : f.Outcome.ToString()).OrderByDescending(g => g.Count());
        if (report.Failures.Count > 0) output.WriteLine("  failures by kind: " + string.Join(", ", kinds.Select(g => $"{g.Key} {g.Count()}")));
    }
}
