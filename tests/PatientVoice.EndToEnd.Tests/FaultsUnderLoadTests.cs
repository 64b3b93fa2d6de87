using PatientVoice.Testing;
using PatientVoice.Testing.Load;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// Issue 17, short versions for CI: the mixed load (virtual patients, a clinician, an integrator, over HTTP) with a
/// fault injected once the load is under way, then every acknowledged submission checked: stored once, extracted once,
/// written back to the EHR once. The fault lasts until the load has shown what it must (submissions acknowledged while
/// the EHR is down; the survivor serving after a kill), within a cap, so a slow machine lengthens the test rather than
/// failing its premise.
/// </summary>
public sealed class FaultsUnderLoadTests
{
    // Short backoffs and lease so a fault of seconds plays out within the test.
    private static readonly string[] QuickWriteBack =
    [
        "--EhrSync:PollInterval=00:00:00.300",
        "--EhrSync:RetryDelay=00:00:00.500",
        "--EhrSync:MaxRetryDelay=00:00:02",
        "--EhrSync:Lease=00:00:05",
        "--EhrSync:CapabilityRefresh=00:00:01",
        "--EhrSync:Resilience:AttemptTimeout:Timeout=00:00:02",
        "--EhrSync:Resilience:TotalRequestTimeout:Timeout=00:00:06",
        "--EhrSync:Resilience:Retry:MaxRetryAttempts=1",
        "--EhrSync:Resilience:CircuitBreaker:SamplingDuration=00:00:04",
    ];

    // The cap on a whole run; the fault sequence ends it much earlier on an ordinary machine.
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(6);

    // After the fault, the load goes on this long so that recovery is seen under load too.
    private static readonly TimeSpan AfterFault = TimeSpan.FromSeconds(10);

    private static readonly MixedLoadOptions ShortLoad = new()
    {
        Patients = 6,
        Clinicians = 1,
        Integrators = 1,
        Duration = Cap,
        DraftEvery = TimeSpan.FromSeconds(1),
        DraftsPerForm = 2,
        ThinkTime = TimeSpan.FromSeconds(1),
    };

    private static IReadOnlyDictionary<string, string> Answers => MixedLoad.CompletedResponses(Path.Combine(AppContext.BaseDirectory, "CompletedResponses"));

    [Fact]
    public async Task With_the_ehr_down_during_load_submissions_are_still_acknowledged_and_each_is_written_back_once_after_it_returns()
    {
        await using var stack = await PortalStack.StartAsync(new PortalStackOptions { AppArguments = QuickWriteBack });
        using var target = new MixedLoadTarget([stack.AppUrl], stack.EhrUrl, ShortLoad.TotalUsers);
        using var end = new CancellationTokenSource();
        DateTimeOffset? down = null, up = null;

        var recorder = await MixedLoad.RunAsync(target, ShortLoad, Answers, end.Token, async (recorder, stop) =>
        {
            // Under way: a submission has gone all the way through with the EHR up.
            await UntilAsync(() => recorder.Acknowledged.Count >= 1, stop);
            using (var on = await target.Http.PostAsync(new Uri(stack.EhrUrl, "/sandbox/faults?kind=unavailable&seconds=600"), null, CancellationToken.None))
            {
                on.EnsureSuccessStatusCode();
            }

            down = DateTimeOffset.UtcNow;
            try
            {
                // Down for at least 15 s, and until two submissions were acknowledged while it was down.
                await Task.Delay(TimeSpan.FromSeconds(15), CancellationToken.None);
                await UntilAsync(() => recorder.Acknowledged.Count(a => a.At > down) >= 2, stop);
            }
            finally
            {
                using var off = await target.Http.DeleteAsync(new Uri(stack.EhrUrl, "/sandbox/faults"), CancellationToken.None);
                off.EnsureSuccessStatusCode();
                up = DateTimeOffset.UtcNow;
            }

            await Task.Delay(AfterFault, CancellationToken.None);
            await end.CancelAsync();
        });

        Assert.NotNull(down);
        Assert.NotNull(up);
        var report = recorder.Report(ShortLoad.Duration);
        // The patient does not wait for the EHR: submissions were acknowledged while it was down.
        Assert.True(recorder.Acknowledged.Count(a => a.At > down && a.At < up) >= 2, $"EHR down {down:O} to {up:O}\n{report}");
        // Only what needs the EHR live fails while it is down (the launch reads the patient from it); never a form step,
        // and nothing once it is back (a launch under way when it came back may still end in the error page).
        Assert.All(recorder.Errors, e => Assert.True(
            e.At >= down && e.At <= up.Value.AddSeconds(5) && e.Step.Contains("launch", StringComparison.Ordinal),
            $"{e.Step} failed at {e.At:O} (EHR down {down:O} to {up:O}): {e.Detail}\n{report}"));
        // Launches work again after the EHR is back, without restarting anything.
        Assert.Contains(recorder.Samples, s => s.Step.Contains("launch", StringComparison.Ordinal) && s.Outcome == StepOutcome.Ok && s.At > up.Value.AddSeconds(1));
        using var patientVoice = FhirSearch.ForPatientVoice(stack.AppUrl);
        using var ehr = await FhirSearch.ForEhrAsync(stack.EhrUrl, stack.BackendKeyPath, CancellationToken.None);
        var verification = await SubmissionVerification.VerifyAsync(patientVoice, ehr, recorder.Acknowledged, TimeSpan.FromSeconds(120), CancellationToken.None);
        Assert.True(verification.Clean, verification.Report());
        Assert.Equal(verification.Acknowledged, verification.WrittenBack);
    }

