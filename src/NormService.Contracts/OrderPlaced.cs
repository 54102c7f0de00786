namespace NormService.Contracts;

/// <summary>
/// In: an order was placed with a seller. Published by the upstream order systems to the
/// <c>normservice.order-placed</c> exchange (fanout), enveloped by MassTransit or as a bare JSON body
/// (<c>content_type: application/json</c>, camelCase fields).
/// </summary>
public sealed record OrderPlaced
{
    /// <summary>Unique id of the order (1–128 of <c>[A-Za-z0-9._:-]</c>). A second message with the same id changes nothing.</summary>
    public string OrderId { get; init; } = "";

    /// <summary>The seller (1–64 of <c>[A-Za-z0-9._-]</c>).</summary>
    public string SellerId { get; init; } = "";

    /// <summary>When the customer placed the order (ISO 8601 with offset). At most one day in the future.</summary>
    public DateTimeOffset PlacedAt { get; init; }

    /// <summary>One or more lines; the personal norm weighs product groups by their items.</summary>
    public IReadOnlyList<OrderLine> Lines { get; init; } = [];
}

/// <summary>One line of an order.</summary>
public sealed record OrderLine
{
    /// <summary>Product group code (1–64 characters, compared case-insensitively); groups the norm table does not list take its <c>default</c>.</summary>
    public string ProductGroup { get; init; } = "";

    /// <summary>Items of this group on the line, at least 1.</summary>
    public int Quantity { get; init; }
}
