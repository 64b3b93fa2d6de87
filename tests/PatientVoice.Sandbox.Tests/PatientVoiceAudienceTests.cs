using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Sandbox.Tests;

/// <summary>Tokens for PatientVoice's own FHIR API: the sandbox issues them when <c>aud</c> names <c>{AppUrl}/fhir</c>.</summary>
public sealed class PatientVoiceAudienceTests(BackendServicesFixture fixture) : IClassFixture<BackendServicesFixture>
{
    private const string AppFhirBase = "http://localhost:5000/fhir";

    [Fact]
    public async Task A_backend_token_asked_for_PatientVoice_carries_PatientVoice_as_its_audience()
    {
        using var http = fixture.CreateClient();

        var response = await TokenAsync(http, AppFhirBase);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        var token = new JsonWebToken(json.RootElement.GetProperty("access_token").GetString());
        Assert.Equal([AppFhirBase], token.Audiences);
        Assert.Equal(SandboxFactory.EhrUrl + "/", token.Issuer);
    }

    [Fact]
    public async Task A_backend_token_without_aud_is_for_the_EHR_as_before()
    {
        using var http = fixture.CreateClient();

        var response = await TokenAsync(http, null);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal([SandboxFactory.FhirBase], new JsonWebToken(json.RootElement.GetProperty("access_token").GetString()).Audiences);
    }

    [Fact]
    public async Task A_backend_token_for_any_other_audience_is_refused()
    {
        using var http = fixture.CreateClient();

        var response = await TokenAsync(http, "http://elsewhere.example/fhir");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request", json.RootElement.GetProperty("error").GetString());
    }

    private async Task<HttpResponseMessage> TokenAsync(HttpClient http, string? aud)
    {
        var now = DateTime.UtcNow;
        var assertion = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = BackendServicesFixture.ClientId,
            Audience = BackendServicesFixture.TokenEndpoint,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = BackendServicesFixture.ClientId,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(4),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(fixture.EcKey) { KeyId = "ec" }, SecurityAlgorithms.EcdsaSha384),
        });
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "system/Goal.rs",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        };
        if (aud is not null)
        {
            form["aud"] = aud;
        }

        return await http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
    }
}
