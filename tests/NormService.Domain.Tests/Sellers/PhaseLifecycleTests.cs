using NormService.Domain.Norms;
using NormService.Domain.Sellers;
using static NormService.Domain.Tests.Specification.Fixtures;
using static NormService.Domain.Tests.Specification.SellerScenario;

namespace NormService.Domain.Tests.Sellers;

/// <summary>GroeiStart: entering it, phases of 100 orders, progress, settling, closing and the verdict.</summary>
public class PhaseLifecycleTests
{
    [Fact]
    public void The_first_order_of_a_new_seller_opens_phase_1()
    {
        Given()
            .At(T0)
            .When(PlaceOrder("o1", T0))
            .Then(new OrderRecorded(SellerId, T0, "o1", T0, Lines(("toys", 1)), Phase: 1, OrderNumberInPhase: 1));
    }

    [Fact]
    public void A_seller_registered_as_established_never_enters_GroeiStart()
    {
        var outcome = Given(new SellerRegisteredAsEstablished(SellerId, T0))
            .At(T0)
            .When(PlaceOrder("o1", T0))
            .Then(new OrderRecorded(SellerId, T0, "o1", T0, Lines(("toys", 1)), Phase: null, OrderNumberInPhase: null));
        Assert.Equal(SellerStatus.Established, outcome.After.State.Status);
    }

    [Fact]
    public void A_seller_with_orders_cannot_be_registered_as_established()
    {
        var scenario = Given(Order(1, 1)).At(T0);
        Assert.Throws<DomainRuleException>(() => scenario.When(new RegisterAsEstablished(SellerId)));
    }

    [Fact]
    public void Registering_an_established_seller_again_changes_nothing()
    {
        Given(new SellerRegisteredAsEstablished(SellerId, T0)).When(new RegisterAsEstablished(SellerId)).ThenNothing();
    }

    [Theory]
    [InlineData(10)]
    [InlineData(50)]
    public void Interim_progress_is_reported_after_10_and_50_orders(int orderNumber)
    {
        var progress = Given(Orders(1, 1, orderNumber - 1, "toys"))
            .At(OrderTime(1, orderNumber))
            .When(PlaceOrder("next", OrderTime(1, orderNumber)))
            .ThenKinds(typeof(OrderRecorded), typeof(GroeiStartProgressReported))
            .Single<GroeiStartProgressReported>().Progress;

        Assert.Equal((1, orderNumber, 0), (progress.Phase, progress.Orders, progress.Queries));
        Assert.Equal(0.04m, progress.Assessment!.PersonalNorm.Norm);
    }

    [Fact]
    public void No_progress_is_reported_between_the_progress_points()
    {
        Given(Orders(1, 1, 10, "toys")).At(OrderTime(1, 11)).When(PlaceOrder("o11", OrderTime(1, 11))).ThenKinds(typeof(OrderRecorded));
    }

    [Fact]
    public void The_100th_order_starts_the_settlement_period_of_7_days()
    {
        Given(Orders(1, 1, 99, "toys"))
            .At(OrderTime(1, 100))
            .When(PlaceOrder("o100", OrderTime(1, 100)))
            .Then(
                new OrderRecorded(SellerId, OrderTime(1, 100), "o100", OrderTime(1, 100), Lines(("toys", 1)), 1, 100),
                new GroeiStartPhaseSettling(SellerId, OrderTime(1, 100), 1, OrderTime(1, 100).AddDays(7)));
    }

    [Fact]
    public void A_settling_phase_does_not_close_before_its_settlement_period_ends()
    {
        Given(Phase1SettlingWithExample1Items(queries: 0))
            .At(SettlementEnd().AddTicks(-1))
            .When(new CloseDuePhases(SellerId))
            .ThenNothing();
    }

