using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Web.Security;

/// <summary>
/// The JWT handler of one trusted issuer's bearer scheme, which remembers the tokens it has found valid so that the
/// next request with the same token skips the signature check (an ECDSA or RSA verify, 8% of a search's server CPU
/// when every request paid it) and the building of its claims. What a remembered token skips is only what its bytes
/// decide: the signature covers the header and the claims, and the cache key is the whole compact token, signature
/// included, so a token that differs in any byte is a different key and is validated in full. What changes with time
/// or configuration is checked again on every request, by the library's own validators on the same
/// <see cref="TokenValidationParameters"/> the scheme passes: the lifetime (<c>nbf</c>, <c>exp</c> and the clock skew
/// against the clock the library reads, or the parameters' lifetime validator), the audience and the issuer; and the key that verified the signature
/// must still be one the scheme trusts right now (the same key object among the configured keys or the JWKS the
/// scheme currently holds; after a key rollover the keys are new objects and every token is verified again). If any
/// of that fails, the entry is forgotten and the token goes through full validation, so a refusal carries the
/// library's own error (expired, not yet valid, key not found).
/// </summary>
/// <remarks>
/// <para>One instance per scheme: the parameters that are not re-checked (valid algorithms, name and role claim
/// types, token type) are the scheme's constants. Only valid results are remembered; a refused token costs what it
/// always did. Each hit answers with a copy of the remembered identity, so a request that adds claims to its principal
/// changes nothing for the next one. Bounded: at most <c>capacity</c> tokens (emptied when full, as the validator's
/// code-check memory is); tokens longer than <see cref="MaxTokenLength"/> are validated but never remembered.</para>
/// <para>A check added to the scheme's parameters later that depends on more than the token's bytes and the key (replay
/// detection through a <c>TokenReplayCache</c>, a stateful key or type validator) must be re-run in
/// <c>StillValidAsync</c> too, or remembering turned off for that scheme (ADR 0032).</para>
/// <para>Nothing here revokes a token earlier than its <c>exp</c>; neither did validation before (a bearer JWT is
/// checked locally, without introspection), so remembering changes no answer.</para>
/// </remarks>
public sealed class RememberingTokenHandler(int capacity) : JsonWebTokenHandler
{
    /// <summary>Longer tokens (a hostile header of megabytes) are validated but never remembered.</summary>
    public const int MaxTokenLength = 8192;

    private readonly ConcurrentDictionary<string, Validated> _validated = new(StringComparer.Ordinal);

    private long _hits;

    /// <summary>How many tokens are remembered now (at most the capacity).</summary>
    public int Count => _validated.Count;

    /// <summary>How many validations were answered from memory since start.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (capacity > 0 && token is { Length: <= MaxTokenLength } && _validated.TryGetValue(token, out var known))
        {
            if (await StillValidAsync(known, validationParameters).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _hits);
                return known.Answer();
            }

            _validated.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (capacity > 0 && result.IsValid && token is { Length: <= MaxTokenLength }
            && result.SecurityToken is JsonWebToken { SigningKey: { } key } validatedToken && result.ClaimsIdentity is { } identity)
        {
            if (_validated.Count >= capacity)
            {
                _validated.Clear();
            }

            _validated[token] = new Validated(validatedToken, key, identity.Clone(), result.Issuer, result.TokenType,
                validatedToken.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out _) ? validatedToken.ValidFrom : null,
                validatedToken.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out _) ? validatedToken.ValidTo : null);
        }

        return result;
    }

    private static async Task<bool> StillValidAsync(Validated known, TokenValidationParameters parameters)
    {
        try
        {
            if (!await TrustedAsync(known.Key, parameters).ConfigureAwait(false))
            {
                return false;
            }

            Validators.ValidateIssuerSecurityKey(known.Key, known.Token, parameters);
            Validators.ValidateLifetime(known.NotBefore, known.Expires, known.Token, parameters);
            Validators.ValidateAudience(known.Token.Audiences, known.Token, parameters);
            Validators.ValidateIssuer(known.Token.Issuer, known.Token, parameters);
            return true;
        }
        catch (SecurityTokenException)
        {
            return false;
        }
    }

    // The same key object among the keys given in the parameters, else among the configuration manager's current ones
    // (asked only then: inline keys need no configuration).
    private static async Task<bool> TrustedAsync(SecurityKey key, TokenValidationParameters parameters)
    {
        if (ReferenceEquals(parameters.IssuerSigningKey, key) || (parameters.IssuerSigningKeys?.Any(k => ReferenceEquals(k, key)) ?? false))
        {
            return true;
        }

        return parameters.ConfigurationManager is { } manager
            && (await manager.GetBaseConfigurationAsync(CancellationToken.None).ConfigureAwait(false)).SigningKeys.Any(k => ReferenceEquals(k, key));
    }

    private sealed record Validated(JsonWebToken Token, SecurityKey Key, ClaimsIdentity Identity, string? Issuer, string? TokenType,
        DateTime? NotBefore, DateTime? Expires)
    {
        public TokenValidationResult Answer() => new()
        {
            IsValid = true,
            SecurityToken = Token,
            ClaimsIdentity = Identity.Clone(),
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }
}
