using System.Net.Http.Headers;
using System.Text;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace NormService.IntegrationTests.Infrastructure;

/// <summary>Where the real PostgreSQL and RabbitMQ are, shared by every test class.</summary>
public sealed record InfrastructureEndpoints(string Postgres, Uri RabbitMq, Uri RabbitMqManagement)
{
    /// <summary>The broker URI for one virtual host.</summary>
    public Uri RabbitMqFor(string vhost) => new UriBuilder(RabbitMq) { Path = "/" + Uri.EscapeDataString(vhost) }.Uri;

    public HttpClient ManagementClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(RabbitMqManagement.GetLeftPart(UriPartial.Authority)) };
        var credentials = Uri.UnescapeDataString(RabbitMqManagement.UserInfo is { Length: > 0 } info ? info : "guest:guest");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return client;
    }
}

/// <summary>
/// Finds the services the integration tests need: the connection settings in the environment
/// (<c>ConnectionStrings__Postgres</c>, <c>ConnectionStrings__RabbitMq</c>, <c>RabbitMq__ManagementUri</c>, as
/// <c>scripts/infra-up.sh</c> prints them); otherwise containers started with Testcontainers; otherwise the
/// tests fail with the command that sets the services up. They are never skipped.
/// </summary>
public static class TestInfrastructure
{
    public const string SetupHint =
        "Start them with `eval \"$(scripts/infra-up.sh)\"` (installs and starts PostgreSQL 15 and RabbitMQ 3.10 on loopback), " +
        "or run the whole suite with `scripts/test.sh`.";

    private static readonly Lazy<Task<InfrastructureEndpoints>> Endpoints = new(ResolveAsync);

    public static Task<InfrastructureEndpoints> GetAsync() => Endpoints.Value;

    private static async Task<InfrastructureEndpoints> ResolveAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("ConnectionStrings__Postgres");
        var rabbit = Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq");
        var management = Environment.GetEnvironmentVariable("RabbitMq__ManagementUri");
        if (!string.IsNullOrEmpty(postgres) && !string.IsNullOrEmpty(rabbit) && !string.IsNullOrEmpty(management))
            return new InfrastructureEndpoints(postgres, new Uri(rabbit), new Uri(management));

        try
        {
            return await StartContainersAsync();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                "The integration tests need PostgreSQL and RabbitMQ: no connection settings are in the environment and " +
                $"Testcontainers could not start containers ({ex.GetType().Name}: {ex.Message}). {SetupHint}", ex);
        }
    }

    private static async Task<InfrastructureEndpoints> StartContainersAsync()
    {
        // Started once per test run and removed by Testcontainers' resource reaper when the process ends.
        var postgres = new PostgreSqlBuilder("postgres:15-alpine").WithCommand("-c", "max_connections=300").Build();
        var rabbit = new RabbitMqBuilder("rabbitmq:3.10-management").WithUsername("guest").WithPassword("guest").WithPortBinding(15672, true).Build();
        await Task.WhenAll(postgres.StartAsync(), rabbit.StartAsync());
        var management = new UriBuilder("http", rabbit.Hostname, rabbit.GetMappedPublicPort(15672)) { UserName = "guest", Password = "guest" }.Uri;
        return new InfrastructureEndpoints(postgres.GetConnectionString(), new Uri(rabbit.GetConnectionString()), management);
    }
}
