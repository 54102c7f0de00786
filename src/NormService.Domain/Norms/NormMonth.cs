using System.Globalization;

namespace NormService.Domain.Norms;

/// <summary>A calendar month (UTC) for which a norm table is published, written <c>yyyy-MM</c>.</summary>
public readonly record struct NormMonth(int Year, int Month) : IComparable<NormMonth>
{
    public static bool TryParse(string? text, out NormMonth month)
    {
        month = default;
        if (text is null || text.Length != 7) return false;
        if (!DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return false;
        month = new NormMonth(date.Year, date.Month);
        return true;
    }

    public static NormMonth Parse(string text) =>
        TryParse(text, out var month) ? month : throw new FormatException($"'{text}' is not a month in the form yyyy-MM.");

    /// <summary>The month a moment falls in, in UTC (a reading: the marketplace's tables are per calendar month).</summary>
    public static NormMonth Of(DateTimeOffset moment)
    {
        var utc = moment.UtcDateTime;
        return new NormMonth(utc.Year, utc.Month);
    }

    /// <summary>The first instant of the month, UTC.</summary>
    public DateTimeOffset Start => new(Year, Month, 1, 0, 0, 0, TimeSpan.Zero);

    public int CompareTo(NormMonth other) => (Year, Month).CompareTo((other.Year, other.Month));

    public static bool operator <(NormMonth a, NormMonth b) => a.CompareTo(b) < 0;
    public static bool operator >(NormMonth a, NormMonth b) => a.CompareTo(b) > 0;
    public static bool operator <=(NormMonth a, NormMonth b) => a.CompareTo(b) <= 0;
    public static bool operator >=(NormMonth a, NormMonth b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Year:D4}-{Month:D2}";
}
