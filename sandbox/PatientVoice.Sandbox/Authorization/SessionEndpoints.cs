namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// <c>DELETE /sandbox/sessions/{login}</c>: the EHR signs the user out (as the launcher's sign-out and tests do),
/// which ends the <c>online_access</c> grants of their session. 204 whether or not they had one.
/// </summary>
internal static class SessionEndpoints
{
    public static void MapSessionEndpoints(this IEndpointRouteBuilder endpoints)
        => endpoints.MapDelete("/sandbox/sessions/{login}", (string login, UserSessions sessions) =>
        {
            sessions.End(login);
            return Results.NoContent();
        });
}
