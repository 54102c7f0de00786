using System.Globalization;
using System.Text.Json;
using NormService.Api;
using NormService.Domain;
using NormService.Domain.Norms;
using NormService.Infrastructure;
using NormService.Phases;

namespace NormService.Norms;

/// <summary>Monthly norm tables: publish (JSON or CSV), list, read.</summary>
public static class NormTableEndpoints
{
    public sealed record NormTableResponse(string Month, int Revision, string Version, IReadOnlyDictionary<string, decimal> Norms, DateTimeOffset PublishedAt)
    {
        public static NormTableResponse From(StoredNormTable t) =>
            new(t.Id, t.Revision, $"{t.Id}.r{t.Revision}", new SortedDictionary<string, decimal>(t.Norms, StringComparer.Ordinal), t.PublishedAt);
    }

    public static IEndpointRouteBuilder MapNormTables(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/norms").WithTags("Norm tables");

        group.MapGet("/", async (NormTableStore tables, CancellationToken ct) =>
                TypedResults.Ok((await tables.AllAsync(ct)).Select(NormTableResponse.From).ToList()))
            .RequireApiKeyForReadsWhenConfigured()
            .WithSummary("Every published norm table, newest revision per month.")
            .WithDescription("Example: `GET /api/norms` → `[{ \"month\": \"2026-12\", \"revision\": 1, \"version\": \"2026-12.r1\", \"norms\": { \"default\": 0.05, \"toys\": 0.04 }, \"publishedAt\": \"2026-11-20T09:00:00Z\" }]`.");

        group.MapGet("/{month}", async (string month, NormTableStore tables, CancellationToken ct) =>
                !NormMonth.TryParse(month, out var m) ? Problems.Validation([new("month", $"'{month}' is not a month in the form yyyy-MM.")])
                : await tables.FindAsync(m, ct) is { } table ? TypedResults.Ok(NormTableResponse.From(table))
                : Problems.NotFound($"No norm table has been published for {month}."))
            .RequireApiKeyForReadsWhenConfigured()
            .WithSummary("One month's norm table.")
            .WithDescription("Example: `GET /api/norms/2026-12` → `{ \"month\": \"2026-12\", \"version\": \"2026-12.r1\", \"norms\": { \"default\": 0.05, \"electronics\": 0.08, \"toys\": 0.04 } }`; 404 when none was published.")
            .Produces<NormTableResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/{month}", PublishAsync)
            .RequireApiKeyForWrites()
            .Accepts<Dictionary<string, decimal>>("application/json", "text/csv")
            .WithSummary("Publish or correct a month's table (correctable until the month starts).")
            .WithDescription("""
                JSON: `{ "toys": 0.04, "electronics": 0.08, "default": 0.05 }`.
                CSV (`text/csv`): a `productGroup,norm` header, then one row per group, including `default`.
                Every norm lies in (0, 1]. Publishing wakes phases that were waiting for a table.
                """)
            .Produces<NormTableResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<IResult> PublishAsync(string month, HttpRequest request, NormTableStore tables, SettlementTimer settlement, CancellationToken ct)
    {
        if (!NormMonth.TryParse(month, out var m)) return Problems.Validation([new("month", $"'{month}' is not a month in the form yyyy-MM.")]);

        var (norms, errors) = await ReadNormsAsync(request, ct);
        if (errors.Count > 0) return Problems.Validation(errors);
        try
        {
            var published = await tables.PublishAsync(m, norms!, ct);
            if (published is not null) await settlement.CloseDuePhasesAsync(ct); // wake phases waiting for a table
            return TypedResults.Ok(NormTableResponse.From((await tables.FindAsync(m, ct))!));
        }
        catch (DomainValidationException ex)
        {
            return Problems.Validation(ex.Errors);
        }
        catch (DomainRuleException ex)
        {
            return Problems.Conflict(ex.Message);
        }
        catch (Exception ex) when (ex is JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            return Problems.Conflict($"The table for {month} was changed at the same time; read it and try again.");
        }
    }

    private static async Task<(List<KeyValuePair<string, decimal>>? Norms, List<ValidationError> Errors)> ReadNormsAsync(HttpRequest request, CancellationToken ct)
    {
        var contentType = request.ContentType ?? "";
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(ct);
        if (contentType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase)) return ParseCsv(body);
        if (!contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, [new("body", "Send the table as application/json or text/csv.")]);
        try
        {
            var norms = JsonSerializer.Deserialize<Dictionary<string, decimal>>(body);
            return norms is null ? (null, [new("body", "The body holds no table.")]) : ([.. norms], []);
        }
        catch (JsonException ex)
        {
            return (null, [new("body", $"The body is not a JSON object of product group to norm: {ex.Message}")]);
        }
    }

    private static (List<KeyValuePair<string, decimal>>?, List<ValidationError>) ParseCsv(string body)
    {
        var lines = body.Split('\n').Select(l => l.Trim('\r', ' ')).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0 || !lines[0].Replace(" ", "", StringComparison.Ordinal).Equals("productGroup,norm", StringComparison.OrdinalIgnoreCase))
            return (null, [new("body", "The CSV starts with the header 'productGroup,norm'.")]);
        var norms = new List<KeyValuePair<string, decimal>>();
        var errors = new List<ValidationError>();
        for (var i = 1; i < lines.Count; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != 2 || !decimal.TryParse(cells[1].Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var norm))
                errors.Add(new($"line {i + 1}", $"'{lines[i]}' is not 'productGroup,norm' with a decimal norm such as 0.04."));
            else norms.Add(new(cells[0].Trim(), norm));
        }
        return errors.Count > 0 ? (null, errors) : (norms, errors);
    }
}
