using System.Collections.Immutable;

namespace NormService.Domain.Sellers;

public enum SellerStatus
{
    /// <summary>No order yet and not registered: the first order starts GroeiStart.</summary>
    New,
    InGroeiStart,
    GroeiStartCompleted,
    /// <summary>Registered as established before its first order: never in GroeiStart.</summary>
    Established,
}

/// <summary>A query about an order that has not arrived yet, held in the phase open at its arrival.</summary>
public sealed record PendingQuery(string QueryId, string OrderId);

/// <summary>A phase that has not closed yet: open (taking orders) or settling (full, waiting for late queries).</summary>
public sealed record PhaseState(
    int Number,
    int Orders,
    int Queries,
    ImmutableSortedDictionary<string, int> ItemsPerGroup,
    DateTimeOffset? FirstOrderAt,
    DateTimeOffset? LastOrderAt,
    DateTimeOffset? SettlementEndsAt,
    ImmutableList<PendingQuery> PendingQueries)
{
    public static PhaseState Empty(int number) =>
        new(number, 0, 0, ImmutableSortedDictionary<string, int>.Empty, null, null, null, []);

    public bool IsSettling => SettlementEndsAt is not null;

    public bool Equals(PhaseState? other) =>
        other is not null && Number == other.Number && Orders == other.Orders && Queries == other.Queries &&
        ItemsPerGroup.SequenceEqual(other.ItemsPerGroup) && FirstOrderAt == other.FirstOrderAt &&
        LastOrderAt == other.LastOrderAt && SettlementEndsAt == other.SettlementEndsAt &&
        PendingQueries.SequenceEqual(other.PendingQueries);

    public override int GetHashCode() => HashCode.Combine(Number, Orders, Queries);
}

/// <summary>
/// The seller aggregate's state: an immutable record evolved by <see cref="SellerEvent"/>s.
/// <para>
/// Bounded whatever the seller's history: it holds only the phases that have not closed yet (counts and
/// items per product group, never order ids) and the queries still awaiting their order in those phases.
/// What must be remembered per order and per query for ever (duplicate detection, order → phase for
/// attribution) is kept outside the aggregate, in the infrastructure's index, and reaches the decisions
/// as <see cref="OrderPrecedent"/> and <see cref="QueryPrecedent"/>.
/// </para>
/// <para>
/// Evolve is idempotent: applying any event a second time changes nothing (events carry the phase's
/// resulting order or query count, and closed phases are recognised by number).
/// </para>
/// </summary>
public sealed record SellerState(
    string SellerId,
    SellerStatus Status,
    ImmutableList<PhaseState> OpenPhases,
    int LastClosedPhase)
{
    public static SellerState Initial(string sellerId) => new(sellerId, SellerStatus.New, [], 0);

    public bool InGroeiStart => Status is SellerStatus.New or SellerStatus.InGroeiStart;

    /// <summary>The phase a new order, or a query without an order, belongs to now.</summary>
    public int CurrentPhaseNumber => OpenPhases.Count > 0 ? OpenPhases[^1].Number : LastClosedPhase + 1;

    /// <summary>The phase that takes the next order: the newest phase unless it is full and settling.</summary>
    public int PhaseForNextOrder =>
        OpenPhases.Count == 0 ? LastClosedPhase + 1
        : OpenPhases[^1].IsSettling ? OpenPhases[^1].Number + 1
        : OpenPhases[^1].Number;

    public PhaseState? Phase(int number) => OpenPhases.Find(p => p.Number == number);

    public SellerState Evolve(SellerEvent @event) => @event switch
    {
        SellerRegisteredAsEstablished => this with { Status = SellerStatus.Established, OpenPhases = [] },
        OrderRecorded { Phase: { } phase, OrderNumberInPhase: { } number } e when InGroeiStart =>
            WithPhase(phase, p => p.Orders >= number ? p : p with
            {
                Orders = number,
                ItemsPerGroup = e.Lines.Aggregate(p.ItemsPerGroup, (items, line) =>
                    items.SetItem(line.ProductGroup, items.GetValueOrDefault(line.ProductGroup) + line.Quantity)),
                FirstOrderAt = Min(p.FirstOrderAt, e.PlacedAt),
                LastOrderAt = Max(p.LastOrderAt, e.PlacedAt),
            }) with { Status = SellerStatus.InGroeiStart },
        GroeiStartPhaseSettling e => WithPhase(e.Phase, p => p with { SettlementEndsAt = e.SettlementEndsAt }),
        CustomerQueryRecorded { Attribution: QueryAttribution.Counted, Phase: { } phase, QueryNumberInPhase: { } number } =>
            WithPhase(phase, p => p with { Queries = Math.Max(p.Queries, number) }),
        CustomerQueryRecorded { Attribution: QueryAttribution.AwaitingOrder, Phase: { } phase, OrderId: { } orderId } e =>
            WithPhase(phase, p => p.PendingQueries.Exists(q => q.QueryId == e.QueryId)
                ? p
                : p with { PendingQueries = p.PendingQueries.Add(new PendingQuery(e.QueryId, orderId)) }),
        CustomerQueryAttributed e => WithoutPending(e.QueryId).WithPhase(e.Phase, p => p with { Queries = Math.Max(p.Queries, e.QueryNumberInPhase) }),
        NormExceeded e => Closed(e.Verdict.Phase),
        GroeiStartCompleted e => Closed(e.Verdict.Phase) with
        {
            // Later phases that were already taking orders are moot once GroeiStart is over.
            Status = InGroeiStart ? SellerStatus.GroeiStartCompleted : Status,
            OpenPhases = [],
        },
        _ => this, // Late or outside-GroeiStart queries, orders outside GroeiStart, progress and extension reports.
    };

    /// <summary>Applies a change to a phase that has not closed, creating it when it is new. Closed phases never change.</summary>
    private SellerState WithPhase(int number, Func<PhaseState, PhaseState> change)
    {
        if (!InGroeiStart || number <= LastClosedPhase) return this;
        var index = OpenPhases.FindIndex(p => p.Number == number);
        if (index >= 0) return this with { OpenPhases = OpenPhases.SetItem(index, change(OpenPhases[index])) };
        var insertAt = OpenPhases.FindIndex(p => p.Number > number);
        var created = change(PhaseState.Empty(number));
        return this with { OpenPhases = insertAt < 0 ? OpenPhases.Add(created) : OpenPhases.Insert(insertAt, created) };
    }

    private SellerState WithoutPending(string queryId)
    {
        var phases = OpenPhases.Select(p => p.PendingQueries.Exists(q => q.QueryId == queryId)
            ? p with { PendingQueries = p.PendingQueries.RemoveAll(q => q.QueryId == queryId) }
            : p).ToImmutableList();
        return phases.SequenceEqual(OpenPhases, ReferenceEqualityComparer.Instance) ? this : this with { OpenPhases = phases };
    }

    private SellerState Closed(int phase) => phase <= LastClosedPhase
        ? this
        : this with { LastClosedPhase = phase, OpenPhases = OpenPhases.RemoveAll(p => p.Number <= phase) };

    private static DateTimeOffset Min(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;
    private static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    public bool Equals(SellerState? other) =>
        other is not null && SellerId == other.SellerId && Status == other.Status &&
        OpenPhases.SequenceEqual(other.OpenPhases) && LastClosedPhase == other.LastClosedPhase;

    public override int GetHashCode() => HashCode.Combine(SellerId, Status, OpenPhases.Count, LastClosedPhase);
}
