using PatientVoice.Smart.Launch;
using PatientVoice.Testing;

namespace PatientVoice.Smart.Tests;

[Collection(SandboxCollection.Name)]
public sealed class DiscoveryTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Discovery_of_the_sandbox_reads_its_endpoints_and_that_it_speaks_scopes_v2()
    {
        var configuration = await fixture.Discovery.GetAsync(fixture.FhirBase, CancellationToken.None);

        Assert.Equal(new Uri(fixture.Sandbox.EhrUrl, "/connect/authorize"), configuration.AuthorizationEndpoint);
        Assert.Equal(new Uri(fixture.Sandbox.EhrUrl, "/connect/token"), configuration.TokenEndpoint);
        Assert.Contains("S256", configuration.CodeChallengeMethodsSupported);
        Assert.Contains("private_key_jwt", configuration.TokenEndpointAuthMethodsSupported);
        Assert.True(configuration.SupportsScopesV2);
    }

    [Fact]
    public async Task A_second_discovery_within_the_cache_period_sends_no_request()
    {
        using var ehr = new StubEhr();
        ehr.Discovery = (200, ehr.ValidDocument("permission-v2"));
        var discovery = NewDiscovery();

        var first = await discovery.GetAsync(new Uri(ehr.FhirBase), CancellationToken.None);
        var second = await discovery.GetAsync(new Uri(ehr.FhirBase + "/"), CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(1, ehr.Requests);
    }

    [Fact]
    public async Task A_failed_discovery_is_not_cached()
    {
        using var ehr = new StubEhr();
        ehr.Discovery = (503, "");
        var discovery = NewDiscovery();
        await Assert.ThrowsAsync<SmartServerUnreachableException>(() => discovery.GetAsync(new Uri(ehr.FhirBase), CancellationToken.None));

        ehr.Discovery = (200, ehr.ValidDocument());
        var configuration = await discovery.GetAsync(new Uri(ehr.FhirBase), CancellationToken.None);

        Assert.Equal(new Uri(ehr.Root + "/token"), configuration.TokenEndpoint);
        Assert.Equal(2, ehr.Requests);
    }

    [Theory]
    [InlineData("""{"authorization_endpoint":"http://127.0.0.1/a","token_endpoint":"http://127.0.0.1/t","code_challenge_methods_supported":["plain"]}""", "S256")]
    [InlineData("""{"authorization_endpoint":"http://127.0.0.1/a","token_endpoint":"http://127.0.0.1/t"}""", "S256")]
    [InlineData("""{"authorization_endpoint":"http://ehr.example.org/a","token_endpoint":"https://ehr.example.org/t","code_challenge_methods_supported":["S256"]}""", "authorization_endpoint")]
    [InlineData("""{"authorization_endpoint":"https://ehr.example.org/a","token_endpoint":"/connect/token","code_challenge_methods_supported":["S256"]}""", "token_endpoint")]
    [InlineData("""{"authorization_endpoint":"https://ehr.example.org/a","code_challenge_methods_supported":["S256"]}""", "token_endpoint")]
    [InlineData("""<html>not json</html>""", "not JSON")]
    [InlineData("""["an array"]""", "not a JSON object")]
    public async Task A_discovery_document_this_client_cannot_trust_is_refused_with_the_reason(string document, string reason)
    {
        using var ehr = new StubEhr { Discovery = (200, document) };

        var error = await Assert.ThrowsAsync<SmartConfigurationInvalidException>(() => NewDiscovery().GetAsync(new Uri(ehr.FhirBase), CancellationToken.None));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ehr_without_a_discovery_document_is_refused_as_invalid()
    {
        using var ehr = new StubEhr { Discovery = (404, "") };

        await Assert.ThrowsAsync<SmartConfigurationInvalidException>(() => NewDiscovery().GetAsync(new Uri(ehr.FhirBase), CancellationToken.None));
    }

    [Fact]
    public async Task An_ehr_nobody_listens_for_is_reported_unreachable()
    {
        var closed = new Uri($"http://127.0.0.1:{FreePort.Next()}/fhir");

        var error = await Assert.ThrowsAsync<SmartServerUnreachableException>(() => NewDiscovery().GetAsync(closed, CancellationToken.None));

        Assert.Equal(closed.Port, error.Endpoint.Port);
    }

    private SmartDiscovery NewDiscovery()
        => new(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IHttpClientFactory>(fixture.Services),
            Microsoft.Extensions.Options.Options.Create(new SmartClientOptions()), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SmartDiscovery>.Instance);
}
