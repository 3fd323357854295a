using PublicApiGenerator;

namespace Neurite.Tests.Architecture;

/// <summary>
/// The library's public surface is checked in (docs/api/Neurite.txt), so a change to it shows in review as a diff of
/// that file. After an intended change, regenerate it:
/// <c>NEURITE_UPDATE_API=1 dotnet test tests/Neurite.Tests -c Release --filter ApiListing</c>.
/// </summary>
public class ApiListingTests
{
    static string ListingPath => Path.Combine(RepoRoot(), "docs", "api", "Neurite.txt");

    [Fact]
    public void PublicSurfaceMatchesTheCheckedInListing()
    {
        string actual = typeof(Tensor).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("NEURITE_UPDATE_API") == "1") File.WriteAllText(ListingPath, actual);
        Assert.True(File.Exists(ListingPath), $"{ListingPath} is missing; create it with NEURITE_UPDATE_API=1");
        string expected = File.ReadAllText(ListingPath).ReplaceLineEndings("\n");
        if (expected == actual) return;
        var a = actual.Split('\n');
        var e = expected.Split('\n');
        int i = 0;
        while (i < a.Length && i < e.Length && a[i] == e[i]) i++;
        Assert.Fail($"the public API differs from docs/api/Neurite.txt from line {i + 1}:\n  listed: {(i < e.Length ? e[i].Trim() : "(end)")}\n  actual: {(i < a.Length ? a[i].Trim() : "(end)")}\n" +
                    "if the change is intended: NEURITE_UPDATE_API=1 dotnet test tests/Neurite.Tests -c Release --filter ApiListing");
    }

    [Fact]
    public void KernelsAreNotPublic()
    {
        var leaked = typeof(Tensor).Assembly.GetExportedTypes().Where(t => t.Namespace == "Neurite.Kernels").Select(t => t.Name).ToList();
        Assert.True(leaked.Count == 0, $"public kernel types: {string.Join(", ", leaked)}");
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Neurite.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("the repository root (Neurite.slnx) is not above " + AppContext.BaseDirectory);
    }
}
