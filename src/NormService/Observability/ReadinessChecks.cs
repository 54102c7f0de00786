using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using NormService.Phases;

namespace NormService.Observability;

/// <summary>PostgreSQL answers a query within the check's time.</summary>
public sealed class PostgresHealthCheck(IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Postgres")) { Timeout = 3, Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not reachable.", ex);
        }
    }
}

/// <summary>
/// The async daemon forwards outcomes: its subscription's progress stays close to the newest event. Under
/// HotCold one replica runs it; a lag that keeps growing means no replica does.
/// </summary>
public sealed class OutcomeForwardingHealthCheck(IDocumentStore store) : IHealthCheck
{
    private const long MaxLag = 10_000;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: cancellationToken);
        var highWater = progress.FirstOrDefault(p => p.ShardName == "HighWaterMark")?.Sequence ?? 0;
        var forwarder = progress.FirstOrDefault(p => p.ShardName.StartsWith(OutcomeForwarder.SubscriptionName, StringComparison.OrdinalIgnoreCase))?.Sequence ?? 0;
        var lag = highWater - forwarder;
        return lag <= MaxLag
            ? HealthCheckResult.Healthy($"Outcome forwarding is {lag} events behind.")
            : HealthCheckResult.Degraded($"Outcome forwarding is {lag} events behind: is the async daemon running on some replica?");
    }
}
