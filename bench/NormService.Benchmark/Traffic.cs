using NormService.Contracts;

namespace NormService.Benchmark;

/// <summary>The same generated orders for every mode: round robin over the sellers, one to three items of a few groups.</summary>
public static class Traffic
{
    private static readonly string[] Groups = ["toys", "electronics", "home", "garden", "books"];

    public static IReadOnlyList<OrderPlaced> Generate(int events, int sellers)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var placedAt = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, events).Select(i => new OrderPlaced
        {
            SellerId = $"b{run}-{i % sellers}",
            OrderId = $"o{i}",
            PlacedAt = placedAt,
            Lines = [new OrderLine { ProductGroup = Groups[i % Groups.Length], Quantity = 1 + i % 3 }],
        })];
    }

    /// <summary>Whether this order is its seller's 100th: the one whose processing closes phase 1 (settlement 0).</summary>
    public static bool IsHundredth(int index, int sellers) => index / sellers == 99;
}
