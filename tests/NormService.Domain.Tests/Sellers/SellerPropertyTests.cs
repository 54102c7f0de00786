using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NormService.Domain.Norms;
using NormService.Domain.Sellers;
using static NormService.Domain.Tests.Specification.Fixtures;

namespace NormService.Domain.Tests.Sellers;

/// <summary>The rules that hold for every history, checked on generated ones.</summary>
public class SellerPropertyTests
{
    // Small phases and a short settlement period make generated histories close many phases.
    private static readonly NormPolicy SmallPhases = NormPolicy.Default with
    {
        PhaseSize = 10, ProgressPoints = [3, 5], SettlementPeriod = TimeSpan.FromHours(30),
    };

    private static readonly string[] Groups = ["toys", "electronics", "home", "garden"];

    private abstract record Step;
    private sealed record Order(int Id, string Group, int Items) : Step;
    private sealed record Query(int Id, int? OrderId) : Step;
    private sealed record Tick(int Hours) : Step;

    private static readonly Gen<Step> StepGen = Gen.Frequency(
        (6, from id in Gen.Choose(0, 80) from g in Gen.Elements(Groups) from n in Gen.Choose(1, 3) select (Step)new Order(id, g, n)),
        (3, from id in Gen.Choose(0, 40) from o in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(0, 100).Select(i => (int?)i)) select (Step)new Query(id, o)),
        (1, Gen.Choose(1, 48).Select(h => (Step)new Tick(h))));

    private static Arbitrary<Step[]> Histories => Gen.ArrayOf(StepGen).ToArbitrary();

    /// <summary>Runs steps through the aggregate; every step is one hour after the one before.</summary>
    private static (ImmutableArray<SellerEvent> Events, Seller Seller) Run(IEnumerable<Step> steps, bool deliverTwice = false)
    {
        var seller = Seller.Initial(SellerId);
        var events = ImmutableArray.CreateBuilder<SellerEvent>();
        var now = T0;
        foreach (var step in steps)
        {
            now = now.AddHours(step is Tick t ? t.Hours : 1);
            SellerCommand command = step switch
            {
                Order o => new PlaceOrder(SellerId, $"o{o.Id}", now, [new OrderLine(o.Group, o.Items)]),
                Query q => new RaiseCustomerQuery(SellerId, $"q{q.Id}", q.OrderId is { } id ? $"o{id}" : null, now, "mail"),
                _ => new CloseDuePhases(SellerId),
            };
            var context = new DecisionContext(now, SmallPhases, December2026Tables);
            for (var delivery = 0; delivery < (deliverTwice ? 2 : 1); delivery++)
            {
                var (decided, after) = seller.Handle(command, context);
                events.AddRange(decided);
                seller = after;
            }
        }
        return (events.ToImmutable(), seller);
    }

    private static IEnumerable<PhaseVerdict> Verdicts(IEnumerable<SellerEvent> events) =>
        events.Select(e => e switch { NormExceeded x => x.Verdict, GroeiStartCompleted x => x.Verdict, _ => null }).OfType<PhaseVerdict>();

    [Property]
    public Property Every_message_delivered_twice_decides_exactly_what_delivering_it_once_does() =>
        Prop.ForAll(Histories, steps =>
        {
            var once = Run(steps);
            var twice = Run(steps, deliverTwice: true);
            return once.Events.SequenceEqual(twice.Events) && once.Seller.State == twice.Seller.State;
        });

    [Property]
    public Property Applying_any_event_twice_in_succession_changes_nothing() =>
        Prop.ForAll(Histories, steps =>
        {
            var events = Run(steps).Events;
            var state = SellerState.Initial(SellerId);
            foreach (var e in events)
            {
                state = state.Evolve(e);
                if (state.Evolve(e) != state) return false;
            }
            return true;
        });

    [Property]
    public Property Every_verdict_is_recomputed_from_its_phases_orders_queries_and_table() =>
        Prop.ForAll(Histories, steps =>
        {
            var events = Run(steps).Events;
            return Verdicts(events).All(verdict =>
            {
                var orders = events.OfType<OrderRecorded>().Where(o => o.Phase == verdict.Phase).ToList();
                var queries = events.Count(e => e is CustomerQueryRecorded { Attribution: QueryAttribution.Counted } q && q.Phase == verdict.Phase
                                             || e is CustomerQueryAttributed a && a.Phase == verdict.Phase);
                var items = orders.SelectMany(o => o.Lines).GroupBy(l => l.ProductGroup).Select(g => KeyValuePair.Create(g.Key, g.Sum(l => l.Quantity)));
                var expected = NormAssessment.Assess(orders.Count, queries, PersonalNorm.Calculate(items, December2026, SmallPhases.NormCap), SmallPhases);
                return verdict.Assessment == expected && orders.Count == SmallPhases.PhaseSize;
            });
        });

    [Property]
    public Property The_order_of_orders_within_a_phase_does_not_change_P() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Elements(Groups).Zip(Gen.Choose(1, 5)), 100).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (orders, seed) =>
        {
            var shuffled = orders.OrderBy(_ => new Random(seed).Next()).ToArray();
            return VerdictOfOnePhase(orders) == VerdictOfOnePhase(shuffled);
        });

    private static NormAssessment VerdictOfOnePhase((string Group, int Items)[] orders)
    {
        var policy = NormPolicy.Default with { SettlementPeriod = TimeSpan.Zero };
        var seller = Seller.Initial(SellerId);
        var events = new List<SellerEvent>();
        for (var i = 0; i < orders.Length; i++)
        {
            var (decided, after) = seller.Handle(new PlaceOrder(SellerId, $"o{i}-{orders[i].Group}", T0, [new OrderLine(orders[i].Group, orders[i].Items)]),
                new DecisionContext(T0, policy, December2026Tables));
            events.AddRange(decided);
            seller = after;
        }
        return Verdicts(events).Single().Assessment;
    }

    [Property]
    public Property Allowed_queries_are_at_least_3_and_P_at_most_the_cap() =>
        Prop.ForAll(
            Gen.ArrayOf(Gen.Elements(Groups.Append("jewellery").ToArray()).Zip(Gen.Choose(0, 500))).ToArbitrary(),
            Gen.Choose(1, 1000).ToArbitrary(),
            Gen.Choose(1, 1000).ToArbitrary(),
            (items, jewelleryPermille, orders) =>
            {
                var table = NormTable.Create(NormMonth.Parse("2026-12"),
                    [KeyValuePair.Create("jewellery", jewelleryPermille / 1000m), KeyValuePair.Create("toys", 0.04m), KeyValuePair.Create("default", 0.05m)]);
                var norm = PersonalNorm.Calculate(items.Select(i => KeyValuePair.Create(i.Item1, i.Item2)), table, 0.15m);
                var assessment = NormAssessment.Assess(orders, 0, norm, NormPolicy.Default);
                return assessment.AllowedQueries >= 3 && norm.Norm <= 0.15m && norm.Norm >= 0m && norm.Norm <= norm.UncappedNorm;
            });

    [Fact]
    public void The_state_stays_bounded_over_100_000_orders()
    {
        // Every phase is exceeded (3 extra queries each), so GroeiStart goes on for 1,000 phases.
        var policy = NormPolicy.Default with { SettlementPeriod = TimeSpan.Zero };
        var seller = Seller.Initial(SellerId);
        var state = seller.State;
        var maxPhases = 0;
        var maxGroups = 0;
        var closed = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var now = T0.AddSeconds(i);
            var context = new DecisionContext(now, policy, December2026Tables);
            if (i % 100 < 6)
                closed += Apply(SellerDecider.Decide(state, new RaiseCustomerQuery(SellerId, $"q{i}", null, now, null), QueryPrecedent.New, context));
            closed += Apply(SellerDecider.Decide(state, new PlaceOrder(SellerId, $"o{i}", now, [new OrderLine(Groups[i % 4], 1)]), OrderPrecedent.New, context));
            maxPhases = Math.Max(maxPhases, state.OpenPhases.Count);
            maxGroups = Math.Max(maxGroups, state.OpenPhases.Sum(p => p.ItemsPerGroup.Count));
        }

        Assert.Equal(1_000, closed);
        Assert.Equal(1, maxPhases);
        Assert.Equal(Groups.Length, maxGroups);

        int Apply(ImmutableArray<SellerEvent> events)
        {
            state = events.Aggregate(state, (s, e) => s.Evolve(e));
            return events.Count(e => e is NormExceeded);
        }
    }
}
