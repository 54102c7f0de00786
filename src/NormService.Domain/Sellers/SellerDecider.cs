using System.Collections.Immutable;
using NormService.Domain.Norms;

namespace NormService.Domain.Sellers;

/// <summary>
/// The seller's decisions: pure functions <c>(state, command, precedent, context) → events</c>.
/// They never throw for a valid command; duplicates decide nothing.
/// </summary>
public static class SellerDecider
{
    public static ImmutableArray<SellerEvent> Decide(SellerState state, PlaceOrder command, OrderPrecedent precedent, DecisionContext context)
    {
        if (precedent.AlreadyRecorded) return [];
        var decision = new Decision(state);
        if (!state.InGroeiStart)
        {
            decision.Add(new OrderRecorded(command.SellerId, context.Now, command.OrderId, command.PlacedAt, Canonical(command.Lines), null, null));
            return decision.Events;
        }

        var phaseNumber = state.PhaseForNextOrder;
        var orderNumber = (state.Phase(phaseNumber)?.Orders ?? 0) + 1;
        decision.Add(new OrderRecorded(command.SellerId, context.Now, command.OrderId, command.PlacedAt, Canonical(command.Lines), phaseNumber, orderNumber));

        // Queries that were waiting for this order now count in the order's phase.
        foreach (var pending in state.OpenPhases.SelectMany(p => p.PendingQueries).Where(q => q.OrderId == command.OrderId))
        {
            decision.Add(new CustomerQueryAttributed(command.SellerId, context.Now, pending.QueryId, pending.OrderId, phaseNumber,
                PendingQueryResolution.OrderArrived, decision.State.Phase(phaseNumber)!.Queries + 1));
        }

        var phase = decision.State.Phase(phaseNumber)!;
        if (context.Policy.ProgressPoints.Contains(orderNumber))
            decision.Add(new GroeiStartProgressReported(command.SellerId, context.Now, phaseNumber, Progress(phase, context)));

        if (orderNumber == context.Policy.PhaseSize)
        {
            // Counted from the newest order time, so the verdict depends on the orders, not on when they were processed.
            decision.Add(new GroeiStartPhaseSettling(command.SellerId, context.Now, phaseNumber, phase.LastOrderAt!.Value + context.Policy.SettlementPeriod));
            CloseDue(decision, context);
        }
        return decision.Events;
    }

    public static ImmutableArray<SellerEvent> Decide(SellerState state, RaiseCustomerQuery command, QueryPrecedent precedent, DecisionContext context)
    {
        if (precedent.AlreadyRecorded) return [];
        var decision = new Decision(state);
        CustomerQueryRecorded Recorded(QueryAttribution attribution, int? phase, int? number) =>
            new(command.SellerId, context.Now, command.QueryId, command.OrderId, command.RaisedAt, command.Channel, attribution, phase, number);

        if (command.OrderId is not null && precedent.OrderKnown)
        {
            decision.Add(precedent.OrderPhase switch
            {
                { } p when state.Phase(p) is { } open => Recorded(QueryAttribution.Counted, p, open.Queries + 1),
                { } p when p <= state.LastClosedPhase => Recorded(QueryAttribution.Late, p, null),
                _ => Recorded(QueryAttribution.OutsideGroeiStart, null, null),
            });
        }
        else if (!state.InGroeiStart)
        {
            decision.Add(Recorded(QueryAttribution.OutsideGroeiStart, null, null));
        }
        else if (command.OrderId is not null)
        {
            decision.Add(Recorded(QueryAttribution.AwaitingOrder, state.CurrentPhaseNumber, null));
        }
        else
        {
            var phase = state.CurrentPhaseNumber;
            decision.Add(Recorded(QueryAttribution.Counted, phase, (state.Phase(phase)?.Queries ?? 0) + 1));
        }
        return decision.Events;
    }

    public static ImmutableArray<SellerEvent> Decide(SellerState state, CloseDuePhases command, DecisionContext context)
    {
        var decision = new Decision(state);
        CloseDue(decision, context);
        return decision.Events;
    }

