using Microsoft.Extensions.Options;
using PatientVoice.Sandbox.Keys;
using PatientVoice.Sandbox.PatientVoiceApp;
using PatientVoice.Testing;

namespace PatientVoice.Sandbox.Tests;

/// <summary>The configuration the one command hands PatientVoice, under the names PatientVoice's parts agreed on.</summary>
public sealed class PatientVoiceEnvironmentTests
{
    [Fact]
    public void PatientVoice_is_pointed_at_this_ehr_for_launch_api_tokens_write_back_and_cds_hooks()
    {
        using var data = new ScratchDirectory();
        var options = new SandboxOptions { EhrUrl = "http://127.0.0.1:6100/", AppUrl = "http://127.0.0.1:6000", DataDirectory = data.Path };
        using var keys = new SandboxKeys(Options.Create(options));

        var environment = PatientVoiceEnvironment.For(options, "Development", keys);

        Assert.Equal("http://127.0.0.1:6000", environment["ASPNETCORE_URLS"]);
        Assert.Equal(Path.Combine(data.Path, "patientvoice", "patientvoice.db"), environment["Storage__Sqlite__Path"]);
        Assert.Equal("http://127.0.0.1:6100/fhir", environment["Smart__Ehrs__0__FhirBaseUrl"]);
        Assert.Equal("patientvoice", environment["Smart__Ehrs__0__ClientId"]);
        Assert.Equal("patientvoice-sandbox-secret", environment["Smart__Ehrs__0__ClientSecret"]);
        Assert.Equal("http://127.0.0.1:6100/", environment["Security__Issuers__0__Issuer"]);
        Assert.Equal("http://127.0.0.1:6100/.well-known/jwks", environment["Security__Issuers__0__JwksUrl"]);
        Assert.Equal("http://127.0.0.1:6100/fhir", environment["EhrSync__FhirBaseUrl"]);
        Assert.Equal("patientvoice-backend", environment["EhrSync__ClientId"]);
        Assert.Equal(keys.PatientVoiceBackend.KeyId, environment["EhrSync__KeyId"]);
        Assert.Contains("-----BEGIN PRIVATE KEY-----", File.ReadAllText(environment["EhrSync__PrivateKeyPath"]), StringComparison.Ordinal);
        Assert.Equal("true", environment["Uptake__ReadDemographicsFromEhr"]);
        Assert.Equal("http://127.0.0.1:6100", environment["CdsHooks__Clients__0__Issuer"]);
        Assert.Equal("http://127.0.0.1:6100/cds-hooks/jwks", environment["CdsHooks__Clients__0__JwksUrl"]);
    }

    [Fact]
    public void The_key_pairs_are_made_once_and_read_back_the_same()
    {
        using var data = new ScratchDirectory();
        var options = Options.Create(new SandboxOptions { DataDirectory = data.Path });

        string first;
        using (var keys = new SandboxKeys(options))
        {
            first = keys.PatientVoiceBackend.KeyId;
            Assert.NotEqual(first, keys.CdsHooks.KeyId);
        }

        using var again = new SandboxKeys(options);
        Assert.Equal(first, again.PatientVoiceBackend.KeyId);
        Assert.DoesNotContain("\"d\"", again.PatientVoiceBackend.PublicJwks(), StringComparison.Ordinal);
    }
}
