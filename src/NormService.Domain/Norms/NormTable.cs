using System.Collections.Immutable;

namespace NormService.Domain.Norms;

/// <summary>
/// The product-group norms published for one month: the expected share of orders that lead to a
/// customer query, per product group, with a mandatory <c>default</c> for groups the table does not list.
/// </summary>
public sealed record NormTable
{
    public const string DefaultGroup = "default";
    public const int MaxGroupLength = 64;

    private NormTable(NormMonth month, int revision, ImmutableSortedDictionary<string, decimal> norms)
    {
        Month = month;
        Revision = revision;
        Norms = norms;
    }

    public NormMonth Month { get; }

    /// <summary>1 for the first publication of a month, +1 for each correction.</summary>
    public int Revision { get; }

    /// <summary>Norm per product group (codes in lower case), including <c>default</c>.</summary>
    public ImmutableSortedDictionary<string, decimal> Norms { get; }

    /// <summary>Names the exact table a verdict used, e.g. <c>2026-12.r1</c>.</summary>
    public string Version => $"{Month}.r{Revision}";

    public decimal DefaultNorm => Norms[DefaultGroup];

    /// <summary>Product-group codes are compared case-insensitively; this is their canonical form.</summary>
    public static string NormalizeGroup(string group) => group.Trim().ToLowerInvariant();

    /// <summary>The norm of a product group; groups the table does not list take <c>default</c>.</summary>
    public GroupNorm NormOf(string group)
    {
        var code = NormalizeGroup(group);
        return Norms.TryGetValue(code, out var norm)
            ? new GroupNorm(norm, UsedDefault: false)
            : new GroupNorm(DefaultNorm, UsedDefault: code != DefaultGroup);
    }

    /// <summary>Every problem with a proposed table, keyed by the field it is about; empty when valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(IEnumerable<KeyValuePair<string, decimal>> norms)
    {
        var errors = new List<ValidationError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (group, norm) in norms)
        {
            var code = NormalizeGroup(group ?? "");
            var field = $"norms.{group}";
            if (code.Length == 0) errors.Add(new("norms", "A product group code must not be empty."));
            else if (code.Length > MaxGroupLength) errors.Add(new(field, $"A product group code has at most {MaxGroupLength} characters."));
            else if (!seen.Add(code)) errors.Add(new(field, $"Product group '{code}' is listed more than once."));
            if (norm <= 0m || norm > 1m) errors.Add(new(field, $"The norm of '{group}' is {norm}; a norm must be in (0, 1]."));
        }
        if (!seen.Contains(DefaultGroup)) errors.Add(new($"norms.{DefaultGroup}", "Every table needs a 'default' norm for the groups it does not list."));
        return errors;
    }

    /// <summary>Creates a valid table or throws <see cref="DomainValidationException"/> naming every problem.</summary>
    public static NormTable Create(NormMonth month, IEnumerable<KeyValuePair<string, decimal>> norms, int revision = 1)
    {
        var list = norms.ToList();
        var errors = Validate(list).ToList();
        if (revision < 1) errors.Add(new("revision", "The revision starts at 1."));
        if (errors.Count > 0) throw new DomainValidationException(errors);
        return new NormTable(month, revision,
            list.ToImmutableSortedDictionary(kv => NormalizeGroup(kv.Key), kv => kv.Value, StringComparer.Ordinal));
    }

    public bool Equals(NormTable? other) =>
        other is not null && Month == other.Month && Revision == other.Revision && Norms.SequenceEqual(other.Norms);

    public override int GetHashCode() => HashCode.Combine(Month, Revision, Norms.Count);
}

/// <summary>A group's norm as a table gives it, and whether that came from <c>default</c>.</summary>
public readonly record struct GroupNorm(decimal Norm, bool UsedDefault);
