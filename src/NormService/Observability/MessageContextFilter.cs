using System.Diagnostics;
using MassTransit;
using NormService.Contracts;
using LogContext = Serilog.Context.LogContext;

namespace NormService.Observability;

/// <summary>
/// Around every consumed message: puts SellerId, MessageId and CorrelationId on every log line written
/// while it is processed, and measures it.
/// </summary>
public sealed class MessageContextFilter<T>(NormServiceMetrics metrics) : IFilter<ConsumeContext<T>> where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var sellerId = context.Message switch
        {
            OrderPlaced m => m.SellerId,
            CustomerQueryRaised m => m.SellerId,
            _ => null,
        };
        using var seller = LogContext.PushProperty("SellerId", sellerId);
        using var messageId = LogContext.PushProperty("MessageId", context.MessageId);
        using var correlationId = LogContext.PushProperty("CorrelationId", context.CorrelationId ?? context.ConversationId);
        Activity.Current?.SetTag("normservice.seller_id", sellerId);

        var started = Stopwatch.GetTimestamp();
        await next.Send(context);
        metrics.Consumed(typeof(T).Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("messageContext");
}
