using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace NormService.IntegrationTests.Api;

/// <summary>Bad bodies, paths and headers against every endpoint: always a 4xx problem, never a 5xx; writes need the key.</summary>
public class HttpFuzzTests(ApiFixture service) : IClassFixture<ApiFixture>
{
    private static readonly string[] Bodies =
    [
        "", "null", "[]", "{}", "\"text\"", "42", "{", "}", "{\"items\":", "{\"items\":null}", "{\"items\":{\"toys\":1e400}}",
        "{\"items\":{\"toys\":2147483648}}", "{\"items\":{\"\":1}}", "{\"items\":{\"toys\":1},\"orders\":-5,\"queries\":\"x\"}",
        "{\"toys\":-1,\"default\":2}", "{\"toys\":0.04}", "{\"default\":\"0.05\"}", "{\"default\":1e-30}", "{\"a\":{\"b\":[1,2,{}]}}",
        "productGroup,norm\n,0.1", "productGroup,norm\ndefault,0.05,extra", "\u0000\u0001\u0002", new string('x', 200_000),
        "{\"items\":{" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"\"g{i}\":1")) + "}}",
        "{\"month\":\"9999-99\",\"items\":{\"toys\":1}}", "{\"items\":{\"toys\":1},\"month\":null}",
    ];

    private static readonly string[] ContentTypes = ["application/json", "text/csv", "text/plain", "application/xml", "application/json; charset=latin1", ""];

    private static readonly string[] BadSegments =
    [
        // (No %00: the in-memory test host refuses to build such a request; Kestrel answers it with 400 itself.)
        "..", "%2e%2e%2f", "' OR 1=1 --", "<script>", new string('s', 300), "%F0%9F%92%A9", "null", "-1", "99999999999999999999", "2026-00", "%ZZ",
    ];

    [Fact]
    public async Task No_bad_body_content_type_or_key_gets_a_server_error()
    {
        var failures = new List<string>();
        foreach (var (method, path) in new[] { ("PUT", "/api/norms/2027-05"), ("POST", "/api/norm-calculator"), ("POST", "/api/sellers/fuzz-1/registration") })
        foreach (var body in Bodies)
        foreach (var contentType in ContentTypes)
        foreach (var key in new[] { ApiFixture.ApiKey, "wrong", null })
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
            if (contentType.Length > 0) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            if (key is not null) request.Headers.TryAddWithoutValidation("X-Api-Key", key);
            var status = await Check(request, $"{method} {path} [{contentType}] key={key ?? "none"} body={Shorten(body)}", failures);
            // The calculator computes and stores nothing; the other two write, and refuse a missing or wrong key
            // whatever the body: 401, or 415 when routing already refuses the media type (before any filter runs).
            var refusedMediaType = status == HttpStatusCode.UnsupportedMediaType && !contentType.StartsWith("application/json", StringComparison.Ordinal) && contentType != "text/csv";
            if (key != ApiFixture.ApiKey && path != "/api/norm-calculator" && status != HttpStatusCode.Unauthorized && !refusedMediaType)
                failures.Add($"{(int)status} for a write without a valid key: {method} {path} [{contentType}] key={key ?? "none"} body={Shorten(body)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public async Task No_bad_path_or_header_gets_a_server_error()
    {
        var failures = new List<string>();
        foreach (var segment in BadSegments)
        foreach (var template in new[] { "/api/norms/{0}", "/api/sellers/{0}/performance", "/api/sellers/{0}/phases/1", "/api/sellers/shop/phases/{0}", "/api/sellers/{0}/registration" })
        {
            var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, segment);
            foreach (var method in new[] { "GET", "POST", "PUT", "DELETE" })
            {
                var request = new HttpRequestMessage(new HttpMethod(method), path);
                request.Headers.TryAddWithoutValidation("X-Api-Key", new string('k', 10_000));
                request.Headers.TryAddWithoutValidation("Accept", "application/x-nonsense");
                await Check(request, $"{method} {path}", failures);
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    private async Task<HttpStatusCode> Check(HttpRequestMessage request, string what, List<string> failures)
    {
        using var response = await service.Client().SendAsync(request);
        var status = (int)response.StatusCode;
        if (status >= 500)
            failures.Add($"{status} for {what}: {Shorten(await response.Content.ReadAsStringAsync())}");
        else if (status >= 400 && response.StatusCode != HttpStatusCode.NotFound && response.StatusCode != HttpStatusCode.MethodNotAllowed
                 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            failures.Add($"{status} without problem details for {what}");
        return response.StatusCode;
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
