using System.Text.Json;
using NormService.Contracts;
using NormService.Domain.Norms;
using NormService.Simulator;

namespace NormService.Simulator.Tests;

public class TrafficGeneratorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    // The service's own table, copied next to the simulator's output.
    private static readonly string NormsPath = Path.Combine(AppContext.BaseDirectory, "norm-tables", "2026-12.json");
    private static readonly NormTable Norms = NormTableFile.Load(NormsPath);

    private static TrafficOptions Options(int seed = 42) => new()
    {
        Sellers = 30,
        OrdersPerSeller = 100,
        ExceedShare = 0.4,
        Seed = seed,
        Now = Now,
    };

    private static string Serialize(Traffic traffic) => JsonSerializer.Serialize(new
    {
        traffic.Sellers,
        Messages = traffic.Messages.Select(m => new { m.SellerId, m.MessageId, m.IsDuplicate, Body = JsonSerializer.Serialize(m.Message, m.Message.GetType()) }),
    });

    [Fact]
    public void The_same_seed_gives_the_same_traffic()
    {
        var options = Options() with { Duplicates = 0.1, Shuffle = true };
        Assert.Equal(Serialize(TrafficGenerator.Generate(options, Norms)), Serialize(TrafficGenerator.Generate(options, Norms)));
        Assert.NotEqual(Serialize(TrafficGenerator.Generate(options, Norms)), Serialize(TrafficGenerator.Generate(options with { Seed = 43 }, Norms)));
    }

    [Fact]
    public void Ids_are_unique_and_sellers_are_named_after_the_seed()
    {
        var traffic = TrafficGenerator.Generate(Options(7), Norms);
        var orders = traffic.Messages.Select(m => m.Message).OfType<OrderPlaced>().ToList();
        var queries = traffic.Messages.Select(m => m.Message).OfType<CustomerQueryRaised>().ToList();

        Assert.Equal(orders.Count, orders.Select(o => o.OrderId).Distinct().Count());
        Assert.Equal(queries.Count, queries.Select(q => q.QueryId).Distinct().Count());
        Assert.Empty(orders.Select(o => o.OrderId).Intersect(queries.Select(q => q.QueryId)));
        Assert.Equal(traffic.Sellers.Count, traffic.Sellers.Select(s => s.SellerId).Distinct().Count());
        Assert.All(traffic.Sellers, s => Assert.StartsWith("sim-7-", s.SellerId, StringComparison.Ordinal));
        Assert.Equal(30 * 100, orders.Count);
    }

    [Fact]
    public void Orders_and_queries_are_realistic()
    {
        var traffic = TrafficGenerator.Generate(Options(), Norms);
        var orders = traffic.Messages.Select(m => m.Message).OfType<OrderPlaced>().ToList();
        var queries = traffic.Messages.Select(m => m.Message).OfType<CustomerQueryRaised>().ToList();

        Assert.All(orders, o =>
        {
            Assert.NotEmpty(o.Lines);
            Assert.All(o.Lines, l => Assert.InRange(l.Quantity, 1, 3));
            Assert.All(o.Lines, l => Assert.Contains(l.ProductGroup, Norms.Groups()));
            Assert.True(o.PlacedAt <= Now);
        });
        var orderIds = orders.ToDictionary(o => o.OrderId);
        Assert.All(queries.Where(q => q.OrderId is not null), q =>
        {
            Assert.Equal(orderIds[q.OrderId!].SellerId, q.SellerId);
            Assert.True(q.RaisedAt >= orderIds[q.OrderId!].PlacedAt);
        });
        Assert.Contains(queries, q => q.OrderId is null);
        Assert.True(queries.Count(q => q.OrderId is not null) > queries.Count / 2);

        // Mostly one or two groups per seller.
        foreach (var seller in orders.GroupBy(o => o.SellerId))
        {
            var items = seller.SelectMany(o => o.Lines).GroupBy(l => l.ProductGroup).Select(g => g.Sum(l => l.Quantity)).OrderDescending().ToList();
            Assert.True(items.Take(2).Sum() >= 0.6 * items.Sum(), $"{seller.Key}: {string.Join(",", items)}");
        }
    }

    [Fact]
    public void Sellers_built_to_exceed_exceed_and_the_others_pass_under_the_2026_12_norms()
    {
        var traffic = TrafficGenerator.Generate(Options(), Norms);
        Assert.Equal(12, traffic.Sellers.Count(s => s.IntendedToExceed));

        foreach (var seller in traffic.Sellers)
        {
            var orders = traffic.Messages.Where(m => m.SellerId == seller.SellerId && !m.IsDuplicate).Select(m => m.Message).OfType<OrderPlaced>().ToList();
            var q = traffic.Messages.Count(m => m.SellerId == seller.SellerId && !m.IsDuplicate && m.Message is CustomerQueryRaised);
            var lines = orders.SelectMany(o => o.Lines).ToList();
            var p = Math.Min(0.15m, lines.Sum(l => l.Quantity * Norms.NormOf(l.ProductGroup).Norm) / lines.Sum(l => l.Quantity));
            var a = Math.Max(3m, p * orders.Count);

            Assert.Equal(p, seller.PersonalNorm);
            if (seller.IntendedToExceed)
            {
                Assert.True(q > a, $"{seller.SellerId}: Q {q} should exceed A {a}");
            }
            else
            {
                Assert.True(q <= a, $"{seller.SellerId}: Q {q} should not exceed A {a}");
            }
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.25)]
    public void The_duplicates_option_duplicates_about_that_share(double share)
    {
        var plain = TrafficGenerator.Generate(Options(), Norms);
        var traffic = TrafficGenerator.Generate(Options() with { Duplicates = share }, Norms);

        var duplicates = traffic.Messages.Where(m => m.IsDuplicate).ToList();
        Assert.InRange(duplicates.Count, (share * plain.Messages.Count) - 1, (share * plain.Messages.Count) + 1);
        Assert.Equal(plain.Messages.Count + duplicates.Count, traffic.Messages.Count);
        Assert.Equal(duplicates.Count, duplicates.Select(d => d.MessageId).Distinct().Count());
        foreach (var duplicate in duplicates)
        {
            // The very message again, published after the original.
            var original = traffic.Messages.First(m => m.MessageId == duplicate.MessageId);
            Assert.False(original.IsDuplicate);
            Assert.Same(original.Message, duplicate.Message);
        }
    }

    [Fact]
    public void Shuffle_keeps_the_same_multiset_of_messages()
    {
        var options = Options() with { Duplicates = 0.1 };
        var ordered = TrafficGenerator.Generate(options, Norms);
        var shuffled = TrafficGenerator.Generate(options with { Shuffle = true }, Norms);

        static List<string> Bodies(Traffic t) =>
            [.. t.Messages.Select(m => JsonSerializer.Serialize(m.Message, m.Message.GetType())).Order(StringComparer.Ordinal)];

        Assert.Equal(Bodies(ordered), Bodies(shuffled));
        Assert.NotEqual(
            ordered.Messages.Select(m => m.MessageId),
            shuffled.Messages.Select(m => m.MessageId));
    }
}
