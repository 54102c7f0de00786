using System.Text.RegularExpressions;

namespace NormService.Domain.Sellers;

/// <summary>
/// What makes an incoming order or query acceptable, shared by every way in (broker and HTTP), so a bad
/// input gets the same clear reason wherever it arrives.
/// </summary>
public static partial class SellerCommandValidation
{
    public const int MaxSellerIdLength = 64;
    public const int MaxIdLength = 128;
    public const int MaxLines = 1_000;
    public const int MaxQuantity = 1_000_000;
    public const int MaxChannelLength = 64;

    /// <summary>How far in the future a timestamp may lie before it is taken for a broken clock or a bad value.</summary>
    public static TimeSpan FutureTolerance { get; } = TimeSpan.FromDays(1);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SellerIdPattern();

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex IdPattern();

    public static IReadOnlyList<ValidationError> Validate(PlaceOrder command, DateTimeOffset now)
    {
        var errors = new List<ValidationError>();
        SellerId(command.SellerId, errors);
        Id("orderId", command.OrderId, errors);
        Moment("placedAt", command.PlacedAt, now, errors);
        if (command.Lines.IsDefaultOrEmpty) errors.Add(new("lines", "An order has at least one line."));
        else if (command.Lines.Length > MaxLines) errors.Add(new("lines", $"An order has at most {MaxLines} lines."));
        else
        {
            for (var i = 0; i < command.Lines.Length; i++)
            {
                var line = command.Lines[i];
                if (line is null) { errors.Add(new($"lines[{i}]", "A line must not be null.")); continue; }
                if (string.IsNullOrWhiteSpace(line.ProductGroup)) errors.Add(new($"lines[{i}].productGroup", "The product group is required."));
                else if (line.ProductGroup.Trim().Length > Norms.NormTable.MaxGroupLength)
                    errors.Add(new($"lines[{i}].productGroup", $"A product group code has at most {Norms.NormTable.MaxGroupLength} characters."));
                if (line.Quantity is < 1 or > MaxQuantity)
                    errors.Add(new($"lines[{i}].quantity", $"The quantity is {line.Quantity}; it must be between 1 and {MaxQuantity}."));
            }
        }
        return errors;
    }

    public static IReadOnlyList<ValidationError> Validate(RaiseCustomerQuery command, DateTimeOffset now)
    {
        var errors = new List<ValidationError>();
        SellerId(command.SellerId, errors);
        Id("queryId", command.QueryId, errors);
        if (command.OrderId is not null) Id("orderId", command.OrderId, errors);
        Moment("raisedAt", command.RaisedAt, now, errors);
        if (command.Channel is { Length: > MaxChannelLength })
            errors.Add(new("channel", $"The channel has at most {MaxChannelLength} characters."));
        return errors;
    }

    public static bool IsValidSellerId(string? sellerId) => sellerId is not null && SellerIdPattern().IsMatch(sellerId);

    private static void SellerId(string? value, List<ValidationError> errors)
    {
        if (string.IsNullOrEmpty(value)) errors.Add(new("sellerId", "The seller id is required."));
        else if (!IsValidSellerId(value))
            errors.Add(new("sellerId", $"The seller id must be 1 to {MaxSellerIdLength} characters of A-Z, a-z, 0-9, '.', '_' or '-'."));
    }

    private static void Id(string field, string? value, List<ValidationError> errors)
    {
        if (string.IsNullOrEmpty(value)) errors.Add(new(field, $"The {field} is required."));
        else if (!IdPattern().IsMatch(value))
            errors.Add(new(field, $"The {field} must be 1 to {MaxIdLength} characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'."));
    }

    private static void Moment(string field, DateTimeOffset value, DateTimeOffset now, List<ValidationError> errors)
    {
        if (value == default) errors.Add(new(field, $"The {field} timestamp is required."));
        else if (value > now + FutureTolerance)
            errors.Add(new(field, $"The {field} timestamp {value:O} lies more than {FutureTolerance.TotalHours:0} hours in the future."));
    }
}
