using System.Diagnostics;
using System.Net.Http.Headers;

namespace PatientVoice.Testing.Load;

/// <summary>
/// An integrator's backend polling PatientVoice's FHIR API with a system token (the test issuer's, which the servers
/// trust): a patient's goals, completed responses, preferences and patient notes, in turn.
/// </summary>
public sealed class VirtualIntegrator(MixedLoadTarget target, LoadRecorder recorder, MixedLoadOptions options, int user)
{
    private static readonly string[] Searches =
    [
        "Goal?patient=Patient/{0}",
        "QuestionnaireResponse?patient=Patient/{0}&status=completed&_count=20",
        "Observation?patient=Patient/{0}",
        "DocumentReference?patient=Patient/{0}&type=http://loinc.org|51855-5",
    ];

    public async Task RunAsync(CancellationToken stop)
    {
        var instance = user % target.AppUrls.Count;
        var clients = target.AppUrls.Select(Client).ToList();
        try
        {
            var turn = user;
            while (!stop.IsCancellationRequested)
            {
                var patient = SeededEhr.Patients[turn % SeededEhr.Patients.Count];
                var search = Searches[turn++ % Searches.Length];
                var query = string.Format(System.Globalization.CultureInfo.InvariantCulture, search, patient);
                var step = "integrator: " + search[..search.IndexOf('?', StringComparison.Ordinal)] + " search";
                var begin = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await clients[instance].GetAsync(query, CancellationToken.None);
                    await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                    recorder.Record(step, Stopwatch.GetTimestamp() - begin, response.IsSuccessStatusCode ? StepOutcome.Ok : StepOutcome.Error, instance,
                        response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} for {query}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    recorder.Record(step, Stopwatch.GetTimestamp() - begin, StepOutcome.Error, instance, e.GetType().Name + ": " + e.Message);
                    instance = target.NextLiveInstance(instance);
                }

                await VirtualPatient.Pause(options.ThinkTime, stop);
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static HttpClient Client(Uri app)
    {
        var client = Portal.PortalStack.FhirClient(app);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return client;
    }
}
