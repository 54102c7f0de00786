using NormService.Domain.Sellers;
using static NormService.Domain.Tests.Specification.Fixtures;
using static NormService.Domain.Tests.Specification.SellerScenario;

namespace NormService.Domain.Tests.Sellers;

/// <summary>The four worked examples of rules.md (norms: toys 4%, electronics 8%, home 5%, default 5%).</summary>
public class WorkedExamplesTests
{
    [Fact]
    public void Example1_items_weighted_norm_is_5_3_percent_and_5_queries_complete_GroeiStart()
    {
        var outcome = Given(Phase1SettlingWithExample1Items(queries: 5))
            .At(SettlementEnd())
            .When(new CloseDuePhases(SellerId))
            .ThenKinds(typeof(GroeiStartCompleted));

        var verdict = outcome.Single<GroeiStartCompleted>().Verdict;
        Assert.Equal(0.053m, verdict.Assessment.PersonalNorm.Norm);
        Assert.Equal(5.3m, verdict.Assessment.AllowedQueries);
        Assert.Equal((100, 5, false), (verdict.Assessment.Orders, verdict.Assessment.Queries, verdict.Exceeded));
        Assert.Equal(SellerStatus.GroeiStartCompleted, outcome.After.State.Status);
    }

    [Fact]
    public void Example1_six_queries_exceed_the_norm_and_extend_GroeiStart_to_phase_2()
    {
        var outcome = Given(Phase1SettlingWithExample1Items(queries: 6))
            .At(SettlementEnd())
            .When(new CloseDuePhases(SellerId))
            .ThenKinds(typeof(NormExceeded), typeof(GroeiStartPhaseExtended));

        var exceeded = outcome.Single<NormExceeded>().Verdict;
        Assert.Equal((6, 5.3m, true), (exceeded.Assessment.Queries, exceeded.Assessment.AllowedQueries, exceeded.Exceeded));
        var extended = outcome.Single<GroeiStartPhaseExtended>();
        Assert.Equal((1, 2), (extended.Phase, extended.NextPhase));
        Assert.Equal(SellerStatus.InGroeiStart, outcome.After.State.Status);
        Assert.Equal(2, outcome.After.State.PhaseForNextOrder);
    }

    [Theory]
    [InlineData(15, false)]
    [InlineData(16, true)]
    public void Example2_a_20_percent_group_is_capped_at_15_percent_so_15_queries_pass_and_16_exceed(int queries, bool exceeded)
    {
        var verdict = Given(Phase1SettlingInOneGroup("jewellery", queries))
            .With(TablesWith("2026-12", ("jewellery", 0.20m), ("default", 0.05m)))
            .At(SettlementEnd())
            .When(new CloseDuePhases(SellerId))
            .Events.OfType<IOutcomeEvent>().Select(VerdictOf).First();

        Assert.Equal(0.20m, verdict.Assessment.PersonalNorm.UncappedNorm);
        Assert.Equal(0.15m, verdict.Assessment.PersonalNorm.Norm);
        Assert.Equal(15m, verdict.Assessment.AllowedQueries);
        Assert.Equal(exceeded, verdict.Exceeded);
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void Example3_a_1_5_percent_norm_still_allows_the_minimum_of_3_queries(int queries, bool exceeded)
    {
        var verdict = Given(Phase1SettlingInOneGroup("books", queries))
            .With(TablesWith("2026-12", ("books", 0.015m), ("default", 0.05m)))
            .At(SettlementEnd())
            .When(new CloseDuePhases(SellerId))
            .Events.OfType<IOutcomeEvent>().Select(VerdictOf).First();

        Assert.Equal(0.015m * 100, verdict.Assessment.PersonalNorm.Norm * verdict.Assessment.Orders);
        Assert.Equal(3m, verdict.Assessment.AllowedQueries);
        Assert.Equal(exceeded, verdict.Exceeded);
    }

    [Fact]
    public void Example4_weights_are_items_not_orders()
    {
        // 50 toys orders of 3 items and 50 electronics orders of 1 item: 150 toys, 50 electronics.
        var history = Orders(1, 1, 50, "toys", items: 3).Concat(Orders(1, 51, 50, "electronics", items: 1)).Append(Settling(1));

        var verdict = Given(history).At(SettlementEnd()).When(new CloseDuePhases(SellerId)).Single<GroeiStartCompleted>().Verdict;

        var norm = verdict.Assessment.PersonalNorm;
        Assert.Equal(200, norm.TotalItems);
        Assert.Equal([("electronics", 50, 0.08m, 4.00m), ("toys", 150, 0.04m, 6.00m)],
            norm.Groups.Select(g => (g.ProductGroup, g.Items, g.Norm, g.Contribution)).ToArray());
        Assert.Equal(0.05m, norm.Norm); // and not (4% + 8%) / 2 = 6% by orders
        Assert.Equal(5m, verdict.Assessment.AllowedQueries);
    }

    private static PhaseVerdict VerdictOf(IOutcomeEvent e) => e switch
    {
        NormExceeded x => x.Verdict,
        GroeiStartCompleted x => x.Verdict,
        GroeiStartPhaseExtended x => x.Verdict,
        _ => throw new InvalidOperationException(e.GetType().Name),
    };
}
