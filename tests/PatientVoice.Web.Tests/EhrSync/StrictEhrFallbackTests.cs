using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.EhrSync;

/// <summary>The sandbox EHR with <c>Sandbox:Profile=strict</c>, and PatientVoice's write-back with its defaults.</summary>
public sealed class StrictEhrFixture : IAsyncLifetime
{
    internal EhrSyncEnvironment Environment { get; private set; } = null!;

    public async Task InitializeAsync() => Environment = await EhrSyncEnvironment.StartAsync(["--Sandbox:Profile=strict"], []);

    public async Task DisposeAsync()
    {
        if (Environment is not null)
        {
            await Environment.DisposeAsync();
        }
    }
}

/// <summary>
/// A strict EHR refuses QuestionnaireResponse and Goal writes (422): with no configuration, the response and the goals
/// reach the chart inside the patient note, and what it accepts (Observation, DocumentReference, Provenance) is written.
/// </summary>
[Collection(EhrSyncCollection.Name)]
public sealed class StrictEhrFallbackTests(StrictEhrFixture fixture) : IClassFixture<StrictEhrFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly EhrSyncEnvironment _env = fixture.Environment;

    [Fact]
    public async Task Responses_and_goals_the_strict_EHR_refuses_arrive_inside_the_patient_note()
    {
        using var client = _env.PatientVoiceClient();
        var patient = "p-" + Guid.NewGuid().ToString("N")[..12];

        var submitted = await _env.SubmitAsync(client, "my-goals", patient);
        var task = await _env.WaitForTaskAsync(client, submitted.Id, 1, "delivered", Patience);

        var outputs = task.Output.ToDictionary(o => o.Type.Text!, o => o);
        var carried = outputs.Where(o => o.Key.StartsWith("Goal/", StringComparison.Ordinal) || o.Key.StartsWith("QuestionnaireResponse/", StringComparison.Ordinal)).Select(o => o.Value).ToList();
        Assert.Equal(3, carried.Count);
        Assert.All(carried, o => Assert.Equal("in-patient-note", o.Type.Coding[0].Code));
        Assert.All(carried, o => Assert.Contains("422", ((ResourceReference)o.Value).Display, StringComparison.Ordinal));

        var note = Assert.Single(await _env.SearchEhrAsync($"DocumentReference?patient=Patient/{patient}"));
        var noteUrl = $"{_env.Sandbox.FhirBase}/DocumentReference/{note.GetProperty("id").GetString()}";
        Assert.All(carried, o => Assert.Equal(noteUrl, ((ResourceReference)o.Value).Reference));
        Assert.Empty(await _env.SearchEhrAsync($"Goal?patient=Patient/{patient}"));
        Assert.Empty(await _env.SearchEhrAsync($"QuestionnaireResponse?patient=Patient/{patient}"));
        Assert.Single(await _env.SearchEhrAsync($"Provenance?target=DocumentReference/{note.GetProperty("id").GetString()}"));
    }
}
