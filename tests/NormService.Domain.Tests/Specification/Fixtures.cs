using System.Collections.Immutable;
using NormService.Domain.Norms;
using NormService.Domain.Sellers;

namespace NormService.Domain.Tests.Specification;

/// <summary>Starting states, named by what they are, built from explicit events.</summary>
public static class Fixtures
{
    public const string SellerId = "seller-1";

    /// <summary>The first order's time; order n of a phase is placed n minutes later.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    public static readonly NormTable December2026 = NormTable.Create(NormMonth.Parse("2026-12"), new Dictionary<string, decimal>
    {
        ["toys"] = 0.04m, ["electronics"] = 0.08m, ["home"] = 0.05m, ["default"] = 0.05m,
    });

    /// <summary>rules.md's worked-example norms: toys 4%, electronics 8%, home 5%, default 5%.</summary>
    public static readonly NormTables December2026Tables = NormTables.Of(December2026);

    public static DateTimeOffset OrderTime(int phase, int number) => T0.AddDays(phase - 1).AddMinutes(number);

    /// <summary>The time the 100th order's settlement period (7 days) ends.</summary>
    public static DateTimeOffset SettlementEnd(int phase = 1) => OrderTime(phase, 100) + NormPolicy.Default.SettlementPeriod;

    public static OrderRecorded Order(int phase, int number, string group = "toys", int items = 1, string? orderId = null) =>
        new(SellerId, OrderTime(phase, number), orderId ?? $"p{phase}-o{number}", OrderTime(phase, number),
            [new OrderLine(group, items)], phase, number);

    public static CustomerQueryRecorded CountedQuery(int phase, int number, string? orderId = null) =>
        new(SellerId, OrderTime(phase, 100), $"p{phase}-q{number}", orderId, OrderTime(phase, 100), "chat",
            QueryAttribution.Counted, phase, number);

    /// <summary>Orders numbered from <paramref name="from"/> onwards, all of one group and size.</summary>
    public static IEnumerable<SellerEvent> Orders(int phase, int from, int count, string group, int items = 1) =>
        Enumerable.Range(from, count).Select(n => Order(phase, n, group, items));

    public static IEnumerable<SellerEvent> Queries(int phase, int count) =>
        Enumerable.Range(1, count).Select(n => CountedQuery(phase, n));

    public static GroeiStartPhaseSettling Settling(int phase) =>
        new(SellerId, OrderTime(phase, 100), phase, SettlementEnd(phase));

    /// <summary>rules.md example 1: 100 orders, items 60 toys, 30 electronics, 10 home (P = 5.3%).</summary>
    public static IEnumerable<SellerEvent> Example1Orders(int phase = 1) =>
        Orders(phase, 1, 60, "toys").Concat(Orders(phase, 61, 30, "electronics")).Concat(Orders(phase, 91, 10, "home"));

    /// <summary>A seller whose phase 1 is full (example 1's items) with <paramref name="queries"/> queries, settling.</summary>
    public static IEnumerable<SellerEvent> Phase1SettlingWithExample1Items(int queries) =>
        Example1Orders().Concat(Queries(1, queries)).Append(Settling(1));

    /// <summary>A seller whose phase 1 is full, all of one group, with <paramref name="queries"/> queries, settling.</summary>
    public static IEnumerable<SellerEvent> Phase1SettlingInOneGroup(string group, int queries) =>
        Orders(1, 1, 100, group).Concat(Queries(1, queries)).Append(Settling(1));

    /// <summary>A verdict over 100 toys orders, for givens that need a closed phase.</summary>
    public static PhaseVerdict ToysVerdict(int phase, int queries)
    {
        var norm = PersonalNorm.Calculate([KeyValuePair.Create("toys", 100)], December2026, 0.15m);
        return new PhaseVerdict(phase, NormAssessment.Assess(100, queries, norm, NormPolicy.Default), T0, T0, T0, T0);
    }

    public static NormTables TablesWith(string month, params (string Group, decimal Norm)[] norms) =>
        NormTables.Of(NormTable.Create(NormMonth.Parse(month), norms.Select(n => KeyValuePair.Create(n.Group, n.Norm))));

    public static PlaceOrder PlaceOrder(string orderId, DateTimeOffset placedAt, string group = "toys", int items = 1) =>
        new(SellerId, orderId, placedAt, [new OrderLine(group, items)]);

    public static RaiseCustomerQuery RaiseQuery(string queryId, string? orderId = null, DateTimeOffset? at = null) =>
        new(SellerId, queryId, orderId, at ?? T0, "chat");

    public static ImmutableArray<OrderLine> Lines(params (string Group, int Items)[] lines) =>
        [.. lines.Select(l => new OrderLine(l.Group, l.Items))];
}
