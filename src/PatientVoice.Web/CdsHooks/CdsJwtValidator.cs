using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Web.CdsHooks;

/// <summary>
/// CDS Hooks 2.0 trust: every service call carries <c>Authorization: Bearer {JWT}</c> signed by the EHR (RS384 or
/// ES384) with <c>iss</c> a configured client, <c>aud</c> the URL of the service called, <c>exp</c> (at most five
/// minutes ahead), <c>iat</c> and a <c>jti</c> never seen before. The signature is checked against that issuer's
/// JWKS. Anything else is refused (the endpoint answers 401).
/// </summary>
public sealed partial class CdsJwtValidator(IOptions<CdsHooksOptions> options, JwksCache keys, JtiReplayCache replays, TimeProvider time, ILogger<CdsJwtValidator> logger)
{
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384];
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>Null when the request is trusted; otherwise why not (for the 401's error_description: never patient data).</summary>
    public async Task<string?> RejectAsync(HttpRequest request, string serviceUrl, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return Refuse("missing", "A CDS Hooks request must carry the EHR's signed JWT (Authorization: Bearer).");
        }

        var token = header[7..].Trim();
        if (!_handler.CanReadToken(token))
        {
            return Refuse("malformed", "The bearer token is not a JWT.");
        }

        JsonWebToken unverified;
        try
        {
            unverified = _handler.ReadJsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
        {
            return Refuse("malformed", "The bearer token is not a JWT.");
        }

        var client = options.Value.Clients.FirstOrDefault(c => string.Equals(c.Issuer, unverified.Issuer, StringComparison.Ordinal));
        if (client is null || string.IsNullOrEmpty(client.JwksUrl))
        {
            return Refuse("unknown-issuer", "The JWT's issuer is not a configured CDS Hooks client.");
        }

        var signingKeys = await keys.KeysAsync(client, unverified.Kid, cancellationToken);
        var skew = options.Value.ClockSkew;
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = client.Issuer,
            ValidAudience = serviceUrl,
            IssuerSigningKeys = signingKeys,
            ValidAlgorithms = Algorithms,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            ClockSkew = skew,
            TryAllIssuerSigningKeys = true,
        };
        // The handler's own clock is replaced by ours (tests and a fake TimeProvider agree on "now").
        parameters.LifetimeValidator = (notBefore, expires, _, p) =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            return expires is { } exp && exp.ToUniversalTime() >= now - p.ClockSkew && (notBefore is not { } nbf || nbf.ToUniversalTime() <= now + p.ClockSkew);
        };

        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            var kind = result.Exception switch
            {
                SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException => "expired",
                SecurityTokenInvalidAudienceException => "audience",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "signature",
                SecurityTokenInvalidAlgorithmException => "algorithm",
                _ => "invalid",
            };
            return Refuse(kind, kind switch
            {
                "expired" => "The JWT has expired.",
                "audience" => "The JWT's aud is not the URL of this service.",
                "signature" => "The JWT's signature does not match the issuer's keys.",
                "algorithm" => "The JWT must be signed with RS384 or ES384.",
                _ => "The JWT is not valid.",
            });
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        var now = time.GetUtcNow();
        if (!jwt.TryGetPayloadValue<long>("iat", out _))
        {
            return Refuse("claims", "The JWT must carry iat.");
        }

        if (jwt.ValidTo > now.UtcDateTime + options.Value.MaxTokenLifetime + skew)
        {
            return Refuse("lifetime", "The JWT's exp is too far ahead (at most five minutes).");
        }

        if (string.IsNullOrEmpty(jwt.Id))
        {
            return Refuse("claims", "The JWT must carry a jti.");
        }

        if (!replays.TryUse(client.Issuer, jwt.Id, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + skew))
        {
            return Refuse("replay", "This JWT was already used (jti seen before).");
        }

        return null;
    }

    private string Refuse(string reason, string description)
    {
        LogRefused(reason);
        return description;
    }

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "CDS Hooks: request refused ({Reason})")]
    private partial void LogRefused(string reason);
}
