using System.Collections.Immutable;

namespace NormService.Domain.Norms;

/// <summary>One product group's share in a personal dynamic norm.</summary>
/// <param name="Contribution">Items × Norm: the queries the items of this group are expected to cause.</param>
public sealed record GroupContribution(string ProductGroup, int Items, decimal Norm, bool UsedDefaultNorm, decimal Contribution);

/// <summary>
/// The personal dynamic norm over a set of orders, with its whole calculation:
/// <c>P = min(cap, Σ items_g × norm_g / Σ items_g)</c>, in <c>decimal</c>, never rounded.
/// </summary>
public sealed record PersonalNorm(
    ImmutableArray<GroupContribution> Groups,
    int TotalItems,
    decimal UncappedNorm,
    decimal Cap,
    decimal Norm,
    string NormTableVersion)
{
    /// <summary>Computes P from the items sold per product group (weights are items, not orders).</summary>
    public static PersonalNorm Calculate(IEnumerable<KeyValuePair<string, int>> itemsPerGroup, NormTable table, decimal cap)
    {
        // Merge by canonical group code so "Toys" and "toys" are one group.
        var merged = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (group, items) in itemsPerGroup)
        {
            if (items < 0) throw new ArgumentOutOfRangeException(nameof(itemsPerGroup), $"Items of '{group}' must not be negative.");
            var code = NormTable.NormalizeGroup(group);
            merged[code] = merged.GetValueOrDefault(code) + items;
        }

        var groups = merged
            .Where(kv => kv.Value > 0)
            .Select(kv =>
            {
                var norm = table.NormOf(kv.Key);
                return new GroupContribution(kv.Key, kv.Value, norm.Norm, norm.UsedDefault, kv.Value * norm.Norm);
            })
            .ToImmutableArray();

        var totalItems = groups.Sum(g => g.Items);
        // No items sold means no expectation: P = 0 (only the calculator can ask this; a phase always has items).
        var uncapped = totalItems == 0 ? 0m : groups.Sum(g => g.Contribution) / totalItems;
        return new PersonalNorm(groups, totalItems, uncapped, cap, Math.Min(cap, uncapped), table.Version);
    }

    public bool Equals(PersonalNorm? other) =>
        other is not null && Groups.SequenceEqual(other.Groups) && TotalItems == other.TotalItems &&
        UncappedNorm == other.UncappedNorm && Cap == other.Cap && Norm == other.Norm && NormTableVersion == other.NormTableVersion;

    public override int GetHashCode() => HashCode.Combine(TotalItems, Norm, NormTableVersion);
}
