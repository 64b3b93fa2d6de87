using Microsoft.Extensions.Diagnostics.HealthChecks;
using PatientVoice.Storage.Faults;

namespace PatientVoice.Web.Health;

/// <summary>
/// Ready only while the database answers a trivial query within <see cref="Timeout"/>: while PostgreSQL is down or
/// restarting (or the SQLite file cannot be opened) a load balancer sends traffic elsewhere. A full disk is not
/// unready: reads still work (writes answer 507).
/// </summary>
public sealed partial class StoreReachableHealthCheck(IStoreProbe probe, ILogger<StoreReachableHealthCheck> logger) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await probe.ProbeAsync(timeout.Token);
            return HealthCheckResult.Healthy("The database answers.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogUnreachable("timeout");
            return HealthCheckResult.Unhealthy($"The database did not answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // A store fault names its code (SQLite 14, PostgreSQL 57P03, a socket error); anything else its type.
            var code = StoreFailure.Classify(e) is not null ? StoreFailure.Code(e) : e.GetType().Name;
            LogUnreachable(code);
            return HealthCheckResult.Unhealthy($"The database cannot be reached ({code}).");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: the database cannot be reached ({Code})")]
    private partial void LogUnreachable(string code);
}
