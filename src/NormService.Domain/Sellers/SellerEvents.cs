using System.Collections.Immutable;
using NormService.Domain.Norms;

namespace NormService.Domain.Sellers;

/// <summary>
/// Everything that happens to a seller, in the past tense. Each event names the seller and the moment
/// it was decided (<see cref="At"/>). Outcome events (<see cref="IOutcomeEvent"/>) are appended in the
/// same transaction as the fact that caused them and are forwarded to the broker from the event store.
/// </summary>
public abstract record SellerEvent(string SellerId, DateTimeOffset At);

/// <summary>Marks the events that leave the service as messages for notification services.</summary>
public interface IOutcomeEvent
{
    string SellerId { get; }
    int Phase { get; }
}

public sealed record OrderLine(string ProductGroup, int Quantity);

/// <summary>The seller was registered as established before its first order: it never enters GroeiStart.</summary>
public sealed record SellerRegisteredAsEstablished(string SellerId, DateTimeOffset At) : SellerEvent(SellerId, At);

/// <summary>
/// An order was counted. <see cref="Phase"/> is null outside GroeiStart. <see cref="OrderNumberInPhase"/>
/// is the phase's order count after this order; it makes applying the event twice harmless.
/// </summary>
public sealed record OrderRecorded(
    string SellerId, DateTimeOffset At, string OrderId, DateTimeOffset PlacedAt,
    ImmutableArray<OrderLine> Lines, int? Phase, int? OrderNumberInPhase) : SellerEvent(SellerId, At)
{
    public int Items => Lines.Sum(l => l.Quantity);

    public bool Equals(OrderRecorded? other) =>
        other is not null && base.Equals(other) && OrderId == other.OrderId && PlacedAt == other.PlacedAt &&
        Lines.SequenceEqual(other.Lines) && Phase == other.Phase && OrderNumberInPhase == other.OrderNumberInPhase;

    public override int GetHashCode() => HashCode.Combine(SellerId, OrderId, Phase, OrderNumberInPhase);
}

/// <summary>A phase has its last order and now waits until <see cref="SettlementEndsAt"/> for late queries.</summary>
public sealed record GroeiStartPhaseSettling(string SellerId, DateTimeOffset At, int Phase, DateTimeOffset SettlementEndsAt)
    : SellerEvent(SellerId, At);

/// <summary>Where a customer query went when it was recorded.</summary>
public enum QueryAttribution
{
    /// <summary>Counted in <see cref="CustomerQueryRecorded.Phase"/>.</summary>
    Counted,
    /// <summary>About an order not seen yet: held in the phase open at its arrival until the order comes or that phase closes.</summary>
    AwaitingOrder,
    /// <summary>About an order of a phase that has already closed: recorded, changes no verdict.</summary>
    Late,
    /// <summary>The seller is not in GroeiStart (established, or GroeiStart completed): recorded for monitoring only.</summary>
    OutsideGroeiStart,
}

public sealed record CustomerQueryRecorded(
    string SellerId, DateTimeOffset At, string QueryId, string? OrderId, DateTimeOffset RaisedAt, string? Channel,
    QueryAttribution Attribution, int? Phase, int? QueryNumberInPhase) : SellerEvent(SellerId, At);

public enum PendingQueryResolution
{
    /// <summary>The order arrived: the query counts in the order's phase.</summary>
    OrderArrived,
    /// <summary>The phase open at the query's arrival closed without the order: the query counts there.</summary>
    OrderNeverArrived,
}

/// <summary>A query that was awaiting its order is now counted in <see cref="Phase"/>.</summary>
public sealed record CustomerQueryAttributed(
    string SellerId, DateTimeOffset At, string QueryId, string OrderId, int Phase,
    PendingQueryResolution Resolution, int QueryNumberInPhase) : SellerEvent(SellerId, At);

/// <summary>Interim progress of a phase (after 10 and 50 orders by default): informational only.</summary>
public sealed record GroeiStartProgressReported(string SellerId, DateTimeOffset At, int Phase, PhaseProgress Progress)
    : SellerEvent(SellerId, At), IOutcomeEvent;

/// <summary>A phase closed with more queries than allowed (Q &gt; A).</summary>
public sealed record NormExceeded(string SellerId, DateTimeOffset At, PhaseVerdict Verdict)
    : SellerEvent(SellerId, At), IOutcomeEvent
{
    public int Phase => Verdict.Phase;
}

/// <summary>Because the norm was exceeded, GroeiStart goes on with another phase of orders.</summary>
public sealed record GroeiStartPhaseExtended(string SellerId, DateTimeOffset At, int Phase, int NextPhase, PhaseVerdict Verdict)
    : SellerEvent(SellerId, At), IOutcomeEvent;

/// <summary>A phase closed within the norm (Q ≤ A): the seller leaves GroeiStart.</summary>
public sealed record GroeiStartCompleted(string SellerId, DateTimeOffset At, PhaseVerdict Verdict)
    : SellerEvent(SellerId, At), IOutcomeEvent
{
    public int Phase => Verdict.Phase;
}

/// <summary>
/// The whole calculation behind a closed phase, enough to redo the verdict by hand:
/// N, Q, items and norm per group, uncapped and capped P, A, the table version and the times.
/// </summary>
public sealed record PhaseVerdict(
    int Phase,
    NormAssessment Assessment,
    DateTimeOffset FirstOrderAt,
    DateTimeOffset LastOrderAt,
    DateTimeOffset SettlementEndsAt,
    DateTimeOffset ClosedAt)
{
    public bool Exceeded => Assessment.Exceeded;
}

/// <summary>A phase as it stands: its counts and, when a table is in force, the norm applied to them so far.</summary>
public sealed record PhaseProgress(
    int Phase,
    int Orders,
    int Queries,
    ImmutableSortedDictionary<string, int> ItemsPerGroup,
    DateTimeOffset? FirstOrderAt,
    DateTimeOffset? LastOrderAt,
    NormAssessment? Assessment)
{
    public bool Equals(PhaseProgress? other) =>
        other is not null && Phase == other.Phase && Orders == other.Orders && Queries == other.Queries &&
        ItemsPerGroup.SequenceEqual(other.ItemsPerGroup) && FirstOrderAt == other.FirstOrderAt &&
        LastOrderAt == other.LastOrderAt && Equals(Assessment, other.Assessment);

    public override int GetHashCode() => HashCode.Combine(Phase, Orders, Queries);
}
