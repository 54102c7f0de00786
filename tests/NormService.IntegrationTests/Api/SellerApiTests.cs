using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NormService.IntegrationTests.Infrastructure;

namespace NormService.IntegrationTests.Api;

/// <summary>The performance page, phases and registration.</summary>
public class SellerApiTests(ApiFixture service) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_current_phase_shows_P_A_the_rate_the_queries_still_allowed_and_the_verdict_if_it_closed_now()
    {
        await service.PublishNormTableAsync("2026-11", ("toys", 0.04m), ("default", 0.05m)); // in force from November on
        var sellerId = ServiceFixture.NewSellerId();
        await service.PlaceOrdersAsync(sellerId, 50, "toys");
        await service.RaiseQueriesAsync(sellerId, 4);

        var phase = (await service.PerformanceAsync(sellerId)).GetProperty("phasesInProgress")[0];
        // 50 toys: P = 4%, P × N = 2, A = max(3, 2) = 3, Q = 4: exceeded if it closed now
        Assert.Equal((0.04m, 3m), (phase.GetProperty("norm").GetProperty("personalNorm").GetDecimal(), phase.GetProperty("norm").GetProperty("allowedQueries").GetDecimal()));
        Assert.Equal((0.08m, 0m, "NormExceeded"), (phase.GetProperty("queryRate").GetDecimal(), phase.GetProperty("queriesStillAllowed").GetDecimal(), phase.GetProperty("projectedVerdict").GetString()));
        Assert.Equal(50, phase.GetProperty("itemsPerGroup").GetProperty("toys").GetInt32());

        var open = await service.Client().GetFromJsonAsync<JsonElement>($"/api/sellers/{sellerId}/phases/1");
        Assert.Equal(50, open.GetProperty("orders").GetInt32());
        await ProblemAssert.IsAsync(await service.Client().GetAsync($"/api/sellers/{sellerId}/phases/7"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_established_seller_registered_before_its_first_order_never_enters_GroeiStart()
    {
        var sellerId = ServiceFixture.NewSellerId();
        var response = await service.Client(withKey: true).PostAsync($"/api/sellers/{sellerId}/registration", null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await service.PlaceOrdersAsync(sellerId, 3);

        var page = await service.PerformanceAsync(sellerId);
        Assert.Equal(("Established", false, 0), (page.GetProperty("status").GetString(), page.GetProperty("inGroeiStart").GetBoolean(),
            page.GetProperty("phasesInProgress").GetArrayLength()));
    }

    [Fact]
    public async Task A_seller_with_orders_cannot_be_registered_as_established()
    {
        var sellerId = ServiceFixture.NewSellerId();
        await service.PlaceOrdersAsync(sellerId, 1);
        await ProblemAssert.IsAsync(await service.Client(withKey: true).PostAsync($"/api/sellers/{sellerId}/registration", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Registration_needs_the_API_key()
    {
        await ProblemAssert.IsAsync(await service.Client().PostAsync($"/api/sellers/{ServiceFixture.NewSellerId()}/registration", null), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_unknown_seller_gets_404()
    {
        await ProblemAssert.IsAsync(await service.Client().GetAsync($"/api/sellers/{ServiceFixture.NewSellerId()}/performance"), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await service.Client().GetAsync($"/api/sellers/{ServiceFixture.NewSellerId()}/phases/1"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("has%20space")]
    [InlineData("sellersellersellersellersellersellersellersellersellersellerseller")] // 66 characters
    public async Task A_malformed_seller_id_gets_400(string sellerId)
    {
        await ProblemAssert.IsAsync(await service.Client().GetAsync($"/api/sellers/{sellerId}/performance"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsAsync(await service.Client(withKey: true).PostAsync($"/api/sellers/{sellerId}/registration", null), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_OpenAPI_document_and_its_UI_are_served()
    {
        var document = await service.Client().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/norms/{month}", "/api/norm-calculator", "/api/sellers/{sellerId}/performance", "/api/sellers/{sellerId}/registration" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        var ui = await service.Client().GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }
}

/// <summary>A class of its own: its fixture has no norm table until the test publishes one, and its clock moves.</summary>
public class WaitingForNormTableTests(ApiFixture service) : IClassFixture<ApiFixture>
{
    // One test, because the fixture's clock and its norm tables are shared: the steps depend on each other.
    [Fact]
    public async Task A_phase_waiting_for_a_norm_table_closes_once_one_is_published_and_the_page_shows_every_step()
    {
        var sellerId = ServiceFixture.NewSellerId();
        await service.PlaceOrdersAsync(sellerId, 60, "toys");
        await service.RaiseQueriesAsync(sellerId, 2);

        // In progress, no table in force yet: counts without a norm.
        var page = await service.PerformanceAsync(sellerId);
        var phase = page.GetProperty("phasesInProgress")[0];
        Assert.Equal(("InGroeiStart", "Open", 60, 2), (page.GetProperty("status").GetString(), phase.GetProperty("state").GetString(),
            phase.GetProperty("orders").GetInt32(), phase.GetProperty("queries").GetInt32()));
        Assert.Equal(JsonValueKind.Null, phase.GetProperty("norm").ValueKind);

        await service.PlaceOrdersAsync(sellerId, 40, "electronics", firstNumber: 61);
        service.FakeTime!.Advance(TimeSpan.FromDays(8));
        Assert.Equal(0, await service.RunSettlementTimerAsync()); // due, but no table in force: it waits
        Assert.Equal("Settling", (await service.PerformanceAsync(sellerId)).GetProperty("phasesInProgress")[0].GetProperty("state").GetString());

        // Publishing the table wakes the waiting phase.
        var put = await service.Client(withKey: true).PutAsync($"/api/norms/{service.CurrentMonth}", ApiFixture.Json("""{"toys":0.04,"electronics":0.08,"default":0.05}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        page = await service.PerformanceAsync(sellerId);
        Assert.Equal("GroeiStartCompleted", page.GetProperty("status").GetString());
        var closed = Assert.Single(page.GetProperty("closedPhases").EnumerateArray());
        // P = (60 × 4% + 40 × 8%) / 100 = 5.6%, A = 5.6, Q = 2
        Assert.Equal((1, 100, 2, false), (closed.GetProperty("phase").GetInt32(), closed.GetProperty("orders").GetInt32(),
            closed.GetProperty("queries").GetInt32(), closed.GetProperty("exceeded").GetBoolean()));
        Assert.Equal(0.056m, closed.GetProperty("norm").GetProperty("personalNorm").GetDecimal());

        var byNumber = await service.Client().GetFromJsonAsync<JsonElement>($"/api/sellers/{sellerId}/phases/1");
        Assert.Equal(5.6m, byNumber.GetProperty("norm").GetProperty("allowedQueries").GetDecimal());
    }
}

/// <summary>Reads switched to require the key.</summary>
public sealed class ClosedReadsFixture : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["NormService:Api:RequireKeyForReads"] = "true" };
}

public class ClosedReadsTests(ClosedReadsFixture service) : IClassFixture<ClosedReadsFixture>
{
    [Fact]
    public async Task When_reads_require_the_key_a_read_without_it_is_refused_and_with_it_allowed()
    {
        await ProblemAssert.IsAsync(await service.Client().GetAsync("/api/norms"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await service.Client(withKey: true).GetAsync("/api/norms")).StatusCode);
    }
}
