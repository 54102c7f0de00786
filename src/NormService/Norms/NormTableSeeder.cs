using System.Text.Json;
using Microsoft.Extensions.Options;
using NormService.Domain.Norms;
using NormService.Infrastructure;

namespace NormService.Norms;

/// <summary>
/// At start-up, stores the norm tables of the seed folder (<c>yyyy-MM.json</c>: <c>{ "toys": 0.04, ..., "default": 0.05 }</c>)
/// for every month that has no table yet. Published tables are never overwritten by a seed.
/// </summary>
public sealed partial class NormTableSeeder(NormTableStore tables, IOptions<NormServiceOptions> options, IHostEnvironment environment,
    ILogger<NormTableSeeder> logger) : IHostedService
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

        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var month = NormMonth.Parse(Path.GetFileNameWithoutExtension(file));
            if (await tables.FindAsync(month, cancellationToken) is not null) continue; // published tables win over seeds
            var norms = JsonSerializer.Deserialize<Dictionary<string, decimal>>(await File.ReadAllTextAsync(file, cancellationToken))
                ?? throw new InvalidDataException($"{file} holds no norm table.");
            var published = await tables.PublishAsync(month, norms, cancellationToken); // validates, naming every problem
            LogSeeded(month.ToString(), published!.Norms.Count, environment.EnvironmentName);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Warning, "Norm table seed folder {Directory} does not exist; no tables seeded")]
    private partial void LogNoSeedFolder(string directory);

    [LoggerMessage(LogLevel.Information, "Seeded norm table {Month} with {Groups} product groups ({Environment})")]
    private partial void LogSeeded(string month, int groups, string environment);
}
