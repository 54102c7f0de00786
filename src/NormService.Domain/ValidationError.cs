namespace NormService.Domain;

/// <summary>One problem with an input, named by the field it is about.</summary>
public sealed record ValidationError(string Field, string Message);

/// <summary>Thrown when a domain value is created from invalid input; carries every problem at once.</summary>
public sealed class DomainValidationException(IReadOnlyList<ValidationError> errors)
    : Exception(string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")))
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}

/// <summary>A valid request that the rules do not allow in the current state (e.g. changing a table in force).</summary>
public sealed class DomainRuleException(string message) : Exception(message);
