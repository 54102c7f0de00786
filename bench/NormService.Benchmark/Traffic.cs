using System.Collections;
using NormService.Contracts;

namespace NormService.Benchmark;

/// <summary>The same generated orders for every mode: round robin over the sellers, one to three items of a few groups.</summary>
public static class Traffic
{
    private static readonly string[] Groups = ["toys", "electronics", "home", "garden", "books"];

    /// <summary>
    /// Made on demand from the index, never held: a million orders in memory would weigh more than the
    /// service, and the RSS figure is meant to show the service's memory, not the generator's.
    /// </summary>
    public static IReadOnlyList<OrderPlaced> Generate(int events, int sellers) =>
        new Orders(events, sellers, Guid.NewGuid().ToString("N")[..6], DateTimeOffset.UtcNow);

    /// <summary>Whether this order is its seller's 100th: the one whose processing closes phase 1 (settlement 0).</summary>
    public static bool IsHundredth(int index, int sellers) => index / sellers == 99;

    private sealed class Orders(int count, int sellers, string run, DateTimeOffset placedAt) : IReadOnlyList<OrderPlaced>
    {
        public int Count => count;

        public OrderPlaced this[int index] => index >= 0 && index < count
            ? new OrderPlaced
            {
                SellerId = $"b{run}-{index % sellers}",
                OrderId = $"o{index}",
                PlacedAt = placedAt,
                Lines = [new OrderLine { ProductGroup = Groups[index % Groups.Length], Quantity = 1 + index % 3 }],
            }
            : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<OrderPlaced> GetEnumerator()
        {
            for (var i = 0; i < count; i++) yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
