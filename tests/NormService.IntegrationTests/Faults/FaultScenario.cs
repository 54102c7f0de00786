using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NormService.Contracts;
using NormService.Domain;
using NormService.Domain.Norms;
using NormService.Domain.Sellers;
using DomainOrderLine = NormService.Domain.Sellers.OrderLine;

namespace NormService.IntegrationTests.Faults;

/// <summary>One inbound message as it goes on the wire: the exchange, the bare JSON body, and an AMQP message id if it names one.</summary>
public sealed record WireMessage(string Exchange, byte[] Body, string? MessageId = null);

/// <summary>What the domain says a seller's first phase ends with.</summary>
public sealed record ExpectedVerdict(string SellerId, int Orders, int Queries, decimal AllowedQueries, bool Exceeded);

/// <summary>
/// Generated traffic whose result does not depend on delivery order, so the same verdicts are expected
/// whatever a fault does to the order: every seller places exactly one phase of orders, every query names
/// one of its orders, and no norm table is in force until all of it is in (phases wait, settling, for the
/// table; publishing it closes them all). The expected verdicts come from the domain's own reference
/// (<see cref="Seller"/>) applied to the messages in publication order.
/// </summary>
public sealed class FaultScenario
{
    public static readonly (string Group, decimal Norm)[] Norms = [("toys", 0.04m), ("electronics", 0.08m), ("home", 0.05m), ("default", 0.05m)];
    private static readonly string[] Groups = ["toys", "electronics", "home", "garden"]; // garden is in no table: the default norm

    private FaultScenario(IReadOnlyList<WireMessage> messages, IReadOnlyDictionary<string, ExpectedVerdict> expected, int orders, int queries, NormMonth month)
    {
        Month = month;
        Messages = messages;
        Expected = expected;
        Orders = orders;
        Queries = queries;
    }

    /// <summary>Orders and queries interleaved across sellers, in publication order.</summary>
    public IReadOnlyList<WireMessage> Messages { get; }
    public IReadOnlyDictionary<string, ExpectedVerdict> Expected { get; }
    public int Orders { get; }
    public int Queries { get; }
    public int Events => Orders + Queries;

    /// <summary>The month of the orders: the norm table to publish once the traffic is in.</summary>
    public NormMonth Month { get; }

    public static FaultScenario Generate(int sellers, int seed, NormPolicy policy)
    {
        var random = new Random(seed);
        var run = seed.ToString("x", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..6];
        var placedAt = DateTimeOffset.UtcNow.AddMinutes(-5);
        var perSeller = new List<List<WireMessage>>();
        var expected = new Dictionary<string, ExpectedVerdict>();
        var table = NormTable.Create(NormMonth.Of(placedAt), Norms.Select(n => KeyValuePair.Create(n.Group, n.Norm)));
        int orders = 0, queries = 0;

        for (var s = 0; s < sellers; s++)
        {
            var sellerId = $"f{run}-{s}";
            var lines = Enumerable.Range(1, policy.PhaseSize)
                .Select(_ => new DomainOrderLine(Groups[random.Next(Groups.Length)], random.Next(1, 4)))
                .ToList();
            // The seller's own allowance decides how many queries it gets: about a third just over it.
            var norm = PersonalNorm.Calculate(lines.GroupBy(l => l.ProductGroup).Select(g => KeyValuePair.Create(g.Key, g.Sum(l => l.Quantity))), table, policy.NormCap);
            var allowed = NormAssessment.Assess(policy.PhaseSize, 0, norm, policy).AllowedQueries;
            var queryCount = random.Next(3) == 0 ? (int)Math.Floor(allowed) + 1 : random.Next(0, (int)Math.Floor(allowed) + 1);

            var messages = new List<WireMessage>();
            for (var o = 0; o < lines.Count; o++)
                messages.Add(new WireMessage(ExchangeNames.OrderPlaced, OrderJson(sellerId, $"o{o}", placedAt, lines[o], random)));
            for (var q = 0; q < queryCount; q++)
            {
                // Queries go among the orders, each about one of them (possibly one not placed yet).
                var about = $"o{random.Next(lines.Count)}";
                messages.Insert(random.Next(messages.Count), new WireMessage(ExchangeNames.CustomerQueryRaised, QueryJson(sellerId, $"q{q}", about, placedAt)));
            }
            perSeller.Add(messages);
            orders += lines.Count;
            queries += queryCount;
            expected[sellerId] = Reference(sellerId, messages, placedAt, table, policy);
        }

        // Interleave the sellers, as a marketplace's traffic is.
        var all = new List<WireMessage>(orders + queries);
        var cursors = new int[sellers];
        var open = Enumerable.Range(0, sellers).ToList();
        while (open.Count > 0)
        {
            var pick = random.Next(open.Count);
            var s = open[pick];
            all.Add(perSeller[s][cursors[s]++]);
            if (cursors[s] == perSeller[s].Count) open.RemoveAt(pick);
        }
        return new FaultScenario(all, expected, orders, queries, table.Month);
    }

