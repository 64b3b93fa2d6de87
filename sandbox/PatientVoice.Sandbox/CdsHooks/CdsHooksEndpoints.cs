using PatientVoice.Sandbox.Keys;

namespace PatientVoice.Sandbox.CdsHooks;

/// <summary><c>GET /cds-hooks/jwks</c>: the public key CDS services check this EHR's CDS Hooks JWTs against (CORS open, like the other key sets).</summary>
internal static class CdsHooksEndpoints
{
    public static void MapCdsHooksJwks(this IEndpointRouteBuilder endpoints)
        => endpoints.MapGet("/cds-hooks/jwks", (SandboxKeys keys) => Results.Text(keys.CdsHooks.PublicJwks(), "application/json")).AllowAnonymous();
}
