using System.Diagnostics;
using JasperFx;
using JasperFx.Events;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NormService.Contracts;
using NormService.Domain;
using NormService.Domain.Norms;
using NormService.Domain.Sellers;
using NormService.Infrastructure;
using NormService.Messaging;
using NormService.Norms;
using NormService.Sellers;
using Weasel.Core;
using DomainOrderLine = NormService.Domain.Sellers.OrderLine;

namespace NormService.Benchmark;

/// <summary>The four measurements, each on its own schema and vhost, on the same generated messages.</summary>
public static class Modes
{
    private const int PublishWindow = 256;
    private static readonly (string Group, decimal Norm)[] Norms = [("toys", 0.04m), ("electronics", 0.08m), ("home", 0.05m), ("default", 0.05m)];

    /// <summary>MassTransit publish and a consumer that does nothing: what the broker and serializer allow.</summary>
    public static async Task<ModeResult> TransportCeilingAsync(Infrastructure infra, IReadOnlyList<OrderPlaced> messages)
    {
        var name = await infra.CreateIsolationAsync("transport");
        var consumed = new Countdown(messages.Count);
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(infra.RabbitMqFor(name));
            MessageTopology.Configure(cfg);
            cfg.ReceiveEndpoint("bench-noop", e =>
            {
                // The service's own endpoint settings, so the ceiling is comparable.
                var service = new NormServiceOptions();
                e.PrefetchCount = service.PrefetchCount;
                e.ConcurrentMessageLimit = service.ConcurrentMessageLimit;
                e.Handler<OrderPlaced>(_ => { consumed.Signal(); return Task.CompletedTask; });
            });
        });
        await bus.StartAsync();
        try
        {
            var stopwatch = Stopwatch.StartNew();
            await PublishAllAsync(bus, messages);
            await consumed.Done.WaitAsync(TimeSpan.FromMinutes(30));
            stopwatch.Stop();
            return ModeResult.Of(consumed.Count, stopwatch);
        }
        finally
        {
            await bus.StopAsync();
            await infra.DropIsolationAsync(name);
        }
    }

    /// <summary>The events the domain decides for the same orders, appended straight to Marten in large transactions.</summary>
    public static async Task<ModeResult> StorageCeilingAsync(Infrastructure infra, IReadOnlyList<OrderPlaced> messages)
    {
        var name = await infra.CreateIsolationAsync("storage");
        using var store = DocumentStore.For(o =>
        {
            o.Connection(infra.Postgres);
            o.DatabaseSchemaName = name;
            o.UseSystemTextJsonForSerialization(EnumStorage.AsString);
            o.Events.StreamIdentity = StreamIdentity.AsString;
            o.Events.AppendMode = EventAppendMode.Quick;
            o.AutoCreateSchemaObjects = AutoCreate.All;
        });
        try
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            var context = new DecisionContext(DateTimeOffset.UtcNow, NormPolicy.Default with { SettlementPeriod = TimeSpan.Zero },
                NormTables.Of(NormTable.Create(NormMonth.Of(DateTimeOffset.UtcNow), Norms.Select(n => KeyValuePair.Create(n.Group, n.Norm)))));
            var streams = messages.GroupBy(m => m.SellerId).Select(g =>
            {
                var seller = Seller.Initial(g.Key);
                var events = new List<SellerEvent>();
                foreach (var m in g)
                {
                    var (decided, after) = seller.Handle(new PlaceOrder(m.SellerId, m.OrderId, m.PlacedAt,
                        [.. m.Lines.Select(l => new DomainOrderLine(l.ProductGroup, l.Quantity))]), context);
                    events.AddRange(decided);
                    seller = after;
                }
                return (g.Key, Events: events, Orders: g.Count());
            }).ToList();

            var stopwatch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(streams.Chunk(20), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (chunk, ct) =>
            {
                await using var session = store.LightweightSession();
                foreach (var (sellerId, events, _) in chunk) session.Events.Append(sellerId, events.Cast<object>().ToArray());
                await session.SaveChangesAsync(ct);
            });
            stopwatch.Stop();
            return ModeResult.Of(streams.Sum(s => s.Orders), stopwatch);
        }
        finally
        {
            await infra.DropIsolationAsync(name);
        }
    }

    /// <summary>The service's own handler, one message at a time: one session and one commit per message, no broker.</summary>
    public static async Task<ModeResult> NaiveBaselineAsync(Infrastructure infra, IReadOnlyList<OrderPlaced> messages)
    {
        var name = await infra.CreateIsolationAsync("naive");
        var app = await BuildServiceAsync(infra, name, start: false);
        try
        {
            await app.Services.GetRequiredService<NormTableStore>().PublishAsync(NormMonth.Of(DateTimeOffset.UtcNow), Norms.Select(n => KeyValuePair.Create(n.Group, n.Norm)), default);
            var handler = app.Services.GetRequiredService<SellerCommandHandler>();
            var stopwatch = Stopwatch.StartNew();
            foreach (var m in messages)
                await handler.HandleAsync(new PlaceOrder(m.SellerId, m.OrderId, m.PlacedAt, [.. m.Lines.Select(l => new DomainOrderLine(l.ProductGroup, l.Quantity))]), default);
            stopwatch.Stop();
            return ModeResult.Of(await CountOrdersAsync(app, messages.Count), stopwatch);
        }
        finally
        {
            await app.DisposeAsync();
            await infra.DropIsolationAsync(name);
        }
    }

    /// <summary>Publish every message to RabbitMQ and wait until the running service has committed them all.</summary>
    public static async Task<ModeResult> EndToEndAsync(Infrastructure infra, IReadOnlyList<OrderPlaced> messages)
    {
        var name = await infra.CreateIsolationAsync("e2e");
        using var batchSizes = new BatchSizes();
        var clock = new LatencyClock();
        var sellers = messages.Select(m => m.SellerId).Distinct().Count();
        var (app, bus) = await StartServiceAndListenerAsync(infra, name, clock);
        try
        {
            var stopwatch = Stopwatch.StartNew();
            await PublishAllAsync(bus, messages, index => { if (Traffic.IsHundredth(index, sellers)) clock.Published(messages[index].SellerId); });
            var committed = await WaitForOrdersAsync(app, messages.Count, TimeSpan.FromHours(2));
            stopwatch.Stop();
            var withVerdict = messages.Count / sellers >= 100 ? sellers : 0;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (clock.Latencies.Count < withVerdict && DateTime.UtcNow < deadline) await Task.Delay(50);
            return ModeResult.Of(committed, stopwatch, [.. clock.Latencies]) with { MeanBatchSize = batchSizes.Mean };
        }
        finally
        {
            await StopAsync(infra, name, app, bus);
        }
    }

    /// <summary>
    /// Verdict latency at a steady load the service keeps up with: 100 orders for each seller, published at
    /// <paramref name="rate"/> per second, and the time from each seller's 100th order to its outcome.
    /// (Under a full-speed backlog the latency is just the backlog's length, which says nothing.)
    /// </summary>
    public static async Task<ModeResult> PacedLatencyAsync(Infrastructure infra, int sellers, int rate)
    {
        var messages = Traffic.Generate(sellers * 100, sellers);
        var name = await infra.CreateIsolationAsync("latency");
        var clock = new LatencyClock();
        var (app, bus) = await StartServiceAndListenerAsync(infra, name, clock);
        try
        {
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < messages.Count; i++)
            {
                // Paced on the stopwatch, so a slow publish is caught up instead of lowering the rate.
                var due = TimeSpan.FromSeconds((double)i / rate);
                if (due > stopwatch.Elapsed) await Task.Delay(due - stopwatch.Elapsed);
                if (Traffic.IsHundredth(i, sellers)) clock.Published(messages[i].SellerId);
                await bus.Publish(messages[i]);
            }
            var committed = await WaitForOrdersAsync(app, messages.Count, TimeSpan.FromMinutes(10));
            stopwatch.Stop();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (clock.Latencies.Count < sellers && DateTime.UtcNow < deadline) await Task.Delay(50);
            return ModeResult.Of(committed, stopwatch, [.. clock.Latencies]);
        }
        finally
        {
            await StopAsync(infra, name, app, bus);
        }
    }

    /// <summary>The service on its own schema and vhost with this month's norm table, and a bus that clocks each verdict in.</summary>
    private static async Task<(WebApplication App, IBusControl Bus)> StartServiceAndListenerAsync(Infrastructure infra, string name, LatencyClock clock)
    {
        var app = await BuildServiceAsync(infra, name, start: true);
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(infra.RabbitMqFor(name));
            MessageTopology.Configure(cfg);
            cfg.ReceiveEndpoint("bench-outcomes", e => e.Handler<Contracts.GroeiStartCompleted>(ctx => { clock.Received(ctx.Message.SellerId); return Task.CompletedTask; }));
        });
        await bus.StartAsync();
        await app.Services.GetRequiredService<NormTableStore>().PublishAsync(NormMonth.Of(DateTimeOffset.UtcNow), Norms.Select(n => KeyValuePair.Create(n.Group, n.Norm)), default);
        return (app, bus);
    }

    private static async Task StopAsync(Infrastructure infra, string name, WebApplication app, IBusControl bus)
    {
        await bus.StopAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        await infra.DropIsolationAsync(name);
    }

    /// <summary>Publishes with at most <see cref="PublishWindow"/> confirms outstanding; holds no task per message.</summary>
    private static async Task PublishAllAsync(IBus bus, IReadOnlyList<OrderPlaced> messages, Action<int>? published = null)
    {
        using var window = new SemaphoreSlim(PublishWindow);
        Exception? failure = null;
        for (var i = 0; i < messages.Count && failure is null; i++)
        {
            await window.WaitAsync();
            published?.Invoke(i);
            _ = bus.Publish(messages[i]).ContinueWith(t =>
            {
                if (t.Exception is { } ex) failure ??= ex;
                window.Release();
            }, TaskScheduler.Default);
        }
        for (var i = 0; i < PublishWindow; i++) await window.WaitAsync(); // every confirm is in
        if (failure is not null) throw new InvalidOperationException("Publishing failed.", failure);
    }

    private static async Task<int> WaitForOrdersAsync(WebApplication app, int expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        int count;
        while ((count = await CountOrdersAsync(app, expected)) < expected && DateTime.UtcNow < deadline) await Task.Delay(100);
        return count == expected ? count : throw new TimeoutException($"Only {count:N0} of {expected:N0} orders were committed.");
    }

    private static async Task<int> CountOrdersAsync(WebApplication app, int expected)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var count = await session.Query<OrderIndexEntry>().CountAsync();
        return count <= expected ? count : throw new InvalidOperationException($"{count:N0} orders committed for {expected:N0} published: counted twice.");
    }

    private static async Task<WebApplication> BuildServiceAsync(Infrastructure infra, string name, bool start)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Benchmark" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = infra.Postgres,
            ["ConnectionStrings:RabbitMq"] = infra.RabbitMqFor(name).ToString(),
            ["NormService:Schema"] = name,
            ["NormService:NormTableSeedDirectory"] = "",
            ["NormService:GroeiStart:SettlementPeriod"] = "00:00:00",
            ["Logging:LogLevel:Marten"] = "Error",
        });
        builder.Services.AddNormService(builder.Configuration, builder.Environment);
        var app = builder.Build();
        if (start) await app.StartAsync();
        else await app.Services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return app;
    }
}
