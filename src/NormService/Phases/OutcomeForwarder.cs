using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using NormService.Domain.Sellers;

namespace NormService.Phases;

/// <summary>
/// Forwards outcome events from the event store to RabbitMQ: no dual write, because the outcome was
/// committed with the fact that caused it, and this subscription (run by the async daemon, one active
/// node under HotCold) publishes it afterwards, in order, at least once. The message id is the event id,
/// so subscribers drop duplicates by it. A failed publish throws: the daemon retries the whole page.
/// </summary>
public sealed partial class OutcomeForwarder(IBus bus, ILogger<OutcomeForwarder> logger) : SubscriptionBase
{
    public const string SubscriptionName = "outcome-forwarder";

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken cancellationToken)
    {
        foreach (var e in page.Events)
        {
            if (e.Data is not IOutcomeEvent outcome) continue;
            var message = OutcomeMessages.From(outcome);
            await bus.Publish(message, message.GetType(), Pipe.Execute<PublishContext>(context =>
            {
                context.MessageId = e.Id;
                context.CorrelationId = Guid.TryParse(e.CorrelationId, out var correlation) ? correlation : null;
                context.Headers.Set("SellerId", outcome.SellerId);
            }), cancellationToken);
            LogForwarded(message.GetType().Name, outcome.SellerId, outcome.Phase, e.Id, e.Sequence);
        }
        return NullChangeListener.Instance;
    }

    [LoggerMessage(LogLevel.Information, "Published {MessageType} for seller {SellerId} phase {Phase} (MessageId {MessageId}, sequence {Sequence})")]
    private partial void LogForwarded(string messageType, string sellerId, int phase, Guid messageId, long sequence);
}
