namespace NormService.Domain;

/// <summary>
/// The numbers of the GroeiStart rules. Every one is configuration (rules.md: "Every number here is
/// configuration with this default"), so the domain takes them as a value instead of constants.
/// </summary>
public sealed record NormPolicy
{
    /// <summary>The defaults of rules.md.</summary>
    public static NormPolicy Default { get; } = new();

    /// <summary>Orders per GroeiStart phase.</summary>
    public int PhaseSize { get; init; } = 100;

    /// <summary>Allowed queries never drop below this count: A = max(MinimumAllowedQueries, P × N).</summary>
    public int MinimumAllowedQueries { get; init; } = 3;

    /// <summary>The personal dynamic norm never exceeds this rate.</summary>
    public decimal NormCap { get; init; } = 0.15m;

    /// <summary>Order counts within a phase after which interim progress is reported.</summary>
    public IReadOnlyList<int> ProgressPoints { get; init; } = [10, 50];

    /// <summary>How long a full phase waits for late queries before it closes (0 closes at once).</summary>
    public TimeSpan SettlementPeriod { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Lists what is wrong with this policy; empty when it is usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (PhaseSize < 1) errors.Add("PhaseSize must be at least 1.");
        if (MinimumAllowedQueries < 0) errors.Add("MinimumAllowedQueries must not be negative.");
        if (NormCap <= 0m || NormCap > 1m) errors.Add("NormCap must be in (0, 1].");
        if (SettlementPeriod < TimeSpan.Zero) errors.Add("SettlementPeriod must not be negative.");
        if (ProgressPoints.Any(p => p < 1 || p >= PhaseSize)) errors.Add("ProgressPoints must lie in [1, PhaseSize).");
        return errors;
    }
}
