using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace NormService.Api;

/// <summary>Settings of the <c>NormService:Api</c> section.</summary>
public sealed class ApiOptions
{
    public const string Section = "NormService:Api";
    public const string HeaderName = "X-Api-Key";

    /// <summary>The secret write requests must present in <c>X-Api-Key</c>. Empty: every write is refused.</summary>
    public string Key { get; set; } = "";

    /// <summary>Whether reads need the key too (off: the performance page and norm tables are public).</summary>
    public bool RequireKeyForReads { get; set; }
}

/// <summary>Checks <c>X-Api-Key</c> in constant time, so the comparison leaks nothing about the key.</summary>
public sealed class ApiKeyFilter(IOptionsMonitor<ApiOptions> options, bool isWrite) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var settings = options.CurrentValue;
        if (!isWrite && !settings.RequireKeyForReads) return await next(context);

        var presented = context.HttpContext.Request.Headers[ApiOptions.HeaderName].ToString();
        if (settings.Key.Length == 0 || !FixedTimeEquals(presented, settings.Key))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "A valid API key is required.",
                detail: $"Send the configured key in the {ApiOptions.HeaderName} header.");
        }
        return await next(context);
    }

    private static bool FixedTimeEquals(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}

public static class ApiKeyEndpointExtensions
{
    public static TBuilder RequireApiKeyForWrites<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((context, next) =>
        {
            var filter = new ApiKeyFilter(context.ApplicationServices.GetRequiredService<IOptionsMonitor<ApiOptions>>(), isWrite: true);
            return invocation => filter.InvokeAsync(invocation, next);
        });

    public static TBuilder RequireApiKeyForReadsWhenConfigured<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((context, next) =>
        {
            var filter = new ApiKeyFilter(context.ApplicationServices.GetRequiredService<IOptionsMonitor<ApiOptions>>(), isWrite: false);
            return invocation => filter.InvokeAsync(invocation, next);
        });
}
