using ExchangeNames = NormService.Contracts.ExchangeNames;
using System.Text;
using NormService.Domain.Sellers;
using NormService.IntegrationTests.Infrastructure;

namespace NormService.IntegrationTests.Pipeline;

/// <summary>What upstream publishers that are not MassTransit send: bare JSON, and sometimes garbage.</summary>
public class InboundMessageTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    private const string OrderErrors = "normservice.order-placed_error";
    private const string QueryErrors = "normservice.customer-query-raised_error";
    private RabbitMqTestClient publisher = null!;

    public async Task InitializeAsync() => publisher = await service.ConnectClientAsync();

    public async Task DisposeAsync() => await publisher.DisposeAsync();

    private static string Now => DateTimeOffset.UtcNow.ToString("O");

    private static string OrderJson(string sellerId, string orderId, string lines = """[{"productGroup":"toys","quantity":2}]""", string? placedAt = null) =>
        $$"""{"orderId":"{{orderId}}","sellerId":"{{sellerId}}","placedAt":"{{placedAt ?? Now}}","lines":{{lines}}}""";

    [Fact]
    public async Task A_bare_JSON_order_from_a_plain_AMQP_publisher_is_consumed_like_an_enveloped_one()
    {
        var sellerId = ServiceFixture.NewSellerId();
        // Extra fields a tolerant reader ignores, and a product group no table lists.
        await publisher.PublishJsonAsync(ExchangeNames.OrderPlaced,
            $$"""{"orderId":"o-1","sellerId":"{{sellerId}}","placedAt":"{{Now}}","lines":[{"productGroup":"Garden-Tools","quantity":3,"sku":"X1"}],"channelCode":"web"}""");
        await Eventually.UntilAsync(async () => (await service.EventsAsync(sellerId)).Count == 1, what: "the order recorded");
        await publisher.PublishJsonAsync(ExchangeNames.CustomerQueryRaised,
            $$"""{"queryId":"q-1","sellerId":"{{sellerId}}","orderId":"o-1","raisedAt":"{{Now}}","channel":"mail"}""");

        await Eventually.UntilAsync(async () => (await service.EventsAsync(sellerId)).Count == 2, what: "the query recorded");
        var events = await service.EventsAsync(sellerId);
        var order = Assert.IsType<OrderRecorded>(events[0]);
        Assert.Equal(("o-1", "garden-tools", 3), (order.OrderId, order.Lines.Single().ProductGroup, order.Items));
        Assert.Equal((QueryAttribution.Counted, 1), (Assert.IsType<CustomerQueryRecorded>(events[1]).Attribution, events.OfType<CustomerQueryRecorded>().Single().Phase));
    }

    public static TheoryData<string, string, string> BadOrders => new()
    {
        { "missing orderId", """{"sellerId":"S","placedAt":"NOW","lines":[{"productGroup":"toys","quantity":1}]}""", "orderId" },
        { "malformed orderId", """{"orderId":"has spaces","sellerId":"S","placedAt":"NOW","lines":[{"productGroup":"toys","quantity":1}]}""", "orderId" },
        { "sellerId over 64 characters", $$"""{"orderId":"o","sellerId":"{{new string('s', 65)}}","placedAt":"NOW","lines":[{"productGroup":"toys","quantity":1}]}""", "sellerId" },
        { "no lines", """{"orderId":"o","sellerId":"S","placedAt":"NOW","lines":[]}""", "lines" },
        { "quantity 0", """{"orderId":"o","sellerId":"S","placedAt":"NOW","lines":[{"productGroup":"toys","quantity":0}]}""", "quantity" },
        { "negative quantity", """{"orderId":"o","sellerId":"S","placedAt":"NOW","lines":[{"productGroup":"toys","quantity":-4}]}""", "quantity" },
        { "placed in the year 9999", """{"orderId":"o","sellerId":"S","placedAt":"9999-01-01T00:00:00Z","lines":[{"productGroup":"toys","quantity":1}]}""", "placedAt" },
        { "malformed JSON", """{"orderId":"o","sellerId":""", "" },
        { "quantity of the wrong type", """{"orderId":"o","sellerId":"S","placedAt":"NOW","lines":[{"productGroup":"toys","quantity":"many"}]}""", "" },
    };

    [Theory]
    [MemberData(nameof(BadOrders))]
    public async Task A_bad_order_goes_to_the_error_queue_with_its_reason_and_the_valid_orders_around_it_are_processed(string kind, string body, string reasonMentions)
    {
        var sellerId = ServiceFixture.NewSellerId();
        var badBody = body.Replace("\"S\"", $"\"{sellerId}\"", StringComparison.Ordinal).Replace("NOW", Now, StringComparison.Ordinal);

        await publisher.PublishJsonAsync(ExchangeNames.OrderPlaced, OrderJson(sellerId, "before"));
        await publisher.PublishJsonAsync(ExchangeNames.OrderPlaced, badBody);
        await publisher.PublishJsonAsync(ExchangeNames.OrderPlaced, OrderJson(sellerId, "after"));

        await Eventually.UntilAsync(async () => (await service.EventsAsync(sellerId)).Count == 2, what: $"the valid orders around a message with {kind}");
        var (errorBody, headers) = await publisher.TakeAsync(OrderErrors);

        Assert.Equal(badBody, errorBody); // the original body, untouched, for a person to inspect or replay
        Assert.True(headers.TryGetValue("MT-Fault-Message", out var reason), $"no reason header on the message with {kind}");
        Assert.Contains(reasonMentions, reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["after", "before"], (await service.EventsAsync(sellerId)).OfType<OrderRecorded>().Select(o => o.OrderId).Order());
    }

    public static TheoryData<string> HostileBodies => new() { "invalid UTF-8", "a 10 MB orderId" };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task A_hostile_body_goes_to_the_error_queue_and_the_valid_orders_around_it_are_processed(string kind)
    {
        var sellerId = ServiceFixture.NewSellerId();
        // 0xC3 0x28 is not UTF-8: a broken encoder upstream.
        var body = kind == "invalid UTF-8"
            ? [.. Encoding.UTF8.GetBytes(OrderJson(sellerId, "o-BROKEN")).SelectMany(b => b == (byte)'B' ? new byte[] { 0xC3, 0x28 } : [b])]
            : Encoding.UTF8.GetBytes(OrderJson(sellerId, new string('x', 10 * 1024 * 1024)));

        await publisher.PublishJsonAsync(ExchangeNames.OrderPlaced, OrderJson(sellerId, "before"));
        await publisher.PublishBytesAsync(ExchangeNames.OrderPlaced, body);
        await publisher.PublishJsonAsync(ExchangeNames.OrderPlaced, OrderJson(sellerId, "after"));

        await Eventually.UntilAsync(async () => (await service.EventsAsync(sellerId)).Count == 2, what: $"the valid orders around a body with {kind}");
        var (_, headers) = await publisher.TakeAsync(OrderErrors);
        Assert.False(string.IsNullOrEmpty(headers.GetValueOrDefault("MT-Fault-Message")), $"no reason for the body with {kind}");
        Assert.Equal(["after", "before"], (await service.EventsAsync(sellerId)).OfType<OrderRecorded>().Select(o => o.OrderId).Order());
    }

    [Fact]
    public async Task A_query_without_a_seller_goes_to_the_error_queue_with_its_reason()
    {
        await publisher.PublishJsonAsync(ExchangeNames.CustomerQueryRaised, $$"""{"queryId":"q-1","raisedAt":"{{Now}}"}""");

        var (_, headers) = await publisher.TakeAsync(QueryErrors);
        Assert.Contains("sellerId", headers["MT-Fault-Message"], StringComparison.Ordinal);
    }
}
