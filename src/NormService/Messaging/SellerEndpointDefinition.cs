using MassTransit;
using Microsoft.Extensions.Options;
using NormService.Infrastructure;

namespace NormService.Messaging;

/// <summary>
/// The endpoint policy every inbound consumer shares: bare JSON accepted beside MassTransit envelopes,
/// transient failures retried, invalid messages straight to <c>_error</c>, and many messages in flight at
/// once so that they can share a transaction (see <see cref="Sellers.SellerCommandHandler"/>, which also
/// keeps one seller's messages in order).
/// </summary>
public abstract class SellerEndpointDefinition<TConsumer, TMessage> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer<TMessage>
    where TMessage : class
{
    private readonly NormServiceOptions options;

    protected SellerEndpointDefinition(IOptions<NormServiceOptions> options, string queue)
    {
        this.options = options.Value;
        EndpointName = $"{this.options.QueuePrefix}.{queue}";
        ConcurrentMessageLimit = this.options.ConcurrentMessageLimit;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = options.PrefetchCount;
        // Publishers that are not MassTransit send a bare body with content_type application/json.
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: false);
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Ignore<InvalidMessageException>();
            r.Ignore<System.Text.Json.JsonException>(); // a body whose fields have the wrong types: no retry can fix it
            r.Exponential(8, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
        });
    }
}
