using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using NormService.Domain.Sellers;
using NormService.Observability;

namespace NormService.Phases;

/// <summary>
/// Forwards outcome events from the event store to RabbitMQ: no dual write, because the outcome was
/// committed with the fact that caused it, and this subscription (run by the async daemon, one active
/// node under HotCold) publishes it afterwards, in order, at least once. The message id is the event id,
/// so subscribers drop duplicates by it. A failed publish throws: the daemon retries the whole page.
/// </summary>
public sealed partial class OutcomeForwarder(IBus bus, NormServiceMetrics metrics, ILogger<OutcomeForwarder> logger) : SubscriptionBase
{
    public const string SubscriptionName = "outcome-forwarder";

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken cancellationToken)
    {
        foreach (var e in page.Events)
        {
            if (e.Data is not IOutcomeEvent outcome) continue;
            var message = OutcomeMessages.From(outcome);
            // Continues the trace of the message that caused the outcome (its traceparent is stored with the event).
            using var activity = NormServiceMetrics.ActivitySource.StartActivity("forward outcome", ActivityKind.Producer,
                e.Headers?.TryGetValue("traceparent", out var parent) == true ? parent?.ToString() : null);
            activity?.SetTag("normservice.seller_id", outcome.SellerId);
            await bus.Publish(message, message.GetType(), Pipe.Execute<PublishContext>(context =>
            {
                context.MessageId = e.Id;
                context.CorrelationId = Guid.TryParse(e.CorrelationId, out var correlation) ? correlation : null;
                context.Headers.Set("SellerId", outcome.SellerId);
            }), cancellationToken);
            metrics.OutcomePublished(DateTimeOffset.UtcNow - e.Timestamp); // a real latency: the wall clock, not the domain clock
            LogForwarded(message.GetType().Name, outcome.SellerId, outcome.Phase, e.Id, e.Sequence);
        }
        return NullChangeListener.Instance;
    }

    [LoggerMessage(LogLevel.Information, "Published {MessageType} for seller {SellerId} phase {Phase} (MessageId {MessageId}, sequence {Sequence})")]
    private partial void LogForwarded(string messageType, string sellerId, int phase, Guid messageId, long sequence);
}
