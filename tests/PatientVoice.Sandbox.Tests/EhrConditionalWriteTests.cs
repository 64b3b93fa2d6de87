using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PatientVoice.Sandbox.Tests;

/// <summary>The sandbox EHR with Goal refused (listed, but 422) and QuestionnaireResponse unlisted (not writable).</summary>
public sealed class RefusingSandboxFixture : IDisposable
{
    private readonly SandboxFactory _sandbox = new();

    public RefusingSandboxFixture()
        => Factory = _sandbox.WithWebHostBuilder(b => b.UseSetting("Sandbox:RefusedTypes:0", "Goal").UseSetting("Sandbox:UnlistedTypes:0", "QuestionnaireResponse"));

    public WebApplicationFactory<Program> Factory { get; }

    public HttpClient CreateClient()
        => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(SandboxFactory.EhrUrl) });

    public void Dispose()
    {
        Factory.Dispose();
        _sandbox.Dispose();
    }
}

/// <summary>Conditional create and update on the sandbox EHR (what makes PatientVoice's write-back idempotent), and its refusals.</summary>
public sealed class EhrConditionalWriteTests(RefusingSandboxFixture fixture) : IClassFixture<RefusingSandboxFixture>
{
    private const string Identifier = "http://patientvoice.example.org/fhir/sid/extracted|";

    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task A_conditional_create_sent_twice_creates_one_document()
    {
        var token = await Token();
        var key = Guid.NewGuid().ToString("N");

        var first = await Send(HttpMethod.Post, "/fhir/DocumentReference", Note(key, "first"), token, ifNoneExist: $"identifier={Identifier}{key}");
        var second = await Send(HttpMethod.Post, "/fhir/DocumentReference", Note(key, "first"), token, ifNoneExist: $"identifier={Identifier}{key}");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, await CountAsync("DocumentReference", key, token));
    }

    [Fact]
    public async Task A_conditional_update_creates_once_then_updates_the_same_resource()
    {
        var token = await Token();
        var key = Guid.NewGuid().ToString("N");
        var url = $"/fhir/DocumentReference?identifier={Uri.EscapeDataString(Identifier + key)}";

        var created = await Send(HttpMethod.Put, url, Note(key, "first words"), token);
        var updated = await Send(HttpMethod.Put, url, Note(key, "amended words"), token);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        using var body = JsonDocument.Parse(await updated.Content.ReadAsStringAsync());
        Assert.Equal("2", body.RootElement.GetProperty("meta").GetProperty("versionId").GetString());
        Assert.Equal(1, await CountAsync("DocumentReference", key, token));
    }

    [Fact]
    public async Task The_capability_statement_is_open_and_lists_only_the_writable_types_as_writable()
    {
        var response = await _http.GetAsync("/fhir/metadata");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var resources = json.RootElement.GetProperty("rest")[0].GetProperty("resource").EnumerateArray()
            .ToDictionary(r => r.GetProperty("type").GetString()!, r => r.GetProperty("interaction").EnumerateArray().Select(i => i.GetProperty("code").GetString()).ToList());
        Assert.Contains("create", resources["Goal"]);
        Assert.Contains("update", resources["DocumentReference"]);
        Assert.DoesNotContain("create", resources["QuestionnaireResponse"]);
        Assert.DoesNotContain("create", resources["Patient"]);
    }

    [Fact]
    public async Task A_refused_type_answers_422_with_an_operation_outcome_and_an_unlisted_one_405()
    {
        var token = await Token();
        var goal = """{"resourceType":"Goal","lifecycleStatus":"proposed","description":{"text":"Walk"},"subject":{"reference":"Patient/robert-chen"}}""";
        var response = """{"resourceType":"QuestionnaireResponse","status":"completed","subject":{"reference":"Patient/robert-chen"}}""";

        var refused = await Send(HttpMethod.Post, "/fhir/Goal", goal, token);
        var unlisted = await Send(HttpMethod.Put, "/fhir/QuestionnaireResponse?identifier=x|y", response, token);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("OperationOutcome", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, unlisted.StatusCode);
    }

    private static string Note(string key, string words) => $$$"""
        {"resourceType":"DocumentReference","status":"current","identifier":[{"system":"http://patientvoice.example.org/fhir/sid/extracted","value":"{{{key}}}"}],
         "type":{"coding":[{"system":"http://loinc.org","code":"51855-5"}]},"subject":{"reference":"Patient/robert-chen"},
         "content":[{"attachment":{"contentType":"text/plain","data":"{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(words))}}}"}}]}
        """;

    private async Task<int> CountAsync(string type, string key, string token)
    {
        var response = await Send(HttpMethod.Get, $"/fhir/{type}?identifier={Uri.EscapeDataString(Identifier + key)}", null, token);
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return bundle.RootElement.GetProperty("entry").GetArrayLength();
    }

    private async Task<string> Token()
    {
        var token = await new SmartClient(fixture.CreateClient()).LoginAsync("user/*.cruds", "dr-nguyen");
        return token.GetProperty("access_token").GetString()!;
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? body, string token, string? ifNoneExist = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/fhir+json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (ifNoneExist is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Exist", ifNoneExist);
        }

        return await _http.SendAsync(request);
    }
}
