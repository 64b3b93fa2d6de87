using PatientVoice.Smart.Launch;

namespace PatientVoice.Smart.Tests;

public sealed class TokenResponseParserTests
{
    [Theory]
    [InlineData("""{"token_type":"Bearer"}""")]
    [InlineData("""{"access_token":"a","token_type":"MAC"}""")]
    [InlineData("""{"access_token":"a"}""")]
    [InlineData("""not json""")]
    [InlineData("""[]""")]
    public void A_token_response_without_a_bearer_access_token_is_refused(string body)
        => Assert.Throws<SmartTokenResponseInvalidException>(() => SmartTokenResponseParser.Parse(body, null));

    [Fact]
    public void A_token_response_without_scope_grants_what_was_asked_and_without_expires_in_says_so()
    {
        var token = SmartTokenResponseParser.Parse("""{"access_token":"a","token_type":"bearer"}""", "patient/*.rs");

        Assert.Equal("patient/*.rs", token.Scope);
        Assert.Null(token.ExpiresIn);
        Assert.Empty(token.FhirContext);
        Assert.False(token.NeedPatientBanner);
    }

    [Fact]
    public void A_token_response_never_prints_its_tokens()
    {
        var token = SmartTokenResponseParser.Parse("""{"access_token":"secret-access","refresh_token":"secret-refresh","token_type":"Bearer","scope":"x","expires_in":60}""", null);

        Assert.DoesNotContain("secret", token.ToString(), StringComparison.Ordinal);
    }
}