    /// <summary>The domain applied to the seller's messages in publication order, then the table published.</summary>
    private static ExpectedVerdict Reference(string sellerId, List<WireMessage> messages, DateTimeOffset now, NormTable table, NormPolicy policy)
    {
        var seller = Seller.Initial(sellerId);
        var before = new DecisionContext(now, policy, NormTables.Empty);
        foreach (var message in messages)
        {
            using var json = JsonDocument.Parse(message.Body);
            var root = json.RootElement;
            SellerCommand command = message.Exchange == ExchangeNames.OrderPlaced
                ? new PlaceOrder(sellerId, root.GetProperty("orderId").GetString()!, now,
                    [.. root.GetProperty("lines").EnumerateArray().Select(l => new DomainOrderLine(l.GetProperty("productGroup").GetString()!, l.GetProperty("quantity").GetInt32()))])
                : new RaiseCustomerQuery(sellerId, root.GetProperty("queryId").GetString()!, root.GetProperty("orderId").GetString(), now, "email");
            seller = seller.Handle(command, before).After;
        }
        var (events, _) = seller.Handle(new CloseDuePhases(sellerId), before with { Now = DateTimeOffset.UtcNow, Tables = NormTables.Of(table) });
        var verdict = events.OfType<Domain.Sellers.NormExceeded>().Select(e => e.Verdict)
            .Concat(events.OfType<Domain.Sellers.GroeiStartCompleted>().Select(e => e.Verdict)).Single();
        return new ExpectedVerdict(sellerId, verdict.Assessment.Orders, verdict.Assessment.Queries, verdict.Assessment.AllowedQueries, verdict.Assessment.Exceeded);
    }

    /// <summary>A bare JSON order as a non-.NET upstream writes it, sometimes with fields this service does not know.</summary>
    private static byte[] OrderJson(string sellerId, string orderId, DateTimeOffset placedAt, DomainOrderLine line, Random random)
    {
        var order = new JsonObject
        {
            ["orderId"] = orderId,
            ["sellerId"] = sellerId,
            ["placedAt"] = placedAt.ToString("O", CultureInfo.InvariantCulture),
            ["lines"] = new JsonArray(new JsonObject { ["productGroup"] = line.ProductGroup, ["quantity"] = line.Quantity, ["sku"] = "SKU-1" }),
        };
        if (random.Next(4) == 0) order["channel"] = "webshop"; // unknown to the contract: a tolerant reader ignores it
        if (random.Next(8) == 0) order["upstream"] = new JsonObject { ["system"] = "legacy-oms", ["version"] = 3 };
        return JsonSerializer.SerializeToUtf8Bytes(order);
    }

    private static byte[] QueryJson(string sellerId, string queryId, string orderId, DateTimeOffset raisedAt) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["queryId"] = queryId,
            ["sellerId"] = sellerId,
            ["orderId"] = orderId,
            ["raisedAt"] = raisedAt.ToString("O", CultureInfo.InvariantCulture),
            ["channel"] = "email",
        });

    /// <summary>Every message twice, all in a shuffled order: what a redelivering, reordering broker may do.</summary>
    public IReadOnlyList<WireMessage> DuplicatedAndShuffled(int seed)
    {
        var random = new Random(seed);
        var doubled = Messages.Concat(Messages).ToArray();
        random.Shuffle(doubled);
        return doubled;
    }
}
