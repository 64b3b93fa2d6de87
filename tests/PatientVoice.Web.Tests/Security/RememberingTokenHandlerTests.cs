using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Testing;
using PatientVoice.Web.Security;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// ADR 0032: a remembered bearer token is accepted again only while full validation would accept it — real ES256 tokens
/// from the test issuer, the handler on the same kind of parameters a trusted issuer's scheme uses.
/// </summary>
public sealed class RememberingTokenHandlerTests
{
    private const string Audience = "https://patientvoice.tests.invalid/fhir";
    private const string Scope = "patient/Goal.rs";

    private static readonly IList<SecurityKey> TrustedKeys = new JsonWebKeySet(TestTokens.Jwks).GetSigningKeys();

    private readonly AdjustableClock _clock = new();

    /// <summary>A trusted issuer's parameters as its scheme builds them; the key objects stay the same from call to call, as in a scheme.</summary>
    private static TokenValidationParameters Parameters(IList<SecurityKey>? keys = null, string audience = Audience, TimeSpan? clockSkew = null)
    {
        var parameters = FhirApiSecurity.ValidationParameters(new TrustedIssuerOptions
        {
            Issuer = TestTokens.Issuer,
            Audience = audience,
            ClockSkew = clockSkew ?? TimeSpan.FromMinutes(5),
        });
        parameters.IssuerSigningKeys = keys ?? TrustedKeys;
        return parameters;
    }

    /// <summary>The parameters with the lifetime rule judged by <see cref="_clock"/> (the library reads the system clock).</summary>
    private TokenValidationParameters OnTheClock()
    {
        var parameters = Parameters();
        parameters.LifetimeValidator = (notBefore, expires, _, p) =>
        {
            var now = _clock.GetUtcNow().UtcDateTime;
            return (notBefore is null || notBefore.Value <= now + p.ClockSkew) && expires is { } exp && exp >= now - p.ClockSkew;
        };
        return parameters;
    }

    private static RememberingTokenHandler Handler(int capacity = 16) => new(capacity) { MapInboundClaims = false };

