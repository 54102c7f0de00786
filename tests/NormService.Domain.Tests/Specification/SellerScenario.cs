using System.Collections.Immutable;
using NormService.Domain;
using NormService.Domain.Norms;
using NormService.Domain.Sellers;

namespace NormService.Domain.Tests.Specification;

/// <summary>Given (events) / When (command) / Then (events) for the seller aggregate.</summary>
public sealed class SellerScenario
{
    private Seller seller;
    private DateTimeOffset now = Fixtures.T0;
    private NormPolicy policy = NormPolicy.Default;
    private NormTables tables = Fixtures.December2026Tables;

    private SellerScenario(string sellerId) => seller = Seller.Initial(sellerId);

    public static SellerScenario Given(params IEnumerable<SellerEvent> events) => new SellerScenario(Fixtures.SellerId).And(events);

    public SellerScenario And(params IEnumerable<SellerEvent> events)
    {
        seller = events.Aggregate(seller, (s, e) => s.Apply(e));
        return this;
    }

    public SellerScenario At(DateTimeOffset moment) { now = moment; return this; }
    public SellerScenario With(NormPolicy value) { policy = value; return this; }
    public SellerScenario With(NormTables value) { tables = value; return this; }

    public Outcome When(SellerCommand command)
    {
        var context = new DecisionContext(now, policy, tables);
        var (events, after) = seller.Handle(command, context);
        return new Outcome(events, after);
    }

    public sealed record Outcome(ImmutableArray<SellerEvent> Events, Seller After)
    {
        public Outcome Then(params SellerEvent[] expected)
        {
            Assert.Equal(expected, Events.ToArray());
            return this;
        }

        public Outcome ThenNothing()
        {
            Assert.Empty(Events);
            return this;
        }

        /// <summary>The events, by type only: for decisions whose details another assertion checks.</summary>
        public Outcome ThenKinds(params Type[] kinds)
        {
            Assert.Equal(kinds, Events.Select(e => e.GetType()).ToArray());
            return this;
        }

        public T Single<T>() where T : SellerEvent => Assert.Single(Events.OfType<T>());
    }
}
