using Marten;
using NormService.Contracts;
using NormService.Domain.Sellers;
using NormService.IntegrationTests.Infrastructure;

namespace NormService.IntegrationTests;

/// <summary>The first end-to-end check: RabbitMQ in, Marten stream out, on the real services.</summary>
public class SmokeTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task An_order_published_on_RabbitMQ_is_appended_to_its_sellers_stream()
    {
        var sellerId = "smoke-" + Guid.NewGuid().ToString("N")[..8];
        await service.PublishAsync(new OrderPlaced
        {
            OrderId = "order-1",
            SellerId = sellerId,
            PlacedAt = DateTimeOffset.UtcNow,
            Lines = [new Contracts.OrderLine { ProductGroup = "toys", Quantity = 2 }],
        });

        var recorded = await Eventually.GetAsync(async () =>
        {
            await using var session = service.Store.QuerySession();
            var events = await session.Events.FetchStreamAsync(sellerId);
            return events.Select(e => e.Data).OfType<OrderRecorded>().SingleOrDefault();
        });

        Assert.Equal(("order-1", 1, 1, 2), (recorded.OrderId, recorded.Phase, recorded.OrderNumberInPhase, recorded.Items));
    }
}
