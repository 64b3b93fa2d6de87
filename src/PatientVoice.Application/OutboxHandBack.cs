using Microsoft.Extensions.Logging;
using PatientVoice.Storage.Outbox;

namespace PatientVoice.Application;

/// <summary>
/// What an outbox worker does with the claims it holds but has not finished when the host stops: hands them back, due
/// now and with no attempt spent, so another instance (or the next start) takes them at once instead of when their
/// leases run out. The host is stopping, so no cancellation; a store that is gone too leaves the leases to run out, as
/// after a crash. One place for the EHR write-back and the subscription deliveries (docs/adr/0024).
/// </summary>
public static partial class OutboxHandBack
{
    public static async Task HandBackAsync(this IOutbox outbox, IEnumerable<OutboxClaim> claims, DateTimeOffset now, ILogger logger)
    {
        foreach (var claim in claims)
        {
            try
            {
                if (await outbox.ReleaseAsync(claim, now, CancellationToken.None))
                {
                    LogHandedBack(logger, claim.Topic, claim.Key);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogHandBackFailed(logger, claim.Topic, claim.Key, e.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox {Topic} {Key} handed back at shutdown; due again now")]
    private static partial void LogHandedBack(ILogger logger, string topic, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox {Topic} {Key}: could not hand back its claim at shutdown ({Exception}); it returns when its lease runs out")]
    private static partial void LogHandBackFailed(ILogger logger, string topic, string key, string exception);
}
