using System.Net;
using System.Text;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using NormService.Domain.Norms;
using NormService.Domain.Sellers;
using NormService.Infrastructure;
using NormService.Norms;

namespace NormService.IntegrationTests.Infrastructure;

/// <summary>
/// The real service in-process (WebApplicationFactory) on real PostgreSQL and RabbitMQ, isolated per test
/// class: its own Marten schema and its own RabbitMQ virtual host, both removed afterwards, so classes run
/// in parallel and leave nothing behind.
/// </summary>
public class ServiceFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program>? factory;
    private readonly List<WebApplicationFactory<Program>> additionalHosts = [];

    /// <summary>Unique per fixture: names the schema and the virtual host.</summary>
    public string Name { get; } = "it_" + Guid.NewGuid().ToString("N")[..12];

    public InfrastructureEndpoints Endpoints { get; private set; } = null!;

    /// <summary>The service's clock, when the test class drives time itself.</summary>
    public FakeTimeProvider? FakeTime { get; protected init; }

    public IServiceProvider Services => Factory.Services;

    public WebApplicationFactory<Program> Factory => factory ?? throw new InvalidOperationException("The fixture has not started.");

    public Uri RabbitMqUri => Endpoints.RabbitMqFor(Name);

    /// <summary>The API key the test hosts are configured with.</summary>
    public const string ApiKey = "test-key-0123456789";

    /// <summary>Settings on top of the test defaults (e.g. a shorter settlement period).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Extra services for the test hosts (e.g. a log sink).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Whether the host starts with the fixture; a test class that starts and stops hosts itself says no.</summary>
    protected virtual bool StartHost => true;

    public async Task InitializeAsync()
    {
        Endpoints = await TestInfrastructure.GetAsync();
        await CreateVirtualHostAsync();
        if (StartHost) await StartAsync();
    }

    /// <summary>Starts (or restarts) the service process for this fixture's schema and virtual host.</summary>
    public async Task StartAsync() => factory = await StartHostAsync();

    /// <summary>Starts one more instance of the service on the same schema and virtual host (competing consumers).</summary>
    public async Task StartAdditionalHostAsync() => additionalHosts.Add(await StartHostAsync());

    private async Task<WebApplicationFactory<Program>> StartHostAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = Endpoints.Postgres,
            ["ConnectionStrings:RabbitMq"] = RabbitMqUri.ToString(),
            ["NormService:Schema"] = Name,
            ["NormService:NormTableSeedDirectory"] = "",
            ["NormService:SettlementPollInterval"] = "00:00:00.200",
            ["NormService:NormTableCacheDuration"] = "00:00:00",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["NormService:Api:Key"] = ApiKey,
        };
        if (Environment.GetEnvironmentVariable("NORMSERVICE_TEST_LOG_DIR") is { Length: > 0 } logDirectory)
        {
            // For diagnosis: every host of the fixture writes a full log of its own.
            settings["Serilog:MinimumLevel:Default"] = "Debug";
            settings["Serilog:Using:0"] = "Serilog.Sinks.File";
            settings["Serilog:WriteTo:1:Name"] = "File";
            settings["Serilog:WriteTo:1:Args:path"] = Path.Combine(logDirectory, $"{Name}-{Guid.NewGuid():N}.log");
        }
        foreach (var (key, value) in Settings) settings[key] = value;

        var host = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            foreach (var (key, value) in settings) web.UseSetting(key, value);
            web.ConfigureServices(services =>
            {
                if (FakeTime is not null) services.Replace(ServiceDescriptor.Singleton<TimeProvider>(FakeTime));
                ConfigureServices(services);
            });
        });
        _ = host.Server; // builds and starts the host
        // Guard the isolation itself: environment variables must not win over the fixture's settings.
        var schema = host.Services.GetRequiredService<IDocumentStore>().Options.DatabaseSchemaName;
        var bus = host.Services.GetRequiredService<IBus>().Address;
        if (schema != Name || !bus.AbsolutePath.StartsWith("/" + Name, StringComparison.Ordinal))
            throw new InvalidOperationException($"The test host is not isolated: schema {schema}, bus {bus}; expected {Name}.");
        var busControl = host.Services.GetRequiredService<IBusControl>();
        var health = await busControl.WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        if (health != BusHealthStatus.Healthy)
        {
            var result = busControl.CheckHealth();
            throw new InvalidOperationException($"The service's bus is {health} 30 s after start: {result.Description} " +
                string.Join(", ", result.Endpoints.Select(e => $"{e.Key}: {e.Value.Description}")));
        }
        return host;
    }

    /// <summary>Stops the service process (graceful shutdown), leaving schema and virtual host in place.</summary>
    public async Task StopAsync()
    {
        if (factory is null) return;
        await StopHostAsync(factory);
        factory = null;
    }

    /// <summary>
    /// Shuts a host down the way SIGTERM does (the application's own RunAsync stops it, then disposes it)
    /// before the factory is disposed: disposing the factory alone races its own stop against Program's,
    /// and the container can be disposed under consumers that are still finishing.
    /// </summary>
    private static async Task StopHostAsync(WebApplicationFactory<Program> host)
    {
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStopped.Register(() => stopped.TrySetResult()))
        {
            lifetime.StopApplication();
            await stopped.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        await host.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var host in additionalHosts) await StopHostAsync(host);
        await StopAsync();
        await using (var connection = new NpgsqlConnection(Endpoints.Postgres))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
        using var management = Endpoints.ManagementClient();
        await management.DeleteAsync($"/api/vhosts/{Name}");
    }

    public Task PublishAsync<T>(T message, Guid? messageId = null) where T : class =>
        Services.GetRequiredService<IBus>().Publish(message, context =>
        {
            if (messageId is { } id) context.MessageId = id;
        });

    /// <summary>Publishes a norm table through the service's own publishing path.</summary>
    public async Task PublishNormTableAsync(string month, params (string Group, decimal Norm)[] norms) =>
        await Services.GetRequiredService<NormTableStore>().PublishAsync(NormMonth.Parse(month), norms.Select(n => KeyValuePair.Create(n.Group, n.Norm)), CancellationToken.None);

    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    public async Task<SellerState?> SellerAsync(string sellerId)
    {
        await using var session = Store.QuerySession();
        return await session.LoadAsync<SellerState>(sellerId);
    }

    public async Task<IReadOnlyList<SellerEvent>> EventsAsync(string sellerId)
    {
        await using var session = Store.QuerySession();
        return [.. (await session.Events.FetchStreamAsync(sellerId)).Select(e => e.Data).OfType<SellerEvent>()];
    }

    public Task<RabbitMqTestClient> ConnectClientAsync() => RabbitMqTestClient.ConnectAsync(RabbitMqUri);

    public static string NewSellerId(string prefix = "seller") => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private async Task CreateVirtualHostAsync()
    {
        using var management = Endpoints.ManagementClient();
        var created = await management.PutAsync($"/api/vhosts/{Name}", new StringContent("{}", Encoding.UTF8, "application/json"));
        EnsureSuccess(created, "create virtual host");
        var user = Endpoints.RabbitMq.UserInfo.Split(':')[0];
        var permissions = await management.PutAsync($"/api/permissions/{Name}/{Uri.UnescapeDataString(user)}",
            new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"));
        EnsureSuccess(permissions, "grant permissions");
    }

    private static void EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NoContent) return;
        throw new InvalidOperationException($"RabbitMQ management API could not {what}: {(int)response.StatusCode} {response.ReasonPhrase}.");
    }
}
