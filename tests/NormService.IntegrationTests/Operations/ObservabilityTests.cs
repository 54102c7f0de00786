using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NormService.Domain.Norms;
using NormService.Domain.Sellers;
using NormService.IntegrationTests.Infrastructure;
using NormService.Observability;
using Serilog.Core;
using Serilog.Events;

namespace NormService.IntegrationTests.Operations;

/// <summary>Keeps every log event the service writes, for assertions on their properties.</summary>
public sealed class CollectingSink : ILogEventSink
{
    public ConcurrentQueue<LogEvent> Events { get; } = new();
    public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);
}

public sealed class ObservedServiceFixture : ServiceFixture
{
    public CollectingSink Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["NormService:GroeiStart:SettlementPeriod"] = "00:00:00",
        ["Serilog:MinimumLevel:Override:NormService"] = "Debug",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILogEventSink>(Logs);
}

/// <summary>
/// Runs alone, after the parallel classes: every host in this process names its meter "NormService", and
/// OpenTelemetry keeps the first instrument of a name it sees, so another class's host must not be alive
/// when this host's metrics are read. (One host per process, as in production, has no such question.)
/// </summary>
[CollectionDefinition(nameof(ObservabilityTests), DisableParallelization = true)]
public sealed class ObservabilityRunsAlone;

[Collection(nameof(ObservabilityTests))]
public class ObservabilityTests(ObservedServiceFixture service) : IClassFixture<ObservedServiceFixture>
{
    [Fact]
    public async Task Liveness_and_readiness_are_healthy_with_PostgreSQL_and_RabbitMQ_up()
    {
        var client = service.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
        Assert.Contains(body.GetProperty("checks").EnumerateObject(), c => c.Name.Contains("masstransit", StringComparison.OrdinalIgnoreCase) || c.Name.Contains("bus", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Outcome_forwarding_has_a_health_endpoint_of_its_own_outside_readiness()
    {
        var client = service.Factory.CreateClient();
        var forwarding = await client.GetAsync("/health/forwarding");
        var checks = JsonDocument.Parse(await forwarding.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        var ready = JsonDocument.Parse(await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync()).RootElement.GetProperty("checks");

        Assert.Equal(HttpStatusCode.OK, forwarding.StatusCode);
        Assert.Equal("Healthy", checks.GetProperty("outcome-forwarding").GetProperty("status").GetString());
        Assert.False(ready.TryGetProperty("outcome-forwarding", out _)); // a lagging forwarder does not take replicas out of service
    }

    [Fact]
    public async Task After_traffic_the_metrics_endpoint_exposes_the_services_metrics()
    {
        await service.PublishNormTableAsync(NormMonth.Of(DateTimeOffset.UtcNow).ToString(), Messages.ExampleNorms);
        var sellerId = ServiceFixture.NewSellerId("metrics");
        for (var i = 1; i <= 100; i++) await service.PublishAsync(Messages.Order(sellerId, $"o{i}"));
        await service.PublishAsync(Messages.Order(sellerId, "o1")); // a duplicate
        await Eventually.UntilAsync(async () => (await service.SellerAsync(sellerId))?.Status == SellerStatus.GroeiStartCompleted);

        (string Name, string Label)[] expected =
        [
            ("normservice_messages_consumed_total", "message_type=\"OrderPlaced\""), ("normservice_duplicates_dropped_total", "message_type=\"OrderPlaced\""),
            ("normservice_phases_closed_total", "verdict=\"GroeiStartCompleted\""), ("normservice_outcome_publish_lag_seconds_bucket", "le="),
            ("normservice_consumer_processing_time_milliseconds_bucket", "message_type=\"OrderPlaced\""),
        ];
        var client = service.Factory.CreateClient();
        IEnumerable<string> missing = [];
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                var lines = (await client.GetStringAsync("/metrics")).Split('\n');
                missing = expected.Where(m => !lines.Any(l => l.StartsWith(m.Name, StringComparison.Ordinal) && l.Contains(m.Label, StringComparison.Ordinal)))
                    .Select(m => $"{m.Name} with {m.Label}").ToList();
                return !missing.Any();
            }, what: "the service's metrics on /metrics");
        }
        catch (TimeoutException)
        {
            Assert.Fail("Not on /metrics: " + string.Join(", ", missing));
        }
    }

    [Fact]
    public async Task A_log_line_about_a_consumed_message_carries_SellerId_MessageId_and_CorrelationId()
    {
        var sellerId = ServiceFixture.NewSellerId("logs");
        var messageId = Guid.NewGuid();
        await service.PublishAsync(Messages.Order(sellerId, "o1"), messageId);

        var line = await Eventually.GetAsync(() => Task.FromResult(service.Logs.Events.FirstOrDefault(e =>
            e.Properties.TryGetValue("SellerId", out var s) && s.ToString() == $"\"{sellerId}\"")), what: "a log line about the order");
        Assert.Equal(messageId.ToString(), line.Properties["MessageId"].ToString().Trim('"'));
        Assert.True(line.Properties.ContainsKey("CorrelationId"));
    }

    [Fact]
    public async Task An_outcome_is_published_in_the_trace_of_the_message_that_caused_it()
    {
        var activities = new ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name is "NormService" or "MassTransit",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await service.PublishNormTableAsync(NormMonth.Of(DateTimeOffset.UtcNow).ToString(), Messages.ExampleNorms);

        var sellerId = ServiceFixture.NewSellerId("trace");
        for (var i = 1; i <= 10; i++) await service.PublishAsync(Messages.Order(sellerId, $"o{i}")); // the 10th reports progress

        var forward = await Eventually.GetAsync(() => Task.FromResult(activities.FirstOrDefault(a =>
            a.OperationName == "forward outcome" && (string?)a.GetTagItem("normservice.seller_id") == sellerId)), what: "the forwarding span");
        Assert.Contains(activities, a => a.Source.Name == "MassTransit" && a.Kind == System.Diagnostics.ActivityKind.Consumer && a.TraceId == forward.TraceId);
    }

    [Fact]
    public async Task PostgreSQL_that_does_not_answer_makes_its_check_unhealthy()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Port=1;Database=normservice;Username=postgres;Password=postgres",
        }).Build();
        var result = await new PostgresHealthCheck(configuration).CheckHealthAsync(new());
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task While_the_bus_cannot_connect_the_service_is_live_but_not_ready()
    {
        // Nothing listens on port 1: the bus can never connect.
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("ConnectionStrings:Postgres", service.Endpoints.Postgres);
            web.UseSetting("ConnectionStrings:RabbitMq", "amqp://guest:guest@127.0.0.1:1/");
            web.UseSetting("NormService:Schema", service.Name);
            web.UseSetting("NormService:NormTableSeedDirectory", "");
        });
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
    }
}
