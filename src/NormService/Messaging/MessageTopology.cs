using MassTransit;
using NormService.Contracts;

namespace NormService.Messaging;

/// <summary>
/// Applies the exchange names of <see cref="ExchangeNames"/> (docs/asyncapi.yaml). Set here rather than with
/// attributes so the contracts project stays free of packages.
/// </summary>
public static class MessageTopology
{
    public static void Configure(IBusFactoryConfigurator cfg)
    {
        cfg.Message<OrderPlaced>(m => m.SetEntityName(ExchangeNames.OrderPlaced));
        cfg.Message<CustomerQueryRaised>(m => m.SetEntityName(ExchangeNames.CustomerQueryRaised));
        cfg.Message<NormExceeded>(m => m.SetEntityName(ExchangeNames.NormExceeded));
        cfg.Message<GroeiStartPhaseExtended>(m => m.SetEntityName(ExchangeNames.GroeiStartPhaseExtended));
        cfg.Message<GroeiStartCompleted>(m => m.SetEntityName(ExchangeNames.GroeiStartCompleted));
        cfg.Message<GroeiStartProgressReported>(m => m.SetEntityName(ExchangeNames.GroeiStartProgressReported));
    }
}
