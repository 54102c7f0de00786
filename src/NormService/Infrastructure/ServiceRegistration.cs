using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using MassTransit;
using NormService.Domain.Sellers;
using NormService.Messaging;
using NormService.Observability;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using NormService.Norms;
using NormService.Orders;
using NormService.Phases;
using NormService.Queries;
using NormService.Sellers;
using Weasel.Core;

namespace NormService.Infrastructure;

public static class ServiceRegistration
{
    /// <summary>Everything the service needs: Marten (event store, snapshot, subscription), MassTransit on RabbitMQ, the slices.</summary>
    public static IServiceCollection AddNormService(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<NormServiceOptions>().Bind(configuration.GetSection(NormServiceOptions.Section));
        var options = configuration.GetSection(NormServiceOptions.Section).Get<NormServiceOptions>() ?? new NormServiceOptions();

        services.AddSingleton(TimeProvider.System);
        // Validated once at start-up (an invalid setting stops the service with the reason), then shared.
        services.AddSingleton(options.GroeiStart.ToPolicy());
        services.AddSingleton<NormServiceMetrics>();
        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"])
            .AddCheck<OutcomeForwardingHealthCheck>("outcome-forwarding", tags: ["forwarding"]);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("normservice"))
            .WithTracing(tracing =>
            {
                // Spans are recorded only when something exports them: recording every message's spans for
                // nobody costs CPU on the hot path. (The trace context still travels with the events.)
                if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is not { Length: > 0 }) return;
                tracing.AddSource(NormServiceMetrics.ActivitySource.Name, "MassTransit", "Npgsql").AddAspNetCoreInstrumentation().AddOtlpExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(NormServiceMetrics.MeterName, "MassTransit", "Npgsql").AddAspNetCoreInstrumentation().AddPrometheusExporter();
                if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 }) metrics.AddOtlpExporter();
            });
        services.AddSingleton<NormTableCatalog>();
        services.AddSingleton<SellerBatchWriter>();
        services.AddSingleton<SellerCommandHandler>();
        services.AddSingleton<NormTableStore>();
        services.AddHostedService<NormTableSeeder>();
        services.AddSingleton<SettlementTimer>();
        services.AddHostedService(sp => sp.GetRequiredService<SettlementTimer>());
        services.AddOptions<Api.ApiOptions>().Bind(configuration.GetSection(Api.ApiOptions.Section));

        // Registered before Marten on purpose: hosted services stop in reverse order, so the async daemon
        // (whose subscription publishes outcomes through the bus) stops before the bus does. What it has
        // not forwarded yet is forwarded after the next start: its progress is stored.
        services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry(); // a marketplace service does not report to a vendor's endpoint
            bus.AddConsumer<OrderPlacedConsumer, OrderPlacedConsumerDefinition>();
            bus.AddConsumer<CustomerQueryRaisedConsumer, CustomerQueryRaisedConsumerDefinition>();
            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new Uri(Required(configuration, "RabbitMq")));
                MessageTopology.Configure(cfg);
                cfg.UseConsumeFilter(typeof(MessageContextFilter<>), context);
                cfg.ConfigureEndpoints(context);
            });
        });
        services.AddSingleton<MartenCommandLogger>();
        var martenServices = services.AddMarten(provider =>
            {
                var marten = new StoreOptions();
                marten.Logger(provider.GetRequiredService<MartenCommandLogger>());
                marten.Connection(WithAutoPrepare(Required(configuration, "Postgres")));
                marten.DatabaseSchemaName = options.Schema;
                marten.UseSystemTextJsonForSerialization(EnumStorage.AsString);
                marten.Events.StreamIdentity = StreamIdentity.AsString;
                // Versions and sequences assigned in the database: one statement per stream instead of a read and a write.
                marten.Events.AppendMode = EventAppendMode.Quick;
                marten.Events.MetadataConfig.CorrelationIdEnabled = true;
                marten.Events.MetadataConfig.CausationIdEnabled = true;
                marten.Events.MetadataConfig.HeadersEnabled = true; // carries the trace context to the outcome forwarder
                // Production applies the schema as an explicit step; elsewhere Marten creates what is missing.
                marten.AutoCreateSchemaObjects = environment.IsProduction() ? AutoCreate.None : AutoCreate.CreateOrUpdate;

                marten.Schema.For<SellerState>().Identity(s => s.SellerId);
                marten.Projections.Add(new SellerProjection(), ProjectionLifecycle.Inline);
                marten.Projections.Add(new ClosedPhaseProjection(), ProjectionLifecycle.Inline);
                marten.Projections.Add(new NormTableProjection(), ProjectionLifecycle.Inline);
                marten.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
                // Outcomes are forwarded as soon as they are committed (LISTEN/NOTIFY), not at the next poll;
                // polling stays as the safety net.
                marten.Events.UseListenNotifyForEventAppends = true;
                marten.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(250); // the safety net's interval when quiet
                marten.Schema.For<SettlementDue>().Index(d => d.DueAt);
                // Registered up front so the whole schema exists before the first message, instead of
                // being created lazily by many concurrent consumers at once.
                marten.Schema.For<OrderIndexEntry>();
                marten.Schema.For<QueryIndexEntry>();
                marten.Schema.For<StoredNormTable>();
                marten.Schema.For<ClosedPhase>().Index(p => p.SellerId);
                return marten;
            })
            .UseLightweightSessions()
            .AddAsyncDaemon(DaemonMode.HotCold)
            .AddSubscriptionWithServices<OutcomeForwarder>(ServiceLifetime.Singleton, o =>
            {
                o.Name = OutcomeForwarder.SubscriptionName;
                o.IncludeType<NormExceeded>();
                o.IncludeType<GroeiStartPhaseExtended>();
                o.IncludeType<GroeiStartCompleted>();
                o.IncludeType<GroeiStartProgressReported>();
            });
        // Production applies the schema as an explicit step (`NormService db-apply`, the migration Job).
        if (!environment.IsProduction()) martenServices.ApplyAllDatabaseChangesOnStartup();

        return services;
    }

    /// <summary>
    /// Marten sends the same few statements over and over (append, upsert, load by id); prepared once per
    /// connection, PostgreSQL stops parsing and planning them each time. Measured: +45% end to end
    /// (docs/benchmarks.md). A connection string that sets it explicitly wins.
    /// </summary>
    internal static string WithAutoPrepare(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 100;
            builder.AutoPrepareMinUsages = 2;
        }
        return builder.ConnectionString;
    }

    private static string Required(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"ConnectionStrings:{name} is not set. Start local infrastructure with `eval \"$(scripts/infra-up.sh)\"` or set ConnectionStrings__{name}.");
}
