using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Smart.ClientAuthentication;
using PatientVoice.Smart.Launch;
using PatientVoice.Testing;

namespace PatientVoice.Smart.Tests;

[Collection(SandboxCollection.Name)]
public sealed class TokenTests(SandboxFixture fixture)
{
    private static readonly SmartClientCredentials SecretClient = SmartClientCredentials.Secret(SandboxFixture.ClientId, SandboxFixture.ClientSecret);

    [Fact]
    public async Task An_ehr_launch_yields_the_token_and_the_whole_launch_context()
    {
        var launch = await fixture.Sandbox.CreateLaunchAsync(new
        {
            patient = "maria-garcia",
            encounter = "enc-maria-garcia",
            user = "dr-patel",
            fhirContext = new object[] { new { reference = "Appointment/appt-maria-garcia" }, new { canonical = "http://example.org/Questionnaire/q|1", type = "Questionnaire" } },
            needPatientBanner = true,
        });

        var token = await fixture.LaunchAsync(SecretClient, "launch openid fhirUser offline_access patient/*.rs", "dr-patel", launch);

        Assert.False(string.IsNullOrEmpty(token.AccessToken));
        Assert.NotNull(token.ExpiresIn);
        Assert.Contains("patient/*.rs", token.Scope.Split(' '));
        Assert.Equal("maria-garcia", token.Patient);
        Assert.Equal("enc-maria-garcia", token.Encounter);
        Assert.Equal("Appointment/appt-maria-garcia", token.FhirContext[0].Reference);
        Assert.Equal("Appointment", token.FhirContext[0].ResourceType);
        Assert.Equal("http://example.org/Questionnaire/q|1", token.FhirContext[1].Canonical);
        Assert.Equal("Questionnaire", token.FhirContext[1].ResourceType);
        Assert.True(token.NeedPatientBanner);
        Assert.Equal(new Uri(fixture.Sandbox.EhrUrl, "/smart-style.json").AbsoluteUri, token.SmartStyleUrl);
        Assert.NotNull(token.IdToken);
        Assert.Equal("Practitioner/dr-patel", token.FhirUser);
        Assert.NotNull(token.RefreshToken);
    }

    [Fact]
    public async Task A_refreshed_token_is_new_and_the_ehr_accepts_it()
    {
        var first = await fixture.LaunchAsync(SecretClient, "launch/patient openid fhirUser offline_access patient/*.rs", "james-okafor");
        var configuration = await fixture.Discovery.GetAsync(fixture.FhirBase, CancellationToken.None);

        var refreshed = await fixture.Tokens.RefreshAsync(configuration, SecretClient, first.RefreshToken!, scope: null, CancellationToken.None);

        Assert.NotEqual(first.AccessToken, refreshed.AccessToken);
        Assert.Equal(HttpStatusCode.OK, await ReadPatientAsync(refreshed.AccessToken, "james-okafor"));
    }

    [Fact]
    public async Task A_refresh_may_narrow_the_scopes()
    {
        var first = await fixture.LaunchAsync(SecretClient, "launch/patient openid fhirUser offline_access patient/*.rs", "grace-williams");
        var configuration = await fixture.Discovery.GetAsync(fixture.FhirBase, CancellationToken.None);

        var narrowed = await fixture.Tokens.RefreshAsync(configuration, SecretClient, first.RefreshToken!, "patient/*.rs", CancellationToken.None);

        Assert.Equal("patient/*.rs", narrowed.Scope);
    }

    [Fact]
    public async Task A_code_redeemed_twice_is_refused_the_second_time()
    {
        var configuration = await fixture.Discovery.GetAsync(fixture.FhirBase, CancellationToken.None);
        var (code, pkce) = await fixture.AuthorizeAsync(configuration, "launch/patient openid patient/*.rs", "robert-chen");
        await fixture.Tokens.ExchangeCodeAsync(configuration, SecretClient, code, SandboxFixture.RedirectUri, pkce.Verifier, CancellationToken.None);

        var error = await Assert.ThrowsAsync<SmartTokenRefusedException>(() =>
            fixture.Tokens.ExchangeCodeAsync(configuration, SecretClient, code, SandboxFixture.RedirectUri, pkce.Verifier, CancellationToken.None));

        Assert.Equal("invalid_grant", error.Error);
    }

