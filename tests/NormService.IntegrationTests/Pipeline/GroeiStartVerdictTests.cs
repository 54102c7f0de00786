using ExchangeNames = NormService.Contracts.ExchangeNames;
using Marten;
using Microsoft.Extensions.Time.Testing;
using NormService.Domain.Norms;
using NormService.Domain.Sellers;
using NormService.IntegrationTests.Infrastructure;

namespace NormService.IntegrationTests.Pipeline;

/// <summary>The service on a clock the tests move: a settling phase closes when its period ends.</summary>
public sealed class FakeClockServiceFixture : ServiceFixture
{
    public FakeClockServiceFixture() => FakeTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
}

/// <summary>rules.md example 1 through RabbitMQ and PostgreSQL: the verdicts a subscriber receives.</summary>
public class GroeiStartVerdictTests(FakeClockServiceFixture service) : IClassFixture<FakeClockServiceFixture>, IAsyncLifetime
{
    private RabbitMqTestClient subscriber = null!;

    public async Task InitializeAsync()
    {
        await service.PublishNormTableAsync(NormMonth.Of(service.FakeTime!.GetUtcNow()).ToString(), Messages.ExampleNorms);
        subscriber = await service.ConnectClientAsync();
        await subscriber.ListenToOutcomesAsync();
    }

    public async Task DisposeAsync() => await subscriber.DisposeAsync();

    [Fact]
    public async Task Example1_with_6_queries_publishes_NormExceeded_and_GroeiStartPhaseExtended_when_the_settlement_period_ends()
    {
        var sellerId = await SettlingSellerWithQueries(6);

        service.FakeTime!.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1)); // no message: only time passes

        var outcomes = await subscriber.WaitForOutcomesAsync(o => o.Count(x => x.SellerId == sellerId && x.Exchange != ExchangeNames.GroeiStartProgressReported) == 2);
        var verdicts = outcomes.Where(o => o.SellerId == sellerId && o.Exchange != ExchangeNames.GroeiStartProgressReported).ToList();
        Assert.Equal([ExchangeNames.NormExceeded, ExchangeNames.GroeiStartPhaseExtended], verdicts.Select(v => v.Exchange));

        var calculation = verdicts[0].Message.GetProperty("calculation");
        var norm = calculation.GetProperty("norm");
        Assert.Equal((100, 6, true), (calculation.GetProperty("orders").GetInt32(), calculation.GetProperty("queries").GetInt32(), calculation.GetProperty("exceeded").GetBoolean()));
        Assert.Equal((0.053m, 5.3m, 100), (ReceivedOutcome.Decimal(norm.GetProperty("personalNorm")), ReceivedOutcome.Decimal(norm.GetProperty("allowedQueries")), norm.GetProperty("totalItems").GetInt32()));
        Assert.Equal(3, norm.GetProperty("groups").GetArrayLength());
        Assert.Equal(2, verdicts[1].Message.GetProperty("nextPhase").GetInt32());

        // The message id is the event's id in the store, so a redelivered outcome carries the same id.
        await using var session = service.Store.QuerySession();
        var stored = (await session.Events.FetchStreamAsync(sellerId)).Where(e => e.Data is NormExceeded or GroeiStartPhaseExtended).Select(e => e.Id);
        Assert.Equal(stored, verdicts.Select(v => v.MessageId));
    }

    [Fact]
    public async Task Example1_with_5_queries_publishes_GroeiStartCompleted()
    {
        var sellerId = await SettlingSellerWithQueries(5);

        service.FakeTime!.Advance(TimeSpan.FromDays(8));

        var outcomes = await subscriber.WaitForOutcomesAsync(o => o.Any(x => x.SellerId == sellerId && x.Exchange == ExchangeNames.GroeiStartCompleted));
        var completed = Assert.Single(outcomes, o => o.SellerId == sellerId && o.Exchange != ExchangeNames.GroeiStartProgressReported);
        Assert.Equal(5, completed.Message.GetProperty("calculation").GetProperty("queries").GetInt32());
        Assert.Equal(SellerStatus.GroeiStartCompleted, (await service.SellerAsync(sellerId))!.Status);
    }

    [Fact]
    public async Task Interim_progress_is_published_after_10_and_50_orders()
    {
        var sellerId = await SettlingSellerWithQueries(0);

        var outcomes = await subscriber.WaitForOutcomesAsync(o => o.Count(x => x.SellerId == sellerId) == 2);
        Assert.Equal([10, 50], outcomes.Where(o => o.SellerId == sellerId).Select(o => o.Message.GetProperty("orders").GetInt32()).Order());
    }

    private async Task<string> SettlingSellerWithQueries(int queries)
    {
        var sellerId = ServiceFixture.NewSellerId();
        var now = service.FakeTime!.GetUtcNow();
        foreach (var order in Messages.Example1Orders(sellerId, now)) await service.PublishAsync(order);
        for (var q = 1; q <= queries; q++) await service.PublishAsync(Messages.Query(sellerId, $"q{q}", orderId: $"o{q}", raisedAt: now));

        await Eventually.UntilAsync(async () => await service.SellerAsync(sellerId) is { } s && s.Phase(1) is { Orders: 100, IsSettling: true } p && p.Queries == queries,
            what: $"phase 1 of {sellerId} to settle with {queries} queries");
        return sellerId;
    }
}
