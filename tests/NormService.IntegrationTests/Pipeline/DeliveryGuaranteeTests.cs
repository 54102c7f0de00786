using ExchangeNames = NormService.Contracts.ExchangeNames;
using NormService.Domain.Norms;
using NormService.Domain.Sellers;
using NormService.IntegrationTests.Infrastructure;

namespace NormService.IntegrationTests.Pipeline;

/// <summary>A settlement period of 0: a phase closes with its 100th order.</summary>
public sealed class ImmediateSettlementFixture : ServiceFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["NormService:GroeiStart:SettlementPeriod"] = "00:00:00",
    };
}

/// <summary>Duplicates, redelivery and restarts change no count and lose no outcome.</summary>
public class DeliveryGuaranteeTests(ImmediateSettlementFixture service) : IClassFixture<ImmediateSettlementFixture>, IAsyncLifetime
{
    private RabbitMqTestClient subscriber = null!;

    public async Task InitializeAsync()
    {
        await service.PublishNormTableAsync(NormMonth.Of(DateTimeOffset.UtcNow).ToString(), Messages.ExampleNorms);
        subscriber = await service.ConnectClientAsync();
        await subscriber.ListenToOutcomesAsync();
    }

    public async Task DisposeAsync() => await subscriber.DisposeAsync();

    [Fact]
    public async Task Every_message_published_twice_counts_once_and_each_outcome_arrives_once()
    {
        var sellerId = ServiceFixture.NewSellerId();
        async Task Twice<T>(T message) where T : class
        {
            await service.PublishAsync(message);
            await service.PublishAsync(message); // a new MessageId: the duplicate is recognised by orderId/queryId
        }

        for (var i = 1; i <= 50; i++) await Twice(Messages.Order(sellerId, $"o{i}"));
        for (var q = 1; q <= 6; q++) await Twice(Messages.Query(sellerId, $"q{q}", orderId: $"o{q}"));
        await Eventually.UntilAsync(async () => await service.SellerAsync(sellerId) is { } s && s.Phase(1) is { Orders: 50, Queries: 6 });
        for (var i = 51; i <= 100; i++) await Twice(Messages.Order(sellerId, $"o{i}"));

        // toys only: P = 4%, A = 4, Q = 6: exceeded
        var outcomes = await subscriber.WaitForOutcomesAsync(o => o.Count(x => x.SellerId == sellerId) >= 4);
        await Task.Delay(TimeSpan.FromSeconds(1)); // room for a duplicate to show up, were there one
        var mine = subscriber.Outcomes.Where(o => o.SellerId == sellerId).ToList();
        Assert.Equal(4, mine.Count); // progress at 10 and 50, NormExceeded, GroeiStartPhaseExtended
        Assert.Equal(4, mine.Select(o => o.MessageId).Distinct().Count());
        Assert.Equal(1, mine.Count(o => o.Exchange == ExchangeNames.NormExceeded));

        var events = await service.EventsAsync(sellerId);
        Assert.Equal(100, events.OfType<OrderRecorded>().Count());
        Assert.Equal(6, events.OfType<CustomerQueryRecorded>().Count());
        Assert.Equal(6, mine.Single(o => o.Exchange == ExchangeNames.NormExceeded).Message.GetProperty("calculation").GetProperty("queries").GetInt32());
    }

    [Fact]
    public async Task A_host_stopped_and_restarted_mid_stream_loses_nothing_and_misses_no_outcome()
    {
        var sellers = Enumerable.Range(0, 5).Select(_ => ServiceFixture.NewSellerId()).ToList();
        // Round robin, so every seller is mid-phase when the host stops.
        foreach (var i in Enumerable.Range(1, 50))
            foreach (var seller in sellers)
                await service.PublishAsync(Messages.Order(seller, $"o{i}"));

        await Eventually.UntilAsync(async () => (await service.EventsAsync(sellers[0])).OfType<OrderRecorded>().Count() >= 20, what: "some orders consumed");
        await service.StopAsync(); // graceful: in-flight messages finish, the rest stays queued

        // Upstream keeps publishing while the service is down (bare JSON: the service's own bus is gone).
        foreach (var i in Enumerable.Range(51, 50))
            foreach (var seller in sellers)
                await subscriber.PublishJsonAsync(ExchangeNames.OrderPlaced,
                    $$"""{"orderId":"o{{i}}","sellerId":"{{seller}}","placedAt":"{{DateTimeOffset.UtcNow:O}}","lines":[{"productGroup":"toys","quantity":1}]}""");
        await Eventually.UntilAsync(async () => await subscriber.MessageCountAsync("normservice.order-placed") >= 250,
            what: "the orders published while the service is down to wait in its queue");
        await service.StartAsync();

        var outcomes = await subscriber.WaitForOutcomesAsync(
            o => sellers.All(s => o.Any(x => x.SellerId == s && x.Exchange == ExchangeNames.GroeiStartCompleted)), TimeSpan.FromSeconds(60));
        foreach (var seller in sellers)
        {
            var mine = outcomes.Where(o => o.SellerId == seller).ToList();
            Assert.Single(mine, o => o.Exchange == ExchangeNames.GroeiStartCompleted);
            Assert.Equal(2, mine.Count(o => o.Exchange == ExchangeNames.GroeiStartProgressReported));
            Assert.Equal(100, (await service.EventsAsync(seller)).OfType<OrderRecorded>().Count());
            Assert.Equal(SellerStatus.GroeiStartCompleted, (await service.SellerAsync(seller))!.Status);
        }
    }
}
