using System.Text.Json.Nodes;

namespace PatientVoice.Testing.Load;

/// <summary>
/// The mixed load of issue 17: <see cref="MixedLoadOptions.Patients"/> virtual patients, clinicians and integrators at
/// once for <see cref="MixedLoadOptions.Duration"/>, spread over PatientVoice's instances. Journeys under way when the
/// time is up stop at their next pause; what they had done stays recorded.
/// </summary>
public static class MixedLoad
{
    /// <param name="completedResponses">Per form id, a completed QuestionnaireResponse (JSON) whose answers the patients give.</param>
    /// <param name="cancellationToken">Ends the run early (as the end of <see cref="MixedLoadOptions.Duration"/> does).</param>
    /// <param name="duringLoad">Runs beside the users, e.g. a fault injected once the recorder shows the load under way; the run's stop token.</param>
    public static async Task<LoadRecorder> RunAsync(MixedLoadTarget target, MixedLoadOptions options, IReadOnlyDictionary<string, string> completedResponses,
        CancellationToken cancellationToken, Func<LoadRecorder, CancellationToken, Task>? duringLoad = null)
    {
        var recorder = new LoadRecorder();
        var items = completedResponses.ToDictionary(r => r.Key, r => JsonNode.Parse(r.Value)!["item"]!.AsArray(), StringComparer.Ordinal);
        var slots = new FormSlots(SeededEhr.Patients, items.Keys);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(options.Duration);
        var users = new List<Task>();
        for (var i = 0; i < options.Patients; i++)
        {
            users.Add(new VirtualPatient(target, recorder, options, slots, items, i).RunAsync(stop.Token));
        }

        for (var i = 0; i < options.Clinicians; i++)
        {
            users.Add(new VirtualClinician(target, recorder, options, i).RunAsync(stop.Token));
        }

        for (var i = 0; i < options.Integrators; i++)
        {
            users.Add(new VirtualIntegrator(target, recorder, options, i).RunAsync(stop.Token));
        }

        if (duringLoad is not null)
        {
            users.Add(duringLoad(recorder, stop.Token));
        }

        await Task.WhenAll(users);
        return recorder;
    }

    /// <summary>The hand-made completed responses of tests/PatientVoice.Fhir.Tests/CompletedResponses, one per shipped form.</summary>
    public static IReadOnlyDictionary<string, string> CompletedResponses(string folder)
        => SeededEhr.Forms.ToDictionary(f => f, f => File.ReadAllText(Path.Combine(folder, f + ".json")), StringComparer.Ordinal);
}
