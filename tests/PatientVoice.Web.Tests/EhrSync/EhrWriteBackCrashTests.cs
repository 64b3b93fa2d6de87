using Xunit.Abstractions;

namespace PatientVoice.Web.Tests.EhrSync;

/// <summary>PatientVoice killed (SIGKILL) in the middle of delivering, then restarted on the same database: every item still arrives exactly once.</summary>
[Collection(EhrSyncCollection.Name)]
public sealed class EhrWriteBackCrashTests(ITestOutputHelper output)
{
    private const int Submissions = 10;

    [Fact]
    public async Task Every_item_arrives_exactly_once_when_PatientVoice_is_killed_mid_delivery_and_restarted()
    {
        await using var env = await EhrSyncEnvironment.StartAsync();
        var patient = "p-" + Guid.NewGuid().ToString("N")[..12];
        List<string> responseIds;
        using (var client = env.PatientVoiceClient())
        {
            var submitted = await Task.WhenAll(Enumerable.Range(0, Submissions).Select(_ => env.SubmitAsync(client, "my-goals", patient)));
            responseIds = [.. submitted.Select(r => r.Id)];
        }

        // Kill as soon as the first patient note is in the EHR: the other deliveries are queued or under way.
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        int notesAtKill;
        while ((notesAtKill = (await env.SearchEhrAsync($"DocumentReference?patient=Patient/{patient}&_count=100")).Count) == 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"Nothing arrived in the EHR within 2 minutes.\n{env.PatientVoice.RecentOutput}");
            await Task.Delay(50);
        }

        Assert.Equal(137, await env.PatientVoice.KillAsync());
        await env.PatientVoice.DisposeAsync();
        output.WriteLine($"Killed PatientVoice with {notesAtKill} of {Submissions} patient notes in the EHR.");

        await env.StartPatientVoiceAsync(default);
        using var restarted = env.PatientVoiceClient();
        foreach (var id in responseIds)
        {
            await env.WaitForTaskAsync(restarted, id, 1, "delivered", TimeSpan.FromMinutes(2));
        }

        await EhrWriteBackAssertions.EveryItemIsInTheEhrExactlyOnceAsync(env, restarted, patient, "Goal", "DocumentReference");
        Assert.Equal(Submissions, (await env.SearchEhrAsync($"DocumentReference?patient=Patient/{patient}&_count=100")).Count);
        Assert.Equal(Submissions * 2, (await env.SearchEhrAsync($"Goal?patient=Patient/{patient}&_count=100")).Count);
    }
}
