namespace NormService.Infrastructure;

/// <summary>
/// The per-order memory the seller aggregate keeps outside its state: that an order was recorded, and
/// in which phase. Written in the same transaction as the seller's events.
/// </summary>
public sealed record OrderIndexEntry(string Id, string SellerId, string OrderId, int? Phase)
{
    public static string KeyOf(string sellerId, string orderId) => $"{sellerId}/{orderId}";
}

/// <summary>That a query was recorded (duplicate detection), written with the seller's events.</summary>
public sealed record QueryIndexEntry(string Id, string SellerId, string QueryId)
{
    public static string KeyOf(string sellerId, string queryId) => $"{sellerId}/{queryId}";
}

/// <summary>A seller whose oldest open phase settles until <see cref="DueAt"/>: what the settlement timer polls.</summary>
public sealed record SettlementDue(string Id, DateTimeOffset DueAt);

/// <summary>A published norm table as stored.</summary>
public sealed record StoredNormTable(string Id, int Revision, Dictionary<string, decimal> Norms, DateTimeOffset PublishedAt);
