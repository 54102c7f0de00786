using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace NormService.IntegrationTests.Api;

/// <summary>The norm calculator against rules.md's worked examples (norms: toys 4%, electronics 8%, home 5%, default 5%).</summary>
public class CalculatorApiTests(ApiFixture service) : IClassFixture<ApiFixture>, IAsyncLifetime
{
    public async Task InitializeAsync() =>
        await service.PublishNormTableAsync("2026-12", ("toys", 0.04m), ("electronics", 0.08m), ("home", 0.05m), ("jewellery", 0.20m), ("books", 0.015m), ("default", 0.05m));

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonElement> Calculate(string body)
    {
        var response = await service.Client().PostAsync("/api/norm-calculator", ApiFixture.Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(6, true)]
    public async Task Example1_60_toys_30_electronics_10_home_items_give_5_3_percent(int queries, bool exceeded)
    {
        var result = await Calculate($$"""{"items":{"toys":60,"electronics":30,"home":10},"orders":100,"queries":{{queries}}}""");
        Assert.Equal((0.053m, 5.3m), (result.GetProperty("norm").GetProperty("personalNorm").GetDecimal(), result.GetProperty("norm").GetProperty("allowedQueries").GetDecimal()));
        Assert.Equal(exceeded, result.GetProperty("exceeded").GetBoolean());
        Assert.Equal(3, result.GetProperty("norm").GetProperty("groups").GetArrayLength());
    }

    [Fact]
    public async Task Example2_is_capped_at_15_percent()
    {
        var norm = (await Calculate("""{"items":{"jewellery":100}}""")).GetProperty("norm");
        Assert.Equal((0.20m, 0.15m, 15m), (norm.GetProperty("uncappedNorm").GetDecimal(), norm.GetProperty("personalNorm").GetDecimal(), norm.GetProperty("allowedQueries").GetDecimal()));
    }

    [Fact]
    public async Task Example3_allows_at_least_3_queries()
    {
        Assert.Equal(3m, (await Calculate("""{"items":{"books":100}}""")).GetProperty("norm").GetProperty("allowedQueries").GetDecimal());
    }

    [Fact]
    public async Task Example4_weighs_items_not_orders()
    {
        Assert.Equal(0.05m, (await Calculate("""{"items":{"toys":150,"electronics":50},"orders":100}""")).GetProperty("norm").GetProperty("personalNorm").GetDecimal());
    }

    [Theory]
    [InlineData("""{"items":{}}""", "items")]
    [InlineData("""{"items":{"toys":-1}}""", "items.toys")]
    [InlineData("""{"items":{"toys":1},"orders":0}""", "orders")]
    [InlineData("""{"items":{"toys":1},"queries":-2}""", "queries")]
    [InlineData("""{"items":{"toys":1},"month":"12-2026"}""", "month")]
    public async Task An_invalid_calculation_gets_400_naming_the_field(string body, string field)
    {
        var problem = await ProblemAssert.IsAsync(await service.Client().PostAsync("/api/norm-calculator", ApiFixture.Json(body)), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("""{"items":""")]
    [InlineData("""{"items":{"toys":"many"}}""")]
    public async Task An_unreadable_body_gets_400_not_500(string body)
    {
        await ProblemAssert.IsAsync(await service.Client().PostAsync("/api/norm-calculator", ApiFixture.Json(body)), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_month_without_a_table_gets_404()
    {
        await ProblemAssert.IsAsync(await service.Client().PostAsync("/api/norm-calculator", ApiFixture.Json("""{"items":{"toys":1},"month":"2020-01"}""")), HttpStatusCode.NotFound);
    }
}
