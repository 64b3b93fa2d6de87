using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.EhrSync;

/// <summary>
/// A sandbox EHR that does not list QuestionnaireResponse as writable and refuses Goals and Observations with 422; PatientVoice
/// configured to let Observations have no fallback (<c>EhrSync:Fallbacks:Observation:0=Observation</c>).
/// </summary>
public sealed class EhrFallbackFixture : IAsyncLifetime
{
    internal EhrSyncEnvironment Environment { get; private set; } = null!;

    public async Task InitializeAsync() => Environment = await EhrSyncEnvironment.StartAsync(
        ["--Sandbox:UnlistedTypes:0=QuestionnaireResponse", "--Sandbox:RefusedTypes:0=Goal", "--Sandbox:RefusedTypes:1=Observation"],
        ["--EhrSync:Fallbacks:Observation:0=Observation"]);

    public async Task DisposeAsync()
    {
        if (Environment is not null)
        {
            await Environment.DisposeAsync();
        }
    }
}

/// <summary>What the EHR cannot take travels in the patient note; what has no route left fails with the EHR's reason, once, not forever.</summary>
[Collection(EhrSyncCollection.Name)]
public sealed class EhrFallbackTests(EhrFallbackFixture fixture) : IClassFixture<EhrFallbackFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly EhrSyncEnvironment _env = fixture.Environment;

    [Fact]
    public async Task Types_the_EHR_does_not_list_or_refuses_arrive_inside_the_patient_note_with_the_reason_recorded()
    {
        using var client = _env.PatientVoiceClient();
        var patient = "p-" + Guid.NewGuid().ToString("N")[..12];

        var submitted = await _env.SubmitAsync(client, "my-goals", patient);
        var task = await _env.WaitForTaskAsync(client, submitted.Id, 1, "delivered", Patience);

        var outputs = task.Output.ToDictionary(o => o.Type.Text!, o => o);
        var response = outputs[$"QuestionnaireResponse/{submitted.Id}"];
        Assert.Equal("in-patient-note", response.Type.Coding[0].Code);
        Assert.Contains("CapabilityStatement", ((ResourceReference)response.Value).Display, StringComparison.Ordinal);
        var goals = outputs.Where(o => o.Key.StartsWith("Goal/", StringComparison.Ordinal)).Select(o => o.Value).ToList();
        Assert.Equal(2, goals.Count);
        Assert.All(goals, g => Assert.Equal("in-patient-note", g.Type.Coding[0].Code));
        Assert.All(goals, g => Assert.Contains("422", ((ResourceReference)g.Value).Display, StringComparison.Ordinal));
        Assert.All(goals, g => Assert.Contains("Sandbox:RefusedTypes", ((ResourceReference)g.Value).Display, StringComparison.Ordinal));

        var note = Assert.Single(await _env.SearchEhrAsync($"DocumentReference?patient=Patient/{patient}"));
        var noteUrl = $"{_env.Sandbox.FhirBase}/DocumentReference/{note.GetProperty("id").GetString()}";
        Assert.All(goals.Append(response), o => Assert.Equal(noteUrl, ((ResourceReference)o.Value).Reference));
        Assert.Empty(await _env.SearchEhrAsync($"Goal?patient=Patient/{patient}"));
        Assert.Empty(await _env.SearchEhrAsync($"QuestionnaireResponse?patient=Patient/{patient}"));

        // The Provenance names what the EHR holds: the note, in place of the goals it carries.
        var provenance = Assert.Single(await _env.SearchEhrAsync($"Provenance?target=DocumentReference/{note.GetProperty("id").GetString()}"));
        Assert.All(provenance.GetProperty("target").EnumerateArray().Where(t => t.TryGetProperty("reference", out _)),
            t => Assert.Equal($"DocumentReference/{note.GetProperty("id").GetString()}", t.GetProperty("reference").GetString()));

        var searchable = await FhirJson.ReadAsync<Bundle>(await client.GetAsync($"Task?focus=QuestionnaireResponse/{submitted.Id}&status=completed"));
        Assert.Single(searchable.Entry);
    }

    [Fact]
    public async Task A_type_with_no_route_left_fails_with_the_EHRs_reason_and_is_not_retried()
    {
        using var client = _env.PatientVoiceClient();
        var patient = "p-" + Guid.NewGuid().ToString("N")[..12];

        var submitted = await _env.SubmitAsync(client, "my-care-preferences", patient);
        var task = await _env.WaitForTaskAsync(client, submitted.Id, 1, "failed", Patience);

        Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Failed, task.Status);
        Assert.Contains("Observation/", task.StatusReason.Text, StringComparison.Ordinal);
        Assert.Contains("422", task.StatusReason.Text, StringComparison.Ordinal);
        var observations = task.Output.Where(o => o.Type.Text.StartsWith("Observation/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(observations);
        Assert.All(observations, o => Assert.Equal("not-delivered", o.Type.Coding[0].Code));
        // Still, the readable note arrived.
        Assert.Single(await _env.SearchEhrAsync($"DocumentReference?patient=Patient/{patient}"));

        // Failed once: the Task does not move again.
        var version = task.Meta.VersionId;
        await System.Threading.Tasks.Task.Delay(TimeSpan.FromSeconds(2));
        var later = await FhirJson.ReadAsync<Hl7.Fhir.Model.Task>(await client.GetAsync($"Task/{task.Id}"));
        Assert.Equal(version, later.Meta.VersionId);
        var failed = await FhirJson.ReadAsync<Bundle>(await client.GetAsync($"Task?code={Uri.EscapeDataString("http://patientvoice.example.org/fhir/CodeSystem/pv-task-kind|ehr-write-back")}&status=failed&focus=QuestionnaireResponse/{submitted.Id}"));
        Assert.Single(failed.Entry);
    }
}
