using NormService.Domain.Norms;

namespace NormService.Domain.Tests.Norms;

public class NormTablePublishingTests
{
    private static readonly NormMonth January = NormMonth.Parse("2027-01");
    private static readonly KeyValuePair<string, decimal>[] Norms = [new("toys", 0.04m), new("default", 0.05m)];
    private static readonly KeyValuePair<string, decimal>[] Corrected = [new("toys", 0.03m), new("default", 0.05m)];
    private static readonly NormTable Published = NormTable.Create(January, Norms);

    [Fact]
    public void A_first_table_for_a_month_is_revision_1()
    {
        var published = NormTablePublishing.Decide(null, January, Norms, January.Start.AddDays(-10))!;
        Assert.Equal(("2027-01", 1), (published.Month, published.Revision));
    }

    [Fact]
    public void A_table_can_be_corrected_until_its_month_starts()
    {
        Assert.Equal(2, NormTablePublishing.Decide(Published, January, Corrected, January.Start.AddTicks(-1))!.Revision);
    }

    [Fact]
    public void A_table_in_force_is_immutable()
    {
        Assert.Throws<DomainRuleException>(() => NormTablePublishing.Decide(Published, January, Corrected, January.Start));
    }

    [Fact]
    public void Publishing_the_same_norms_again_changes_nothing_even_when_the_table_is_in_force()
    {
        Assert.Null(NormTablePublishing.Decide(Published, January, Norms, January.Start.AddDays(3)));
    }

    [Fact]
    public void A_month_that_has_started_without_a_table_can_still_get_its_first()
    {
        Assert.Equal(1, NormTablePublishing.Decide(null, January, Norms, January.Start.AddDays(3))!.Revision);
    }

    [Fact]
    public void An_invalid_table_is_refused_with_every_problem()
    {
        var error = Assert.Throws<DomainValidationException>(() =>
            NormTablePublishing.Decide(null, January, [new("toys", 0m)], January.Start.AddDays(-1)));
        Assert.Equal(2, error.Errors.Count); // toys out of range, no default
    }
}
