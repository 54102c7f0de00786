using NormService.Domain.Sellers;
using static NormService.Domain.Tests.Specification.Fixtures;
using static NormService.Domain.Tests.Specification.SellerScenario;

namespace NormService.Domain.Tests.Sellers;

/// <summary>rules.md "Attributing a query to a phase", one rule one test.</summary>
public class QueryAttributionTests
{
    private static readonly DateTimeOffset Now = OrderTime(1, 30);

    [Fact]
    public void A_query_about_an_order_counts_in_the_phase_that_holds_the_order()
    {
        Given(Orders(1, 1, 20, "toys"))
            .At(Now)
            .When(RaiseQuery("q1", orderId: "p1-o5", at: Now))
            .Then(new CustomerQueryRecorded(SellerId, Now, "q1", "p1-o5", Now, "chat", QueryAttribution.Counted, Phase: 1, QueryNumberInPhase: 1));
    }

    [Fact]
    public void A_query_about_an_order_of_a_settling_phase_counts_there_even_when_the_next_phase_is_open()
    {
        Given(Phase1SettlingWithExample1Items(queries: 2)).And(Orders(2, 1, 5, "toys"))
            .At(OrderTime(2, 6))
            .When(RaiseQuery("q", orderId: "p1-o99", at: OrderTime(2, 6)))
            .Then(new CustomerQueryRecorded(SellerId, OrderTime(2, 6), "q", "p1-o99", OrderTime(2, 6), "chat", QueryAttribution.Counted, 1, 3));
    }

    [Fact]
    public void A_query_without_an_order_counts_in_the_phase_open_when_it_is_processed()
    {
        Given(Phase1SettlingWithExample1Items(queries: 0)).And(Orders(2, 1, 5, "toys"))
            .At(Now)
            .When(RaiseQuery("q1", orderId: null, at: Now))
            .Then(new CustomerQueryRecorded(SellerId, Now, "q1", null, Now, "chat", QueryAttribution.Counted, Phase: 2, QueryNumberInPhase: 1));
    }

    [Fact]
    public void A_query_without_an_order_counts_in_the_settling_phase_when_no_next_phase_is_open()
    {
        Given(Phase1SettlingWithExample1Items(queries: 0))
            .At(Now)
            .When(RaiseQuery("q1", orderId: null, at: Now))
            .Then(new CustomerQueryRecorded(SellerId, Now, "q1", null, Now, "chat", QueryAttribution.Counted, Phase: 1, QueryNumberInPhase: 1));
    }

    [Fact]
    public void A_query_about_an_order_not_seen_yet_waits_for_that_order()
    {
        var outcome = Given(Orders(1, 1, 20, "toys"))
            .At(Now)
            .When(RaiseQuery("q1", orderId: "future-order", at: Now))
            .Then(new CustomerQueryRecorded(SellerId, Now, "q1", "future-order", Now, "chat", QueryAttribution.AwaitingOrder, Phase: 1, QueryNumberInPhase: null));

        Assert.Equal(0, outcome.After.State.Phase(1)!.Queries);
        Assert.Equal([new PendingQuery("q1", "future-order")], outcome.After.State.Phase(1)!.PendingQueries);
    }

    [Fact]
    public void A_waiting_query_counts_in_the_phase_of_its_order_when_the_order_arrives()
    {
        var awaiting = new CustomerQueryRecorded(SellerId, Now, "q1", "o-late", Now, "chat", QueryAttribution.AwaitingOrder, 1, null);
        Given(Phase1SettlingWithExample1Items(queries: 0)).And(awaiting)
            .At(OrderTime(2, 1))
            .When(PlaceOrder("o-late", OrderTime(2, 1)))
            .Then(
                new OrderRecorded(SellerId, OrderTime(2, 1), "o-late", OrderTime(2, 1), Lines(("toys", 1)), 2, 1),
                new CustomerQueryAttributed(SellerId, OrderTime(2, 1), "q1", "o-late", 2, PendingQueryResolution.OrderArrived, 1));
    }

    [Fact]
    public void A_waiting_query_whose_order_never_came_counts_in_the_phase_open_at_its_arrival_when_that_phase_closes()
    {
        var awaiting = new CustomerQueryRecorded(SellerId, Now, "q1", "never", Now, "chat", QueryAttribution.AwaitingOrder, 1, null);
        var outcome = Given(Phase1SettlingWithExample1Items(queries: 5)).And(awaiting)
            .At(SettlementEnd())
            .When(new CloseDuePhases(SellerId))
            .ThenKinds(typeof(CustomerQueryAttributed), typeof(NormExceeded), typeof(GroeiStartPhaseExtended));

        Assert.Equal(PendingQueryResolution.OrderNeverArrived, outcome.Single<CustomerQueryAttributed>().Resolution);
        Assert.Equal(6, outcome.Single<NormExceeded>().Verdict.Assessment.Queries);
    }

    [Fact]
    public void A_query_about_an_order_of_a_closed_phase_is_recorded_as_late_and_changes_nothing()
    {
        var closed = new NormExceeded(SellerId, SettlementEnd(), ToysVerdict(phase: 1, queries: 6));
        var outcome = Given(Phase1SettlingWithExample1Items(queries: 6)).And(closed).And(Orders(2, 1, 3, "toys"))
            .At(SettlementEnd())
            .When(RaiseQuery("q-late", orderId: "p1-o7", at: SettlementEnd()))
            .Then(new CustomerQueryRecorded(SellerId, SettlementEnd(), "q-late", "p1-o7", SettlementEnd(), "chat", QueryAttribution.Late, Phase: 1, QueryNumberInPhase: null));

        Assert.Equal(0, outcome.After.State.Phase(2)!.Queries);
    }

    [Fact]
    public void A_query_for_an_established_seller_is_recorded_outside_GroeiStart()
    {
        Given(new SellerRegisteredAsEstablished(SellerId, T0))
            .At(Now)
            .When(RaiseQuery("q1", at: Now))
            .Then(new CustomerQueryRecorded(SellerId, Now, "q1", null, Now, "chat", QueryAttribution.OutsideGroeiStart, null, null));
    }

    [Fact]
    public void A_query_before_the_first_order_counts_in_phase_1()
    {
        var outcome = Given()
            .At(T0)
            .When(RaiseQuery("q1", at: T0))
            .Then(new CustomerQueryRecorded(SellerId, T0, "q1", null, T0, "chat", QueryAttribution.Counted, 1, 1));
        Assert.Equal(SellerStatus.New, outcome.After.State.Status);
    }

    [Fact]
    public void An_order_placed_again_changes_nothing()
    {
        Given(Orders(1, 1, 20, "toys")).At(Now).When(PlaceOrder("p1-o3", Now)).ThenNothing();
    }

    [Fact]
    public void A_query_raised_again_changes_nothing()
    {
        Given(Orders(1, 1, 20, "toys")).And(CountedQuery(1, 1)).At(Now).When(RaiseQuery("p1-q1", at: Now)).ThenNothing();
    }

    [Fact]
    public void A_waiting_query_raised_again_changes_nothing()
    {
        var awaiting = new CustomerQueryRecorded(SellerId, Now, "q1", "o-x", Now, "chat", QueryAttribution.AwaitingOrder, 1, null);
        Given(Orders(1, 1, 20, "toys")).And(awaiting).At(Now).When(RaiseQuery("q1", orderId: "o-x", at: Now)).ThenNothing();
    }
}
