using NormService.Domain.Norms;
using NormService.Contracts;

namespace NormService.Simulator;

/// <summary>What to generate.</summary>
internal sealed record TrafficOptions
{
    public int Sellers { get; init; } = 20;
    public int OrdersPerSeller { get; init; } = 100;

    /// <summary>Fraction of sellers built to exceed their norm (0–1).</summary>
    public double ExceedShare { get; init; } = 0.3;

    /// <summary>Fraction of messages published a second time (0–1).</summary>
    public double Duplicates { get; init; }

    /// <summary>Deliver each seller's messages out of order.</summary>
    public bool Shuffle { get; init; }

    public int Seed { get; init; }

    /// <summary>The newest <c>placedAt</c>/<c>raisedAt</c>; orders are spread over the time before it.</summary>
    public DateTimeOffset Now { get; init; }

    /// <summary>How far back the first order of a seller may be placed.</summary>
    public TimeSpan Spread { get; init; } = TimeSpan.FromHours(2);

    /// <summary>A = max(this, P × N).</summary>
    public int MinimumAllowedQueries { get; init; } = 3;

    /// <summary>P never exceeds this.</summary>
    public decimal NormCap { get; init; } = 0.15m;
}

/// <summary>One seller's intended scenario, with the norm computed as NormService will compute it.</summary>
internal sealed record SellerPlan(
    string SellerId,
    bool IntendedToExceed,
    IReadOnlyDictionary<string, double> GroupMix,
    int Orders,
    int Items,
    decimal PersonalNorm,
    decimal AllowedQueries,
    int Queries);

/// <summary>A message to publish: an <see cref="OrderPlaced"/> or a <see cref="CustomerQueryRaised"/>.</summary>
internal sealed record TrafficMessage(string SellerId, string MessageId, object Message, bool IsDuplicate)
{
    public bool IsOrder => Message is OrderPlaced;
}

internal sealed record Traffic(IReadOnlyList<SellerPlan> Sellers, IReadOnlyList<TrafficMessage> Messages);

/// <summary>
/// Generates realistic traffic: pure and deterministic for a seed (no clock, no I/O).
/// Sellers meant to exceed get Q = max(4, floor(P × N) + 2) queries; the others at most
/// max(0, floor(max(3, P × N)) − 1), so each verdict is known in advance (rules.md: exceeded iff Q &gt; A).
/// </summary>
internal static class TrafficGenerator
{
    private static readonly string[] Channels = ["chat", "chat", "mail", "phone"];

    public static Traffic Generate(TrafficOptions options, NormTable norms)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(norms);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Sellers);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.OrdersPerSeller, 1);
        if (options.ExceedShare is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ExceedShare must be between 0 and 1.");
        }

        if (options.Duplicates is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Duplicates must be between 0 and 1.");
        }

#pragma warning disable CA5394 // Reproducible simulation traffic, not security.
        var random = new Random(options.Seed);

        // Separate streams, so shuffling or duplicating never changes the traffic itself.
        var shuffleRandom = new Random(unchecked((options.Seed * 31) + 1));
        var duplicateRandom = new Random(unchecked((options.Seed * 31) + 2));
        var groups = norms.Groups();
        var exceeding = (int)Math.Round(options.Sellers * options.ExceedShare, MidpointRounding.AwayFromZero);
        var exceedingSellers = Enumerable.Range(1, options.Sellers).OrderBy(_ => random.Next()).Take(exceeding).ToHashSet();

        var plans = new List<SellerPlan>(options.Sellers);
        var messages = new List<TrafficMessage>();
        for (var n = 1; n <= options.Sellers; n++)
        {
            var sellerId = $"sim-{options.Seed}-{n}";
            var mix = DrawMix(random, groups);
            var orders = GenerateOrders(random, options, sellerId, mix);

            var itemsByGroup = orders.SelectMany(o => o.Lines)
                .GroupBy(l => l.ProductGroup)
                .ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
            var items = itemsByGroup.Values.Sum();
            var p = PersonalNorm.Calculate(itemsByGroup, norms, options.NormCap).Norm;
            var pn = p * orders.Count;
            var allowed = Math.Max(options.MinimumAllowedQueries, pn);

            var exceed = exceedingSellers.Contains(n);
            int queryCount;
            if (exceed)
            {
                queryCount = Math.Max(options.MinimumAllowedQueries + 1, (int)Math.Floor(pn) + 2);
            }
            else
            {
                var most = Math.Max(0, (int)Math.Floor(Math.Max(options.MinimumAllowedQueries, pn)) - 1);
                queryCount = random.Next(most / 2, most + 1);
            }

            var queries = GenerateQueries(random, options, sellerId, orders, queryCount);
            plans.Add(new SellerPlan(sellerId, exceed, mix, orders.Count, items, p, allowed, queryCount));

            // In time order: each query after the order it is about; ties keep orders first.
            var stream = orders.Select(o => (At: o.PlacedAt, Kind: 0, Msg: new TrafficMessage(sellerId, o.OrderId, o, false)))
                .Concat(queries.Select(q => (At: q.RaisedAt, Kind: 1, Msg: new TrafficMessage(sellerId, q.QueryId, q, false))))
                .OrderBy(x => x.At).ThenBy(x => x.Kind)
                .Select(x => x.Msg)
                .ToList();
            if (options.Shuffle)
            {
                Shuffle(shuffleRandom, stream);
            }

            messages.AddRange(stream);
        }

        AddDuplicates(duplicateRandom, messages, options.Duplicates);
