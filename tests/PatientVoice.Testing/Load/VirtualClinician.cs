using System.Net;
using System.Text.RegularExpressions;

namespace PatientVoice.Testing.Load;

/// <summary>
/// A clinician in the EHR: opens a patient's chart, which launches PatientVoice's summary (an EHR launch through the
/// sandbox), reads it, marks it read when there is something new, and records what became of the first topic on the
/// patient's agenda; then the next patient. "Changed meanwhile" answers (a patient submitted in between) are conflicts,
/// as the page shows them, not errors.
/// </summary>
public sealed partial class VirtualClinician(MixedLoadTarget target, LoadRecorder recorder, MixedLoadOptions options, int user)
{
    private static readonly string[] Outcomes = ["addressed", "deferred", "next-visit"];

    public async Task RunAsync(CancellationToken stop)
    {
        var instance = user % target.AppUrls.Count;
        var next = user;
        while (!stop.IsCancellationRequested)
        {
            var patient = SeededEhr.Patients[next++ % SeededEhr.Patients.Count];
            var clinician = SeededEhr.Practitioners[user % SeededEhr.Practitioners.Count];
            var session = new PageSession(target.Http, recorder, instance);
            if (!await JourneyAsync(session, patient, clinician, stop) && !stop.IsCancellationRequested)
            {
                instance = target.NextLiveInstance(instance);
            }

            await VirtualPatient.Pause(options.ThinkTime, stop);
        }
    }

    private async Task<bool> JourneyAsync(PageSession session, string patient, string clinician, CancellationToken stop)
    {
        var app = target.AppUrls[session.Instance];
        var summary = await target.PortalLaunchAsync(session, "clinician: launch + summary", app,
            new { patient, encounter = $"enc-{patient}", user = clinician }, "/launch/clinician", CancellationToken.None);
        if (summary is null)
        {
            return false;
        }

        await VirtualPatient.Pause(options.ThinkTime, stop);
        if (stop.IsCancellationRequested)
        {
            return true;
        }

        summary = await session.StepAsync("clinician: summary", HttpMethod.Get, new Uri(app, "/clinician"), null, CancellationToken.None);
        if (summary is null)
        {
            return false;
        }

        if (summary.Body.Contains("handler=Acknowledge", StringComparison.Ordinal))
        {
            var done = await ActAsync(session, "clinician: acknowledge", new Uri(app, "/clinician?handler=Acknowledge"), summary, []);
            if (done is null)
            {
                return false;
            }

            summary = done;
        }

        if (summary.Attribute(AgendaList(), "value") is { } listId && summary.Attribute(AgendaRank(), "value") is { } rank)
        {
            return await ActAsync(session, "clinician: agenda outcome", new Uri(app, "/clinician?handler=Agenda"), summary,
                new() { ["listId"] = listId, ["rank"] = rank, ["outcome"] = Outcomes[Random.Shared.Next(Outcomes.Length)] }) is not null;
        }

        return true;
    }

    // The page posts back and redirects to itself with done=… or problem=…; "changed" means someone else wrote first.
    private async Task<PageAnswer?> ActAsync(PageSession session, string step, Uri action, PageAnswer page, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = page.AntiforgeryToken ?? "";
        var answer = await session.StepAsync(step, HttpMethod.Post, action, new FormUrlEncodedContent(fields), CancellationToken.None,
            expected: status => status == HttpStatusCode.OK);
        if (answer is not null && answer.Url.Query.Contains("problem=", StringComparison.Ordinal))
        {
            recorder.Record(step + " (refused)", 0, answer.Url.Query.Contains("problem=changed", StringComparison.Ordinal) || answer.Url.Query.Contains("problem=ended", StringComparison.Ordinal) ? StepOutcome.Conflict : StepOutcome.Error,
                session.Instance, answer.Url.Query);
        }

        return answer;
    }

    [GeneratedRegex("name=\"listId\"")]
    private static partial Regex AgendaList();

    [GeneratedRegex("name=\"rank\"")]
    private static partial Regex AgendaRank();
}
