using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NormService.Domain;
using NormService.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace NormService.IntegrationTests.Faults;

/// <summary>How big the fault runs are: a short version for every CI run, the long one by <c>scripts/fault-test.sh</c>.</summary>
public static class FaultScale
{
    public static bool IsLong => Environment.GetEnvironmentVariable("NORMSERVICE_FAULT_SCALE") == "long";
    public static int Sellers => IsLong ? 500 : 40;
    public static int Kills => IsLong ? 5 : 2;
    public static int PublishRate => IsLong ? 1_200 : 600;
    public static int HostileMessages => IsLong ? 1_000 : 200;
    public static TimeSpan Patience => IsLong ? TimeSpan.FromMinutes(15) : TimeSpan.FromMinutes(4);
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultInjection
{
    // Faults restart the shared PostgreSQL and RabbitMQ: nothing else may run meanwhile.
    public const string Name = "Fault injection";
}

/// <summary>Isolation for a fault class (its own schema and virtual host); the service runs as a process of its own.</summary>
public sealed class FaultFixture : ServiceFixture
{
    protected override bool StartHost => false;
}

/// <summary>What a fault run counted; the figures docs/reliability.md quotes.</summary>
public sealed record FaultReport(
    string Fault, int Sellers, int Events, int Published, int Republished, int ServiceStarts, int Kills, string Injected,
    int OrdersLost, int OrdersDoubleCounted, int QueriesLost, int QueriesDoubleCounted, int WrongVerdicts,
    int MissingOutcomes, int OutcomesWithTwoMessageIds, int OutcomesDeliveredTwice, TimeSpan Duration)
{
    public bool Clean => OrdersLost + OrdersDoubleCounted + QueriesLost + QueriesDoubleCounted + WrongVerdicts + MissingOutcomes + OutcomesWithTwoMessageIds == 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"| {Fault} | {Sellers:N0} | {Events:N0} | {Injected} | {Published:N0} (+{Republished:N0} again) | {OrdersLost}/{OrdersDoubleCounted} | {QueriesLost}/{QueriesDoubleCounted} | {WrongVerdicts} | {MissingOutcomes} | {OutcomesWithTwoMessageIds} | {OutcomesDeliveredTwice} | {Duration.TotalSeconds:0} s |");

    /// <summary>Printed to the test output and, under scripts/fault-test.sh, appended to the report file.</summary>
    public void Publish(ITestOutputHelper output)
    {
        output.WriteLine(ToString());
        if (Environment.GetEnvironmentVariable("NORMSERVICE_FAULT_REPORT") is { Length: > 0 } file)
            File.AppendAllLines(file, [ToString()]);
    }
}

/// <summary>
/// One fault run against the real service process: start it, publish a <see cref="FaultScenario"/>, inject,
/// wait until every message is recorded, publish the norm table (which closes every phase), and compare
/// what the service says and sends with what the domain says.
/// </summary>
public sealed class FaultRun : IAsyncDisposable
{
    private const string ApiKey = "fault-test-key-0123456789";
    private readonly ServiceFixture fixture;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    private FaultRun(ServiceFixture fixture, ServiceProcess service, FaultBroker broker)
    {
        this.fixture = fixture;
        Service = service;
        Broker = broker;
    }

    public ServiceProcess Service { get; }
    public FaultBroker Broker { get; }
    public static NormPolicy Policy => NormPolicy.Default with { SettlementPeriod = TimeSpan.Zero };

