using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Sandbox.Tests;

/// <summary>The id_token as Inferno checks it: header, claims, and its signature against the published JWKS.</summary>
[Collection(SharedSandboxCollection.Name)]
public sealed class IdTokenTests(SandboxFactory factory)
{
    private readonly SmartClient _client = new(factory.CreateBrowserlessClient());

    [Fact]
    public async Task The_id_token_is_RS256_with_a_kid_and_verifies_against_the_jwks_from_discovery()
    {
        var launch = await _client.CreateLaunchAsync(new { patient = "robert-chen", user = "dr-silva" });
        var parameters = _client.AuthorizeParameters("launch openid fhirUser patient/*.rs", "dr-silva", launch);
        parameters["nonce"] = "nonce-" + Guid.NewGuid().ToString("N");
        var token = await RedeemAsync(parameters);
        var idToken = new JsonWebToken(token.GetProperty("id_token").GetString()!);

        Assert.Equal("RS256", idToken.Alg);
        Assert.False(string.IsNullOrEmpty(idToken.Kid));

        var http = factory.CreateBrowserlessClient();
        using var openid = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration"));
        var jwksUri = new Uri(openid.RootElement.GetProperty("jwks_uri").GetString()!);
        var jwks = new JsonWebKeySet(await http.GetStringAsync(jwksUri.PathAndQuery));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = openid.RootElement.GetProperty("issuer").GetString(),
            ValidAudience = SandboxFactory.ClientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.True(result.IsValid, result.Exception?.Message);

        Assert.Equal(SandboxFactory.EhrUrl + "/", idToken.Issuer);
        Assert.Equal([SandboxFactory.ClientId], idToken.Audiences);
        Assert.Equal("dr-silva", idToken.Subject);
        Assert.Equal("Practitioner/dr-silva", idToken.GetClaim("fhirUser").Value);
        Assert.Equal(parameters["nonce"], idToken.GetClaim("nonce").Value);
        Assert.True(idToken.ValidTo > DateTime.UtcNow);
        Assert.True(idToken.IssuedAt <= DateTime.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task The_fhirUser_of_an_id_token_resolves_on_the_fhir_endpoint()
    {
        var token = await RedeemAsync(_client.AuthorizeParameters("openid fhirUser launch/patient patient/*.rs", "helen-chen"));
        var fhirUser = new JsonWebToken(token.GetProperty("id_token").GetString()!).GetClaim("fhirUser").Value;
        Assert.Equal("RelatedPerson/helen-chen", fhirUser);

        using var read = new HttpRequestMessage(HttpMethod.Get, "/fhir/" + fhirUser);
        read.Headers.Authorization = new("Bearer", token.GetProperty("access_token").GetString());
        var response = await factory.CreateBrowserlessClient().SendAsync(read);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_openid_there_is_no_id_token()
    {
        var token = await _client.LoginAsync("launch/patient patient/Goal.rs", "grace-williams");
        Assert.False(token.TryGetProperty("id_token", out _));
    }

    private async Task<JsonElement> RedeemAsync(Dictionary<string, string?> parameters)
    {
        var (_, _, back) = await _client.AuthorizeAsync(parameters);
        var response = await _client.TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = back["code"],
            ["redirect_uri"] = SandboxFactory.RedirectUri,
            ["code_verifier"] = _client.Verifier,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
