using System.Globalization;
using System.Text.RegularExpressions;
using Neurite.Data;

namespace Neurite.Tests.Data;

public partial class DatesTests
{
    static readonly IReadOnlyList<(string Source, string Target)> sample = Datasets.Dates(5000, seed: 7);

    static DateOnly Iso(string target) => DateOnly.ParseExact(target, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public void Same_seed_same_pairs_and_another_seed_others()
    {
        Assert.Equal(Datasets.Dates(300, seed: 3), Datasets.Dates(300, seed: 3));
        Assert.NotEqual(Datasets.Dates(300, seed: 3), Datasets.Dates(300, seed: 4));
        Assert.Equal(Datasets.Dates(50, seed: 3), Datasets.Dates(300, seed: 3).Take(50));   // a prefix does not depend on n
    }

    [Fact]
    public void Targets_are_ISO_dates_from_1950_to_2049()
    {
        foreach (var (_, target) in sample)
        {
            Assert.Matches(IsoPattern(), target);
            var date = Iso(target);
            Assert.Equal(target, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));   // parses back to itself
            Assert.InRange(date, new DateOnly(1950, 1, 1), new DateOnly(2049, 12, 31));
        }
        // Uniform over 36,525 days: both centuries, both ends and every month are there.
        var years = sample.Select(p => Iso(p.Target).Year).ToArray();
        Assert.Contains(years, y => y < 1960);
        Assert.Contains(years, y => y >= 2040);
        Assert.Equal(12, sample.Select(p => Iso(p.Target).Month).Distinct().Count());
    }

    [Fact]
    public void Every_format_appears_and_each_source_is_its_target_in_some_format()
    {
        Assert.InRange(Datasets.DateFormats.Count, 15, 25);
        Assert.Equal(Datasets.DateFormats.Count, Datasets.DateFormats.Select(f => f.Name).Distinct().Count());
        var seen = new HashSet<string>();
        foreach (var (source, target) in sample)
        {
            var formats = Datasets.DateFormats.Where(f => f.Write(Iso(target)) == source).ToArray();
            Assert.NotEmpty(formats);
            foreach (var f in formats) seen.Add(f.Name);
        }
        Assert.Equal(Datasets.DateFormats.Select(f => f.Name).Order(), seen.Order());
    }

    [Fact]
    public void Every_source_reads_back_to_its_target_by_the_documented_rules()
    {
        // An independent reader: numeric dates are day/month/year unless a four-digit year leads; a month name
        // marks the month; the year is the four-digit number, else the last; two-digit years are 1950–2049.
        foreach (var (source, target) in sample)
            Assert.True(Read(source) == Iso(target), $"'{source}' read as {Read(source)}, target {target}");
    }

    [Fact]
    public void Weekday_names_are_those_of_the_date()
    {
        int withWeekday = 0;
        foreach (var (source, target) in sample)
        {
            var d = Iso(target);
            string expected = CultureInfo.InvariantCulture.DateTimeFormat.GetDayName(new DateTime(d.Year, d.Month, d.Day).DayOfWeek);
            var word = Words(source).FirstOrDefault(w => WeekdayOf(w) is not null);
            if (word is null) continue;
            withWeekday++;
            Assert.Equal(expected, WeekdayOf(word));
        }
        Assert.True(withWeekday > 500, $"only {withWeekday} sources with a weekday");
    }

    [Fact]
    public void Formats_write_the_documented_examples()
    {
        var f = Datasets.DateFormats.ToDictionary(x => x.Name);
        var monday = new DateOnly(1999, 5, 3);
        foreach (var format in Datasets.DateFormats) Assert.Equal(format.Name, format.Write(monday));
        Assert.Equal(Datasets.DateOrder.DayMonthYear, f["03/05/99"].Order);       // slashes are always day/month/year
        Assert.Equal(Datasets.DateOrder.MonthDayYear, f["Monday, May 3, 1999"].Order);
        Assert.Equal(Datasets.DateOrder.YearMonthDay, f["1999.05.03"].Order);
        // Ordinals, and the 1950–2049 window of two-digit years at both ends.
        string[] ordinals = [.. new[] { 1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31 }.Select(d => f["3rd of May 1999"].Write(new DateOnly(2001, 1, d)))];
        Assert.Equal(["1st of January 2001", "2nd of January 2001", "3rd of January 2001", "4th of January 2001", "11th of January 2001",
            "12th of January 2001", "13th of January 2001", "21st of January 2001", "22nd of January 2001", "23rd of January 2001",
            "31st of January 2001"], ordinals);
        Assert.Equal("31/12/49", f["03/05/99"].Write(new DateOnly(2049, 12, 31)));
        Assert.Equal("01-Jan-50", f["03-May-99"].Write(new DateOnly(1950, 1, 1)));
        Assert.Equal("FRIDAY 31 DECEMBER 2049", f["MONDAY 3 MAY 1999"].Write(new DateOnly(2049, 12, 31)));
        Assert.Equal(new DateOnly(2049, 12, 31), Read("31/12/49"));
        Assert.Equal(new DateOnly(1950, 1, 1), Read("01-Jan-50"));
    }

    [Fact]
    public void Bad_count_is_rejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>("n", () => Datasets.Dates(0));
        Assert.Contains("Datasets.Dates: n must be at least 1", e.Message);
    }

    // ---- the reader ----

    static readonly string[] months = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[..12];
    static readonly string[] weekdays = CultureInfo.InvariantCulture.DateTimeFormat.DayNames;

    static int? MonthOf(string word)
    {
        int i = Array.FindIndex(months, m => m.Equals(word, StringComparison.OrdinalIgnoreCase) || m[..3].Equals(word, StringComparison.OrdinalIgnoreCase));
        return i < 0 ? null : i + 1;
    }

    static string? WeekdayOf(string word) =>
        weekdays.FirstOrDefault(d => d.Equals(word, StringComparison.OrdinalIgnoreCase) || d[..3].Equals(word, StringComparison.OrdinalIgnoreCase));

    static IEnumerable<string> Words(string s) => WordPattern().Matches(s).Select(m => m.Value);

    static DateOnly Read(string source)
    {
        var numbers = NumberPattern().Matches(source).Select(m => m.Value).ToList();
        int? month = Words(source).Select(MonthOf).FirstOrDefault(m => m is not null);
        int year, day;
        if (month is null)
        {
            if (numbers is [{ Length: 8 } compact])   // yyyyMMdd
                numbers = [compact[..4], compact[4..6], compact[6..]];
            Assert.Equal(3, numbers.Count);
            bool yearFirst = numbers[0].Length == 4;
            (day, month, year) = yearFirst
                ? (int.Parse(numbers[2]), int.Parse(numbers[1]), int.Parse(numbers[0]))
                : (int.Parse(numbers[0]), int.Parse(numbers[1]), int.Parse(numbers[2]));
            if (!yearFirst) Year(numbers[2], out year);
        }
        else
        {
            Assert.Equal(2, numbers.Count);
            int y = numbers.FindIndex(x => x.Length == 4);
            if (y < 0) y = 1;
            Year(numbers[y], out year);
            day = int.Parse(numbers[1 - y]);
        }
        return new DateOnly(year, month.Value, day);
    }

    static void Year(string digits, out int year)
    {
        year = int.Parse(digits);
        if (digits.Length == 2) year += year >= 50 ? 1900 : 2000;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")] private static partial Regex IsoPattern();
    [GeneratedRegex(@"\d+")] private static partial Regex NumberPattern();
    [GeneratedRegex(@"[A-Za-z]+")] private static partial Regex WordPattern();
}
