namespace PatientVoice.Web.Launch;

/// <summary>
/// <c>GET /session</c>: what the current session established, as JSON, for page scripts (a patient banner, the
/// EHR's style) and tests: no tokens. 401 without a session.
/// </summary>
public static class SessionEndpoints
{
    public sealed record SessionInfo(
        string Id, string Ehr, string FhirBaseUrl, string Role, string? Patient, string? Encounter, string? FhirUser,
        IReadOnlyList<string> FhirContext, bool NeedPatientBanner, string? SmartStyleUrl, string Scope);

    public static IEndpointRouteBuilder MapSmartSession(this IEndpointRouteBuilder app)
    {
        app.MapGet("/session", async (HttpContext http, ISmartSessionAccessor accessor, CancellationToken cancellationToken) =>
            {
                http.Response.Headers.CacheControl = "no-store";
                return await accessor.GetAsync(http, cancellationToken) is { } s
                    ? Results.Json(new SessionInfo(s.Id, s.Ehr, s.FhirBaseUrl.AbsoluteUri, s.Role.ToString(), s.Patient, s.Encounter, s.FhirUser,
                        s.FhirContext, s.NeedPatientBanner, s.SmartStyleUrl, s.Scope))
                    : Results.Unauthorized();
            })
            .RequireAuthorization(SmartSessionClaims.AnySessionPolicy)
            .ExcludeFromDescription();
        return app;
    }
}