    public static ImmutableArray<SellerEvent> Decide(SellerState state, RegisterAsEstablished command, DecisionContext context) =>
        state.Status switch
        {
            SellerStatus.New => [new SellerRegisteredAsEstablished(command.SellerId, context.Now)],
            SellerStatus.Established => [],
            _ => throw new DomainRuleException(
                $"Seller '{command.SellerId}' has already placed orders ({state.Status}); only a seller without orders can be registered as established."),
        };

    /// <summary>When the next phase is due to close, or null when none is settling.</summary>
    public static DateTimeOffset? NextSettlementEnd(SellerState state) =>
        state.OpenPhases.Count > 0 ? state.OpenPhases[0].SettlementEndsAt : null;

    /// <summary>The current state of a phase, with the norm in force now applied when there is a table.</summary>
    public static PhaseProgress Progress(PhaseState phase, DecisionContext context)
    {
        var table = context.Tables.InForceAt(context.Now);
        var assessment = table is null
            ? null
            : NormAssessment.Assess(phase.Orders, phase.Queries, PersonalNorm.Calculate(phase.ItemsPerGroup, table, context.Policy.NormCap), context.Policy);
        return new PhaseProgress(phase.Number, phase.Orders, phase.Queries, phase.ItemsPerGroup, phase.FirstOrderAt, phase.LastOrderAt, assessment);
    }

    /// <summary>
    /// Closes settled phases oldest first and stops at the first that is not due, so a phase never closes
    /// before the one before it. Without a norm table in force the phase waits (it closes once one is published).
    /// </summary>
    private static void CloseDue(Decision decision, DecisionContext context)
    {
        while (decision.State.InGroeiStart && decision.State.OpenPhases.Count > 0)
        {
            var phase = decision.State.OpenPhases[0];
            if (phase.SettlementEndsAt is not { } endsAt || endsAt > context.Now) return;
            var table = context.Tables.InForceAt(context.Now);
            if (table is null) return;

            var sellerId = decision.State.SellerId;
            foreach (var pending in phase.PendingQueries)
            {
                decision.Add(new CustomerQueryAttributed(sellerId, context.Now, pending.QueryId, pending.OrderId, phase.Number,
                    PendingQueryResolution.OrderNeverArrived, decision.State.Phase(phase.Number)!.Queries + 1));
            }
            phase = decision.State.Phase(phase.Number)!;

            var norm = PersonalNorm.Calculate(phase.ItemsPerGroup, table, context.Policy.NormCap);
            var assessment = NormAssessment.Assess(phase.Orders, phase.Queries, norm, context.Policy);
            var verdict = new PhaseVerdict(phase.Number, assessment, phase.FirstOrderAt!.Value, phase.LastOrderAt!.Value, endsAt, context.Now);
            if (assessment.Exceeded)
            {
                decision.Add(new NormExceeded(sellerId, context.Now, verdict));
                decision.Add(new GroeiStartPhaseExtended(sellerId, context.Now, phase.Number, phase.Number + 1, verdict));
            }
            else
            {
                decision.Add(new GroeiStartCompleted(sellerId, context.Now, verdict));
            }
        }
    }

    private static ImmutableArray<OrderLine> Canonical(ImmutableArray<OrderLine> lines) =>
        lines.Select(l => l with { ProductGroup = NormTable.NormalizeGroup(l.ProductGroup) }).ToImmutableArray();

    /// <summary>Collects events and keeps the state evolved with them, so later steps see earlier ones.</summary>
    private sealed class Decision(SellerState state)
    {
        private readonly ImmutableArray<SellerEvent>.Builder events = ImmutableArray.CreateBuilder<SellerEvent>();
        public SellerState State { get; private set; } = state;
        public ImmutableArray<SellerEvent> Events => events.ToImmutable();

        public void Add(SellerEvent @event)
        {
            events.Add(@event);
            State = State.Evolve(@event);
        }
    }
}
