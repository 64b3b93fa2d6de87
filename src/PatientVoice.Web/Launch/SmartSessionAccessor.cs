using Microsoft.AspNetCore.Authentication;

namespace PatientVoice.Web.Launch;

/// <summary>The session of a request: the cookie's session id, looked up on the server (once per request).</summary>
public sealed class SmartSessionAccessor(SmartSessionStore sessions) : ISmartSessionAccessor
{
    private static readonly object ItemKey = new();

    public async Task<SmartSession?> GetAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(ItemKey, out var cached))
        {
            return cached as SmartSession;
        }

        var result = await context.AuthenticateAsync(SmartSessionPolicies.CookieScheme);
        var sessionId = result.Principal?.FindFirst(SmartSessionClaims.SessionId)?.Value;
        var session = sessionId is null ? null : (await sessions.GetAsync(sessionId, cancellationToken))?.Session;
        context.Items[ItemKey] = session;
        return session;
    }
}
