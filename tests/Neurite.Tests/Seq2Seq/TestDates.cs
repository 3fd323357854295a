using System.Globalization;

namespace Neurite.Tests.Seq2Seq;

/// <summary>Human-format dates and their ISO form, for the tests only: a stand-in until the shared
/// <c>Datasets.Dates(n, seed)</c> is merged (then use that).</summary>
internal static class TestDates
{
    static readonly string[] Formats =
    [
        "d MMMM yyyy", "MMMM d, yyyy", "dd MMM yyyy", "MMM d yyyy", "d MMM, yyyy", "dddd, MMMM d, yyyy", "ddd d MMM yyyy", "dd.MM.yyyy", "d.M.yyyy", "yyyy/MM/dd",
    ];

    public static List<(string Source, string Target)> Make(int n, ulong seed)
    {
        var g = new Generator(seed);
        var start = new DateTime(1950, 1, 1);
        int days = (int)(new DateTime(2049, 12, 31) - start).TotalDays + 1;
        var result = new List<(string, string)>(n);
        for (int i = 0; i < n; i++)
        {
            var date = start.AddDays(g.NextInt(days));
            string text = date.ToString(Formats[g.NextInt(Formats.Length)], CultureInfo.InvariantCulture);
            if (g.NextInt(2) == 0) text = text.ToLowerInvariant();
            result.Add((text, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }
        return result;
    }
}
