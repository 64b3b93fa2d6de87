using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Testing;

namespace PatientVoice.Sandbox.Tests;

/// <summary>
/// A CDS service written for the tests, over real HTTP: its discovery lists a patient-view service with prefetch;
/// the service checks each call's JWT against the EHR's published JWKS as CDS Hooks 2.0 asks, records what it got,
/// and answers a card built from the prefetch, with a SMART link. A second service never answers in time.
/// </summary>
public sealed class CdsHooksFixture : IAsyncLifetime
{
    public const string ServiceId = "patient-voice-test";

    private readonly int _ehrPort = FreePort.Next();
    private TestHttpServer? _service;

    public KestrelSandbox Sandbox { get; private set; } = null!;

    public string ServiceBase => _service!.BaseUrl + "/cds-services";

    public string SmartAppUrl => _service!.BaseUrl + "/smart-app/launch";

    /// <summary>Each hook call the service received: its body and what the JWT check found ("ok" or why not).</summary>
    public ConcurrentQueue<(JsonElement Body, string JwtCheck)> Calls { get; } = new();

    private readonly ConcurrentDictionary<string, bool> _seenJti = new();

    public async Task InitializeAsync()
    {
        var ehr = $"http://127.0.0.1:{_ehrPort}";
        _service = await TestHttpServer.StartAsync(app =>
        {
            app.MapGet("/cds-services", () => Results.Json(new
            {
                services = new object[]
                {
                    new
                    {
                        hook = "patient-view",
                        id = ServiceId,
                        title = "What the patient said",
                        description = "test service",
                        prefetch = new Dictionary<string, string>
                        {
                            ["patient"] = "Patient/{{context.patientId}}",
                            ["conditions"] = "Condition?patient={{context.patientId}}",
                            ["user"] = "{{context.userId}}",
                            ["unanswerable"] = "Patient/{{context.nothingLikeThis}}",
                        },
                    },
                    new { hook = "order-select", id = "not-called", title = "other hook", description = "never called on a chart" },
                },
            }));
            app.MapPost("/cds-services/" + ServiceId, async (HttpContext http) =>
            {
                using var body = await JsonDocument.ParseAsync(http.Request.Body);
                var check = await CheckJwtAsync(http.Request.Headers.Authorization.ToString(), ehr, ServiceBase + "/" + ServiceId);
                Calls.Enqueue((body.RootElement.Clone(), check));
                if (check != "ok")
                {
                    return Results.Unauthorized();
                }

                var prefetch = body.RootElement.GetProperty("prefetch");
                var conditions = prefetch.GetProperty("conditions").GetProperty("entry").GetArrayLength();
                var family = prefetch.GetProperty("patient").GetProperty("name")[0].GetProperty("family").GetString();
                return Results.Json(new
                {
                    cards = new object[]
                    {
                        new
                        {
                            uuid = Guid.NewGuid().ToString(),
                            summary = $"{family}: {conditions} condition(s) in the prefetch",
                            detail = "Ask about **her goals** first.<script>alert(1)</script>",
                            indicator = "info",
                            source = new { label = "Test CDS service" },
                            links = new object[]
                            {
                                new { label = "Open the test app", url = SmartAppUrl, type = "smart" },
                                new { label = "Guideline", url = "https://example.org/guideline", type = "absolute" },
                            },
                        },
                    },
                });
            });
            // A service that answers too late: the chart must not wait for it.
            app.MapGet("/slow/cds-services", async (CancellationToken cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(20), cancellationToken);
                return Results.Json(new { services = Array.Empty<object>() });
            });
        });
        Sandbox = new KestrelSandbox(_ehrPort, new Dictionary<string, string>
        {
            ["Sandbox:CdsServices:0"] = ServiceBase,
            ["Sandbox:CdsServices:1"] = _service.BaseUrl + "/slow/cds-services",
            ["Sandbox:CdsServices:2"] = $"http://127.0.0.1:{FreePort.Next()}/cds-services",
            ["Sandbox:CdsHooksTimeout"] = "00:00:02",
        });
    }

    /// <summary>What a CDS service does with the Authorization header: a JWT from a trusted EHR, checked against that EHR's JWKS.</summary>
    private async Task<string> CheckJwtAsync(string authorization, string trustedIssuer, string serviceUrl)
    {
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return "no bearer JWT";
        }

        var jwt = new JsonWebToken(authorization["Bearer ".Length..]);
        if (jwt.Alg is not ("ES384" or "RS384") || string.IsNullOrEmpty(jwt.Kid))
        {
            return $"header alg {jwt.Alg}, kid '{jwt.Kid}'";
        }

        using var http = new HttpClient();
        // Trust is configured: the JWKS of the trusted issuer, not whatever jku the token names.
        var jwks = new JsonWebKeySet(await http.GetStringAsync(trustedIssuer + "/cds-hooks/jwks"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = trustedIssuer,
            ValidAudience = serviceUrl,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ClockSkew = TimeSpan.Zero,
        });
        if (!result.IsValid)
        {
            return "invalid: " + result.Exception?.Message;
        }

        if (jwt.ValidTo - jwt.IssuedAt > TimeSpan.FromMinutes(5))
        {
            return "exp more than five minutes after iat";
        }

        return string.IsNullOrEmpty(jwt.Id) ? "no jti" : _seenJti.TryAdd(jwt.Id, true) ? "ok" : "replayed jti";
    }

    public async Task DisposeAsync()
    {
        Sandbox.Dispose();
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }
}

