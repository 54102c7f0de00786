namespace NormService.Domain.Norms;

/// <summary>
/// The norm applied to a number of orders and queries: <c>A = max(minimum, P × N)</c>, and the norm is
/// exceeded iff <c>Q &gt; A</c> (strictly: "≤ norm passes").
/// </summary>
public sealed record NormAssessment(
    int Orders,
    int Queries,
    PersonalNorm PersonalNorm,
    int MinimumAllowedQueries,
    decimal AllowedQueries,
    bool Exceeded)
{
    /// <summary>Queries the seller may still receive without exceeding A (never negative).</summary>
    public decimal QueriesStillAllowed => Math.Max(0m, AllowedQueries - Queries);

    /// <summary>Q / N, the seller's actual query rate (0 with no orders).</summary>
    public decimal QueryRate => Orders == 0 ? 0m : (decimal)Queries / Orders;

    public static NormAssessment Assess(int orders, int queries, PersonalNorm norm, NormPolicy policy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(orders);
        ArgumentOutOfRangeException.ThrowIfNegative(queries);
        var allowed = Math.Max(policy.MinimumAllowedQueries, norm.Norm * orders);
        return new NormAssessment(orders, queries, norm, policy.MinimumAllowedQueries, allowed, queries > allowed);
    }
}
