using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NormService.Domain.Norms;
using NormService.Domain.Sellers;
using NormService.IntegrationTests.Infrastructure;
using NormService.Phases;
using NormService.Sellers;

namespace NormService.IntegrationTests.Api;

/// <summary>The service on a clock the tests move, with no norm table published at start.</summary>
public class ApiFixture : ServiceFixture
{
    public ApiFixture() => FakeTime = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    public DateTimeOffset Now => FakeTime!.GetUtcNow();

    public HttpClient Client(bool withKey = false)
    {
        var client = Factory.CreateClient();
        if (withKey) client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    /// <summary>Drives a seller through the service's own command handler (the same path messages take).</summary>
    public async Task PlaceOrdersAsync(string sellerId, int count, string group = "toys", int firstNumber = 1)
    {
        var handler = Services.GetRequiredService<SellerCommandHandler>();
        for (var i = firstNumber; i < firstNumber + count; i++)
            await handler.HandleAsync(new PlaceOrder(sellerId, $"o{i}", Now, [new OrderLine(group, 1)]), CancellationToken.None);
    }

    public async Task RaiseQueriesAsync(string sellerId, int count)
    {
        var handler = Services.GetRequiredService<SellerCommandHandler>();
        for (var i = 1; i <= count; i++)
            await handler.HandleAsync(new RaiseCustomerQuery(sellerId, $"q{i}-{Guid.NewGuid():N}", null, Now, "chat"), CancellationToken.None);
    }

    public Task<int> RunSettlementTimerAsync() => Services.GetRequiredService<SettlementTimer>().CloseDuePhasesAsync(CancellationToken.None);

    /// <summary>The seller's performance page, asserting it answers 200.</summary>
    public async Task<JsonElement> PerformanceAsync(string sellerId)
    {
        var response = await Client().GetAsync($"/api/sellers/{sellerId}/performance");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static StringContent Json(string json) => new(json, new MediaTypeHeaderValue("application/json"));

    public static StringContent Csv(string csv) => new(csv, new MediaTypeHeaderValue("text/csv"));

    public string CurrentMonth => NormMonth.Of(Now).ToString();
}
