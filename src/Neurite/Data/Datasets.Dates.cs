namespace Neurite.Data;

// A seeded toy translation task: human-written dates to ISO 8601.
public static partial class Datasets
{
    /// <summary>
    /// <paramref name="n"/> (source, target) pairs for sequence-to-sequence learning: a date drawn uniformly from
    /// 1950-01-01 … 2049-12-31, written in one of the <see cref="DateFormats"/> (drawn uniformly), and the same date
    /// in ISO 8601, <c>yyyy-MM-dd</c>. E.g. <c>("Monday, May 3, 1999", "1999-05-03")</c>,
    /// <c>("03/05/99", "1999-05-03")</c>, <c>("the 3rd of may, 1999", "1999-05-03")</c>.
    /// </summary>
    /// <remarks>
    /// <para>Every source has exactly one reading, so a model can learn the task perfectly:</para>
    /// <list type="bullet">
    /// <item>All-numeric formats that do not start with a four-digit year are always day, month, year
    /// (<c>03/05/99</c>, <c>3/5/1999</c>, <c>3.5.1999</c>, <c>03-05-1999</c> are all 3 May 1999); never month-first.</item>
    /// <item>All-numeric formats that start with a four-digit year are year, month, day (<c>1999.05.03</c>,
    /// <c>19990503</c>).</item>
    /// <item>Formats with the month's name can put the day first (<c>3 May 1999</c>) or the month first
    /// (<c>May 3, 1999</c>); the name says which number is the month. <see cref="DateFormat.Order"/> records which.</item>
    /// <item>Two-digit years stand for 1950–2049: 50–99 are 1950–1999, 00–49 are 2000–2049.</item>
    /// <item>Weekday names are those of the date (English, proleptic Gregorian calendar, as <see cref="DateOnly"/>).</item>
    /// </list>
    /// <para>Names are English and written capitalised, lower-case or upper-case as each format says. Deterministic
    /// in <paramref name="seed"/> (Neurite's <see cref="Generator"/>): per pair, one draw for the date, then one for
    /// the format.</para>
    /// </remarks>
    /// <example><code>
    /// var pairs = Datasets.Dates(10_000, seed: 1);
    /// foreach (var (source, target) in pairs.Take(3)) Console.WriteLine($"{source,-28} → {target}");
    /// </code></example>
    public static IReadOnlyList<(string Source, string Target)> Dates(int n, ulong seed = 0)
    {
        CheckCount(n, nameof(Dates));
        var g = new Generator(seed);
        var pairs = new (string, string)[n];
        for (int i = 0; i < n; i++)
        {
            var date = DateOnly.FromDayNumber(FirstDate.DayNumber + g.NextInt(LastDate.DayNumber - FirstDate.DayNumber + 1));
            var format = DateFormats[g.NextInt(DateFormats.Count)];
            pairs[i] = (format.Write(date), date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }
        return pairs;
    }

    static readonly DateOnly FirstDate = new(1950, 1, 1), LastDate = new(2049, 12, 31);

    // Declared before DateFormats: static initialisers run in textual order, and building the formats checks them.
    static readonly string[] MonthNames =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    // Indexed by DayOfWeek: Sunday = 0.
    static readonly string[] WeekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    /// <summary>Which of day, month and year a date format writes first.</summary>
    public enum DateOrder
    {
        /// <summary>Day first: 03/05/1999, 3 May 1999.</summary>
        DayMonthYear,
        /// <summary>Month first: May 3, 1999 (the formats that name the month).</summary>
        MonthDayYear,
        /// <summary>Year first: 1999.05.03, 19990503, 1999 May 3.</summary>
        YearMonthDay,
    }

    /// <summary>
    /// One way of writing a date. <see cref="Name"/> is the format applied to Monday 3 May 1999 (chosen because
    /// day 3 ≠ month 5, so the example shows the order).
    /// </summary>
    public sealed class DateFormat
    {
        readonly Func<DateOnly, string> write;

        internal DateFormat(string name, DateOrder order, Func<DateOnly, string> write)
        {
            this.write = write;
            Name = name;
            Order = order;
        }

        /// <summary>This format's rendering of 1999-05-03, a Monday.</summary>
        public string Name { get; }

        /// <summary>Day-first, month-first or year-first.</summary>
        public DateOrder Order { get; }

        /// <summary>The date written in this format.</summary>
        public string Write(DateOnly date) => write(date);

        /// <summary>The name and the order, e.g. <c>1999.05.03 (YearMonthDay)</c>.</summary>
        public override string ToString() => $"{Name} ({Order})";
    }

    /// <summary>The 23 formats of <see cref="Dates"/>, each named by how it writes Monday 3 May 1999.</summary>
    public static IReadOnlyList<DateFormat> DateFormats { get; } = BuildDateFormats();

    static DateFormat[] BuildDateFormats()
    {
        const DateOrder dmy = DateOrder.DayMonthYear, mdy = DateOrder.MonthDayYear, ymd = DateOrder.YearMonthDay;
        DateFormat[] formats =
        [
            // all-numeric: day-first unless the four-digit year leads
            new("03/05/99", dmy, d => $"{d.Day:00}/{d.Month:00}/{d.Year % 100:00}"),
            new("3/5/1999", dmy, d => $"{d.Day}/{d.Month}/{d.Year}"),
            new("03/05/1999", dmy, d => $"{d.Day:00}/{d.Month:00}/{d.Year}"),
            new("3.5.1999", dmy, d => $"{d.Day}.{d.Month}.{d.Year}"),
            new("03-05-1999", dmy, d => $"{d.Day:00}-{d.Month:00}-{d.Year}"),
            new("1999.05.03", ymd, d => $"{d.Year}.{d.Month:00}.{d.Day:00}"),
            new("19990503", ymd, d => $"{d.Year}{d.Month:00}{d.Day:00}"),
            // month by name, day first
            new("3rd of May 1999", dmy, d => $"{Ordinal(d.Day)} of {Month(d)} {d.Year}"),
            new("the 3rd of may, 1999", dmy, d => $"the {Ordinal(d.Day)} of {Month(d).ToLowerInvariant()}, {d.Year}"),
            new("3 May 1999", dmy, d => $"{d.Day} {Month(d)} {d.Year}"),
            new("3 may 1999", dmy, d => $"{d.Day} {Month(d).ToLowerInvariant()} {d.Year}"),
            new("3 May '99", dmy, d => $"{d.Day} {Month(d)} '{d.Year % 100:00}"),
            new("03-May-99", dmy, d => $"{d.Day:00}-{Month(d)[..3]}-{d.Year % 100:00}"),
            new("MONDAY 3 MAY 1999", dmy, d => $"{Weekday(d)} {d.Day} {Month(d)} {d.Year}".ToUpperInvariant()),
            new("Mon 3 May 1999", dmy, d => $"{Weekday(d)[..3]} {d.Day} {Month(d)} {d.Year}"),
            new("Monday 3rd May 1999", dmy, d => $"{Weekday(d)} {Ordinal(d.Day)} {Month(d)} {d.Year}"),
            new("Mon, 03 May 1999", dmy, d => $"{Weekday(d)[..3]}, {d.Day:00} {Month(d)[..3]} {d.Year}"),
            // month by name, month first
            new("Monday, May 3, 1999", mdy, d => $"{Weekday(d)}, {Month(d)} {d.Day}, {d.Year}"),
            new("May 3rd, 1999", mdy, d => $"{Month(d)} {Ordinal(d.Day)}, {d.Year}"),
            new("May 3, 1999", mdy, d => $"{Month(d)} {d.Day}, {d.Year}"),
            new("MAY 3, 1999", mdy, d => $"{Month(d).ToUpperInvariant()} {d.Day}, {d.Year}"),
            new("may 3 99", mdy, d => $"{Month(d)[..3].ToLowerInvariant()} {d.Day} {d.Year % 100:00}"),
            // year first, month by name
            new("1999 May 3", ymd, d => $"{d.Year} {Month(d)} {d.Day}"),
        ];
        var monday = new DateOnly(1999, 5, 3);
        foreach (var f in formats)   // each name is its own example
            if (f.Write(monday) != f.Name) throw new InvalidOperationException($"date format {f.Name} writes {f.Write(monday)}");
        return formats;
    }

    static string Month(DateOnly d) => MonthNames[d.Month - 1];

    static string Weekday(DateOnly d) => WeekdayNames[(int)d.DayOfWeek];

    // 1st 2nd 3rd 4th … 11th 12th 13th … 21st 22nd 23rd … 31st
    static string Ordinal(int day) => day + (day % 100 is 11 or 12 or 13 ? "th" : (day % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });
}
