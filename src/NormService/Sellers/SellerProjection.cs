using JasperFx.Events;
using Marten.Events.Aggregation;
using NormService.Domain.Sellers;

namespace NormService.Sellers;

/// <summary>
/// Keeps the seller's state as an inline snapshot, updated in the transaction that appends the events,
/// so loading a seller never replays its stream.
/// </summary>
public sealed class SellerProjection : SingleStreamProjection<SellerState, string>
{
    public override SellerState Evolve(SellerState? snapshot, string id, IEvent e) =>
        e.Data is SellerEvent @event ? (snapshot ?? SellerState.Initial(id)).Evolve(@event) : snapshot ?? SellerState.Initial(id);
}
