using PatientVoice.Testing;
using PatientVoice.Web.Security;

namespace PatientVoice.Web.Tests.Security;

/// <summary>The FHIR API's bearer routing remembers a header's scheme, and answers exactly what routing it afresh answers.</summary>
public sealed class BearerSchemeRoutesTests
{
    private static readonly Dictionary<string, string> Schemes = new() { [TestTokens.Issuer] = "FhirBearer.0" };

    [Fact]
    public void A_header_seen_before_is_routed_without_reading_its_token_again_and_to_the_same_scheme()
    {
        var reads = 0;
        var routes = new BearerSchemeRoutes(16, header =>
        {
            reads++;
            return FhirApiSecurity.SchemeFor(header, Schemes, entra: false);
        });
        var trusted = "Bearer " + TestTokens.Create("http://localhost/fhir", "system/Goal.rs");
        var foreign = "Bearer " + TestTokens.Create("http://localhost/fhir", "system/Goal.rs", issuer: "https://elsewhere.example/");

        Assert.Equal("FhirBearer.0", routes.SchemeFor(trusted));
        Assert.Null(routes.SchemeFor(foreign));
        Assert.Null(routes.SchemeFor("Bearer not-a-jwt"));
        Assert.Equal(3, reads);

        Assert.Equal("FhirBearer.0", routes.SchemeFor(trusted));
        Assert.Null(routes.SchemeFor(foreign));
        Assert.Null(routes.SchemeFor("Bearer not-a-jwt"));
        Assert.Equal(3, reads);
    }

    [Fact]
    public void It_remembers_at_most_its_capacity_and_nothing_with_capacity_zero_or_past_the_longest_token()
    {
        var reads = 0;
        var bounded = new BearerSchemeRoutes(4, _ => { reads++; return null; });
        for (var i = 0; i < 10; i++)
        {
            bounded.SchemeFor("Bearer token-" + i);
            Assert.InRange(bounded.Count, 1, 4);
        }

        var none = new BearerSchemeRoutes(0, _ => { reads++; return null; });
        none.SchemeFor("Bearer a");
        none.SchemeFor("Bearer a");
        Assert.Equal(0, none.Count);

        var longest = new BearerSchemeRoutes(4, _ => { reads++; return null; });
        var huge = "Bearer " + new string('x', RememberingTokenHandler.MaxTokenLength + 1);
        longest.SchemeFor(huge);
        longest.SchemeFor(huge);
        Assert.Equal(0, longest.Count);
        Assert.Equal(10 + 2 + 2, reads);
    }
}
