using System.Collections.Immutable;

namespace NormService.Domain.Sellers;

/// <summary>
/// The per-order and per-query memory that <see cref="SellerState"/> deliberately does not hold: which
/// order and query ids were recorded, and the phase of each order. It grows with the seller's history,
/// so the service keeps it in the event store's index (one small document per id); this in-memory
/// version is the reference the tests and the benchmark's checker use.
/// </summary>
public sealed record SellerLedger(ImmutableDictionary<string, int?> OrderPhases, ImmutableHashSet<string> QueryIds)
{
    public static SellerLedger Empty { get; } = new(ImmutableDictionary<string, int?>.Empty, []);

    public OrderPrecedent For(PlaceOrder command) => new(OrderPhases.ContainsKey(command.OrderId));

    public QueryPrecedent For(RaiseCustomerQuery command) =>
        command.OrderId is not null && OrderPhases.TryGetValue(command.OrderId, out var phase)
            ? new QueryPrecedent(QueryIds.Contains(command.QueryId), true, phase)
            : new QueryPrecedent(QueryIds.Contains(command.QueryId), false, null);

    public SellerLedger Record(SellerEvent @event) => @event switch
    {
        OrderRecorded e => this with { OrderPhases = OrderPhases.SetItem(e.OrderId, e.Phase) },
        CustomerQueryRecorded e => this with { QueryIds = QueryIds.Add(e.QueryId) },
        _ => this,
    };
}

/// <summary>A seller's state together with its ledger: the whole aggregate, as one value, for reference use.</summary>
public sealed record Seller(SellerState State, SellerLedger Ledger)
{
    public static Seller Initial(string sellerId) => new(SellerState.Initial(sellerId), SellerLedger.Empty);

    public Seller Apply(SellerEvent @event) => new(State.Evolve(@event), Ledger.Record(@event));

    public ImmutableArray<SellerEvent> Decide(SellerCommand command, DecisionContext context) => command switch
    {
        PlaceOrder c => SellerDecider.Decide(State, c, Ledger.For(c), context),
        RaiseCustomerQuery c => SellerDecider.Decide(State, c, Ledger.For(c), context),
        CloseDuePhases c => SellerDecider.Decide(State, c, context),
        RegisterAsEstablished c => SellerDecider.Decide(State, c, context),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown command."),
    };

    /// <summary>Decides and applies: the events and the seller after them.</summary>
    public (ImmutableArray<SellerEvent> Events, Seller After) Handle(SellerCommand command, DecisionContext context)
    {
        var events = Decide(command, context);
        return (events, events.Aggregate(this, (seller, e) => seller.Apply(e)));
    }
}
