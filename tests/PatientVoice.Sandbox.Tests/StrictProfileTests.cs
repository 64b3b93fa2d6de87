using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PatientVoice.Sandbox.Tests;

/// <summary>The sandbox with <c>Sandbox:Profile=strict</c>: a cautious production EHR.</summary>
public sealed class StrictSandboxFixture : IDisposable
{
    private readonly SandboxFactory _sandbox = new();

    public StrictSandboxFixture()
        => Factory = _sandbox.WithWebHostBuilder(b => b.UseSetting("Sandbox:Profile", "strict"));

    public WebApplicationFactory<Program> Factory { get; }

    public HttpClient CreateClient()
        => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(SandboxFactory.EhrUrl) });

    public void Dispose()
    {
        Factory.Dispose();
        _sandbox.Dispose();
    }
}

/// <summary>What the strict profile says no to, and what it says instead (sandbox/README.md, "Profiles").</summary>
public sealed class StrictProfileTests(StrictSandboxFixture fixture) : IClassFixture<StrictSandboxFixture>
{
    private readonly SmartClient _client = new(fixture.CreateClient());

    [Fact]
    public async Task Discovery_speaks_smart_v1_only_and_names_no_wildcard()
    {
        using var json = JsonDocument.Parse(await fixture.CreateClient().GetStringAsync("/fhir/.well-known/smart-configuration"));
        var capabilities = json.RootElement.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToList();
        var scopes = json.RootElement.GetProperty("scopes_supported").EnumerateArray().Select(c => c.GetString()!).ToList();

        Assert.DoesNotContain("permission-v2", capabilities);
        Assert.Contains("permission-v1", capabilities);
        Assert.Contains("patient/Appointment.read", scopes);
        Assert.DoesNotContain(scopes, s => s.Contains('*', StringComparison.Ordinal) || s.EndsWith(".rs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("openid fhirUser launch/patient patient/*.read")]
    [InlineData("openid fhirUser launch/patient patient/*.rs")]
    [InlineData("openid fhirUser launch/patient patient/Patient.read user/*.*")]
    public async Task A_wildcard_resource_scope_is_invalid_scope(string scope)
    {
        var (status, _, back) = await _client.AuthorizeAsync(_client.AuthorizeParameters(scope, "linda-johnson"));

        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal("invalid_scope", back.GetValueOrDefault("error"));
    }

    [Fact]
    public async Task A_clinicians_launch_gets_no_offline_access_and_online_access_works()
    {
        var refused = await _client.CreateLaunchAsync(new { patient = "robert-chen", user = "dr-silva" });
        var (_, _, back) = await _client.AuthorizeAsync(_client.AuthorizeParameters("launch openid fhirUser offline_access user/Patient.read", "dr-silva", refused));
        Assert.Equal("invalid_scope", back.GetValueOrDefault("error"));

        var launch = await _client.CreateLaunchAsync(new { patient = "robert-chen", user = "dr-silva" });
        var token = await _client.LoginAsync("launch openid fhirUser online_access user/Patient.read user/Appointment.read", "dr-silva", launch);

        Assert.InRange(token.GetProperty("expires_in").GetInt32(), 1, 300); // five minutes at most
        Assert.False(token.GetProperty("need_patient_banner").GetBoolean());
        Assert.True(token.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task A_patient_facing_launch_needs_the_patient_banner_whatever_the_launch_said()
    {
        var launch = await _client.CreateLaunchAsync(new { patient = "rosa-hernandez", user = "miguel-hernandez", needPatientBanner = false });

        var token = await _client.LoginAsync("launch openid fhirUser offline_access patient/Patient.read", "miguel-hernandez", launch);

        Assert.True(token.GetProperty("need_patient_banner").GetBoolean());
        Assert.Equal("rosa-hernandez", token.GetProperty("patient").GetString());
    }

    [Fact]
    public async Task A_launch_value_opens_the_app_once()
    {
        var launch = await _client.CreateLaunchAsync(new { patient = "grace-williams", user = "grace-williams" });
        await _client.LoginAsync("launch openid fhirUser patient/Patient.read", "grace-williams", launch);

        var (status, _, back) = await _client.AuthorizeAsync(_client.AuthorizeParameters("launch openid fhirUser patient/Patient.read", "grace-williams", launch));

        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal("invalid_request", back.GetValueOrDefault("error"));
    }

    [Theory]
    [InlineData("Goal", """{"resourceType":"Goal","lifecycleStatus":"proposed","description":{"text":"Walk to the park"},"subject":{"reference":"Patient/james-okafor"}}""")]
    [InlineData("QuestionnaireResponse", """{"resourceType":"QuestionnaireResponse","status":"completed","subject":{"reference":"Patient/james-okafor"}}""")]
    public async Task QuestionnaireResponse_and_Goal_writes_are_refused_with_an_operation_outcome(string type, string body)
    {
        var token = await _client.LoginAsync("openid fhirUser launch/patient patient/Goal.write patient/QuestionnaireResponse.write", "james-okafor");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/" + type) { Content = new StringContent(body, Encoding.UTF8, "application/fhir+json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("access_token").GetString());

        using var response = await fixture.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("OperationOutcome", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
