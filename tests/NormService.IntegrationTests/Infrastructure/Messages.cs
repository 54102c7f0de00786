using NormService.Contracts;

namespace NormService.IntegrationTests.Infrastructure;

/// <summary>Inbound messages as upstream systems publish them.</summary>
public static class Messages
{
    public static OrderPlaced Order(string sellerId, string orderId, string group = "toys", int quantity = 1, DateTimeOffset? placedAt = null) => new()
    {
        OrderId = orderId, SellerId = sellerId, PlacedAt = placedAt ?? DateTimeOffset.UtcNow,
        Lines = [new OrderLine { ProductGroup = group, Quantity = quantity }],
    };

    public static CustomerQueryRaised Query(string sellerId, string queryId, string? orderId = null, DateTimeOffset? raisedAt = null) => new()
    {
        QueryId = queryId, SellerId = sellerId, OrderId = orderId, RaisedAt = raisedAt ?? DateTimeOffset.UtcNow, Channel = "chat",
    };

    /// <summary>rules.md example 1: 100 orders with 60 toys, 30 electronics and 10 home items.</summary>
    public static IEnumerable<OrderPlaced> Example1Orders(string sellerId, DateTimeOffset placedAt) =>
        Enumerable.Range(1, 100).Select(i => Order(sellerId, $"o{i}", i <= 60 ? "toys" : i <= 90 ? "electronics" : "home", 1, placedAt));

    /// <summary>The worked examples' norms: toys 4%, electronics 8%, home 5%, default 5%.</summary>
    public static readonly (string Group, decimal Norm)[] ExampleNorms = [("toys", 0.04m), ("electronics", 0.08m), ("home", 0.05m), ("default", 0.05m)];
}