public sealed partial class CdsHooksTests(CdsHooksFixture fixture) : IClassFixture<CdsHooksFixture>
{
    [Fact]
    public async Task Opening_a_chart_calls_patient_view_with_a_signed_jwt_and_the_prefetch_asked_for_and_shows_the_cards()
    {
        using var http = fixture.Sandbox.CreateHttpClient();
        var before = fixture.Calls.Count;

        var chart = await http.GetAsync("/chart/robert-chen?user=dr-silva");

        Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
        var html = await chart.Content.ReadAsStringAsync();
        var (body, jwtCheck) = fixture.Calls.Skip(before).Single(c => c.Body.GetProperty("context").GetProperty("patientId").GetString() == "robert-chen");
        Assert.Equal("ok", jwtCheck);
        Assert.Equal("patient-view", body.GetProperty("hook").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("hookInstance").GetString(), out _));
        Assert.Equal(fixture.Sandbox.FhirBase, body.GetProperty("fhirServer").GetString());
        Assert.Equal("Practitioner/dr-silva", body.GetProperty("context").GetProperty("userId").GetString());
        Assert.Equal("enc-robert-chen", body.GetProperty("context").GetProperty("encounterId").GetString());
        var prefetch = body.GetProperty("prefetch");
        Assert.Equal("robert-chen", prefetch.GetProperty("patient").GetProperty("id").GetString());
        Assert.Equal("searchset", prefetch.GetProperty("conditions").GetProperty("type").GetString());
        Assert.Equal("dr-silva", prefetch.GetProperty("user").GetProperty("id").GetString());
        Assert.False(prefetch.TryGetProperty("unanswerable", out _));

        Assert.Contains("Chen: 1 condition(s) in the prefetch", html, StringComparison.Ordinal);
        Assert.Contains("Ask about **her goals** first.&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains($"data-smart-link=\"{fixture.SmartAppUrl}\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.org/guideline\"", html, StringComparison.Ordinal);
        Assert.Contains("From Test CDS service", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_that_is_slow_or_down_leaves_the_chart_whole_with_a_quiet_note()
    {
        using var http = fixture.Sandbox.CreateHttpClient();

        var html = await http.GetStringAsync("/chart/ana-torres");

        Assert.Contains("Clinician notes", html, StringComparison.Ordinal);
        Assert.Contains("condition(s) in the prefetch", html, StringComparison.Ordinal);
        Assert.Contains("/slow/cds-services did not answer within 2 s", html, StringComparison.Ordinal);
        Assert.Contains("could not be reached", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_smart_link_on_a_card_opens_its_app_in_the_chart_with_a_new_launch_for_this_patient_and_user()
    {
        using var http = fixture.Sandbox.CreateHttpClient();
        var chart = await http.GetStringAsync("/chart/thomas-mueller?user=dr-patel");
        var form = SmartLinkForm().Match(chart);
        Assert.True(form.Success, "the card's SMART link is a form");
        var fields = BrowserSession.HiddenFields(form.Value);
        Assert.Equal(fixture.SmartAppUrl, fields["app"]);

        var launched = await http.PostAsync(WebUtility.HtmlDecode(form.Groups[1].Value), new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Redirect, launched.StatusCode);
        var inChart = await http.GetStringAsync(launched.Headers.Location!.OriginalString);
        var frame = LauncherTests.FrameSource(inChart);
        Assert.StartsWith(fixture.SmartAppUrl + "?iss=" + Uri.EscapeDataString(fixture.Sandbox.FhirBase) + "&launch=", frame, StringComparison.Ordinal);
        var token = await new SmartClient(http, fixture.Sandbox.FhirBase).LoginAsync("launch openid fhirUser patient/*.rs", user: null, LauncherTests.LaunchOf(frame));
        Assert.Equal("thomas-mueller", token.GetProperty("patient").GetString());
        Assert.Equal("Practitioner/dr-patel", new JsonWebToken(token.GetProperty("id_token").GetString()!).GetClaim("fhirUser").Value);
    }

    [Fact]
    public async Task The_cds_hooks_jwks_publishes_the_key_that_signs_and_no_private_part()
    {
        using var http = fixture.Sandbox.CreateHttpClient();

        using var jwks = JsonDocument.Parse(await http.GetStringAsync("/cds-hooks/jwks"));

        var key = Assert.Single(jwks.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-384", key.GetProperty("crv").GetString());
        Assert.Equal("ES384", key.GetProperty("alg").GetString());
        Assert.False(key.TryGetProperty("d", out _));
    }

    [GeneratedRegex("<form method=\"post\" class=\"inline\" action=\"([^\"]+)\">.*?</form>", RegexOptions.Singleline)]
    private static partial Regex SmartLinkForm();
}
