using Microsoft.Extensions.Options;
using PatientVoice.Storage;
using PatientVoice.Storage.Outbox;

namespace PatientVoice.Application.Export;

/// <summary>
/// One per instance: claims a queued export job under a lease (several instances on one PostgreSQL database share the
/// queue; a job is one instance's at a time), runs it (<see cref="ExportRunner"/>), renewing the lease and recording its
/// progress as it goes, writes the manifest and completes the job. A job whose instance died comes back when its lease
/// runs out and starts again from the beginning (its old files removed), up to <see cref="ExportOptions.MaxAttempts"/>
/// runs; then it fails with the reason, which its status shows. A shutdown hands the job back at once. Between jobs it
/// deletes the files of expired, cancelled and failed exports.
/// </summary>
public sealed partial class ExportWorker(IOutbox outbox, ExportRunner runner, IExportFiles files, WorkerSignal<ExportWorker> signal,
    IOptions<ExportOptions> options, TimeProvider time, ILogger<ExportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var nextSweep = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (time.GetUtcNow() >= nextSweep)
                {
                    await SweepAsync(stoppingToken);
                    nextSweep = time.GetUtcNow() + settings.SweepInterval;
                }

                var claims = await outbox.ClaimDueAsync(ExportJob.Topic, 1, settings.Lease, stoppingToken);
                if (claims.Count == 0)
                {
                    await signal.WaitAsync(settings.PollInterval, stoppingToken);
                    continue;
                }

                await ProcessAsync(claims[0], stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store or the disk failed: wait a poll interval and try again, never stop.
                LogLoopFailed(e.GetType().Name);
                await Task.Delay(settings.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Deletes the files of jobs that are gone, cancelled, failed, or complete for longer than the retention.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = StoreClock.Now(time);
        foreach (var jobId in files.Jobs().ToList())
        {
            var entry = await outbox.FindAsync(ExportJob.Topic, jobId, cancellationToken);
            var expired = entry is null
                || entry.State == OutboxState.Failed
                || (entry.State == OutboxState.Completed && entry.FinishedAt + options.Value.FileRetention <= now);
            if (expired)
            {
                files.Delete(jobId);
                LogSwept(jobId);
            }
        }
    }

    private async Task ProcessAsync(OutboxClaim claim, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        ExportJob job;
        try
        {
            job = ExportJob.FromJson(claim.Payload);
        }
        catch (System.Text.Json.JsonException)
        {
            await outbox.FailAsync(claim, "The export job could not be read.", stoppingToken);
            return;
        }

        if (claim.Attempt > settings.MaxAttempts)
        {
            LogGaveUp(job.Id, claim.Attempt - 1);
            files.Delete(job.Id);
            await outbox.FailAsync(claim, $"The export was interrupted {claim.Attempt - 1} times (a server restart or failure each time) and was given up; start it again.", stoppingToken);
            return;
        }

        LogStarted(job.Id, claim.Attempt, job.Types.Count);
        var renewEvery = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, settings.Lease.Ticks / 4));
        var lastRenewal = time.GetUtcNow();
        async Task Heartbeat(string progress, CancellationToken cancellationToken)
        {
            if (time.GetUtcNow() - lastRenewal < renewEvery)
            {
                return;
            }

            if (!await outbox.RenewAsync(claim, settings.Lease, progress, cancellationToken))
            {
                throw new ExportInterruptedException("lease lost or cancelled");
            }

            lastRenewal = time.GetUtcNow();
        }

        try
        {
            var manifest = await runner.RunAsync(job, claim.Attempt, Heartbeat, stoppingToken);
            await files.WriteManifestAsync(job.Id, manifest, stoppingToken);
            if (await outbox.CompleteAsync(claim, stoppingToken))
            {
                LogCompleted(job.Id, manifest.Output.Sum(f => f.Count), manifest.Output.Count);
            }
            else
            {
                await AfterLostAsync(job.Id, stoppingToken);
            }
        }
        catch (ExportInterruptedException)
        {
            await AfterLostAsync(job.Id, stoppingToken);
        }
        catch (ExportFailedException e)
        {
            files.Delete(job.Id);
            LogFailed(job.Id, claim.Attempt, nameof(ExportFailedException));
            await outbox.FailAsync(claim, e.Message, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: hand the job back now rather than when the lease runs out; the next run starts it again.
            await outbox.RescheduleAsync(claim, StoreClock.Now(time), "interrupted by a server shutdown; it starts again", CancellationToken.None);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(job.Id, claim.Attempt, e.GetType().Name);
            if (claim.Attempt >= settings.MaxAttempts)
            {
                files.Delete(job.Id);
                await outbox.FailAsync(claim, $"The export failed on the server ({e.GetType().Name}) {claim.Attempt} times; start it again, or report the job id.", stoppingToken);
            }
            else
            {
                await outbox.RescheduleAsync(claim, StoreClock.Now(time) + settings.PollInterval, $"attempt {claim.Attempt} failed on the server; it starts again", stoppingToken);
            }
        }
    }

    // The job is no longer this worker's: cancelled by its client (its files go now), or taken over by another instance.
    private async Task AfterLostAsync(string jobId, CancellationToken cancellationToken)
    {
        var entry = await outbox.FindAsync(ExportJob.Topic, jobId, cancellationToken);
        if (entry?.State == OutboxState.Failed)
        {
            files.Delete(jobId);
            LogCancelled(jobId);
        }
        else
        {
            LogLeaseLost(jobId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {JobId}: run {Attempt} started ({Types} types)")]
    private partial void LogStarted(string jobId, int attempt, int types);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {JobId}: complete, {Resources} resources in {Files} files")]
    private partial void LogCompleted(string jobId, long resources, int files);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {JobId}: cancelled; its files were deleted")]
    private partial void LogCancelled(string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {JobId}: lease lost to another instance; this run stops")]
    private partial void LogLeaseLost(string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Export {JobId}: run {Attempt} failed with {Exception}")]
    private partial void LogFailed(string jobId, int attempt, string exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Export {JobId}: given up after {Runs} interrupted runs")]
    private partial void LogGaveUp(string jobId, int runs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {JobId}: files deleted (expired, cancelled or failed)")]
    private partial void LogSwept(string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Export worker: the store failed ({Exception}); retrying")]
    private partial void LogLoopFailed(string exception);
}
