namespace NormService.Contracts;

/// <summary>
/// Out: a GroeiStart phase closed with more customer queries than allowed (Q &gt; A).
/// Always followed by <see cref="GroeiStartPhaseExtended"/> for the same phase.
/// The message id is the id of the event in NormService's event store: drop duplicates by it.
/// </summary>
public sealed record NormExceeded
{
    public string SellerId { get; init; } = "";
    public int Phase { get; init; }
    public PhaseCalculation Calculation { get; init; } = new();
}

/// <summary>Out: because phase <see cref="Phase"/> exceeded the norm, GroeiStart goes on with <see cref="NextPhase"/> (another 100 orders).</summary>
public sealed record GroeiStartPhaseExtended
{
    public string SellerId { get; init; } = "";
    public int Phase { get; init; }
    public int NextPhase { get; init; }
    public PhaseCalculation Calculation { get; init; } = new();
}

/// <summary>Out: phase <see cref="Phase"/> closed within the norm (Q ≤ A): the seller has completed GroeiStart.</summary>
public sealed record GroeiStartCompleted
{
    public string SellerId { get; init; } = "";
    public int Phase { get; init; }
    public PhaseCalculation Calculation { get; init; } = new();
}

/// <summary>Out: interim progress of an open phase (after 10 and 50 orders by default). Informational, no verdict.</summary>
public sealed record GroeiStartProgressReported
{
    public string SellerId { get; init; } = "";
    public int Phase { get; init; }
    public int Orders { get; init; }
    public int Queries { get; init; }
    public DateTimeOffset? FirstOrderAt { get; init; }
    public DateTimeOffset? LastOrderAt { get; init; }

    /// <summary>The norm applied to the phase so far, with the table in force now; null when no table is published yet.</summary>
    public NormCalculation? Norm { get; init; }

    public DateTimeOffset ReportedAt { get; init; }
}

/// <summary>
/// Everything behind a verdict, so anyone can redo it by hand:
/// <c>P = min(NormCap, Σ Contribution / TotalItems)</c>, <c>A = max(MinimumAllowedQueries, P × Orders)</c>,
/// exceeded iff <c>Queries &gt; A</c>.
/// </summary>
public sealed record PhaseCalculation
{
    public int Phase { get; init; }

    /// <summary>N: the phase's orders.</summary>
    public int Orders { get; init; }

    /// <summary>Q: the queries attributed to the phase.</summary>
    public int Queries { get; init; }

    public NormCalculation Norm { get; init; } = new();
    public bool Exceeded { get; init; }
    public DateTimeOffset FirstOrderAt { get; init; }
    public DateTimeOffset LastOrderAt { get; init; }
    public DateTimeOffset SettlementEndsAt { get; init; }
    public DateTimeOffset ClosedAt { get; init; }
}

/// <summary>The personal dynamic norm and the allowed queries, with the per-group breakdown.</summary>
public sealed record NormCalculation
{
    public IReadOnlyList<GroupContribution> Groups { get; init; } = [];
    public int TotalItems { get; init; }

    /// <summary>Σ Contribution / TotalItems, before the cap.</summary>
    public decimal UncappedNorm { get; init; }

    public decimal NormCap { get; init; }

    /// <summary>P: the personal dynamic norm, min(NormCap, UncappedNorm). Not rounded.</summary>
    public decimal PersonalNorm { get; init; }

    public int MinimumAllowedQueries { get; init; }

    /// <summary>A: max(MinimumAllowedQueries, P × Orders).</summary>
    public decimal AllowedQueries { get; init; }

    /// <summary>The norm table used, e.g. <c>2026-12.r1</c> (month and revision).</summary>
    public string NormTableVersion { get; init; } = "";
}

/// <summary>One product group's share: <c>Contribution = Items × Norm</c>.</summary>
public sealed record GroupContribution
{
    public string ProductGroup { get; init; } = "";
    public int Items { get; init; }
    public decimal Norm { get; init; }

    /// <summary>True when the table does not list the group and its <c>default</c> norm was used.</summary>
    public bool UsedDefaultNorm { get; init; }

    public decimal Contribution { get; init; }
}
