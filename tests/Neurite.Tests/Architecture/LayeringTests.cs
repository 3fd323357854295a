using System.Text.RegularExpressions;

namespace Neurite.Tests.Architecture;

/// <summary>
/// The library's folders are layers in docs/ARCHITECTURE.md's table order, each using only the layers above it; and no
/// source file grows past 400 lines. The references that break the order today are listed below, so the test fails
/// on any new one, and also when a listed one is fixed (remove it from the list then).
/// </summary>
public partial class LayeringTests
{
    /// <summary>Known upward references, "From → To". Each needs a design change (e.g. moving AtomicFile and the
    /// safetensors reader below Data, and the layer-config table below the layers it lists).</summary>
    static readonly string[] KnownViolations =
    [
        "Nn → Optim", "Nn → Data", "Data → Serialization", "Training → Serialization", "Search → Serialization",
        "Serialization → Embeddings", "Serialization → Seq2Seq",
    ];

    static string Root => ApiListingTests.RepoRoot();

    static List<string> Layers()
    {
        var rows = File.ReadAllLines(Path.Combine(Root, "docs", "ARCHITECTURE.md"))
            .Select(l => LayerRow().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.True(rows.Count >= 10, "could not read the layers table of docs/ARCHITECTURE.md");
        return rows;
    }

    static IEnumerable<(string File, string Text)> Sources(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root, "src", "Neurite", folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(f => (f, StripComments(File.ReadAllText(f))));

    static string StripComments(string code) => Comment().Replace(code, "");

    [Fact]
    public void NoFolderUsesALayerBelowItExceptTheListedOnes()
    {
        var layers = Layers();
        var namespaced = layers.Where(l => l is not ("Kernels" or "Tensors" or "Autograd" or "Ops" or "Cli")).ToList();
        var found = new SortedSet<string>();
        foreach (var (layer, index) in layers.Select((l, i) => (l, i)))
        {
            if (layer == "Cli" || !Directory.Exists(Path.Combine(Root, "src", "Neurite", layer))) continue;
            foreach (var (file, text) in Sources(layer))
                foreach (var other in namespaced.Where(o => layers.IndexOf(o) > index))
                    if (Regex.IsMatch(text, $@"(using Neurite\.{other}\b|\bNeurite\.{other}\.|[^.\w]{other}\.[A-Z])"))
                        found.Add($"{layer} → {other}");
        }
        var unexpected = found.Except(KnownViolations).ToList();
        var fixedOnes = KnownViolations.Except(found).ToList();
        Assert.True(unexpected.Count == 0, $"new references to a lower layer: {string.Join(", ", unexpected)} (docs/ARCHITECTURE.md's order)");
        Assert.True(fixedOnes.Count == 0, $"no longer violated, remove from KnownViolations: {string.Join(", ", fixedOnes)}");
    }

    [Fact]
    public void NoSourceFilePassesFourHundredLines()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));
        var long_ = files.Select(f => (File: Path.GetRelativePath(Root, f), Lines: File.ReadLines(f).Count())).Where(f => f.Lines > 400).ToList();
        Assert.True(long_.Count == 0, "files over 400 lines: " + string.Join(", ", long_.Select(f => $"{f.File} ({f.Lines})")));
    }

    [GeneratedRegex(@"^\| (\w+) \| `")]
    private static partial Regex LayerRow();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();
}
