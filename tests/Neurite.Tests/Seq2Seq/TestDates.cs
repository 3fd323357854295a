using Neurite.Data;

namespace Neurite.Tests.Seq2Seq;

/// <summary>The built-in generated dates (human formats → ISO) as the tests use them.</summary>
internal static class TestDates
{
    public static List<(string Source, string Target)> Make(int n, ulong seed) => [.. Datasets.Dates(n, seed)];
}
