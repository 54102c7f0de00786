using NormService.Domain;

namespace NormService.Infrastructure;

/// <summary>Settings of the <c>NormService</c> configuration section (defaults in appsettings.json).</summary>
public sealed class NormServiceOptions
{
    public const string Section = "NormService";

    /// <summary>The GroeiStart numbers (phase size, minimum queries, cap, progress points, settlement period).</summary>
    public GroeiStartOptions GroeiStart { get; set; } = new();

    /// <summary>PostgreSQL schema that holds the event store and documents.</summary>
    public string Schema { get; set; } = "normservice";

    /// <summary>How often the settlement timer looks for phases whose settlement period has ended.</summary>
    public TimeSpan SettlementPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long norm tables are cached before they are read again (other instances may publish).</summary>
    public TimeSpan NormTableCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Folder of <c>yyyy-MM.json</c> norm tables stored at start-up when that month has none yet; empty for none.</summary>
    public string NormTableSeedDirectory { get; set; } = "norm-tables";

    /// <summary>
    /// Messages processed at once per receive endpoint. Each waits for its write lane, so this is how many
    /// messages can share the next transaction; keep it at least <see cref="MaxBatchSize"/>.
    /// </summary>
    public int ConcurrentMessageLimit { get; set; } = 500;

    /// <summary>Messages RabbitMQ delivers ahead per receive endpoint (bounds the memory a backlog can take).</summary>
    public int PrefetchCount { get; set; } = 1000;

    /// <summary>Transactions written in parallel; a seller always uses the same lane. One connection each.</summary>
    public int WriteLanes { get; set; } = 2;

    /// <summary>The most commands one transaction takes.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>Prefix of queue names, so several deployments can share a broker.</summary>
    public string QueuePrefix { get; set; } = "normservice";
}

public sealed class GroeiStartOptions
{
    public int PhaseSize { get; set; } = NormPolicy.Default.PhaseSize;
    public int MinimumAllowedQueries { get; set; } = NormPolicy.Default.MinimumAllowedQueries;
    public decimal NormCap { get; set; } = NormPolicy.Default.NormCap;
    public int[] ProgressPoints { get; set; } = [.. NormPolicy.Default.ProgressPoints];
    public TimeSpan SettlementPeriod { get; set; } = NormPolicy.Default.SettlementPeriod;

    public NormPolicy ToPolicy()
    {
        var policy = new NormPolicy
        {
            PhaseSize = PhaseSize,
            MinimumAllowedQueries = MinimumAllowedQueries,
            NormCap = NormCap,
            ProgressPoints = ProgressPoints,
            SettlementPeriod = SettlementPeriod,
        };
        var errors = policy.Validate();
        return errors.Count == 0
            ? policy
            : throw new InvalidOperationException($"Invalid {NormServiceOptions.Section}:GroeiStart settings: {string.Join(" ", errors)}");
    }
}
