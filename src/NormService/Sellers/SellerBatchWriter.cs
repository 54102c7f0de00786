using System.Collections.Immutable;
using Marten;
using JasperFx.Events;
using NormService.Domain;
using NormService.Domain.Sellers;
using NormService.Infrastructure;
using NormService.Norms;
using NormService.Observability;

namespace NormService.Sellers;

/// <summary>A command waiting in a write lane, with the trace it came from and the caller waiting for it.</summary>
public sealed class PendingCommand(SellerCommand command, string? traceParent)
{
    private readonly TaskCompletionSource<CommandResult> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SellerCommand Command { get; } = command;
    public string? TraceParent { get; } = traceParent;
    public Task<CommandResult> Result => completion.Task;

    public void Complete(CommandResult result) => completion.TrySetResult(result);
    public void Fail(Exception error) => completion.TrySetException(error);
}

/// <summary>What a committed command did: its events, and whether it was a duplicate of one seen before.</summary>
public sealed record CommandResult(ImmutableArray<SellerEvent> Events, bool Duplicate);

/// <summary>
/// Writes a batch of commands in one transaction: one round trip loads every seller of the batch (inline
/// snapshot and stream version) and the ledger entries the commands ask about, the domain decides each
/// command in order against the seller as the earlier commands left it, and one round trip commits all
/// events, ledger entries and settlement times. The result per command is exactly what running the
/// commands one by one would have given; only the number of transactions differs.
/// </summary>
public sealed partial class SellerBatchWriter(
    IDocumentStore store, NormTableCatalog normTables, NormPolicy policy, TimeProvider time, ILogger<SellerBatchWriter> logger)
{
    /// <summary>A single command is retried this often on a write conflict (another instance wrote the same seller).</summary>
    private const int SingleCommandAttempts = 20;

    /// <summary>A batch is retried this often on a write conflict before its commands are run one by one.</summary>
    private const int BatchAttempts = 3;

    /// <summary>Runs the batch; each command ends completed or failed with its own exception, never both, never neither.</summary>
    public async Task WriteAsync(IReadOnlyList<PendingCommand> batch)
    {
        var attempts = batch.Count == 1 ? SingleCommandAttempts : BatchAttempts;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var results = await WriteOnceAsync(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    if (results[i].Error is { } error) batch[i].Fail(error);
                    else batch[i].Complete(results[i].Result!);
                }
                return;
            }
            catch (Exception ex) when (IsWriteConflict(ex) && attempt < attempts)
            {
                LogConflict(batch.Count, attempt);
                // A little jitter so competing writers do not collide again in lockstep.
                await Task.Delay(Random.Shared.Next(1, 10 * attempt)); // real time, also under a fake clock
            }
            catch (Exception ex) when (batch.Count > 1)
            {
                // Something in the batch fails the transaction: run the commands one by one, so that only the
                // command at fault fails (and goes to its retry and error queue) and the others are written.
                LogBatchSplit(ex, batch.Count);
                foreach (var pending in batch) await WriteAsync([pending]);
                return;
            }
            catch (Exception ex)
            {
                // Marten puts an NpgsqlBatch into Exception.Data; it cannot be serialized into a MassTransit fault.
                ScrubData(ex);
                batch[0].Fail(ex);
                return;
            }
        }
    }

    private async Task<(CommandResult? Result, Exception? Error)[]> WriteOnceAsync(IReadOnlyList<PendingCommand> batch)
    {
        await using var session = store.LightweightSession();
        var context = new DecisionContext(time.GetUtcNow(), policy, await normTables.GetAsync(CancellationToken.None));

        // One round trip for everything the decisions need.
        var query = session.CreateBatchQuery();
        var streams = batch.Select(p => p.Command.SellerId).Distinct(StringComparer.Ordinal)
            .ToDictionary(id => id, id => query.Events.FetchForWriting<SellerState>(id), StringComparer.Ordinal);
        var orderKeys = batch.Select(p => OrderAskedAbout(p.Command)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var queryKeys = batch.Select(p => p.Command is RaiseCustomerQuery q ? QueryIndexEntry.KeyOf(q.SellerId, q.QueryId) : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var orders = orderKeys.Length > 0 ? query.LoadMany<OrderIndexEntry>().ById(orderKeys) : Task.FromResult<IReadOnlyList<OrderIndexEntry>>([]);
        var queries = queryKeys.Length > 0 ? query.LoadMany<QueryIndexEntry>().ById(queryKeys) : Task.FromResult<IReadOnlyList<QueryIndexEntry>>([]);
        await query.Execute(CancellationToken.None);

        var sellers = new Dictionary<string, (IEventStream<SellerState> Stream, Seller Before, Seller Now)>(StringComparer.Ordinal);
        var knownOrders = (await orders).ToLookup(o => o.SellerId, StringComparer.Ordinal);
        var knownQueries = (await queries).ToLookup(q => q.SellerId, StringComparer.Ordinal);
        foreach (var (sellerId, fetch) in streams)
        {
            var stream = await fetch;
            // Only the ledger entries this batch asks about: the decisions need no others.
            var ledger = new SellerLedger(
                knownOrders[sellerId].ToImmutableDictionary(o => o.OrderId, o => o.Phase, StringComparer.Ordinal),
                [.. knownQueries[sellerId].Select(q => q.QueryId)]);
            var seller = new Seller(stream.Aggregate ?? SellerState.Initial(sellerId), ledger);
            sellers[sellerId] = (stream, seller, seller);
        }

        var results = new (CommandResult? Result, Exception? Error)[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            var (stream, before, seller) = sellers[pending.Command.SellerId];
            ImmutableArray<SellerEvent> events;
            Seller after;
            try
            {
                (events, after) = seller.Handle(pending.Command, context);
            }
            catch (Exception ex) when (ex is DomainRuleException or DomainValidationException)
            {
                // A rule refuses this command alone; the seller is as it was, the batch goes on.
                results[i] = (null, ex);
                continue;
            }

            results[i] = (new CommandResult(events, IsDuplicate(pending.Command, seller)), null);
            if (events.IsEmpty) continue;
            sellers[pending.Command.SellerId] = (stream, before, after);
            foreach (var e in events)
            {
                var wrapped = session.Events.BuildEvent(e);
                // The trace context travels with each event, so a forwarded outcome joins the trace of its message.
                if (pending.TraceParent is { } traceParent) wrapped.SetHeader("traceparent", traceParent);
                stream.AppendOne(wrapped);
            }
            RecordInLedger(session, events);
        }

        var changed = false;
        foreach (var (_, before, after) in sellers.Values)
        {
            if (ReferenceEquals(before, after)) continue;
            changed = true;
            ScheduleSettlement(session, before.State, after.State);
        }
        if (changed) await session.SaveChangesAsync(CancellationToken.None);
        return results;
    }

    private static string? OrderAskedAbout(SellerCommand command) => command switch
    {
        PlaceOrder o => OrderIndexEntry.KeyOf(o.SellerId, o.OrderId),
        RaiseCustomerQuery { OrderId: { } orderId } q => OrderIndexEntry.KeyOf(q.SellerId, orderId),
        _ => null,
    };

    private static bool IsDuplicate(SellerCommand command, Seller seller) => command switch
    {
        PlaceOrder o => seller.Ledger.For(o).AlreadyRecorded,
        RaiseCustomerQuery q => seller.Ledger.For(q).AlreadyRecorded,
        _ => false,
    };

    /// <summary>Two writers appended to one stream (or both created it): the loser runs its commands again.</summary>
    private static bool IsWriteConflict(Exception ex) =>
        ex is JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException;

    private static void RecordInLedger(IDocumentSession session, IEnumerable<SellerEvent> events)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case OrderRecorded o:
                    session.Insert(new OrderIndexEntry(OrderIndexEntry.KeyOf(o.SellerId, o.OrderId), o.SellerId, o.OrderId, o.Phase));
                    break;
                case CustomerQueryRecorded q:
                    session.Insert(new QueryIndexEntry(QueryIndexEntry.KeyOf(q.SellerId, q.QueryId), q.SellerId, q.QueryId));
                    break;
            }
        }
    }

    private static void ScheduleSettlement(IDocumentSession session, SellerState before, SellerState after)
    {
        var was = SellerDecider.NextSettlementEnd(before);
        var now = SellerDecider.NextSettlementEnd(after);
        if (was == now) return;
        if (now is { } due) session.Store(new SettlementDue(after.SellerId, due));
        else session.Delete<SettlementDue>(after.SellerId);
    }

    internal static void ScrubData(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            foreach (var key in ex.Data.Keys.Cast<object>().ToList())
            {
                if (ex.Data[key] is not (null or string or ValueType)) ex.Data.Remove(key);
            }
        }
    }

    [LoggerMessage(LogLevel.Debug, "Write conflict in a batch of {Count} command(s), attempt {Attempt}: running it again")]
    private partial void LogConflict(int count, int attempt);

    [LoggerMessage(LogLevel.Warning, "A batch of {Count} commands failed; running them one by one")]
    private partial void LogBatchSplit(Exception ex, int count);
}
