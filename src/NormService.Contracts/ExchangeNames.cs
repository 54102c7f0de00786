namespace NormService.Contracts;

/// <summary>
/// The RabbitMQ exchanges (fanout, durable) NormService consumes from and publishes to; documented in
/// docs/asyncapi.yaml. Publishers and subscribers bind to these names.
/// </summary>
public static class ExchangeNames
{
    public const string OrderPlaced = "normservice.order-placed";
    public const string CustomerQueryRaised = "normservice.customer-query-raised";
    public const string NormExceeded = "normservice.norm-exceeded";
    public const string GroeiStartPhaseExtended = "normservice.groeistart-phase-extended";
    public const string GroeiStartCompleted = "normservice.groeistart-completed";
    public const string GroeiStartProgressReported = "normservice.groeistart-progress-reported";
}
