using PatientVoice.Testing;
using PatientVoice.Testing.Load;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// Issue 17, short versions for CI: the mixed load (virtual patients, a clinician, an integrator, over HTTP) with a
/// fault injected, then every acknowledged submission checked: stored once, extracted once, written back to the EHR once.
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

    private static readonly MixedLoadOptions ShortLoad = new()
    {
        Patients = 6,
        Clinicians = 1,
        Integrators = 1,
        Duration = TimeSpan.FromSeconds(40),
        DraftEvery = TimeSpan.FromSeconds(1),
        DraftsPerForm = 2,
        ThinkTime = TimeSpan.FromSeconds(1),
    };

    private static IReadOnlyDictionary<string, string> Answers => MixedLoad.CompletedResponses(Path.Combine(AppContext.BaseDirectory, "CompletedResponses"));

    [Fact]
    public async Task With_the_ehr_down_for_a_while_during_load_every_acknowledged_submission_is_written_back_once_after_it_returns()
    {
        await using var stack = await PortalStack.StartAsync(new PortalStackOptions { AppArguments = QuickWriteBack });
        using var target = new MixedLoadTarget([stack.AppUrl], stack.EhrUrl, ShortLoad.TotalUsers);
        DateTimeOffset? down = null;

        var recorder = await MixedLoad.RunAsync(target, ShortLoad, Answers, CancellationToken.None, async stop =>
        {
            await Task.Delay(TimeSpan.FromSeconds(8), stop);
            down = DateTimeOffset.UtcNow;
            using var response = await target.Http.PostAsync(new Uri(stack.EhrUrl, "/sandbox/faults?kind=unavailable&seconds=18"), null, CancellationToken.None);
            response.EnsureSuccessStatusCode();
        });

        Assert.NotNull(down);
        // Submissions were acknowledged while the EHR was down: the write-back waits, the patient does not.
        Assert.Contains(recorder.Acknowledged, a => a.At > down.Value.AddSeconds(2) && a.At < down.Value.AddSeconds(18));
        // While the EHR is down, only what needs it live fails (the launch, that reads the patient from it); never a form step.
        Assert.All(recorder.Errors, e => Assert.True(
            e.At >= down.Value && e.At <= down.Value.AddSeconds(25) && e.Step.Contains("launch", StringComparison.Ordinal),
            $"{e.Step} failed at {e.At:O} (EHR down from {down:O}): {e.Detail}\n{recorder.Report(ShortLoad.Duration)}"));
        using var patientVoice = FhirSearch.ForPatientVoice(stack.AppUrl);
        using var ehr = await FhirSearch.ForEhrAsync(stack.EhrUrl, stack.BackendKeyPath, CancellationToken.None);
        var verification = await SubmissionVerification.VerifyAsync(patientVoice, ehr, recorder.Acknowledged, TimeSpan.FromSeconds(90), CancellationToken.None);
        Assert.True(verification.Clean, verification.Report());
        Assert.Equal(verification.Acknowledged, verification.WrittenBack);
        Assert.True(verification.Acknowledged >= 3, recorder.Report(ShortLoad.Duration));
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
        DateTimeOffset? killed = null;

        var recorder = await MixedLoad.RunAsync(target, ShortLoad, Answers, CancellationToken.None, async stop =>
        {
            await Task.Delay(TimeSpan.FromSeconds(12), stop);
            // The EHR stops answering for a moment, so that deliveries are claimed and in flight at the kill.
            using var hang = await target.Http.PostAsync(new Uri(stack.EhrUrl, "/sandbox/faults?kind=hang&seconds=4"), null, CancellationToken.None);
            hang.EnsureSuccessStatusCode();
            await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None);
            killed = DateTimeOffset.UtcNow;
            await stack.Apps[1].KillAsync();
            target.MarkDown(1);
        });

        Assert.NotNull(killed);
        // The survivor carries on: it acknowledges submissions after the kill, and nothing it served failed.
        Assert.Contains(recorder.Acknowledged, a => a.Instance == 0 && a.At > killed.Value.AddSeconds(2));
        Assert.All(recorder.Errors, e => Assert.True(e.Instance == 1 && e.At >= killed.Value.AddSeconds(-1),
            $"{e.Step} failed on instance {e.Instance} at {e.At:O} (killed {killed:O}): {e.Detail}\n{recorder.Report(ShortLoad.Duration)}"));
        using var patientVoice = FhirSearch.ForPatientVoice(stack.Apps[0].BaseAddress);
        using var ehr = await FhirSearch.ForEhrAsync(stack.EhrUrl, stack.BackendKeyPath, CancellationToken.None);
        var verification = await SubmissionVerification.VerifyAsync(patientVoice, ehr, recorder.Acknowledged, TimeSpan.FromSeconds(90), CancellationToken.None);
        Assert.True(verification.Clean, verification.Report());
        Assert.Equal(verification.Acknowledged, verification.WrittenBack);
        Assert.Contains(recorder.Acknowledged, a => a.Instance == 1);
    }
}