    [Fact]
    public async Task A_valid_token_is_remembered_and_accepted_again_with_its_claims_on_an_identity_of_its_own()
    {
        var handler = Handler();
        var token = TestTokens.Create(Audience, Scope, patient: "p1");

        var first = await handler.ValidateTokenAsync(token, Parameters());
        Assert.True(first.IsValid, first.Exception?.Message);
        Assert.Equal(1, handler.Count);
        first.ClaimsIdentity.AddClaim(new Claim("added-by-the-first-request", "x"));

        var second = await handler.ValidateTokenAsync(token, Parameters());
        Assert.True(second.IsValid);
        Assert.Equal(1, handler.Hits);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Null(second.ClaimsIdentity.FindFirst("added-by-the-first-request"));
        Assert.Equal("p1", second.ClaimsIdentity.FindFirst("patient")?.Value);
        Assert.Equal(Scope, second.ClaimsIdentity.FindFirst("scope")?.Value);
        Assert.Equal("test-client", second.ClaimsIdentity.Name);
        Assert.Equal(TestTokens.Issuer, second.Issuer);
        Assert.Same(first.SecurityToken, second.SecurityToken);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_as_expired_once_its_exp_has_passed()
    {
        var handler = Handler();
        var expires = DateTimeOffset.UtcNow.AddSeconds(8); // room for a first validation on a busy machine
        var token = TestTokens.Create(Audience, Scope, expires: expires);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(clockSkew: TimeSpan.Zero))).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(clockSkew: TimeSpan.Zero))).IsValid);
        Assert.Equal(1, handler.Hits);

        // exp has whole seconds: wait until the second after it has begun on the system clock the library reads.
        await Task.Delay(TimeSpan.FromSeconds(expires.ToUnixTimeSeconds() + 1.5 - (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0)));
        var refused = await handler.ValidateTokenAsync(token, Parameters(clockSkew: TimeSpan.Zero));
        Assert.False(refused.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(refused.Exception);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task A_remembered_token_is_judged_on_the_clock_of_each_request_past_its_exp_and_before_its_nbf()
    {
        var handler = Handler();
        var token = TestTokens.Create(Audience, Scope, expires: DateTimeOffset.UtcNow.AddMinutes(10), notBefore: DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.True((await handler.ValidateTokenAsync(token, OnTheClock())).IsValid);

        using (_clock.Shift(TimeSpan.FromMinutes(14)))
        {
            Assert.True((await handler.ValidateTokenAsync(token, OnTheClock())).IsValid);
            Assert.Equal(1, handler.Hits);
        }

        using (_clock.Shift(TimeSpan.FromMinutes(16)))
        {
            Assert.False((await handler.ValidateTokenAsync(token, OnTheClock())).IsValid);
            Assert.Equal(0, handler.Count);
        }

        Assert.True((await handler.ValidateTokenAsync(token, OnTheClock())).IsValid);
        using (_clock.Shift(TimeSpan.FromMinutes(-10)))
        {
            Assert.False((await handler.ValidateTokenAsync(token, OnTheClock())).IsValid);
            Assert.Equal(0, handler.Count);
        }
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_its_key_is_no_longer_trusted_and_verified_again_after_a_rollover()
    {
        var handler = Handler();
        var token = TestTokens.Create(Audience, Scope);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherKeys = new JsonWebKeySet(TestTokens.JwksOf(other, "other")).GetSigningKeys();
        var refused = await handler.ValidateTokenAsync(token, Parameters(otherKeys));
        Assert.False(refused.IsValid);
        Assert.IsAssignableFrom<SecurityTokenInvalidSignatureException>(refused.Exception);
        Assert.Equal(0, handler.Count);

        // The same key published again (a JWKS refresh makes new key objects): verified in full, then remembered again.
        var republished = new JsonWebKeySet(TestTokens.Jwks).GetSigningKeys();
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(republished))).IsValid);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_by_a_scheme_that_expects_another_audience()
    {
        var handler = Handler();
        var token = TestTokens.Create(Audience, Scope);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        var refused = await handler.ValidateTokenAsync(token, Parameters(audience: "https://elsewhere.invalid/fhir"));
        Assert.False(refused.IsValid);
        Assert.IsType<SecurityTokenInvalidAudienceException>(refused.Exception);
    }

    [Fact]
    public async Task A_token_that_differs_from_a_remembered_one_in_its_signature_or_claims_is_validated_in_full()
    {
        var handler = Handler();
        var token = TestTokens.Create(Audience, "patient/Goal.rs", patient: "p1");
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        var parts = token.Split('.');
        // A character in the middle (the last one carries bits the decoder ignores).
        var changed = parts[2][20] == 'A' ? 'B' : 'A';
        var otherSignature = $"{parts[0]}.{parts[1]}.{parts[2][..20]}{changed}{parts[2][21..]}";
        var tampered = await handler.ValidateTokenAsync(otherSignature, Parameters());
        Assert.False(tampered.IsValid);
        Assert.IsAssignableFrom<SecurityTokenInvalidSignatureException>(tampered.Exception);

        var payload = TestTokens.Payload(token);
        payload["scope"] = "system/*.cruds";
        var widened = await handler.ValidateTokenAsync(TestTokens.WithPayload(token, payload), Parameters());
        Assert.False(widened.IsValid);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task Refused_tokens_are_never_remembered_and_the_memory_stays_within_its_bound()
    {
        var handler = Handler(capacity: 3);
        var expired = TestTokens.Create(Audience, Scope, expires: DateTimeOffset.UtcNow.AddMinutes(-10), notBefore: DateTimeOffset.UtcNow.AddMinutes(-40));
        Assert.False((await handler.ValidateTokenAsync(expired, Parameters())).IsValid);
        Assert.Equal(0, handler.Count);

        for (var i = 0; i < 10; i++)
        {
            Assert.True((await handler.ValidateTokenAsync(TestTokens.Create(Audience, Scope), Parameters())).IsValid);
            Assert.InRange(handler.Count, 1, 3);
        }
    }

    [Fact]
    public async Task With_no_capacity_nothing_is_remembered_and_every_token_is_validated_in_full()
    {
        var handler = Handler(capacity: 0);
        var token = TestTokens.Create(Audience, Scope);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.Equal(0, handler.Count);
        Assert.Equal(0, handler.Hits);
    }
}
