using NormService.Domain.Norms;
using NormService.Domain.Sellers;
using C = NormService.Contracts;

namespace NormService.Phases;

/// <summary>Maps the domain's outcome events to the published contracts.</summary>
public static class OutcomeMessages
{
    public static object From(IOutcomeEvent outcome) => outcome switch
    {
        NormExceeded e => new C.NormExceeded { SellerId = e.SellerId, Phase = e.Phase, Calculation = Calculation(e.Verdict) },
        GroeiStartPhaseExtended e => new C.GroeiStartPhaseExtended
        {
            SellerId = e.SellerId, Phase = e.Phase, NextPhase = e.NextPhase, Calculation = Calculation(e.Verdict),
        },
        GroeiStartCompleted e => new C.GroeiStartCompleted { SellerId = e.SellerId, Phase = e.Phase, Calculation = Calculation(e.Verdict) },
        GroeiStartProgressReported e => new C.GroeiStartProgressReported
        {
            SellerId = e.SellerId,
            Phase = e.Phase,
            Orders = e.Progress.Orders,
            Queries = e.Progress.Queries,
            FirstOrderAt = e.Progress.FirstOrderAt,
            LastOrderAt = e.Progress.LastOrderAt,
            Norm = e.Progress.Assessment is { } a ? Norm(a) : null,
            ReportedAt = e.At,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome.GetType().Name, "Not an outcome event."),
    };

    public static C.PhaseCalculation Calculation(PhaseVerdict verdict) => new()
    {
        Phase = verdict.Phase,
        Orders = verdict.Assessment.Orders,
        Queries = verdict.Assessment.Queries,
        Norm = Norm(verdict.Assessment),
        Exceeded = verdict.Exceeded,
        FirstOrderAt = verdict.FirstOrderAt,
        LastOrderAt = verdict.LastOrderAt,
        SettlementEndsAt = verdict.SettlementEndsAt,
        ClosedAt = verdict.ClosedAt,
    };

    public static C.NormCalculation Norm(NormAssessment assessment) => new()
    {
        Groups = [.. assessment.PersonalNorm.Groups.Select(g => new C.GroupContribution
        {
            ProductGroup = g.ProductGroup, Items = g.Items, Norm = g.Norm, UsedDefaultNorm = g.UsedDefaultNorm, Contribution = g.Contribution,
        })],
        TotalItems = assessment.PersonalNorm.TotalItems,
        UncappedNorm = assessment.PersonalNorm.UncappedNorm,
        NormCap = assessment.PersonalNorm.Cap,
        PersonalNorm = assessment.PersonalNorm.Norm,
        MinimumAllowedQueries = assessment.MinimumAllowedQueries,
        AllowedQueries = assessment.AllowedQueries,
        NormTableVersion = assessment.PersonalNorm.NormTableVersion,
    };
}
