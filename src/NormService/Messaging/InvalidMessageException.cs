using NormService.Domain;

namespace NormService.Messaging;

/// <summary>
/// A message that can never be processed as it is. It is not retried: MassTransit moves it to the
/// endpoint's <c>_error</c> queue with this message in the <c>MT-Fault-Message</c> header.
/// </summary>
public sealed class InvalidMessageException(string messageType, IReadOnlyList<ValidationError> errors)
    : Exception($"Invalid {messageType}: " + string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")))
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}
