using System.Text.Json;
using Hl7.Fhir.Model;
using Xunit.Abstractions;

namespace PatientVoice.Web.Tests.EhrSync;

/// <summary>One sandbox EHR and one PatientVoice writing back to it, shared by the tests of <see cref="EhrWriteBackTests"/>.</summary>
public sealed class EhrWriteBackFixture : IAsyncLifetime
{
    internal EhrSyncEnvironment Environment { get; private set; } = null!;

    public async Task InitializeAsync() => Environment = await EhrSyncEnvironment.StartAsync();

    public async Task DisposeAsync()
    {
        if (Environment is not null)
        {
            await Environment.DisposeAsync();
        }
    }
}

/// <summary>
/// Write-back to the real sandbox EHR: a submission arrives once with everything it yields, an amendment updates rather
/// than duplicates, and the EHR's outages (503 for a while, 429 with Retry-After, hung connections) only delay it.
/// </summary>
[Collection(EhrSyncCollection.Name)]
public sealed class EhrWriteBackTests(EhrWriteBackFixture fixture, ITestOutputHelper output) : IClassFixture<EhrWriteBackFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly EhrSyncEnvironment _env = fixture.Environment;

    [Fact]
    public async Task A_submission_arrives_in_the_EHR_once_with_its_goals_observations_note_and_provenance()
    {
        using var client = _env.PatientVoiceClient();
        var patient = NewPatient();

        var goals = await _env.SubmitAsync(client, "my-goals", patient);
        var preferences = await _env.SubmitAsync(client, "my-care-preferences", patient);
        var goalsTask = await _env.WaitForTaskAsync(client, goals.Id, 1, "delivered", Patience);
        var preferencesTask = await _env.WaitForTaskAsync(client, preferences.Id, 1, "delivered", Patience);

        Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Completed, goalsTask.Status);
        Assert.All(goalsTask.Output.Concat(preferencesTask.Output), o => Assert.Equal("delivered", o.Type.Coding[0].Code));
        await EhrWriteBackAssertions.EveryItemIsInTheEhrExactlyOnceAsync(_env, client, patient, "Goal", "Observation", "DocumentReference");

        // References to our resources now name the EHR's copies.
        var ehrResponse = Assert.Single(await _env.SearchEhrAsync($"QuestionnaireResponse?identifier={Uri.EscapeDataString($"http://patientvoice.example.org/fhir/sid/response|{preferences.Id}")}"));
        var observations = await _env.SearchEhrAsync($"Observation?patient=Patient/{patient}");
        Assert.All(observations, o => Assert.Equal($"QuestionnaireResponse/{ehrResponse.GetProperty("id").GetString()}",
            o.GetProperty("derivedFrom")[0].GetProperty("reference").GetString()));
        var provenance = Assert.Single(await _env.SearchEhrAsync($"Provenance?target=Goal/{(await _env.SearchEhrAsync($"Goal?patient=Patient/{patient}"))[0].GetProperty("id").GetString()}"));
        Assert.Equal("Provenance", provenance.GetProperty("resourceType").GetString());
    }

    [Fact]
    public async Task An_amended_submission_updates_the_same_resources_in_the_EHR_and_ends_the_goal_taken_out()
    {
        using var client = _env.PatientVoiceClient();
        var patient = NewPatient();
        var submitted = await _env.SubmitAsync(client, "my-goals", patient);
        await _env.WaitForTaskAsync(client, submitted.Id, 1, "delivered", Patience);

        submitted.Status = QuestionnaireResponse.QuestionnaireResponseStatus.Amended;
        submitted.Item.RemoveAll(i => i.LinkId == "goal" && i.Item.Any(a => a.LinkId == "goal-text" && a.Answer.Any(x => x.Value.ToString() == "Sleep through the night")));
        var amended = await FhirJson.ReadAsync<QuestionnaireResponse>(await client.PutAsync($"QuestionnaireResponse/{submitted.Id}", FhirJson.Content(submitted)));
        await _env.WaitForTaskAsync(client, submitted.Id, int.Parse(amended.Meta.VersionId, System.Globalization.CultureInfo.InvariantCulture), "delivered", Patience);

        await EhrWriteBackAssertions.EveryItemIsInTheEhrExactlyOnceAsync(_env, client, patient, "Goal", "DocumentReference");
        var ehrGoals = await _env.SearchEhrAsync($"Goal?patient=Patient/{patient}");
        Assert.Equal("cancelled", ehrGoals.Single(g => g.GetProperty("description").GetProperty("text").GetString() == "Sleep through the night").GetProperty("lifecycleStatus").GetString());
        var response = Assert.Single(await _env.SearchEhrAsync($"QuestionnaireResponse?identifier={Uri.EscapeDataString($"http://patientvoice.example.org/fhir/sid/response|{submitted.Id}")}"));
        Assert.Equal("amended", response.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_operator_page_lists_each_write_back_with_its_status_and_task()
    {
        using var client = _env.PatientVoiceClient();
        var submitted = await _env.SubmitAsync(client, "my-goals", NewPatient());
        await _env.WaitForTaskAsync(client, submitted.Id, 1, "delivered", Patience);

        using var page = await client.GetAsync(new Uri(_env.PatientVoice.BaseAddress, "/operator/ehr-sync?state=completed"));
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"{submitted.Id}/1", html, StringComparison.Ordinal);
        Assert.Contains($"/fhir/Task/ehrsync-{submitted.Id}-1", html, StringComparison.Ordinal);
        Assert.Contains("delivered", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Walk my granddaughter", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unavailable", "503")]
    [InlineData("too-many-requests", "429")]
    [InlineData("hang", "no answer")]
    public async Task A_submission_made_while_the_EHR_fails_waits_with_the_reason_and_arrives_once_when_the_EHR_is_back(string fault, string reason)
    {
        using var client = _env.PatientVoiceClient();
        var patient = NewPatient();
        await _env.Sandbox.TurnFaultOnAsync(fault, 120);
        try
        {
            var submitted = await _env.SubmitAsync(client, "my-goals", patient);
            var retrying = await _env.WaitForTaskAsync(client, submitted.Id, 1, "retrying", Patience);
            Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.InProgress, retrying.Status);
            Assert.Contains(reason, retrying.StatusReason?.Text, StringComparison.Ordinal);
            
            await _env.Sandbox.TurnFaultsOffAsync();
            var back = DateTimeOffset.UtcNow;
            await _env.WaitForTaskAsync(client, submitted.Id, 1, "delivered", Patience);
            output.WriteLine($"{fault}: reason while down \"{retrying.StatusReason.Text}\"; delivered {(DateTimeOffset.UtcNow - back).TotalSeconds:F1} s after the EHR came back.");
            await EhrWriteBackAssertions.EveryItemIsInTheEhrExactlyOnceAsync(_env, client, patient, "Goal", "DocumentReference");
        }
        finally
        {
            await _env.Sandbox.TurnFaultsOffAsync();
        }
    }

    private static string NewPatient() => "p-" + Guid.NewGuid().ToString("N")[..12];
}
