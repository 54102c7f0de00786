using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace NormService.IntegrationTests.Api;

public class NormTableApiTests(ApiFixture service) : IClassFixture<ApiFixture>
{
    private const string NextMonth = "2027-01";

    [Fact]
    public async Task A_table_published_as_JSON_can_be_read_back()
    {
        var put = await service.Client(withKey: true).PutAsync($"/api/norms/{NextMonth}", ApiFixture.Json("""{"toys":0.04,"electronics":0.08,"default":0.05}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var table = await service.Client().GetFromJsonAsync<JsonElement>($"/api/norms/{NextMonth}");
        Assert.Equal(0.08m, table.GetProperty("norms").GetProperty("electronics").GetDecimal());
        Assert.StartsWith($"{NextMonth}.r", table.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.Contains(await service.Client().GetFromJsonAsync<JsonElement[]>("/api/norms") ?? [], t => t.GetProperty("month").GetString() == NextMonth);
    }

    [Fact]
    public async Task A_table_published_as_CSV_is_read_like_JSON()
    {
        var put = await service.Client(withKey: true).PutAsync("/api/norms/2027-02", ApiFixture.Csv("productGroup,norm\r\ntoys,0.04\nGarden,0.045\ndefault,0.05\n"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var table = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0.045m, table.GetProperty("norms").GetProperty("garden").GetDecimal());
    }

    [Fact]
    public async Task A_future_months_table_can_be_corrected_and_each_correction_is_a_new_revision()
    {
        var client = service.Client(withKey: true);
        await client.PutAsync("/api/norms/2027-03", ApiFixture.Json("""{"toys":0.04,"default":0.05}"""));
        var corrected = await client.PutAsync("/api/norms/2027-03", ApiFixture.Json("""{"toys":0.03,"default":0.05}"""));

        Assert.Equal("2027-03.r2", (await corrected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString());
    }

    [Fact]
    public async Task A_table_in_force_cannot_be_changed()
    {
        var client = service.Client(withKey: true);
        await client.PutAsync($"/api/norms/{service.CurrentMonth}", ApiFixture.Json("""{"toys":0.04,"default":0.05}"""));
        var change = await client.PutAsync($"/api/norms/{service.CurrentMonth}", ApiFixture.Json("""{"toys":0.01,"default":0.05}"""));

        await ProblemAssert.IsAsync(change, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("application/json", """{"toys":0.04}""", "norms.default")]
    [InlineData("application/json", """{"toys":1.5,"default":0.05}""", "norms.toys")]
    [InlineData("application/json", """{"toys":"lots","default":0.05}""", "body")]
    [InlineData("application/json", """not json""", "body")]
    [InlineData("text/csv", "group;norm\ntoys;0.04", "body")]
    [InlineData("text/csv", "productGroup,norm\ntoys,four percent\ndefault,0.05", "line 2")]
    public async Task An_invalid_table_gets_400_problem_details_naming_the_field(string contentType, string body, string field)
    {
        var response = await service.Client(withKey: true).PutAsync("/api/norms/2027-06",
            new StringContent(body, new System.Net.Http.Headers.MediaTypeHeaderValue(contentType)));

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem}");
    }

    [Fact]
    public async Task A_table_in_another_format_gets_415()
    {
        var response = await service.Client(withKey: true).PutAsync("/api/norms/2027-06",
            new StringContent("toys=0.04", new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain")));
        await ProblemAssert.IsAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("2027-13")]
    [InlineData("january")]
    public async Task A_malformed_month_gets_400(string month)
    {
        await ProblemAssert.IsAsync(await service.Client().GetAsync($"/api/norms/{month}"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsAsync(await service.Client(withKey: true).PutAsync($"/api/norms/{month}", ApiFixture.Json("""{"default":0.05}""")), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_month_without_a_table_gets_404()
    {
        await ProblemAssert.IsAsync(await service.Client().GetAsync("/api/norms/1999-01"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData("")]
    public async Task Publishing_without_the_right_API_key_is_refused(string? key)
    {
        var client = service.Client();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        var response = await client.PutAsync("/api/norms/2027-09", ApiFixture.Json("""{"default":0.05}"""));

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized);
        await ProblemAssert.IsAsync(await service.Client().GetAsync("/api/norms/2027-09"), HttpStatusCode.NotFound); // nothing was stored
    }
}
