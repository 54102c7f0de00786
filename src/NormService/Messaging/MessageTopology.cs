using MassTransit;
using NormService.Contracts;

namespace NormService.Messaging;

/// <summary>
/// The exchange names other teams publish to and bind to (docs/asyncapi.yaml). Set here rather than with
/// attributes so the contracts project stays free of packages.
/// </summary>
public static class MessageTopology
{
    public const string OrderPlacedExchange = "normservice.order-placed";
    public const string CustomerQueryRaisedExchange = "normservice.customer-query-raised";
    public const string NormExceededExchange = "normservice.norm-exceeded";
    public const string PhaseExtendedExchange = "normservice.groeistart-phase-extended";
    public const string CompletedExchange = "normservice.groeistart-completed";
    public const string ProgressReportedExchange = "normservice.groeistart-progress-reported";

    public static void Configure(IBusFactoryConfigurator cfg)
    {
        cfg.Message<OrderPlaced>(m => m.SetEntityName(OrderPlacedExchange));
        cfg.Message<CustomerQueryRaised>(m => m.SetEntityName(CustomerQueryRaisedExchange));
        cfg.Message<NormExceeded>(m => m.SetEntityName(NormExceededExchange));
        cfg.Message<GroeiStartPhaseExtended>(m => m.SetEntityName(PhaseExtendedExchange));
        cfg.Message<GroeiStartCompleted>(m => m.SetEntityName(CompletedExchange));
        cfg.Message<GroeiStartProgressReported>(m => m.SetEntityName(ProgressReportedExchange));
    }
}
