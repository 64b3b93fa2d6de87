using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>One user's sign-in to the sandbox EHR: from sign-in (login page, EHR launch or test login) until sign-out or its lifetime ends.</summary>
public sealed record UserSession(string Id, string Login, DateTimeOffset Started, DateTimeOffset Expires);

/// <summary>
/// The users' sessions, which <c>online_access</c> refresh tokens live and die with (docs/adr/0005): a refresh
/// token granted under <c>online_access</c> names the session it was issued in, and refreshing is refused once
/// that session has ended (sign-out, <c>DELETE /sandbox/sessions/{login}</c>) or passed
/// <see cref="SandboxOptions.SessionLifetime"/>. In memory, like the launches: a restart ends every session.
/// </summary>
public sealed class UserSessions(TimeProvider clock, IOptions<SandboxOptions> options)
{
    private readonly ConcurrentDictionary<string, UserSession> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _currentByLogin = new(StringComparer.Ordinal);

    /// <summary>A new session for the user (a fresh sign-in), replacing the one they had.</summary>
    public UserSession Start(string login)
    {
        End(login);
        var now = clock.GetUtcNow();
        var session = new UserSession(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), login, now, now + options.Value.SessionLifetime);
        _byId[session.Id] = session;
        _currentByLogin[login] = session.Id;
        return session;
    }

    /// <summary>The user's live session, or a new one: the EHR signs in a user it launches an app for.</summary>
    public UserSession Current(string login)
        => _currentByLogin.TryGetValue(login, out var id) && Find(id) is { } live ? live : Start(login);

    /// <summary>The session if it is still live; null once ended or expired.</summary>
    public UserSession? Find(string? id)
        => id is not null && _byId.TryGetValue(id, out var session) && session.Expires > clock.GetUtcNow() ? session : null;

    /// <summary>Ends the user's session (sign-out); true when there was one.</summary>
    public bool End(string login)
    {
        if (!_currentByLogin.TryRemove(login, out var id))
        {
            return false;
        }

        return _byId.TryRemove(id, out _);
    }
}
