using PatientVoice.Smart.Launch;

namespace PatientVoice.Smart.Tests;

public sealed class ScopeTests
{
    private static SmartConfiguration Server(params string[] capabilities) => new()
    {
        FhirBaseUrl = new Uri("https://ehr.example.org/fhir"),
        AuthorizationEndpoint = new Uri("https://ehr.example.org/authorize"),
        TokenEndpoint = new Uri("https://ehr.example.org/token"),
        CodeChallengeMethodsSupported = ["S256"],
        Capabilities = capabilities,
    };

    private static readonly string[] Types = ["Patient", "Appointment"];

    [Theory]
    [InlineData(LaunchAudience.Patient, true, "launch openid fhirUser offline_access patient/Patient.rs patient/Appointment.rs")]
    [InlineData(LaunchAudience.Patient, false, "launch/patient openid fhirUser offline_access patient/Patient.rs patient/Appointment.rs")]
    [InlineData(LaunchAudience.Clinician, true, "launch openid fhirUser online_access user/Patient.rs user/Appointment.rs")]
    [InlineData(LaunchAudience.Clinician, false, "openid fhirUser online_access user/Patient.rs user/Appointment.rs")]
    public void A_server_that_speaks_v2_is_asked_for_v2_scopes_by_type(LaunchAudience audience, bool ehrLaunch, string expected)
    {
        var server = Server("launch-ehr", "permission-v2", "permission-v1");
        Assert.Equal(expected, LaunchScopes.For(audience, ehrLaunch, LaunchScopes.Default(audience, server, Types)));
    }

    [Theory]
    [InlineData(LaunchAudience.Patient, true, "launch openid fhirUser offline_access patient/Patient.read patient/Appointment.read")]
    [InlineData(LaunchAudience.Clinician, true, "launch openid fhirUser online_access user/Patient.read user/Appointment.read")]
    public void A_server_that_does_not_list_permission_v2_is_asked_in_v1(LaunchAudience audience, bool ehrLaunch, string expected)
        => Assert.Equal(expected, LaunchScopes.For(audience, ehrLaunch, LaunchScopes.Default(audience, Server("launch-ehr", "permission-v1"), Types)));

    [Fact]
    public void A_server_that_lists_no_capabilities_is_asked_in_v1()
        => Assert.EndsWith("patient/Appointment.read", LaunchScopes.For(LaunchAudience.Patient, true, LaunchScopes.Default(LaunchAudience.Patient, Server(), Types)), StringComparison.Ordinal);

    [Theory]
    [InlineData(LaunchAudience.Patient)]
    [InlineData(LaunchAudience.Clinician)]
    public void The_default_asks_for_no_wildcard_and_clinicians_get_no_offline_access(LaunchAudience audience)
    {
        var scopes = LaunchScopes.Default(audience, Server("permission-v2"), Types);

        Assert.DoesNotContain(scopes, s => s.Contains('*', StringComparison.Ordinal));
        Assert.Equal(audience == LaunchAudience.Patient, scopes.Contains("offline_access"));
        Assert.Equal(audience == LaunchAudience.Clinician, scopes.Contains("online_access"));
    }

    [Fact]
    public void A_wildcard_type_is_not_a_default()
        => Assert.Throws<ArgumentException>(() => LaunchScopes.Default(LaunchAudience.Patient, Server(), ["*"]));

    [Fact]
    public void A_configured_list_is_asked_as_it_is_after_the_launch_scope_once()
        => Assert.Equal("launch openid fhirUser offline_access user/*.read",
            LaunchScopes.For(LaunchAudience.Clinician, true, ["launch", "openid", "fhirUser", "offline_access", "user/*.read", "openid"]));

    [Fact]
    public void The_authorize_request_is_a_get_to_the_authorization_endpoint_with_aud_launch_and_pkce()
    {
        var server = Server("permission-v2") with { AuthorizationEndpoint = new Uri("https://ehr.example.org/authorize?tenant=a") };
        var request = new AuthorizationRequest
        {
            Configuration = server,
            ClientId = "patientvoice",
            RedirectUri = new Uri("https://pv.example.org/signin-smart"),
            Scope = "launch openid",
            State = "s1",
            CodeChallenge = "c1",
            Launch = "l1",
        };

        var url = request.ToUri();
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);

        Assert.Equal("https://ehr.example.org/authorize", url.GetLeftPart(UriPartial.Path));
        Assert.Equal("a", query["tenant"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("patientvoice", query["client_id"]);
        Assert.Equal("https://pv.example.org/signin-smart", query["redirect_uri"]);
        Assert.Equal("launch openid", query["scope"]);
        Assert.Equal("s1", query["state"]);
        Assert.Equal("https://ehr.example.org/fhir", query["aud"]);
        Assert.Equal("l1", query["launch"]);
        Assert.Equal("c1", query["code_challenge"]);
        Assert.Equal("S256", query["code_challenge_method"]);
    }

    [Fact]
    public void A_standalone_authorize_request_carries_no_launch()
    {
        var request = new AuthorizationRequest
        {
            Configuration = Server(),
            ClientId = "patientvoice",
            RedirectUri = new Uri("https://pv.example.org/signin-smart"),
            Scope = "openid",
            State = "s",
            CodeChallenge = "c",
        };

        Assert.Null(System.Web.HttpUtility.ParseQueryString(request.ToUri().Query)["launch"]);
    }
}
