using System.Collections.Immutable;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using NormService.Domain.Sellers;
using NormService.Infrastructure;
using NormService.Observability;

namespace NormService.Sellers;

/// <summary>
/// Runs commands against sellers, many to a transaction. Each seller belongs to one write lane (by a hash
/// of its id); a lane writes one batch at a time, and whatever commands arrive while it writes form its
/// next batch. So a lone message is written at once, a busy service writes hundreds per transaction, and
/// one seller's commands are decided one after another in arrival order, never concurrently in this
/// process. The caller waits for its own command: it returns once that command is committed, or throws
/// that command's own failure, exactly as if the command had had a transaction to itself.
/// </summary>
public sealed partial class SellerCommandHandler : IAsyncDisposable
{
    private readonly Channel<PendingCommand>[] lanes;
    private readonly Task[] writers;
    private readonly SellerBatchWriter batchWriter;
    private readonly NormServiceMetrics metrics;
    private readonly ILogger<SellerCommandHandler> logger;
    private readonly int maxBatchSize;

    public SellerCommandHandler(SellerBatchWriter batchWriter, IOptions<NormServiceOptions> options, NormServiceMetrics metrics,
        ILogger<SellerCommandHandler> logger)
    {
        this.batchWriter = batchWriter;
        this.metrics = metrics;
        this.logger = logger;
        maxBatchSize = Math.Max(1, options.Value.MaxBatchSize);
        lanes = [.. Enumerable.Range(0, Math.Max(1, options.Value.WriteLanes))
            .Select(_ => Channel.CreateUnbounded<PendingCommand>(new UnboundedChannelOptions { SingleReader = true }))];
        // Not flowing the first caller's execution context: each batch starts its own trace, linked to its messages.
        using (ExecutionContext.SuppressFlow())
        {
            writers = [.. lanes.Select(lane => Task.Run(() => WriteLaneAsync(lane.Reader)))];
        }
    }

    public Task<ImmutableArray<SellerEvent>> HandleAsync(PlaceOrder command, CancellationToken cancellationToken) =>
        SubmitAsync(command, nameof(Contracts.OrderPlaced), cancellationToken);

    public Task<ImmutableArray<SellerEvent>> HandleAsync(RaiseCustomerQuery command, CancellationToken cancellationToken) =>
        SubmitAsync(command, nameof(Contracts.CustomerQueryRaised), cancellationToken);

    public Task<ImmutableArray<SellerEvent>> HandleAsync(CloseDuePhases command, CancellationToken cancellationToken) =>
        SubmitAsync(command, nameof(CloseDuePhases), cancellationToken);

    public Task<ImmutableArray<SellerEvent>> HandleAsync(RegisterAsEstablished command, CancellationToken cancellationToken) =>
        SubmitAsync(command, nameof(RegisterAsEstablished), cancellationToken);

    private async Task<ImmutableArray<SellerEvent>> SubmitAsync(SellerCommand command, string kind, CancellationToken cancellationToken)
    {
        var pending = new PendingCommand(command, Activity.Current?.Id);
        if (!LaneOf(command.SellerId).Writer.TryWrite(pending))
            throw new InvalidOperationException("The service is stopping: no more commands are accepted.");

        // Cancelling stops the wait, not the write: a command already queued may still be committed.
        var result = await pending.Result.WaitAsync(cancellationToken);

        // Logged here, in the caller's context, so the line carries the message's SellerId and MessageId.
        if (result.Duplicate) metrics.DuplicateDropped(kind);
        if (!result.Events.IsEmpty && logger.IsEnabled(LogLevel.Debug)) // the joined names only when they are written
            LogDecided(command.SellerId, result.Events.Length, string.Join(", ", result.Events.Select(e => e.GetType().Name)));
        foreach (var verdict in result.Events.Where(e => e is NormExceeded or GroeiStartCompleted)) metrics.PhaseClosed(verdict.GetType().Name);
        return result.Events;
    }

    private Channel<PendingCommand> LaneOf(string sellerId) =>
        lanes[(int)((uint)StringComparer.Ordinal.GetHashCode(sellerId) % (uint)lanes.Length)];

    private async Task WriteLaneAsync(ChannelReader<PendingCommand> reader)
    {
        var batch = new List<PendingCommand>(maxBatchSize);
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < maxBatchSize && reader.TryRead(out var pending)) batch.Add(pending);
            using (var activity = NormServiceMetrics.ActivitySource.StartActivity(
                "seller batch write", ActivityKind.Internal, parentContext: default, links: Links(batch)))
            {
                activity?.SetTag("normservice.batch.size", batch.Count);
                metrics.BatchWritten(batch.Count);
                try
                {
                    await batchWriter.WriteAsync(batch);
                }
                catch (Exception ex)
                {
                    // WriteAsync settles every command itself; this is only a guard so that a lane never dies.
                    LogLaneFailure(ex);
                    foreach (var pending in batch) pending.Fail(ex);
                }
            }
            batch.Clear();
        }
    }

    private static IEnumerable<ActivityLink> Links(List<PendingCommand> batch)
    {
        foreach (var pending in batch)
        {
            if (pending.TraceParent is { } id && ActivityContext.TryParse(id, null, out var context)) yield return new ActivityLink(context);
        }
    }

    /// <summary>Called when the container is disposed, after MassTransit has finished its in-flight messages.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var lane in lanes) lane.Writer.TryComplete();
        await Task.WhenAll(writers); // commands already queued are still written
    }

    [LoggerMessage(LogLevel.Debug, "Seller {SellerId}: appended {Count} event(s): {Events}")]
    private partial void LogDecided(string sellerId, int count, string events);

    [LoggerMessage(LogLevel.Error, "A write lane caught an unexpected failure; its batch is failed and the lane goes on")]
    private partial void LogLaneFailure(Exception ex);
}
