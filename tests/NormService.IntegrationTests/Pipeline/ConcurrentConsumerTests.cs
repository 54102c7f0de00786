using NormService.Domain.Norms;
using NormService.Domain.Sellers;
using NormService.IntegrationTests.Infrastructure;

namespace NormService.IntegrationTests.Pipeline;

/// <summary>Four service instances competing for one seller's messages: optimistic concurrency keeps the counts exact.</summary>
public class ConcurrentConsumerTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Four_instances_consuming_1000_interleaved_messages_for_one_seller_count_each_exactly_once()
    {
        await service.PublishNormTableAsync(NormMonth.Of(DateTimeOffset.UtcNow).ToString(), Messages.ExampleNorms);
        for (var i = 0; i < 3; i++) await service.StartAdditionalHostAsync();

        var sellerId = ServiceFixture.NewSellerId();
        var publishes = new List<Task>();
        for (var i = 1; i <= 1000; i++)
        {
            // Every fifth message is a query (200), the rest orders (800); about one message in ten is published twice.
            Task Publish() => i % 5 == 0
                ? service.PublishAsync(Messages.Query(sellerId, $"q{i}"))
                : service.PublishAsync(Messages.Order(sellerId, $"o{i}", i % 3 == 0 ? "electronics" : "toys"));
            publishes.Add(Publish());
            if (i % 10 == 0) publishes.Add(Publish());
        }
        await Task.WhenAll(publishes);

        await Eventually.UntilAsync(async () => (await service.EventsAsync(sellerId)).Count(e => e is OrderRecorded or CustomerQueryRecorded) >= 1000,
            TimeSpan.FromSeconds(90), "1,000 messages recorded");
        await Task.Delay(TimeSpan.FromSeconds(1)); // let stragglers (duplicates) finish, were any to count twice

        var events = await service.EventsAsync(sellerId);
        Assert.Equal(800, events.OfType<OrderRecorded>().Select(o => o.OrderId).Distinct().Count());
        Assert.Equal(800, events.OfType<OrderRecorded>().Count());
        Assert.Equal(200, events.OfType<CustomerQueryRecorded>().Count());

        var state = (await service.SellerAsync(sellerId))!;
        Assert.Equal(Enumerable.Range(1, 8), state.OpenPhases.Select(p => p.Number));
        Assert.All(state.OpenPhases, p => Assert.Equal(100, p.Orders));
        Assert.Equal(200, state.OpenPhases.Sum(p => p.Queries));
        Assert.Equal(800, state.OpenPhases.Sum(p => p.ItemsPerGroup.Values.Sum()));
    }
}