    [Fact]
    public async Task Two_instances_on_postgresql_under_load_when_one_is_killed_the_other_carries_on_and_delivers_what_the_dead_one_held()
    {
        var postgres = await PostgresServer.SharedAsync();
        await using var stack = await PortalStack.StartAsync(new PortalStackOptions
        {
            Instances = 2,
            PostgresConnectionString = await postgres.CreateDatabaseAsync("killed"),
            AppArguments = QuickWriteBack,
        });
        using var target = new MixedLoadTarget([.. stack.Apps.Select(a => a.BaseAddress)], stack.EhrUrl, ShortLoad.TotalUsers);
        using var end = new CancellationTokenSource();
        DateTimeOffset? killed = null;

        var recorder = await MixedLoad.RunAsync(target, ShortLoad, Answers, end.Token, async (recorder, stop) =>
        {
            // Both instances have acknowledged submissions, so the one killed has write-backs of its own.
            await UntilAsync(() => recorder.Acknowledged.Any(a => a.Instance == 0) && recorder.Acknowledged.Count(a => a.Instance == 1) >= 2, stop);
            // The EHR stops answering for a moment, so that deliveries are claimed and in flight at the kill.
            using (var hang = await target.Http.PostAsync(new Uri(stack.EhrUrl, "/sandbox/faults?kind=hang&seconds=4"), null, CancellationToken.None))
            {
                hang.EnsureSuccessStatusCode();
            }

            await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None);
            killed = DateTimeOffset.UtcNow;
            await stack.Apps[1].KillAsync();
            target.MarkDown(1);
            // The survivor goes on acknowledging, the dead one's patients among them.
            await UntilAsync(() => recorder.Acknowledged.Count(a => a.Instance == 0 && a.At > killed) >= 3, stop);
            await Task.Delay(AfterFault, CancellationToken.None);
            await end.CancelAsync();
        });

        Assert.NotNull(killed);
        // The report carries both instances' last log lines, so that a failure (e.g. a 500) can be read from the test's output.
        var report = recorder.Report(ShortLoad.Duration) + $"\ninstance 0:\n{stack.Apps[0].RecentOutput}\ninstance 1:\n{stack.Apps[1].RecentOutput}";
        Assert.True(recorder.Acknowledged.Count(a => a.Instance == 1 && a.At < killed) >= 2, $"killed {killed:O}\n{report}");
        Assert.True(recorder.Acknowledged.Count(a => a.Instance == 0 && a.At > killed) >= 3, $"killed {killed:O}\n{report}");
        // Nothing the survivor served failed; only requests to the dead instance did, from the kill on.
        Assert.All(recorder.Errors, e => Assert.True(e.Instance == 1 && e.At >= killed.Value.AddSeconds(-1),
            $"{e.Step} failed on instance {e.Instance} at {e.At:O} (killed {killed:O}): {e.Detail}\n{report}"));
        using var patientVoice = FhirSearch.ForPatientVoice(stack.Apps[0].BaseAddress);
        using var ehr = await FhirSearch.ForEhrAsync(stack.EhrUrl, stack.BackendKeyPath, CancellationToken.None);
        // What the dead instance acknowledged is in the check too: stored once, extracted once, written back once (its
        // claims taken over when their lease ran out).
        var verification = await SubmissionVerification.VerifyAsync(patientVoice, ehr, recorder.Acknowledged, TimeSpan.FromSeconds(120), CancellationToken.None);
        Assert.True(verification.Clean, verification.Report());
        Assert.Equal(verification.Acknowledged, verification.WrittenBack);
    }

    // Waits for the condition; at the cap (the run's stop) it returns, and the test's assertions say what was missing.
    private static async Task UntilAsync(Func<bool> condition, CancellationToken stop)
    {
        while (!condition() && !stop.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
        }
    }
}