    public static async Task<FaultRun> StartAsync(ServiceFixture fixture, string name)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = fixture.Endpoints.Postgres,
            ["ConnectionStrings__RabbitMq"] = fixture.RabbitMqUri.ToString(),
            ["NormService__Schema"] = fixture.Name,
            ["NormService__NormTableSeedDirectory"] = "", // no table in force until the test publishes one
            ["NormService__SettlementPollInterval"] = "00:00:01",
            ["NormService__NormTableCacheDuration"] = "00:00:00",
            ["NormService__GroeiStart__SettlementPeriod"] = "00:00:00",
            ["NormService__Api__Key"] = ApiKey,
            ["Serilog__MinimumLevel__Default"] = "Warning",
        };
        var logs = Path.Combine(Path.GetTempPath(), "normservice-faults", $"{name}-{fixture.Name}");
        var broker = new FaultBroker(fixture.RabbitMqUri);
        await broker.DeclareOutcomeQueueAsync();
        var service = new ServiceProcess(environment, logs);
        await service.StartAsync();
        return new FaultRun(fixture, service, broker);
    }

    /// <summary>Every order and query of the scenario is in the ledger (each exactly once: it is keyed by id).</summary>
    public async Task WaitUntilRecordedAsync(FaultScenario scenario)
    {
        await Eventually.UntilAsync(async () =>
        {
            var (orders, queries) = await LedgerCountsAsync();
            return orders >= scenario.Orders && queries >= scenario.Queries;
        }, FaultScale.Patience, $"{scenario.Orders:N0} orders and {scenario.Queries:N0} queries recorded");
    }

    public async Task<(long Orders, long Queries)> LedgerCountsAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.Endpoints.Postgres);
        try
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"select (select count(*) from \"{fixture.Name}\".mt_doc_orderindexentry), (select count(*) from \"{fixture.Name}\".mt_doc_queryindexentry)", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return (reader.GetInt64(0), reader.GetInt64(1));
        }
        catch (NpgsqlException)
        {
            return (0, 0); // not created yet, or PostgreSQL is restarting
        }
    }

    /// <summary>Publishes the month's norm table over HTTP: every phase waiting for it closes.</summary>
    public async Task PublishNormTableAsync(FaultScenario scenario)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"/api/norms/{scenario.Month}", UriKind.Relative))
        {
            Content = JsonContent.Create(FaultScenario.Norms.ToDictionary(n => n.Group, n => n.Norm)),
        };
        request.Headers.Add("X-Api-Key", ApiKey);
        using var response = await Service.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Waits for every verdict and every outcome message, then counts every difference from the domain.</summary>
    public async Task<FaultReport> VerifyAsync(FaultScenario scenario, string fault, string injected)
    {
        var calculations = new Dictionary<string, JsonElement>();
        await Eventually.UntilAsync(async () =>
        {
            foreach (var sellerId in scenario.Expected.Keys.Where(id => !calculations.ContainsKey(id)))
            {
                if (await ClosedPhaseAsync(sellerId) is { } calculation) calculations[sellerId] = calculation;
            }
            return calculations.Count == scenario.Expected.Count;
        }, FaultScale.Patience, $"the verdicts of {scenario.Expected.Count} sellers");

        var expectedKeys = scenario.Expected.Values.SelectMany(ExpectedOutcomes).ToHashSet();
        var outcomes = new List<LoggedOutcome>();
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                outcomes.AddRange(await Broker.DrainOutcomesAsync());
                return expectedKeys.IsSubsetOf(outcomes.Select(o => o.Key));
            }, TimeSpan.FromMinutes(2), "every outcome message");
        }
        catch (TimeoutException)
        {
            // Counted below as missing outcomes.
        }
        await Task.Delay(TimeSpan.FromSeconds(2)); // late duplicates, if any, are counted too
        outcomes.AddRange(await Broker.DrainOutcomesAsync());

        int ordersLost = 0, ordersDouble = 0, queriesLost = 0, queriesDouble = 0, wrong = 0;
        foreach (var (sellerId, expected) in scenario.Expected)
        {
            var calculation = calculations[sellerId];
            var orders = calculation.GetProperty("orders").GetInt32();
            var queries = calculation.GetProperty("queries").GetInt32();
            ordersLost += Math.Max(0, expected.Orders - orders);
            ordersDouble += Math.Max(0, orders - expected.Orders);
            queriesLost += Math.Max(0, expected.Queries - queries);
            queriesDouble += Math.Max(0, queries - expected.Queries);
            var allowed = ReceivedOutcome.Decimal(calculation.GetProperty("norm").GetProperty("allowedQueries"));
            if (calculation.GetProperty("exceeded").GetBoolean() != expected.Exceeded || allowed != expected.AllowedQueries) wrong++;
        }
        var byKey = outcomes.GroupBy(o => o.Key).ToDictionary(g => g.Key, g => g.ToList());
        return new FaultReport(fault, scenario.Expected.Count, scenario.Events, Broker.Published, Broker.Republished, Service.Starts, Service.Kills, injected,
            ordersLost, ordersDouble, queriesLost, queriesDouble, wrong,
            MissingOutcomes: expectedKeys.Count(k => !byKey.ContainsKey(k)),
            OutcomesWithTwoMessageIds: byKey.Values.Count(g => g.Select(o => o.MessageId).Distinct().Count() > 1) + byKey.Keys.Count(k => !expectedKeys.Contains(k)),
            OutcomesDeliveredTwice: byKey.Values.Sum(g => g.Count - 1),
            clock.Elapsed);
    }

    /// <summary>The outcome messages a seller's first phase must produce: progress at 10 and 50 orders, then the verdict.</summary>
    private static IEnumerable<(string SellerId, int Phase, string Kind, int? Point)> ExpectedOutcomes(ExpectedVerdict verdict)
    {
        foreach (var point in Policy.ProgressPoints) yield return (verdict.SellerId, 1, Contracts.ExchangeNames.GroeiStartProgressReported, point);
        if (verdict.Exceeded)
        {
            yield return (verdict.SellerId, 1, Contracts.ExchangeNames.NormExceeded, null);
            yield return (verdict.SellerId, 1, Contracts.ExchangeNames.GroeiStartPhaseExtended, null);
        }
        else
        {
            yield return (verdict.SellerId, 1, Contracts.ExchangeNames.GroeiStartCompleted, null);
        }
    }

    /// <summary>Phase 1's calculation once it is closed (it has a <c>closedAt</c>), or null while it is not.</summary>
    private async Task<JsonElement?> ClosedPhaseAsync(string sellerId)
    {
        try
        {
            using var response = await Service.Http.GetAsync(new Uri($"/api/sellers/{sellerId}/phases/1", UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.OK) return null;
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.TryGetProperty("closedAt", out _) ? json.RootElement.Clone() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null; // the service is restarting
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Broker.DisposeAsync();
    }
}

/// <summary>Polls readiness in the background and keeps what it saw, to show an outage was noticed and ended.</summary>
public sealed class ReadinessLog : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task polling;
    private readonly List<(TimeSpan At, HttpStatusCode? Status)> seen = [];

    public ReadinessLog(ServiceProcess service)
    {
        polling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var status = await service.ReadinessAsync();
                lock (seen) seen.Add((LocalServices.Now, status));
                try
                {
                    await Task.Delay(250, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
    }

    public IReadOnlyList<(TimeSpan At, HttpStatusCode? Status)> Seen
    {
        get
        {
            lock (seen) return [.. seen];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await polling;
        stop.Dispose();
    }
}
