using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Sandbox.Keys;

namespace PatientVoice.Sandbox.CdsHooks;

/// <summary>
/// The JWT this EHR sends with every CDS Hooks request (CDS Hooks 2.0 §Trusting CDS Clients): ES384 with the key
/// whose public half is at <c>{EhrUrl}/cds-hooks/jwks</c> (<c>kid</c> and <c>jku</c> in the header); <c>iss</c>
/// this EHR's URL, <c>aud</c> the URL called, <c>exp</c> five minutes on, a fresh <c>jti</c>.
/// </summary>
public sealed class CdsHooksSigner(SandboxKeys keys, IOptions<SandboxOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public string JwksUrl => options.Value.EhrBase + "/cds-hooks/jwks";

    public string Sign(string audience)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.EhrBase,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N") },
            AdditionalHeaderClaims = new Dictionary<string, object> { ["jku"] = JwksUrl },
            TokenType = "JWT",
            SigningCredentials = keys.CdsHooks.SigningCredentials,
        });
    }
}