#pragma warning restore CA5394
        return new Traffic(plans, messages);
    }

    /// <summary>Mostly one or two groups, now and then a few others.</summary>
    private static Dictionary<string, double> DrawMix(Random random, IReadOnlyList<string> groups)
    {
#pragma warning disable CA5394
        var shuffled = groups.OrderBy(_ => random.Next()).ToList();
        var mix = new Dictionary<string, double>(StringComparer.Ordinal);
        var main = random.Next(1, Math.Min(2, shuffled.Count) + 1);
        var mainShare = 0.75 + (random.NextDouble() * 0.2);
        if (main == 1)
        {
            mix[shuffled[0]] = mainShare;
        }
        else
        {
            var first = 0.5 + (random.NextDouble() * 0.3);
            mix[shuffled[0]] = mainShare * first;
            mix[shuffled[1]] = mainShare * (1 - first);
        }

        var others = shuffled.Skip(main).Take(random.Next(0, 3)).ToList();
        var rest = 1 - mainShare;
        if (others.Count == 0)
        {
            mix[shuffled[0]] += rest;
        }
        else
        {
            foreach (var other in others)
            {
                mix[other] = rest / others.Count;
            }
        }
#pragma warning restore CA5394
        return mix;
    }

    private static string Pick(Random random, IReadOnlyDictionary<string, double> mix)
    {
#pragma warning disable CA5394
        var roll = random.NextDouble();
#pragma warning restore CA5394
        foreach (var (group, share) in mix)
        {
            roll -= share;
            if (roll < 0)
            {
                return group;
            }
        }

        return mix.Keys.First();
    }

    private static List<OrderPlaced> GenerateOrders(Random random, TrafficOptions options, string sellerId, Dictionary<string, double> mix)
    {
#pragma warning disable CA5394
        var orders = new List<OrderPlaced>(options.OrdersPerSeller);
        var step = options.Spread / Math.Max(1, options.OrdersPerSeller);
        for (var i = 1; i <= options.OrdersPerSeller; i++)
        {
            // Evenly spread with jitter; the last order is placed at Now.
            var back = i == options.OrdersPerSeller
                ? TimeSpan.Zero
                : (step * (options.OrdersPerSeller - i)) + (step * random.NextDouble() * 0.5);
            var lineCount = random.NextDouble() < 0.8 ? 1 : 2;
            var lines = new List<OrderLine>(lineCount);
            for (var l = 0; l < lineCount; l++)
            {
                var group = Pick(random, mix);
                var quantity = random.Next(1, 4);
                var same = lines.FindIndex(x => x.ProductGroup == group);
                if (same >= 0)
                {
                    lines[same] = lines[same] with { Quantity = Math.Min(3, lines[same].Quantity + quantity) };
                }
                else
                {
                    lines.Add(new OrderLine { ProductGroup = group, Quantity = quantity });
                }
            }

            orders.Add(new OrderPlaced
            {
                OrderId = $"{sellerId}-o{i}",
                SellerId = sellerId,
                PlacedAt = TruncateToMilliseconds(options.Now - back),
                Lines = lines,
            });
        }
#pragma warning restore CA5394
        return orders;
    }

    private static List<CustomerQueryRaised> GenerateQueries(
        Random random, TrafficOptions options, string sellerId, List<OrderPlaced> orders, int count)
    {
#pragma warning disable CA5394
        var queries = new List<CustomerQueryRaised>(count);
        var first = orders.Min(o => o.PlacedAt);
        for (var j = 1; j <= count; j++)
        {
            // Most queries are about one of the seller's orders, raised after it; some have no order.
            var order = random.NextDouble() < 0.85 ? orders[random.Next(orders.Count)] : null;
            var from = order?.PlacedAt ?? first;
            var raisedAt = from + ((options.Now - from) * random.NextDouble());
            queries.Add(new CustomerQueryRaised
            {
                QueryId = $"{sellerId}-q{j}",
                SellerId = sellerId,
                OrderId = order?.OrderId,
                RaisedAt = TruncateToMilliseconds(raisedAt),
                Channel = Channels[random.Next(Channels.Length)],
            });
        }
#pragma warning restore CA5394
        return queries;
    }

    private static void Shuffle(Random random, List<TrafficMessage> list)
    {
#pragma warning disable CA5394
        for (var i = list.Count - 1; i > 0; i--)
        {
            var k = random.Next(i + 1);
            (list[i], list[k]) = (list[k], list[i]);
        }
#pragma warning restore CA5394
    }

    /// <summary>Publishes round(share × count) messages a second time, somewhere after the original within its seller's stream.</summary>
    private static void AddDuplicates(Random random, List<TrafficMessage> messages, double share)
    {
        var count = (int)Math.Round(messages.Count * share, MidpointRounding.AwayFromZero);
        if (count == 0)
        {
            return;
        }

#pragma warning disable CA5394
        // Chosen by id, not position: the same messages are duplicated whether or not the streams are shuffled.
        var chosen = messages.Select(m => m.MessageId).Order(StringComparer.Ordinal)
            .OrderBy(_ => random.Next()).Take(count).ToHashSet(StringComparer.Ordinal);
        var result = new List<TrafficMessage>(messages.Count + count);
        var pending = new List<TrafficMessage>();
        string? seller = null;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message.SellerId != seller)
            {
                result.AddRange(pending);
                pending.Clear();
                seller = message.SellerId;
            }

            result.Add(message);
            if (chosen.Contains(message.MessageId))
            {
                pending.Add(message with { IsDuplicate = true });
            }

            // Release a pending duplicate now and then: a redelivery a little later.
            if (pending.Count > 0 && random.NextDouble() < 0.3)
            {
                var k = random.Next(pending.Count);
                result.Add(pending[k]);
                pending.RemoveAt(k);
            }
        }
#pragma warning restore CA5394
        result.AddRange(pending);
        messages.Clear();
        messages.AddRange(result);
    }

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset at) =>
        new(at.Ticks - (at.Ticks % TimeSpan.TicksPerMillisecond), at.Offset);
}
