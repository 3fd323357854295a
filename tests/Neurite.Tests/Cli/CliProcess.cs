using System.Diagnostics;

namespace Neurite.Tests.Cli;

/// <summary>The real `neurite` program, as a user runs it: exit code and what reaches the terminal.</summary>
static class CliProcess
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Neurite.Cli.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), "neurite did not finish");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