    [Fact]
    public async Task A_code_with_the_wrong_pkce_verifier_is_refused()
    {
        var configuration = await fixture.Discovery.GetAsync(fixture.FhirBase, CancellationToken.None);
        var (code, _) = await fixture.AuthorizeAsync(configuration, "launch/patient openid patient/*.rs", "linda-johnson");

        var error = await Assert.ThrowsAsync<SmartTokenRefusedException>(() =>
            fixture.Tokens.ExchangeCodeAsync(configuration, SecretClient, code, SandboxFixture.RedirectUri, Pkce.Create().Verifier, CancellationToken.None));

        Assert.Equal("invalid_grant", error.Error);
    }

    [Fact]
    public async Task A_wrong_client_secret_is_refused_as_invalid_client()
    {
        var error = await Assert.ThrowsAsync<SmartTokenRefusedException>(() =>
            fixture.LaunchAsync(SmartClientCredentials.Secret(SandboxFixture.ClientId, "not-the-secret"), "launch/patient openid patient/*.rs", "ahmed-hassan"));

        Assert.Equal("invalid_client", error.Error);
    }

    [Theory]
    [InlineData("RS384")]
    [InlineData("ES384")]
    public async Task A_confidential_client_authenticates_with_private_key_jwt(string algorithm)
    {
        var credentials = algorithm == "RS384" ? fixture.RsaCredentials : fixture.EcCredentials;
        var client = SmartClientCredentials.PrivateKey(SandboxFixture.ClientId, credentials);

        var token = await fixture.LaunchAsync(client, "launch/patient openid fhirUser offline_access patient/*.rs", "aisha-bello");
        var configuration = await fixture.Discovery.GetAsync(fixture.FhirBase, CancellationToken.None);
        var refreshed = await fixture.Tokens.RefreshAsync(configuration, client, token.RefreshToken!, null, CancellationToken.None);

        Assert.Equal("aisha-bello", token.Patient);
        Assert.Equal(HttpStatusCode.OK, await ReadPatientAsync(refreshed.AccessToken, "aisha-bello"));
    }

    [Fact]
    public async Task A_private_key_the_ehr_does_not_know_is_refused_as_invalid_client()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var client = SmartClientCredentials.PrivateKey(SandboxFixture.ClientId, new SigningCredentials(new ECDsaSecurityKey(stranger) { KeyId = "ec-1" }, SecurityAlgorithms.EcdsaSha384));

        var error = await Assert.ThrowsAsync<SmartTokenRefusedException>(() => fixture.LaunchAsync(client, "launch/patient openid patient/*.rs", "thomas-mueller"));

        Assert.Equal("invalid_client", error.Error);
    }

    [Fact]
    public async Task A_public_client_redeems_its_code_with_pkce_alone()
    {
        var token = await fixture.LaunchAsync(SmartClientCredentials.Public("a-public-smart-app"), "launch/patient openid fhirUser patient/*.rs", "lucia-garcia");

        Assert.Equal("maria-garcia", token.Patient);
        Assert.Equal("RelatedPerson/lucia-garcia", token.FhirUser);
    }

    [Fact]
    public async Task A_token_endpoint_nobody_listens_on_is_reported_unreachable()
    {
        var configuration = await fixture.Discovery.GetAsync(fixture.FhirBase, CancellationToken.None);
        var closed = configuration with { TokenEndpoint = new Uri($"http://127.0.0.1:{FreePort.Next()}/connect/token") };

        await Assert.ThrowsAsync<SmartServerUnreachableException>(() =>
            fixture.Tokens.ExchangeCodeAsync(closed, SecretClient, "code", SandboxFixture.RedirectUri, Pkce.Create().Verifier, CancellationToken.None));
    }

    private async Task<HttpStatusCode> ReadPatientAsync(string accessToken, string patient)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Patient/{patient}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await fixture.Sandbox.Http.SendAsync(request);
        return response.StatusCode;
    }
}
