using Microsoft.Extensions.Options;
using PatientVoice.Smart.Launch;

namespace PatientVoice.Web.Launch;

/// <summary>
/// A session's access token, refreshed before it expires (within <see cref="SmartLaunchOptions.RefreshBeforeExpiry"/>)
/// so that a request never goes to the EHR with a token about to lapse. One refresh at a time per session.
/// </summary>
public sealed class SmartSessionTokens(
    SmartSessionStore sessions,
    EhrDirectory ehrs,
    SmartDiscovery discovery,
    SmartTokenClient tokens,
    IOptions<SmartLaunchOptions> options,
    TimeProvider time,
    ILogger<SmartSessionTokens> logger)
{
    /// <summary>The lifetime assumed when a token response has no <c>expires_in</c>.</summary>
    public static readonly TimeSpan AssumedLifetime = TimeSpan.FromMinutes(5);

    // Striped locks: refreshes of one session never overlap; different sessions rarely wait on each other.
    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <exception cref="EhrRequestException">The session is gone or can no longer be refreshed, or the EHR is unreachable and the token has lapsed.</exception>
    public async Task<string> GetAccessTokenAsync(string sessionId, CancellationToken cancellationToken)
    {
        var stored = await sessions.GetAsync(sessionId, cancellationToken)
            ?? throw new EhrRequestException(EhrRequestFailure.SessionEnded, "The session has ended.");
        if (!NeedsRefresh(stored))
        {
            return stored.AccessToken;
        }

        var gate = _locks[(uint)StringComparer.Ordinal.GetHashCode(sessionId) % (uint)_locks.Length];
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Another request may have refreshed while this one waited.
            stored = await sessions.GetAsync(sessionId, cancellationToken)
                ?? throw new EhrRequestException(EhrRequestFailure.SessionEnded, "The session has ended.");
            return NeedsRefresh(stored) ? (await RefreshAsync(stored, cancellationToken)).AccessToken : stored.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Refreshes now, whatever the expiry (used by <see cref="GetAccessTokenAsync"/>; public for tests and a future background refresher).</summary>
    public async Task<StoredSmartSession> RefreshAsync(StoredSmartSession stored, CancellationToken cancellationToken)
    {
        var session = stored.Session;
        var lapsed = stored.AccessTokenExpires <= time.GetUtcNow();
        if (stored.RefreshToken is null || ehrs.FindByName(session.Ehr) is not { } ehr)
        {
            if (!lapsed)
            {
                return stored;
            }

            await EndAsync(session.Id, "no refresh token", cancellationToken);
            throw new EhrRequestException(EhrRequestFailure.SessionEnded, "The access token has expired and cannot be refreshed.");
        }

        SmartTokenResponse refreshed;
        try
        {
            var configuration = await discovery.GetAsync(ehr.FhirBaseUrl, cancellationToken);
            refreshed = await tokens.RefreshAsync(configuration, ehr.Client, stored.RefreshToken, scope: null, cancellationToken);
        }
        catch (SmartServerUnreachableException e)
        {
            LaunchLog.RefreshFailed(logger, session.Id, "unreachable");
            // Still valid for a little while: use it, and try again on the next request.
            return lapsed ? throw new EhrRequestException(EhrRequestFailure.Unreachable, "The EHR could not be reached to refresh the session.", inner: e) : stored;
        }
        catch (SmartLaunchException e)
        {
            LaunchLog.RefreshFailed(logger, session.Id, e is SmartTokenRefusedException refused ? refused.Error : "invalid response");
            await EndAsync(session.Id, "refresh refused", cancellationToken);
            throw new EhrRequestException(EhrRequestFailure.SessionEnded, "The EHR no longer accepts this session.", inner: e);
        }

        var updated = new StoredSmartSession(
            session with { Scope = string.IsNullOrEmpty(refreshed.Scope) ? session.Scope : refreshed.Scope },
            refreshed.AccessToken,
            time.GetUtcNow() + (refreshed.ExpiresIn ?? AssumedLifetime),
            refreshed.RefreshToken ?? stored.RefreshToken);
        await sessions.SaveAsync(updated, cancellationToken);
        LaunchLog.Refreshed(logger, session.Id);
        return updated;
    }

    private bool NeedsRefresh(StoredSmartSession stored) => stored.AccessTokenExpires - options.Value.RefreshBeforeExpiry <= time.GetUtcNow();

    private async Task EndAsync(string sessionId, string reason, CancellationToken cancellationToken)
    {
        await sessions.RemoveAsync(sessionId, cancellationToken);
        LaunchLog.SessionEnded(logger, sessionId, reason);
    }
}
