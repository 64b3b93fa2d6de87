using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PatientVoice.Smart.ClientAuthentication;
using PatientVoice.Smart.Launch;
using PatientVoice.Testing;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Tests.Launch;

public sealed class EhrDirectoryTests
{
    private static EhrDirectory Directory(params EhrRegistration[] ehrs) => new(Options.Create(new SmartLaunchOptions { Ehrs = [.. ehrs] }));

    private static EhrRegistration Ehr(string name, string fhirBase, string auth = "client_secret_basic", string? secret = "s", string? key = null) => new()
    {
        Name = name,
        FhirBaseUrl = fhirBase,
        ClientId = "patientvoice",
        ClientSecret = secret,
        ClientAuthentication = auth,
        PrivateKeyPath = key,
        KeyId = "k1",
    };

    [Theory]
    [InlineData("https://ehr.example.org/fhir")]
    [InlineData("https://ehr.example.org/fhir/")]
    [InlineData("HTTPS://EHR.example.org/fhir")]
    [InlineData("https://ehr.example.org:443/fhir")]
    public void An_iss_finds_its_ehr_whatever_the_spelling_of_scheme_host_port_and_trailing_slash(string iss)
        => Assert.Equal("a", Directory(Ehr("a", "https://ehr.example.org/fhir"), Ehr("b", "https://other.example.org/fhir")).FindByIss(iss)?.Name);

    [Theory]
    [InlineData("https://ehr.example.org/FHIR")]
    [InlineData("https://ehr.example.org/fhir/R4")]
    [InlineData("https://ehr.example.org.evil.example/fhir")]
    [InlineData("https://ehr.example.org/fhir?x=1")]
    [InlineData("http://ehr.example.org/fhir")]
    [InlineData("")]
    [InlineData("fhir")]
    public void An_iss_that_is_not_exactly_a_configured_base_finds_nothing(string iss)
        => Assert.Null(Directory(Ehr("a", "https://ehr.example.org/fhir")).FindByIss(iss));

    [Fact]
    public void A_standalone_start_without_a_name_uses_the_first_ehr()
    {
        var directory = Directory(Ehr("first", "https://one.example.org/fhir"), Ehr("second", "https://two.example.org/fhir"));

        Assert.Equal("first", directory.FindByName(null)?.Name);
        Assert.Equal("second", directory.FindByName("SECOND")?.Name);
        Assert.Null(directory.FindByName("third"));
    }

    [Theory]
    [InlineData("http://ehr.example.org/fhir", "client_secret_basic", "s", "Smart:Ehrs:0:FhirBaseUrl")]
    [InlineData("https://ehr.example.org/fhir", "client_secret_basic", null, "Smart:Ehrs:0:ClientSecret")]
    [InlineData("https://ehr.example.org/fhir", "client_secret_jwt", "s", "Smart:Ehrs:0:ClientAuthentication")]
    [InlineData("https://ehr.example.org/fhir", "private_key_jwt", null, "Smart:Ehrs:0:PrivateKeyPath")]
    public void A_bad_ehr_entry_stops_start_up_naming_the_key(string fhirBase, string auth, string? secret, string key)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Directory(Ehr("a", fhirBase, auth, secret)));

        Assert.StartsWith(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_ehrs_with_one_fhir_base_are_refused()
        => Assert.Throws<InvalidOperationException>(() => Directory(Ehr("a", "https://ehr.example.org/fhir"), Ehr("b", "https://ehr.example.org/fhir/")));

    [Fact]
    public void A_private_key_jwt_ehr_loads_its_pem_key_and_a_public_one_needs_no_secret()
    {
        using var folder = new ScratchDirectory();
        var pem = Path.Combine(folder.Path, "client.pem");
        using (var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384))
        {
            File.WriteAllText(pem, ec.ExportPkcs8PrivateKeyPem());
        }

        var directory = Directory(Ehr("jwt", "https://one.example.org/fhir", "private_key_jwt", null, pem), Ehr("public", "http://127.0.0.1:8080/fhir", "none", null));

        var jwt = directory.FindByName("jwt")!.Client;
        Assert.Equal(ClientAuthenticationMethod.PrivateKeyJwt, jwt.Method);
        Assert.Equal("ES384", jwt.SigningCredentials!.Algorithm);
        Assert.Equal("k1", jwt.SigningCredentials.Key.KeyId);
        Assert.Equal(ClientAuthenticationMethod.None, directory.FindByName("public")!.Client.Method);
    }

    private static SmartConfiguration Server(params string[] capabilities) => new()
    {
        FhirBaseUrl = new Uri("https://ehr.example.org/fhir"),
        AuthorizationEndpoint = new Uri("https://ehr.example.org/authorize"),
        TokenEndpoint = new Uri("https://ehr.example.org/token"),
        Capabilities = capabilities,
    };

    [Fact]
    public void Without_configured_scopes_an_ehr_is_asked_for_the_types_patientvoice_reads_in_its_scope_version()
    {
        var ehr = Directory(Ehr("a", "https://ehr.example.org/fhir")).FindByName("a")!;

        Assert.Equal(["openid", "fhirUser", "online_access", "user/Patient.rs", "user/Appointment.rs", "user/Practitioner.rs"], ehr.ScopesFor(LaunchAudience.Clinician, Server("permission-v2")));
        Assert.Equal(["openid", "fhirUser", "online_access", "user/Patient.read", "user/Appointment.read", "user/Practitioner.read"], ehr.ScopesFor(LaunchAudience.Clinician, Server("permission-v1")));
        Assert.Equal([.. EhrReadTypes.Patient.Select(t => $"patient/{t}.read")], ehr.ScopesFor(LaunchAudience.Patient, Server()).Skip(3));
    }

    [Fact]
    public void Configured_scopes_replace_the_default_for_their_audience_only()
    {
        var registration = Ehr("a", "https://ehr.example.org/fhir");
        registration.Scopes.Clinician = ["openid", "fhirUser", "offline_access", "user/*.read"];
        var ehr = Directory(registration).FindByName("a")!;

        Assert.Equal(["openid", "fhirUser", "offline_access", "user/*.read"], ehr.ScopesFor(LaunchAudience.Clinician, Server("permission-v2")));
        Assert.Contains("patient/Patient.rs", ehr.ScopesFor(LaunchAudience.Patient, Server("permission-v2")));
    }

    [Theory]
    [InlineData("openid", "patient/Patient.rs")]
    [InlineData("openid fhirUser", "patient/Patient.rs")]
    public void Configured_scopes_must_name_openid_and_fhirUser_one_per_entry(string first, string second)
    {
        var registration = Ehr("a", "https://ehr.example.org/fhir");
        registration.Scopes.Patient = [first, second];

        var error = Assert.Throws<InvalidOperationException>(() => Directory(registration));
        Assert.Contains("Smart:Ehrs:0:Scopes:Patient", error.Message, StringComparison.Ordinal);
    }
}
