using System.Globalization;
using System.Text;
using NormService.Contracts;
using Xunit.Abstractions;

namespace NormService.IntegrationTests.Faults;

[Collection(FaultInjection.Name)]
[Trait("Category", "Fault")]
public sealed class HostileMessageTests(FaultFixture fixture, ITestOutputHelper output) : IClassFixture<FaultFixture>
{
    private const string OrderErrors = "normservice.order-placed_error";
    private const string QueryErrors = "normservice.customer-query-raised_error";

    [Fact]
    public async Task Bad_messages_interleaved_with_valid_traffic_all_land_in_an_error_queue_with_a_reason_and_the_valid_traffic_gives_the_domains_verdicts()
    {
        var scenario = FaultScenario.Generate(FaultScale.Sellers, seed: 5, FaultRun.Policy);
        var random = new Random(5);
        var sellers = scenario.Expected.Keys.ToList();
        var hostile = Enumerable.Range(0, FaultScale.HostileMessages).Select(i => Hostile(i, sellers[random.Next(sellers.Count)])).ToList();
        var traffic = scenario.Messages.ToList();
        foreach (var bad in hostile) traffic.Insert(random.Next(traffic.Count + 1), bad);

        await using var run = await FaultRun.StartAsync(fixture, "hostile");
        var pid = run.Service.ProcessId;
        await run.Broker.PublishAllAsync(traffic, FaultScale.PublishRate);
        await run.WaitUntilRecordedAsync(scenario);
        await run.PublishNormTableAsync(scenario);
        var report = await run.VerifyAsync(scenario, "hostile messages", $"{hostile.Count:N0} bad messages of {Kinds.Length} kinds");
        report.Publish(output);

        var dead = new List<DeadLetter>();
        await Infrastructure.Eventually.UntilAsync(async () =>
        {
            dead.AddRange(await run.Broker.DrainErrorsAsync(OrderErrors, QueryErrors));
            return dead.Count >= hostile.Count;
        }, FaultScale.Patience, $"{hostile.Count} messages in the error queues");

        Assert.True(report.Clean, report.ToString());
        var deadIds = dead.Select(d => d.MessageId).ToHashSet();
        var missing = hostile.Where(h => !deadIds.Contains(h.MessageId)).Select(h => h.MessageId).ToList();
        Assert.True(missing.Count == 0, $"not in an error queue: {string.Join(", ", missing.Take(10))}");
        Assert.Equal(hostile.Count, dead.Count); // and nothing valid went there
        var unexplained = dead.Where(d => string.IsNullOrWhiteSpace(d.Reason)).Select(d => d.MessageId).ToList();
        Assert.True(unexplained.Count == 0, $"no reason on: {string.Join(", ", unexplained.Take(10))}");
        Assert.Equal(1, run.Service.Starts);
        Assert.False(run.Service.HasExited);
        Assert.Equal(pid, run.Service.ProcessId); // never restarted
    }

