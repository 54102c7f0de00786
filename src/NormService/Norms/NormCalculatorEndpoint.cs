using NormService.Api;
using NormService.Contracts;
using NormService.Domain;
using NormService.Domain.Norms;
using NormService.Infrastructure;
using NormService.Phases;
using Microsoft.Extensions.Options;

namespace NormService.Norms;

/// <summary>"Calculating your own expected personal dynamic norm? You can!": P, A and the verdict for given items.</summary>
public static class NormCalculatorEndpoint
{
    /// <param name="Items">Items sold per product group, e.g. { "toys": 60, "electronics": 30, "home": 10 }.</param>
    /// <param name="Month">The table to use (yyyy-MM); default: the table in force now.</param>
    /// <param name="Orders">N, the orders (default: the phase size, 100).</param>
    /// <param name="Queries">Q, the customer queries; with it the answer includes the verdict.</param>
    public sealed record CalculatorRequest(Dictionary<string, int>? Items, string? Month, int? Orders, int? Queries);

    public sealed record CalculatorResponse(int Orders, int? Queries, NormCalculation Norm, bool? Exceeded, decimal? QueriesStillAllowed);

    public static IEndpointRouteBuilder MapNormCalculator(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/norm-calculator", CalculateAsync)
            .WithTags("Norm calculator")
            .RequireApiKeyForReadsWhenConfigured()
            .WithSummary("Compute a personal dynamic norm (P), the allowed queries (A) and, given queries, the verdict.")
            .WithDescription("""Example (rules.md example 1): `{ "items": { "toys": 60, "electronics": 30, "home": 10 }, "orders": 100, "queries": 6 }` → P 0.053, A 5.3, exceeded.""")
            .Produces<CalculatorResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> CalculateAsync(CalculatorRequest request, NormTableCatalog catalog, NormPolicy policy,
        TimeProvider time, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        if (request.Items is not { Count: > 0 }) errors.Add(new("items", "Give the items sold per product group, at least one group."));
        else
        {
            foreach (var (group, items) in request.Items)
            {
                if (string.IsNullOrWhiteSpace(group) || group.Trim().Length > NormTable.MaxGroupLength) errors.Add(new("items", $"'{group}' is not a product group code (1-64 characters)."));
                if (items < 0) errors.Add(new($"items.{group}", "Items must not be negative."));
            }
        }
        if (request.Orders is < 1) errors.Add(new("orders", "Orders must be at least 1."));
        if (request.Queries is < 0) errors.Add(new("queries", "Queries must not be negative."));
        NormMonth? month = null;
        if (request.Month is not null)
        {
            if (NormMonth.TryParse(request.Month, out var m)) month = m;
            else errors.Add(new("month", $"'{request.Month}' is not a month in the form yyyy-MM."));
        }
        if (errors.Count > 0) return Problems.Validation(errors);

        var tables = await catalog.GetAsync(ct);
        var table = month is { } wanted ? tables.ByMonth.GetValueOrDefault(wanted) : tables.InForceAt(time.GetUtcNow());
        if (table is null) return Problems.NotFound(month is { } mm ? $"No norm table has been published for {mm}." : "No norm table is in force yet.");

        var orders = request.Orders ?? policy.PhaseSize;
        var assessment = NormAssessment.Assess(orders, request.Queries ?? 0, PersonalNorm.Calculate(request.Items!, table, policy.NormCap), policy);
        return TypedResults.Ok(new CalculatorResponse(orders, request.Queries, OutcomeMessages.Norm(assessment),
            request.Queries is null ? null : assessment.Exceeded,
            request.Queries is null ? null : assessment.QueriesStillAllowed));
    }
}