    [Fact]
    public void With_a_settlement_period_of_0_the_100th_order_closes_the_phase_at_once()
    {
        Given(Orders(1, 1, 99, "toys"))
            .With(NormPolicy.Default with { SettlementPeriod = TimeSpan.Zero })
            .At(OrderTime(1, 100))
            .When(PlaceOrder("o100", OrderTime(1, 100)))
            .ThenKinds(typeof(OrderRecorded), typeof(GroeiStartPhaseSettling), typeof(GroeiStartCompleted));
    }

    [Fact]
    public void Orders_arriving_while_a_phase_settles_belong_to_the_next_phase()
    {
        Given(Phase1SettlingWithExample1Items(queries: 0))
            .At(OrderTime(2, 1))
            .When(PlaceOrder("late-order", OrderTime(2, 1)))
            .Then(new OrderRecorded(SellerId, OrderTime(2, 1), "late-order", OrderTime(2, 1), Lines(("toys", 1)), Phase: 2, OrderNumberInPhase: 1));
    }

    [Fact]
    public void Phase_2_can_fill_up_while_phase_1_still_settles()
    {
        var outcome = Given(Phase1SettlingWithExample1Items(queries: 0)).And(Orders(2, 1, 99, "toys"))
            .At(OrderTime(2, 100))
            .When(PlaceOrder("p2-o100", OrderTime(2, 100)))
            .ThenKinds(typeof(OrderRecorded), typeof(GroeiStartPhaseSettling));

        Assert.Equal([1, 2], outcome.After.State.OpenPhases.Select(p => p.Number));
        Assert.All(outcome.After.State.OpenPhases, p => Assert.True(p.IsSettling));
    }

    [Fact]
    public void The_next_phase_never_closes_before_the_one_before_it()
    {
        // Phase 2's orders carry earlier times than phase 1's, so its settlement period ends first.
        var phase2EndsFirst = new GroeiStartPhaseSettling(SellerId, OrderTime(2, 100), 2, SettlementEnd(1).AddDays(-1));
        Given(Phase1SettlingWithExample1Items(queries: 0)).And(Orders(2, 1, 100, "toys")).And(phase2EndsFirst)
            .At(SettlementEnd(1).AddDays(-1))
            .When(new CloseDuePhases(SellerId))
            .ThenNothing();
    }

    [Fact]
    public void When_an_exceeded_phase_closes_a_due_next_phase_closes_right_after_it()
    {
        var outcome = Given(Phase1SettlingWithExample1Items(queries: 6)).And(Orders(2, 1, 100, "toys")).And(Queries(2, 1)).And(Settling(2))
            .At(SettlementEnd(2))
            .When(new CloseDuePhases(SellerId))
            .ThenKinds(typeof(NormExceeded), typeof(GroeiStartPhaseExtended), typeof(GroeiStartCompleted));

        Assert.Equal(2, outcome.Single<GroeiStartCompleted>().Verdict.Phase);
    }

    [Fact]
    public void Completing_GroeiStart_ends_the_phases_that_were_already_taking_orders()
    {
        var outcome = Given(Phase1SettlingWithExample1Items(queries: 0)).And(Orders(2, 1, 30, "toys"))
            .At(SettlementEnd(1))
            .When(new CloseDuePhases(SellerId))
            .ThenKinds(typeof(GroeiStartCompleted));

        Assert.Empty(outcome.After.State.OpenPhases);
        Assert.Equal(SellerStatus.GroeiStartCompleted, outcome.After.State.Status);
    }

    [Fact]
    public void After_GroeiStart_orders_are_recorded_outside_any_phase()
    {
        var completed = new GroeiStartCompleted(SellerId, SettlementEnd(), ToysVerdict(phase: 1, queries: 0));
        Given(Phase1SettlingWithExample1Items(queries: 0)).And(completed)
            .At(SettlementEnd())
            .When(PlaceOrder("after", SettlementEnd()))
            .Then(new OrderRecorded(SellerId, SettlementEnd(), "after", SettlementEnd(), Lines(("toys", 1)), null, null));
    }