    /// <summary>The kinds of bad message; each generated one names its kind in its AMQP message id.</summary>
    private static readonly (string Kind, string Exchange, Func<string, int, byte[]> Body)[] Kinds =
    [
        ("quantity-of-wrong-type", ExchangeNames.OrderPlaced, (s, i) => Order(s, i, "\"quantity\":\"many\"")),
        ("seller-as-number", ExchangeNames.OrderPlaced, (s, i) => Utf8($$"""{"orderId":"bad-{{i}}","sellerId":12345,"placedAt":"{{Now}}","lines":[{"productGroup":"toys","quantity":1}]}""")),
        ("lines-as-object", ExchangeNames.OrderPlaced, (s, i) => Utf8($$$"""{"orderId":"bad-{{{i}}}","sellerId":"{{{s}}}","placedAt":"{{{Now}}}","lines":{"productGroup":"toys"}}""")),
        ("huge-seller-id", ExchangeNames.OrderPlaced, (s, i) => Utf8($$"""{"orderId":"bad-{{i}}","sellerId":"{{new string('s', 100_000)}}","placedAt":"{{Now}}","lines":[{"productGroup":"toys","quantity":1}]}""")),
        ("huge-product-group", ExchangeNames.OrderPlaced, (s, i) => Order(s, i, $"\"productGroup\":\"{new string('g', 1_000_000)}\",\"quantity\":1")),
        ("zero-quantity", ExchangeNames.OrderPlaced, (s, i) => Order(s, i, "\"productGroup\":\"toys\",\"quantity\":0")),
        ("negative-quantity", ExchangeNames.OrderPlaced, (s, i) => Order(s, i, "\"productGroup\":\"toys\",\"quantity\":-3")),
        ("invalid-utf8", ExchangeNames.OrderPlaced, (s, i) => [.. Order(s, i, "\"productGroup\":\"toys\",\"quantity\":1").SelectMany(b => b == (byte)'y' ? new byte[] { 0xC3, 0x28 } : [b])]),
        ("missing-order-id", ExchangeNames.OrderPlaced, (s, _) => Utf8($$"""{"sellerId":"{{s}}","placedAt":"{{Now}}","lines":[{"productGroup":"toys","quantity":1}]}""")),
        ("missing-seller-id", ExchangeNames.OrderPlaced, (_, i) => Utf8($$"""{"orderId":"bad-{{i}}","placedAt":"{{Now}}","lines":[{"productGroup":"toys","quantity":1}]}""")),
        ("placed-in-9999", ExchangeNames.OrderPlaced, (s, i) => Utf8($$"""{"orderId":"bad-{{i}}","sellerId":"{{s}}","placedAt":"9999-12-31T23:59:59Z","lines":[{"productGroup":"toys","quantity":1}]}""")),
        ("no-lines", ExchangeNames.OrderPlaced, (s, i) => Utf8($$"""{"orderId":"bad-{{i}}","sellerId":"{{s}}","placedAt":"{{Now}}","lines":[]}""")),
        ("not-json", ExchangeNames.OrderPlaced, (_, i) => Utf8($"order {i} for you")),
        ("truncated-json", ExchangeNames.OrderPlaced, (s, i) => Utf8($$"""{"orderId":"bad-{{i}}","sellerId":"{{s}}","pla""")),
        ("json-array", ExchangeNames.OrderPlaced, (_, _) => Utf8("[1,2,3]")),
        ("empty-body", ExchangeNames.OrderPlaced, (_, _) => []),
        ("query-missing-query-id", ExchangeNames.CustomerQueryRaised, (s, _) => Utf8($$"""{"sellerId":"{{s}}","orderId":"o1","raisedAt":"{{Now}}"}""")),
        ("query-missing-seller-id", ExchangeNames.CustomerQueryRaised, (_, i) => Utf8($$"""{"queryId":"bad-{{i}}","raisedAt":"{{Now}}"}""")),
        ("query-raised-in-9999", ExchangeNames.CustomerQueryRaised, (s, i) => Utf8($$"""{"queryId":"bad-{{i}}","sellerId":"{{s}}","orderId":"o1","raisedAt":"9999-01-01T00:00:00Z"}""")),
        ("query-id-with-spaces", ExchangeNames.CustomerQueryRaised, (s, i) => Utf8($$"""{"queryId":"bad query {{i}}","sellerId":"{{s}}","raisedAt":"{{Now}}"}""")),
    ];

    private static readonly string Now = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);

    private static WireMessage Hostile(int index, string sellerId)
    {
        // A few 10 MB bodies; the rest cycle through the kinds.
        if (index % 400 == 99)
        {
            var body = Utf8($$"""{"orderId":"{{new string('x', 10 * 1024 * 1024)}}","sellerId":"{{sellerId}}","placedAt":"{{Now}}","lines":[{"productGroup":"toys","quantity":1}]}""");
            return new WireMessage(ExchangeNames.OrderPlaced, body, $"bad-10mb-body-{index}");
        }
        var (kind, exchange, make) = Kinds[index % Kinds.Length];
        return new WireMessage(exchange, make(sellerId, index), $"bad-{kind}-{index}");
    }

    private static byte[] Order(string sellerId, int index, string line) =>
        Utf8($$"""{"orderId":"bad-{{index}}","sellerId":"{{sellerId}}","placedAt":"{{Now}}","lines":[{{{line}}}]}""");

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
