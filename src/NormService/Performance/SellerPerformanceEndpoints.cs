using Marten;
using Microsoft.Extensions.Options;
using NormService.Api;
using NormService.Contracts;
using NormService.Domain;
using NormService.Domain.Norms;
using NormService.Domain.Sellers;
using NormService.Infrastructure;
using NormService.Norms;
using NormService.Phases;
using NormService.Sellers;

namespace NormService.Performance;

/// <summary>The seller's performance page: GroeiStart status, the phases in progress and every closed phase.</summary>
public static class SellerPerformanceEndpoints
{
    public sealed record PerformanceResponse(string SellerId, string Status, bool InGroeiStart, int PhaseSize, IReadOnlyList<PhaseInProgress> PhasesInProgress, IReadOnlyList<PhaseCalculation> ClosedPhases);

    /// <summary>A phase not closed yet, with the norm in force now applied to it: what the verdict would be if it closed now.</summary>
    public sealed record PhaseInProgress(
        int Phase, string State, int Orders, int Queries, int QueriesAwaitingTheirOrder, IReadOnlyDictionary<string, int> ItemsPerGroup,
        DateTimeOffset? FirstOrderAt, DateTimeOffset? LastOrderAt, DateTimeOffset? SettlementEndsAt,
        NormCalculation? Norm, decimal? QueryRate, decimal? QueriesStillAllowed, string? ProjectedVerdict);

    public static IEndpointRouteBuilder MapSellerPerformance(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sellers/{sellerId}").WithTags("Sellers");

        group.MapGet("/performance", GetPerformanceAsync)
            .RequireApiKeyForReadsWhenConfigured()
            .WithSummary("GroeiStart status, the phases in progress (with the verdict if they closed now) and every closed phase's calculation.")
            .WithDescription("Example: `GET /api/sellers/shop-1/performance` → `{ \"status\": \"InGroeiStart\", \"phasesInProgress\": [{ \"phase\": 2, \"state\": \"Open\", \"orders\": 40, \"queries\": 1, \"norm\": { \"personalNorm\": 0.053, \"allowedQueries\": 3 }, \"queriesStillAllowed\": 2, \"projectedVerdict\": \"WithinNorm\" }], \"closedPhases\": [{ \"phase\": 1, \"orders\": 100, \"queries\": 6, \"exceeded\": true }] }`.")
            .Produces<PerformanceResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/phases/{phase:int}", GetPhaseAsync)
            .RequireApiKeyForReadsWhenConfigured()
            .WithSummary("One phase: its calculation when closed, its progress otherwise.")
            .WithDescription("Example: `GET /api/sellers/shop-1/phases/1` → the phase's whole calculation: N, Q, items and norm per group, uncapped and capped P, A, the table version and the times.")
            .Produces<PhaseCalculation>().Produces<PhaseInProgress>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/registration", RegisterAsync)
            .RequireApiKeyForWrites()
            .WithSummary("Register an established seller, so that it does not enter GroeiStart with its next order.")
            .WithDescription("Example: `POST /api/sellers/shop-2/registration` with `X-Api-Key` → 204; 409 when the seller already has orders.")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<IResult> GetPerformanceAsync(string sellerId, IQuerySession session, NormTableCatalog catalog,
        NormPolicy policy, TimeProvider time, CancellationToken ct)
    {
        if (!SellerCommandValidation.IsValidSellerId(sellerId)) return InvalidSellerId(sellerId);
        if (await session.LoadAsync<SellerState>(sellerId, ct) is not { } state) return UnknownSeller(sellerId);

        var closed = await session.Query<ClosedPhase>().Where(p => p.SellerId == sellerId).OrderBy(p => p.Phase).ToListAsync(ct);
        var context = await ContextAsync(catalog, policy, time, ct);
        return TypedResults.Ok(new PerformanceResponse(sellerId, state.Status.ToString(), state.InGroeiStart, context.Policy.PhaseSize,
            [.. state.OpenPhases.Select(p => InProgress(p, context))],
            [.. closed.Select(p => OutcomeMessages.Calculation(p.Verdict))]));
    }

    private static async Task<IResult> GetPhaseAsync(string sellerId, int phase, IQuerySession session, NormTableCatalog catalog,
        NormPolicy policy, TimeProvider time, CancellationToken ct)
    {
        if (!SellerCommandValidation.IsValidSellerId(sellerId)) return InvalidSellerId(sellerId);
        if (await session.LoadAsync<ClosedPhase>(ClosedPhase.KeyOf(sellerId, phase), ct) is { } closed)
            return TypedResults.Ok(OutcomeMessages.Calculation(closed.Verdict));
        if (await session.LoadAsync<SellerState>(sellerId, ct) is not { } state) return UnknownSeller(sellerId);
        return state.Phase(phase) is { } open
            ? TypedResults.Ok(InProgress(open, await ContextAsync(catalog, policy, time, ct)))
            : Problems.NotFound($"Seller '{sellerId}' has no phase {phase}.");
    }

    private static async Task<IResult> RegisterAsync(string sellerId, SellerCommandHandler handler, CancellationToken ct)
    {
        if (!SellerCommandValidation.IsValidSellerId(sellerId)) return InvalidSellerId(sellerId);
        try
        {
            await handler.HandleAsync(new RegisterAsEstablished(sellerId), ct);
            return TypedResults.NoContent();
        }
        catch (DomainRuleException ex)
        {
            return Problems.Conflict(ex.Message);
        }
    }

    private static PhaseInProgress InProgress(PhaseState phase, DecisionContext context)
    {
        var assessment = SellerDecider.Progress(phase, context).Assessment;
        return new PhaseInProgress(phase.Number, phase.IsSettling ? "Settling" : "Open", phase.Orders, phase.Queries, phase.PendingQueries.Count,
            phase.ItemsPerGroup, phase.FirstOrderAt, phase.LastOrderAt, phase.SettlementEndsAt,
            assessment is null ? null : OutcomeMessages.Norm(assessment),
            assessment?.QueryRate, assessment?.QueriesStillAllowed,
            assessment is null ? null : assessment.Exceeded ? "NormExceeded" : "WithinNorm");
    }

    private static async Task<DecisionContext> ContextAsync(NormTableCatalog catalog, NormPolicy policy, TimeProvider time, CancellationToken ct) =>
        new(time.GetUtcNow(), policy, await catalog.GetAsync(ct));

    private static IResult InvalidSellerId(string sellerId) =>
        Problems.Validation([new("sellerId", $"'{sellerId}' is not a seller id (1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-').")]);

    private static IResult UnknownSeller(string sellerId) => Problems.NotFound($"Seller '{sellerId}' has no orders, queries or registration yet.");
}
