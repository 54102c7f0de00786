using MassTransit;
using Microsoft.Extensions.Options;
using NormService.Contracts;
using NormService.Domain.Sellers;
using NormService.Infrastructure;
using NormService.Messaging;
using NormService.Sellers;

namespace NormService.Orders;

/// <summary>Counts an order in its seller's GroeiStart phase.</summary>
public sealed class OrderPlacedConsumer(SellerCommandHandler handler, TimeProvider time) : IConsumer<OrderPlaced>
{
    public async Task Consume(ConsumeContext<OrderPlaced> context)
    {
        var command = ToCommand(context.Message);
        var errors = SellerCommandValidation.Validate(command, time.GetUtcNow());
        if (errors.Count > 0) throw new InvalidMessageException(nameof(OrderPlaced), errors);
        // Not cancelled by shutdown: the transaction is short, and finishing it beats retrying it after a restart.
        await handler.HandleAsync(command, CancellationToken.None);
    }

    public static PlaceOrder ToCommand(OrderPlaced message) => new(
        message.SellerId,
        message.OrderId,
        message.PlacedAt,
        [.. (message.Lines ?? []).Select(l => l is null ? null! : new Domain.Sellers.OrderLine(l.ProductGroup, l.Quantity))]);
}

public sealed class OrderPlacedConsumerDefinition(IOptions<NormServiceOptions> options)
    : SellerEndpointDefinition<OrderPlacedConsumer, OrderPlaced>(options, "order-placed");
