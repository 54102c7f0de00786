using System.Collections.Immutable;

namespace NormService.Domain.Norms;

/// <summary>Every published norm table, newest revision per month.</summary>
public sealed record NormTables
{
    public static NormTables Empty { get; } = new(ImmutableSortedDictionary<NormMonth, NormTable>.Empty);

    private NormTables(ImmutableSortedDictionary<NormMonth, NormTable> byMonth) => ByMonth = byMonth;

    public ImmutableSortedDictionary<NormMonth, NormTable> ByMonth { get; }

    public static NormTables Of(params IEnumerable<NormTable> tables) =>
        tables.Aggregate(Empty, (all, table) => all.With(table));

    /// <summary>Adds a table; a later revision of a month replaces the earlier one.</summary>
    public NormTables With(NormTable table) =>
        ByMonth.TryGetValue(table.Month, out var existing) && existing.Revision >= table.Revision
            ? this
            : new NormTables(ByMonth.SetItem(table.Month, table));

    /// <summary>
    /// The table in force at a moment: the newest table whose month is not after the moment's month
    /// (rules.md), or null when none has been published yet.
    /// </summary>
    public NormTable? InForceAt(DateTimeOffset moment)
    {
        var month = NormMonth.Of(moment);
        NormTable? found = null;
        foreach (var (tableMonth, table) in ByMonth)
        {
            if (tableMonth > month) break;
            found = table;
        }
        return found;
    }

    public bool Equals(NormTables? other) => other is not null && ByMonth.SequenceEqual(other.ByMonth);

    public override int GetHashCode() => ByMonth.Count;
}
