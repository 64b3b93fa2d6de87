using System.Security.Claims;
using PatientVoice.Smart.Scopes;
using PatientVoice.Web.Security;

namespace PatientVoice.Web.Tests.Security;

/// <summary>From a validated token's claims to what it reaches: scope claims of SMART servers and Entra ID, fhirUser, patient.</summary>
public sealed class FhirAccessGrantTests
{
    [Theory]
    [InlineData("scope", "patient/Goal.rs openid", "patient/Goal.rs")]
    [InlineData("scp", "patient.Goal.rs", "patient/Goal.rs")]
    [InlineData("scp", "user.all.read", "user/*.read")]
    [InlineData("roles", "system.all.cruds", "system/*.cruds")]
    [InlineData("http://schemas.microsoft.com/identity/claims/scope", "system.Observation.rs", "system/Observation.rs")]
    public void Scope_claims_of_SMART_servers_and_Entra_ID_read_as_SMART_scopes(string claim, string value, string scope)
    {
        var grant = Grant((claim, value));

        Assert.Contains(grant.Scopes.ResourceScopes, s => s.Text == scope);
    }

    [Theory]
    [InlineData("Practitioner/dr", null, null)]
    [InlineData("https://ehr.example/fhir/PractitionerRole/r1", null, null)]
    [InlineData("Patient/p1", null, "p1")]
    [InlineData("http://ehr.example/fhir/Patient/p1", "p2", "p1")]
    [InlineData("RelatedPerson/rp", "p1", "p1")]
    public void A_user_token_reaches_what_its_fhirUser_may_see(string fhirUser, string? patient, string? reachedPatient)
    {
        var claims = new List<(string, string)> { ("scope", "user/Goal.rs"), ("fhirUser", fhirUser) };
        if (patient is not null)
        {
            claims.Add(("patient", patient));
        }

        var reach = Grant([.. claims]).ReachFor("Goal", SmartInteractions.Read);

        Assert.True(reach.Granted);
        Assert.Equal(reachedPatient, reach.PatientId);
    }

    [Theory]
    [InlineData("user/Goal.rs", "RelatedPerson/rp")]
    [InlineData("user/Goal.rs", "Device/d1")]
    [InlineData("user/Goal.rs", null)]
    [InlineData("patient/Goal.rs", null)]
    public void Without_a_user_or_patient_to_follow_the_letters_reach_nobody(string scope, string? fhirUser)
    {
        var claims = new List<(string, string)> { ("scope", scope) };
        if (fhirUser is not null)
        {
            claims.Add(("fhirUser", fhirUser));
        }

        Assert.False(Grant([.. claims]).ReachFor("Goal", SmartInteractions.Read).Granted);
    }

    [Theory]
    [InlineData("system/*.rs", false)]
    [InlineData("system/AuditEvent.rs", true)]
    [InlineData("system/AuditEvent.r", false)]
    [InlineData("user/AuditEvent.rs", false)]
    public void Only_a_system_scope_naming_AuditEvent_reaches_the_audit_trail(string scope, bool reaches)
        => Assert.Equal(reaches, Grant(("scope", scope), ("fhirUser", "Practitioner/dr")).ReachFor("AuditEvent", SmartInteractions.Search).Granted);

    [Fact]
    public void The_client_is_named_by_client_id_else_azp_else_appid()
    {
        Assert.Equal("c1", Grant(("client_id", "c1"), ("azp", "a1")).ClientId);
        Assert.Equal("a1", Grant(("azp", "a1"), ("appid", "x")).ClientId);
        Assert.Equal("x", Grant(("appid", "x")).ClientId);
    }

    private static FhirAccessGrant Grant(params (string Type, string Value)[] claims)
        => FhirAccessGrant.FromPrincipal(new ClaimsPrincipal(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test")));
}
