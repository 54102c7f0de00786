using System.Collections.Immutable;
using System.Diagnostics;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Options;
using NormService.Domain;
using NormService.Domain.Sellers;
using NormService.Infrastructure;
using NormService.Norms;
using NormService.Observability;

namespace NormService.Sellers;

/// <summary>
/// Runs one command against one seller: load the state (inline snapshot, no replay), look up what the
/// ledger knows, decide, and append the events with the ledger entries in one transaction. A concurrent
/// writer makes the append fail; the whole command is then run again with a fresh session.
/// </summary>
public sealed partial class SellerCommandHandler(
    IDocumentStore store, NormTableCatalog normTables, NormPolicy policy, TimeProvider time,
    NormServiceMetrics metrics, ILogger<SellerCommandHandler> logger)
{
    private const int MaxAttempts = 20;

    public Task<ImmutableArray<SellerEvent>> HandleAsync(PlaceOrder command, CancellationToken cancellationToken) =>
        ExecuteAsync(command.SellerId, async (session, state, context) =>
        {
            var known = await session.LoadAsync<OrderIndexEntry>(OrderIndexEntry.KeyOf(command.SellerId, command.OrderId), cancellationToken);
            if (known is not null) metrics.DuplicateDropped(nameof(Contracts.OrderPlaced));
            return SellerDecider.Decide(state, command, new OrderPrecedent(known is not null), context);
        }, cancellationToken);

    public Task<ImmutableArray<SellerEvent>> HandleAsync(RaiseCustomerQuery command, CancellationToken cancellationToken) =>
        ExecuteAsync(command.SellerId, async (session, state, context) =>
        {
            var seen = await session.LoadAsync<QueryIndexEntry>(QueryIndexEntry.KeyOf(command.SellerId, command.QueryId), cancellationToken);
            var order = command.OrderId is null
                ? null
                : await session.LoadAsync<OrderIndexEntry>(OrderIndexEntry.KeyOf(command.SellerId, command.OrderId), cancellationToken);
            if (seen is not null) metrics.DuplicateDropped(nameof(Contracts.CustomerQueryRaised));
            return SellerDecider.Decide(state, command, new QueryPrecedent(seen is not null, order is not null, order?.Phase), context);
        }, cancellationToken);

    public Task<ImmutableArray<SellerEvent>> HandleAsync(CloseDuePhases command, CancellationToken cancellationToken) =>
        ExecuteAsync(command.SellerId, (_, state, context) => Task.FromResult(SellerDecider.Decide(state, command, context)), cancellationToken);

    public Task<ImmutableArray<SellerEvent>> HandleAsync(RegisterAsEstablished command, CancellationToken cancellationToken) =>
        ExecuteAsync(command.SellerId, (_, state, context) => Task.FromResult(SellerDecider.Decide(state, command, context)), cancellationToken);

    private async Task<ImmutableArray<SellerEvent>> ExecuteAsync(
        string sellerId,
        Func<IDocumentSession, SellerState, DecisionContext, Task<ImmutableArray<SellerEvent>>> decide,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var session = store.LightweightSession();
                var stream = await session.Events.FetchForWriting<SellerState>(sellerId, cancellationToken);
                var state = stream.Aggregate ?? SellerState.Initial(sellerId);
                var context = new DecisionContext(time.GetUtcNow(), policy, await normTables.GetAsync(cancellationToken));
                var events = await decide(session, state, context);
                if (events.IsEmpty) return events;

                // The trace context travels with the events, so the forwarded outcome joins this trace.
                if (Activity.Current?.Id is { } traceParent) session.SetHeader("traceparent", traceParent);

                stream.AppendMany(events);
                RecordInLedger(session, events);
                ScheduleSettlement(session, state, events.Aggregate(state, (s, e) => s.Evolve(e)));
                await session.SaveChangesAsync(cancellationToken);
                LogDecided(sellerId, events.Length, string.Join(", ", events.Select(e => e.GetType().Name)));
                foreach (var verdict in events.OfType<IOutcomeEvent>().Where(e => e is NormExceeded or GroeiStartCompleted)) metrics.PhaseClosed(verdict.GetType().Name);
                return events;
            }
            catch (Exception ex) when (IsWriteConflict(ex) && attempt < MaxAttempts)
            {
                LogConflict(sellerId, attempt);
                // A little jitter so competing writers for one seller do not collide again in lockstep.
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), cancellationToken); // real time, also under a fake clock
            }
            catch (Exception ex)
            {
                // Marten puts an NpgsqlBatch into Exception.Data; it cannot be serialized into a MassTransit fault.
                ScrubData(ex);
                throw;
            }
        }
    }

    /// <summary>Two writers appended to one stream (or both created it): the loser runs the command again.</summary>
    private static bool IsWriteConflict(Exception ex) =>
        ex is JasperFx.ConcurrencyException or ExistingStreamIdCollisionException;

    private static void RecordInLedger(IDocumentSession session, IEnumerable<SellerEvent> events)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case OrderRecorded o:
                    session.Store(new OrderIndexEntry(OrderIndexEntry.KeyOf(o.SellerId, o.OrderId), o.SellerId, o.OrderId, o.Phase));
                    break;
                case CustomerQueryRecorded q:
                    session.Store(new QueryIndexEntry(QueryIndexEntry.KeyOf(q.SellerId, q.QueryId), q.SellerId, q.QueryId));
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

    [LoggerMessage(LogLevel.Debug, "Seller {SellerId}: appended {Count} event(s): {Events}")]
    private partial void LogDecided(string sellerId, int count, string events);

    [LoggerMessage(LogLevel.Debug, "Write conflict on seller {SellerId}, attempt {Attempt}: running the command again")]
    private partial void LogConflict(string sellerId, int attempt);
}
