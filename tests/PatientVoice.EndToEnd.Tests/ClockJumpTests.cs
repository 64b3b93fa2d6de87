using PatientVoice.Testing;
using PatientVoice.Testing.Load;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// Issue 17: PatientVoice's wall clock jumps five minutes ahead, then five minutes behind true time, while patients,
/// a clinician and an integrator use it (the EHR keeps true time). Tokens issued by the EHR and the integrator's issuer
/// stay accepted, drafts saved before a jump are saved again and sent after it, write-back leases that the jump made
/// look expired do not deliver anything twice; then every acknowledged submission is checked: stored once, extracted
/// once, written back to the EHR once.
/// </summary>
public sealed class ClockJumpTests
{
    private static readonly string[] QuickWriteBack =
    [
        "--EhrSync:PollInterval=00:00:00.300",
        "--EhrSync:RetryDelay=00:00:00.500",
        "--EhrSync:MaxRetryDelay=00:00:02",
        "--EhrSync:CapabilityRefresh=00:00:01",
    ];

    private static readonly TimeSpan Jump = TimeSpan.FromMinutes(5);

    private static readonly MixedLoadOptions ShortLoad = new()
    {
        Patients = 6,
        Clinicians = 1,
        Integrators = 1,
        Duration = TimeSpan.FromMinutes(6),
        DraftEvery = TimeSpan.FromSeconds(1),
        DraftsPerForm = 3,
        ThinkTime = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task Under_load_a_clock_that_jumps_five_minutes_ahead_then_behind_loses_nothing_and_refuses_no_one()
    {
        using var clock = new ShiftedClock();
        await using var stack = await PortalStack.StartAsync(new PortalStackOptions { AppArguments = QuickWriteBack, AppEnvironment = clock.Environment });
        using var target = new MixedLoadTarget([stack.AppUrl], stack.EhrUrl, ShortLoad.TotalUsers);
        using var end = new CancellationTokenSource();
        var jumps = new List<(TimeSpan Offset, DateTimeOffset At, TimeSpan ServerSays)>();

        var recorder = await MixedLoad.RunAsync(target, ShortLoad, MixedLoad.CompletedResponses(Path.Combine(AppContext.BaseDirectory, "CompletedResponses")), end.Token, async (recorder, stop) =>
        {
            await UntilAsync(() => recorder.Acknowledged.Count >= 2, stop);
            foreach (var offset in new[] { Jump, -Jump, TimeSpan.Zero })
            {
                await clock.JumpToAsync(offset);
                var at = DateTimeOffset.UtcNow;
                // The server reads the moved clock within moments (its Date header says so); a loaded machine may take longer.
                var serverSays = await ServerClockOffsetAsync(target, stack.AppUrl);
                for (var waited = System.Diagnostics.Stopwatch.StartNew(); (serverSays - offset).Duration() >= TimeSpan.FromSeconds(5) && waited.Elapsed < TimeSpan.FromSeconds(30); )
                {
                    await Task.Delay(500, CancellationToken.None);
                    serverSays = await ServerClockOffsetAsync(target, stack.AppUrl);
                }

                jumps.Add((offset, at, serverSays));
                if (offset != TimeSpan.Zero)
                {
                    // Journeys go on across the jump: drafts started before it are saved and sent after it.
                    await UntilAsync(() => recorder.Acknowledged.Count(a => a.At > at) >= 3, stop);
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None);
            await end.CancelAsync();
        });

        var report = recorder.Report(ShortLoad.Duration);
        Assert.Equal(3, jumps.Count);
        foreach (var (offset, _, serverSays) in jumps)
        {
            // The server did read the moved clock (its Date header), within the test's own timing.
            Assert.True((serverSays - offset).Duration() < TimeSpan.FromSeconds(5), $"server clock {serverSays} from true time, expected {offset}");
        }

        Assert.True(recorder.Acknowledged.Count(a => a.At > jumps[0].At && a.At < jumps[1].At) >= 3, $"ahead: too few sent\n{report}");
        Assert.True(recorder.Acknowledged.Count(a => a.At > jumps[1].At && a.At < jumps[2].At) >= 3, $"behind: too few sent\n{report}");
        Assert.True(recorder.Errors.Count == 0, report);
        using var patientVoice = FhirSearch.ForPatientVoice(stack.AppUrl);
        using var ehr = await FhirSearch.ForEhrAsync(stack.EhrUrl, stack.BackendKeyPath, CancellationToken.None);
        var verification = await SubmissionVerification.VerifyAsync(patientVoice, ehr, recorder.Acknowledged, TimeSpan.FromSeconds(120), CancellationToken.None);
        Assert.True(verification.Clean, verification.Report());
        Assert.Equal(verification.Acknowledged, verification.WrittenBack);
    }

    private static async Task<TimeSpan> ServerClockOffsetAsync(MixedLoadTarget target, Uri app)
    {
        var before = DateTimeOffset.UtcNow;
        using var response = await target.Http.GetAsync(new Uri(app, "/health/live"));
        return response.Headers.Date is { } date ? date - before : TimeSpan.MaxValue;
    }

    private static async Task UntilAsync(Func<bool> condition, CancellationToken stop)
    {
        while (!condition() && !stop.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
        }
    }
}
