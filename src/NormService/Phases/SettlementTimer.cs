using Marten;
using Microsoft.Extensions.Options;
using NormService.Domain.Sellers;
using NormService.Infrastructure;
using NormService.Sellers;

namespace NormService.Phases;

/// <summary>
/// Closes phases whose settlement period has ended even when the seller sends nothing more. It polls the
/// <see cref="SettlementDue"/> documents (written with the seller's events, so it survives restarts) on
/// the injected <see cref="TimeProvider"/>, so tests can drive it with fake time. Several instances may
/// run it at once: the seller stream's optimistic concurrency lets one close a phase, the others then
/// decide nothing.
/// </summary>
public sealed partial class SettlementTimer(IDocumentStore store, SellerCommandHandler handler, IOptions<NormServiceOptions> options,
    TimeProvider time, ILogger<SettlementTimer> logger) : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SettlementPollInterval, time);
        do
        {
            try
            {
                await CloseDuePhasesAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPollFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One poll: every seller whose oldest settling phase is due gets a <see cref="CloseDuePhases"/>.</summary>
    public async Task<int> CloseDuePhasesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<SettlementDue> due;
        await using (var session = store.QuerySession())
        {
            due = await session.Query<SettlementDue>().Where(d => d.DueAt <= now).OrderBy(d => d.DueAt).Take(BatchSize).ToListAsync(cancellationToken);
        }

        // All at once: the handler writes them in a few transactions instead of one each.
        var results = await Task.WhenAll(due.Select(async seller =>
        {
            var events = await handler.HandleAsync(new CloseDuePhases(seller.Id), cancellationToken);
            if (events.IsEmpty) LogWaiting(seller.Id, seller.DueAt);
            return !events.IsEmpty;
        }));
        return results.Count(closed => closed);
    }

    [LoggerMessage(LogLevel.Error, "Settlement poll failed; trying again at the next tick")]
    private partial void LogPollFailed(Exception ex);

    [LoggerMessage(LogLevel.Debug, "Seller {SellerId} has a phase due since {DueAt} that cannot close yet (no norm table in force)")]
    private partial void LogWaiting(string sellerId, DateTimeOffset dueAt);
}
