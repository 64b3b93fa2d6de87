using Microsoft.IdentityModel.JsonWebTokens;

namespace PatientVoice.Smart.Launch;

/// <summary>
/// Reads <c>fhirUser</c> from an id_token received straight from the token endpoint. OpenID Connect Core §3.1.3.7
/// lets a client that got the token over TLS from the token endpoint skip the signature; the audience, issuer
/// and expiry are still checked, so a token meant for another client or server is refused.
/// </summary>
internal static class IdTokenReader
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    public static string? FhirUser(string idToken, string clientId, string? issuer, TimeProvider time)
    {
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(idToken);
        }
        catch (ArgumentException e)
        {
            throw new SmartTokenResponseInvalidException("The id_token is not a JWT.", e);
        }

        if (!token.Audiences.Contains(clientId, StringComparer.Ordinal))
        {
            throw new SmartTokenResponseInvalidException("The id_token is not meant for this client (aud).");
        }

        if (issuer is not null && !string.Equals(token.Issuer.TrimEnd('/'), issuer.TrimEnd('/'), StringComparison.Ordinal))
        {
            throw new SmartTokenResponseInvalidException("The id_token's issuer is not the EHR's (iss).");
        }

        if (token.ValidTo != DateTime.MinValue && token.ValidTo < (time.GetUtcNow() - ClockSkew).UtcDateTime)
        {
            throw new SmartTokenResponseInvalidException("The id_token has expired.");
        }

        return token.TryGetPayloadValue<string>("fhirUser", out var fhirUser) && !string.IsNullOrEmpty(fhirUser) ? fhirUser : null;
    }
}
