using NormService.Domain.Norms;
using static NormService.Domain.Tests.Specification.Fixtures;

namespace NormService.Domain.Tests.Norms;

public class NormTableTests
{
    private static readonly NormMonth December = NormMonth.Parse("2026-12");

    [Fact]
    public void A_table_without_a_default_norm_is_refused()
    {
        var error = Assert.Throws<DomainValidationException>(() => NormTable.Create(December, [KeyValuePair.Create("toys", 0.04m)]));
        Assert.Contains(error.Errors, e => e.Field == "norms.default");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.01")]
    [InlineData("1.0001")]
    public void A_norm_outside_0_to_1_is_refused(string norm)
    {
        var errors = NormTable.Validate([KeyValuePair.Create("toys", decimal.Parse(norm, System.Globalization.CultureInfo.InvariantCulture)), KeyValuePair.Create("default", 0.05m)]);
        Assert.Equal("norms.toys", Assert.Single(errors).Field);
    }

    [Fact]
    public void A_norm_of_exactly_1_is_allowed()
    {
        Assert.Empty(NormTable.Validate([KeyValuePair.Create("default", 1m)]));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var errors = NormTable.Validate([KeyValuePair.Create("", 0.1m), KeyValuePair.Create("toys", 2m), KeyValuePair.Create("TOYS", 0.1m)]);
        Assert.Equal(4, errors.Count); // empty code, toys out of range, toys twice (case-insensitive), no default
    }

    [Fact]
    public void Product_groups_are_matched_case_insensitively()
    {
        Assert.Equal(new GroupNorm(0.04m, false), December2026.NormOf(" Toys "));
    }

    [Fact]
    public void An_unknown_group_takes_the_default_norm()
    {
        Assert.Equal(new GroupNorm(0.05m, UsedDefault: true), December2026.NormOf("garden"));
    }

    [Theory]
    [InlineData("2026-12-01T00:00:00Z", "2026-12.r1")]
    [InlineData("2027-03-15T00:00:00Z", "2026-12.r1")] // no newer table: the newest before still holds
    [InlineData("2027-04-01T00:00:00Z", "2027-04.r1")]
    public void The_table_in_force_is_the_newest_whose_month_is_not_after_the_moment(string moment, string version)
    {
        var tables = December2026Tables.With(NormTable.Create(NormMonth.Parse("2027-04"), [KeyValuePair.Create("default", 0.06m)]));
        Assert.Equal(version, tables.InForceAt(DateTimeOffset.Parse(moment, System.Globalization.CultureInfo.InvariantCulture))!.Version);
    }

    [Fact]
    public void No_table_is_in_force_before_the_first_published_month()
    {
        Assert.Null(December2026Tables.InForceAt(new DateTimeOffset(2026, 11, 30, 23, 59, 59, TimeSpan.Zero)));
    }

    [Fact]
    public void A_months_moment_is_read_in_UTC()
    {
        // 1 December 00:30 in Amsterdam is still November in UTC.
        Assert.Equal(NormMonth.Parse("2026-11"), NormMonth.Of(new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.FromHours(1))));
    }

    [Fact]
    public void A_correction_replaces_the_months_table_with_a_new_revision()
    {
        var corrected = NormTable.Create(December, [KeyValuePair.Create("default", 0.07m)], revision: 2);
        var tables = December2026Tables.With(corrected).With(December2026);
        Assert.Equal("2026-12.r2", tables.InForceAt(December.Start)!.Version);
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-1")]
    [InlineData("26-12")]
    [InlineData("december")]
    public void A_month_is_written_yyyy_MM(string text)
    {
        Assert.False(NormMonth.TryParse(text, out _));
    }
}

public class PersonalNormTests
{
    [Fact]
    public void The_norm_is_items_weighted_over_the_groups()
    {
        var norm = PersonalNorm.Calculate([KeyValuePair.Create("toys", 60), KeyValuePair.Create("electronics", 30), KeyValuePair.Create("home", 10)], December2026, 0.15m);
        Assert.Equal(5.3m, norm.Groups.Sum(g => g.Contribution));
        Assert.Equal(0.053m, norm.Norm);
    }

    [Fact]
    public void The_norm_is_capped()
    {
        var table = NormTable.Create(NormMonth.Parse("2026-12"), [KeyValuePair.Create("default", 0.5m)]);
        var norm = PersonalNorm.Calculate([KeyValuePair.Create("x", 3)], table, 0.15m);
        Assert.Equal((0.5m, 0.15m), (norm.UncappedNorm, norm.Norm));
    }

    [Fact]
    public void The_norm_is_never_rounded()
    {
        var table = NormTable.Create(NormMonth.Parse("2026-12"), [KeyValuePair.Create("a", 0.01m), KeyValuePair.Create("default", 0.02m)]);
        var norm = PersonalNorm.Calculate([KeyValuePair.Create("a", 1), KeyValuePair.Create("b", 2)], table, 0.15m);
        Assert.Equal(0.05m / 3m, norm.Norm);
    }

    [Fact]
    public void Without_items_the_norm_is_0()
    {
        Assert.Equal(0m, PersonalNorm.Calculate([], December2026, 0.15m).Norm);
    }
}
