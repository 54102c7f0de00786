using System.Net.Http.Headers;
using System.Text;
using Npgsql;

namespace NormService.Benchmark;

/// <summary>The local PostgreSQL and RabbitMQ (scripts/infra-up.sh), and a throw-away schema and vhost per run.</summary>
public sealed record Infrastructure(string Postgres, Uri RabbitMq, Uri Management)
{
    public static Infrastructure FromEnvironment()
    {
        string Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
            ? v
            : throw new InvalidOperationException($"{name} is not set: run the benchmark with bench/run.sh (it starts PostgreSQL and RabbitMQ).");
        return new Infrastructure(Get("ConnectionStrings__Postgres"), new Uri(Get("ConnectionStrings__RabbitMq")), new Uri(Get("RabbitMq__ManagementUri")));
    }

    public Uri RabbitMqFor(string vhost) => new UriBuilder(RabbitMq) { Path = "/" + vhost }.Uri;

    public async Task<string> CreateIsolationAsync(string mode)
    {
        var name = $"bench_{mode}_{Guid.NewGuid():N}"[..24];
        using var client = ManagementClient();
        (await client.PutAsync($"/api/vhosts/{name}", new StringContent("{}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        (await client.PutAsync($"/api/permissions/{name}/{RabbitMq.UserInfo.Split(':')[0]}",
            new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        return name;
    }

    public async Task DropIsolationAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(Postgres))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{name}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
        using var client = ManagementClient();
        await client.DeleteAsync($"/api/vhosts/{name}");
    }

    private HttpClient ManagementClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(Management.GetLeftPart(UriPartial.Authority)) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(Management.UserInfo))));
        return client;
    }
}
