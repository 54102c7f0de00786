using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using NormService.Domain.Sellers;

namespace NormService.Phases;

/// <summary>A closed GroeiStart phase with its verdict, for the performance page (one document per phase).</summary>
public sealed record ClosedPhase(string Id, string SellerId, int Phase, string Outcome, PhaseVerdict Verdict)
{
    public static string KeyOf(string sellerId, int phase) => $"{sellerId}/{phase}";
}

/// <summary>Writes <see cref="ClosedPhase"/> in the transaction that closes the phase, so reads never replay a stream.</summary>
public sealed partial class ClosedPhaseProjection : EventProjection
{
    public ClosedPhaseProjection()
    {
        IncludeType<NormExceeded>();
        IncludeType<GroeiStartCompleted>();
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        var closed = e.Data switch
        {
            NormExceeded x => new ClosedPhase(ClosedPhase.KeyOf(x.SellerId, x.Phase), x.SellerId, x.Phase, nameof(NormExceeded), x.Verdict),
            GroeiStartCompleted x => new ClosedPhase(ClosedPhase.KeyOf(x.SellerId, x.Phase), x.SellerId, x.Phase, nameof(GroeiStartCompleted), x.Verdict),
            _ => null,
        };
        if (closed is not null) operations.Store(closed);
        return ValueTask.CompletedTask;
    }
}
