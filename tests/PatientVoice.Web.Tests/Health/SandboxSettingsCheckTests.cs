using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using PatientVoice.Web.Health;

namespace PatientVoice.Web.Tests.Health;

/// <summary>A deployment that still points at the development sandbox refuses to start, and says which settings to change.</summary>
public sealed class SandboxSettingsCheckTests
{
    [Fact]
    public void A_production_start_with_the_shipped_sandbox_settings_is_refused_naming_each_setting_but_no_secret()
    {
        var shipped = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(PatientVoice.Testing.RepositoryPaths.Root, "src", "PatientVoice.Web", "appsettings.json"))
            .Build();

        var refused = Assert.Throws<InvalidOperationException>(() => SandboxSettingsCheck.Check(shipped, Environment("Production")));

        Assert.Contains("Smart:Ehrs:0:FhirBaseUrl", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Smart:Ehrs:0:ClientSecret", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Security:Issuers:0:Issuer", refused.Message, StringComparison.Ordinal);
        Assert.Contains("docs/deploying.md", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxSettingsCheck.SandboxClientSecret, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Development", null)]
    [InlineData("Production", "true")]
    public void Development_and_a_demo_that_says_so_start_with_the_sandbox_settings(string environment, string? allow)
    {
        var settings = Settings(("Smart:Ehrs:0:FhirBaseUrl", "http://localhost:5100/fhir"), ("Smart:Ehrs:0:ClientSecret", SandboxSettingsCheck.SandboxClientSecret),
            (SandboxSettingsCheck.AllowKey, allow));

        SandboxSettingsCheck.Check(settings, Environment(environment));
    }

    [Fact]
    public void A_production_start_configured_for_a_real_ehr_starts()
    {
        var settings = Settings(
            ("Smart:Ehrs:0:FhirBaseUrl", "https://fhir.hospital.example/api/FHIR/R4"), ("Smart:Ehrs:0:ClientSecret", "a-real-secret"),
            ("Security:Issuers:0:Issuer", "https://login.hospital.example/"),
            ("EhrSync:Enabled", "true"), ("EhrSync:FhirBaseUrl", "https://fhir.hospital.example/api/FHIR/R4"));

        SandboxSettingsCheck.Check(settings, Environment("Production"));
        Assert.Empty(SandboxSettingsCheck.Findings(settings));
    }

    [Fact]
    public void A_write_back_to_a_loopback_ehr_is_named()
    {
        var settings = Settings(("EhrSync:Enabled", "true"), ("EhrSync:FhirBaseUrl", "http://127.0.0.1:5100/fhir"));

        Assert.Equal(["EhrSync:FhirBaseUrl is a loopback address (http://127.0.0.1:5100/fhir)"], SandboxSettingsCheck.Findings(settings));
    }

    private static IConfiguration Settings(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static IHostEnvironment Environment(string name) => new Host(name);

    private sealed class Host(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "PatientVoice.Web";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
