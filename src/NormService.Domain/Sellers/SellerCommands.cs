using System.Collections.Immutable;
using NormService.Domain.Norms;

namespace NormService.Domain.Sellers;

public abstract record SellerCommand(string SellerId);

public sealed record PlaceOrder(string SellerId, string OrderId, DateTimeOffset PlacedAt, ImmutableArray<OrderLine> Lines)
    : SellerCommand(SellerId);

public sealed record RaiseCustomerQuery(string SellerId, string QueryId, string? OrderId, DateTimeOffset RaisedAt, string? Channel)
    : SellerCommand(SellerId);

/// <summary>The clock passed the end of a settlement period: close every phase that is due, oldest first.</summary>
public sealed record CloseDuePhases(string SellerId) : SellerCommand(SellerId);

public sealed record RegisterAsEstablished(string SellerId) : SellerCommand(SellerId);

/// <summary>What the seller's history says about an order id (kept outside the aggregate: see <see cref="SellerState"/>).</summary>
public sealed record OrderPrecedent(bool AlreadyRecorded)
{
    public static OrderPrecedent New { get; } = new(false);
}

/// <summary>What the seller's history says about a query id and the order it is about.</summary>
/// <param name="AlreadyRecorded">The query id was seen before: a duplicate.</param>
/// <param name="OrderKnown">The query's order has been recorded.</param>
/// <param name="OrderPhase">The phase that order was counted in; null when it was recorded outside GroeiStart.</param>
public sealed record QueryPrecedent(bool AlreadyRecorded, bool OrderKnown, int? OrderPhase)
{
    public static QueryPrecedent New { get; } = new(false, false, null);
}

/// <summary>Everything a decision may depend on besides the state and the command.</summary>
public sealed record DecisionContext(DateTimeOffset Now, NormPolicy Policy, NormTables Tables);
