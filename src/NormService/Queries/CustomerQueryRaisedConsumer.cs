using MassTransit;
using Microsoft.Extensions.Options;
using NormService.Contracts;
using NormService.Domain.Sellers;
using NormService.Infrastructure;
using NormService.Messaging;
using NormService.Sellers;

namespace NormService.Queries;

/// <summary>Attributes a customer query to its seller's GroeiStart phase.</summary>
public sealed class CustomerQueryRaisedConsumer(SellerCommandHandler handler, TimeProvider time) : IConsumer<CustomerQueryRaised>
{
    public async Task Consume(ConsumeContext<CustomerQueryRaised> context)
    {
        var message = context.Message;
        var command = new RaiseCustomerQuery(message.SellerId, message.QueryId, message.OrderId, message.RaisedAt, message.Channel);
        var errors = SellerCommandValidation.Validate(command, time.GetUtcNow());
        if (errors.Count > 0) throw new InvalidMessageException(nameof(CustomerQueryRaised), errors);
        // Not cancelled by shutdown: the transaction is short, and finishing it beats retrying it after a restart.
        await handler.HandleAsync(command, CancellationToken.None);
    }
}

public sealed class CustomerQueryRaisedConsumerDefinition(IOptions<NormServiceOptions> options)
    : SellerEndpointDefinition<CustomerQueryRaisedConsumer, CustomerQueryRaised>(options, "customer-query-raised");
