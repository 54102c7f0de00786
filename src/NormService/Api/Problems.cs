using NormService.Domain;

namespace NormService.Api;

/// <summary>RFC 9457 problem details for the domain's refusals.</summary>
public static class Problems
{
    public static IResult Validation(IEnumerable<ValidationError> errors) =>
        TypedResults.ValidationProblem(errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: "The request is not valid.");

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: detail);

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The change is not allowed.", detail: detail);
}
