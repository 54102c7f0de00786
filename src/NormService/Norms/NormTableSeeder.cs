using System.Text.Json;
using Marten;
using Microsoft.Extensions.Options;
using NormService.Domain.Norms;
using NormService.Infrastructure;

namespace NormService.Norms;

/// <summary>
/// At start-up, stores the norm tables of the seed folder (<c>yyyy-MM.json</c>: <c>{ "toys": 0.04, ..., "default": 0.05 }</c>)
/// for every month that has no table yet. Published tables are never overwritten by a seed.
/// </summary>
public sealed partial class NormTableSeeder(IDocumentStore store, IOptions<NormServiceOptions> options, IHostEnvironment environment,
    TimeProvider time, ILogger<NormTableSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var directory = options.Value.NormTableSeedDirectory;
        if (string.IsNullOrWhiteSpace(directory)) return;
        if (!Path.IsPathRooted(directory)) directory = Path.Combine(AppContext.BaseDirectory, directory);
        if (!Directory.Exists(directory))
        {
            LogNoSeedFolder(directory);
            return;
        }

        await using var session = store.LightweightSession();
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var month = NormMonth.Parse(Path.GetFileNameWithoutExtension(file));
            var norms = JsonSerializer.Deserialize<Dictionary<string, decimal>>(await File.ReadAllTextAsync(file, cancellationToken))
                ?? throw new InvalidDataException($"{file} holds no norm table.");
            var table = NormTable.Create(month, norms); // validates, with every problem named
            if (await session.LoadAsync<StoredNormTable>(month.ToString(), cancellationToken) is not null) continue;
            session.Insert(new StoredNormTable(month.ToString(), table.Revision, table.Norms.ToDictionary(), time.GetUtcNow()));
            LogSeeded(month.ToString(), table.Norms.Count, environment.EnvironmentName);
        }
        await session.SaveChangesAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Warning, "Norm table seed folder {Directory} does not exist; no tables seeded")]
    private partial void LogNoSeedFolder(string directory);

    [LoggerMessage(LogLevel.Information, "Seeded norm table {Month} with {Groups} product groups ({Environment})")]
    private partial void LogSeeded(string month, int groups, string environment);
}
