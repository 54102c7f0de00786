using System.Collections.Immutable;

namespace NormService.Domain.Norms;

/// <summary>A month's norm table was published (revision 1) or corrected (revision 2, 3, …).</summary>
public sealed record NormTablePublished(string Month, int Revision, ImmutableSortedDictionary<string, decimal> Norms, DateTimeOffset PublishedAt)
{
    public bool Equals(NormTablePublished? other) =>
        other is not null && Month == other.Month && Revision == other.Revision && Norms.SequenceEqual(other.Norms) && PublishedAt == other.PublishedAt;

    public override int GetHashCode() => HashCode.Combine(Month, Revision, PublishedAt);
}

/// <summary>
/// The publication rule: a month's table can be published at any time, and corrected only until that
/// month starts; from then on it is immutable, because verdicts name the version they used.
/// Publishing the same norms again changes nothing.
/// </summary>
public static class NormTablePublishing
{
    public static NormTablePublished? Decide(NormTable? current, NormMonth month, IEnumerable<KeyValuePair<string, decimal>> norms, DateTimeOffset now)
    {
        var proposed = NormTable.Create(month, norms, (current?.Revision ?? 0) + 1); // validates, naming every problem
        if (current is not null && current.Norms.SequenceEqual(proposed.Norms)) return null;
        if (current is not null && now >= month.Start)
            throw new DomainRuleException(
                $"The norm table for {month} ({current.Version}) is in force since {month.Start:yyyy-MM-dd} and can no longer be changed.");
        return new NormTablePublished(month.ToString(), proposed.Revision, proposed.Norms, now);
    }
}
