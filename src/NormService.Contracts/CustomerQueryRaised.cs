namespace NormService.Contracts;

/// <summary>
/// In: a customer asked the seller a question (a new conversation; follow-ups are not new queries).
/// Published to the <c>normservice.customer-query-raised</c> exchange.
/// </summary>
public sealed record CustomerQueryRaised
{
    /// <summary>Unique id of the query (1–128 of <c>[A-Za-z0-9._:-]</c>). A second message with the same id changes nothing.</summary>
    public string QueryId { get; init; } = "";

    /// <summary>The seller the query is about.</summary>
    public string SellerId { get; init; } = "";

    /// <summary>The order the query is about, when known: it then counts in that order's phase.</summary>
    public string? OrderId { get; init; }

    /// <summary>When the customer raised the query (ISO 8601 with offset).</summary>
    public DateTimeOffset RaisedAt { get; init; }

    /// <summary>Where it came in (e.g. <c>chat</c>, <c>mail</c>, <c>phone</c>), at most 64 characters; informational.</summary>
    public string? Channel { get; init; }
}
