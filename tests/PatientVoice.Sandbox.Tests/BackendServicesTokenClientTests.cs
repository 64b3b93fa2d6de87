using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Smart.Backend;

namespace PatientVoice.Sandbox.Tests;

/// <summary>PatientVoice's SMART Backend Services token client against the sandbox's authorization server.</summary>
public sealed class BackendServicesTokenClientTests(BackendServicesFixture fixture) : IClassFixture<BackendServicesFixture>
{
    private const string Scope = "system/Goal.cus system/DocumentReference.cus";

    [Theory]
    [InlineData("ec")]
    [InlineData("rsa")]
    public async Task The_client_discovers_the_token_endpoint_and_its_token_opens_the_FHIR_endpoint(string key)
    {
        var client = Client(key == "ec"
            ? new SigningCredentials(new ECDsaSecurityKey(fixture.EcKey) { KeyId = "ec" }, SecurityAlgorithms.EcdsaSha384)
            : new SigningCredentials(new RsaSecurityKey(fixture.RsaKey) { KeyId = "rsa" }, SecurityAlgorithms.RsaSha384));

        var token = await client.GetAccessTokenAsync(default);

        using var http = fixture.CreateClient();
        using var search = new HttpRequestMessage(HttpMethod.Get, "/fhir/Goal");
        search.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(search)).StatusCode);
    }

    [Fact]
    public async Task The_token_is_reused_until_it_is_invalidated_and_then_a_new_one_is_asked_for()
    {
        var client = Client(new SigningCredentials(new ECDsaSecurityKey(fixture.EcKey) { KeyId = "ec" }, SecurityAlgorithms.EcdsaSha384));

        var first = await client.GetAccessTokenAsync(default);
        var again = await client.GetAccessTokenAsync(default);
        client.Invalidate(first);
        var renewed = await client.GetAccessTokenAsync(default);

        Assert.Equal(first, again);
        Assert.NotEqual(first, renewed);
    }

    [Fact]
    public async Task A_key_the_EHR_does_not_know_gets_no_token_and_the_reason_says_why()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var client = Client(new SigningCredentials(new ECDsaSecurityKey(stranger) { KeyId = "ec" }, SecurityAlgorithms.EcdsaSha384));

        var refused = await Assert.ThrowsAsync<BackendTokenException>(() => client.GetAccessTokenAsync(default));

        Assert.Equal("invalid_client", refused.Error);
        Assert.InRange(refused.StatusCode ?? 0, 400, 401);
    }

    [Fact]
    public async Task An_FHIR_base_without_SMART_discovery_gets_no_token()
    {
        var client = new BackendServicesTokenClient(fixture.CreateClient(),
            new BackendServicesClientSettings(new Uri(SandboxFactory.EhrUrl + "/nothing-here"), BackendServicesFixture.ClientId,
                new SigningCredentials(new ECDsaSecurityKey(fixture.EcKey) { KeyId = "ec" }, SecurityAlgorithms.EcdsaSha384), Scope),
            TimeProvider.System, NullLogger<BackendServicesTokenClient>.Instance);

        var refused = await Assert.ThrowsAsync<BackendTokenException>(() => client.GetAccessTokenAsync(default));

        Assert.Equal(404, refused.StatusCode);
    }

    private BackendServicesTokenClient Client(SigningCredentials credentials)
        => new(fixture.CreateClient(), new BackendServicesClientSettings(new Uri(SandboxFactory.FhirBase), BackendServicesFixture.ClientId, credentials, Scope),
            TimeProvider.System, NullLogger<BackendServicesTokenClient>.Instance);
}