    [Fact]
    public void The_verdict_carries_the_whole_calculation()
    {
        var verdict = Given(Phase1SettlingWithExample1Items(queries: 4))
            .At(SettlementEnd().AddHours(1))
            .When(new CloseDuePhases(SellerId))
            .Single<GroeiStartCompleted>().Verdict;

        var a = verdict.Assessment;
        Assert.Equal((100, 4), (a.Orders, a.Queries));
        Assert.Equal([("electronics", 30, 0.08m), ("home", 10, 0.05m), ("toys", 60, 0.04m)],
            a.PersonalNorm.Groups.Select(g => (g.ProductGroup, g.Items, g.Norm)).ToArray());
        Assert.Equal((0.053m, 0.053m, 0.15m), (a.PersonalNorm.UncappedNorm, a.PersonalNorm.Norm, a.PersonalNorm.Cap));
        Assert.Equal((3, 5.3m), (a.MinimumAllowedQueries, a.AllowedQueries));
        Assert.Equal("2026-12.r1", a.PersonalNorm.NormTableVersion);
        Assert.Equal((OrderTime(1, 1), OrderTime(1, 100)), (verdict.FirstOrderAt, verdict.LastOrderAt));
        Assert.Equal((SettlementEnd(), SettlementEnd().AddHours(1)), (verdict.SettlementEndsAt, verdict.ClosedAt));
    }

    [Fact]
    public void Q_equal_to_A_passes()
    {
        // One group at 5%: A = 5 exactly.
        Given(Phase1SettlingInOneGroup("home", queries: 5))
            .At(SettlementEnd())
            .When(new CloseDuePhases(SellerId))
            .ThenKinds(typeof(GroeiStartCompleted));
    }

    [Fact]
    public void A_product_group_the_table_does_not_list_takes_the_default_norm()
    {
        var group = Given(Phase1SettlingInOneGroup("garden", queries: 0))
            .At(SettlementEnd())
            .When(new CloseDuePhases(SellerId))
            .Single<GroeiStartCompleted>().Verdict.Assessment.PersonalNorm.Groups.Single();

        Assert.Equal(("garden", 0.05m, true), (group.ProductGroup, group.Norm, group.UsedDefaultNorm));
    }

    [Fact]
    public void Without_a_norm_table_in_force_a_due_phase_waits()
    {
        Given(Phase1SettlingWithExample1Items(queries: 0))
            .With(TablesWith("2027-01", ("default", 0.05m))) // only a table for a later month
            .At(SettlementEnd())
            .When(new CloseDuePhases(SellerId))
            .ThenNothing();
    }

    [Fact]
    public void A_waiting_phase_closes_once_a_table_is_published()
    {
        var scenario = Given(Phase1SettlingWithExample1Items(queries: 0)).With(NormTables.Empty).At(SettlementEnd());
        scenario.When(new CloseDuePhases(SellerId)).ThenNothing();

        scenario.With(December2026Tables).At(SettlementEnd().AddDays(2))
            .When(new CloseDuePhases(SellerId))
            .ThenKinds(typeof(GroeiStartCompleted));
    }

    [Fact]
    public void The_table_in_force_at_the_close_is_used_not_the_one_at_the_first_order()
    {
        var tables = December2026Tables.With(NormTable.Create(NormMonth.Parse("2027-01"), [KeyValuePair.Create("default", 0.10m)]));
        var norm = Given(Phase1SettlingInOneGroup("toys", 0)).With(tables)
            .At(new DateTimeOffset(2027, 1, 2, 0, 0, 0, TimeSpan.Zero))
            .When(new CloseDuePhases(SellerId))
            .Single<GroeiStartCompleted>().Verdict.Assessment.PersonalNorm;

        Assert.Equal(("2027-01.r1", 0.10m), (norm.NormTableVersion, norm.Norm));
    }
}
