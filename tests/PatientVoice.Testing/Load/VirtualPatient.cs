using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PatientVoice.Testing.Load;

/// <summary>
/// A patient at home: opens PatientVoice from the EHR's portal (a SMART launch through the sandbox, over HTTP), opens a
/// form, saves drafts every few seconds as the page's script does, reviews and sends it. A submission counts as
/// acknowledged once the review post lands on the "sent" page, which names the stored response.
/// </summary>
public sealed partial class VirtualPatient(MixedLoadTarget target, LoadRecorder recorder, MixedLoadOptions options, FormSlots slots,
    IReadOnlyDictionary<string, JsonArray> completedItems, int user)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var instance = user % target.AppUrls.Count;
        while (!cancellationToken.IsCancellationRequested)
        {
            FormSlots.Lease lease;
            try
            {
                lease = await slots.TakeAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using (lease)
            {
                var session = new PageSession(target.Http, recorder, instance);
                if (!await JourneyAsync(session, lease.Patient, lease.Form, cancellationToken) && !cancellationToken.IsCancellationRequested)
                {
                    // A load balancer sends the next request elsewhere when an instance does not answer.
                    instance = target.NextLiveInstance(instance);
                    await Pause(TimeSpan.FromSeconds(1), cancellationToken);
                }
            }
        }
    }

    private async Task<bool> JourneyAsync(PageSession session, string patient, string form, CancellationToken stop)
    {
        var app = target.AppUrls[session.Instance];
        if (await target.PortalLaunchAsync(session, "patient: launch", app, new { patient, user = patient }, "/launch", CancellationToken.None) is null)
        {
            return false;
        }

        var page = await session.StepAsync("patient: open form", HttpMethod.Get, new Uri(app, $"/patient/questionnaire/{form}"), null, CancellationToken.None);
        if (page is null)
        {
            return false;
        }

        var token = page.AntiforgeryToken;
        var draftId = NullIfEmpty(page.Attribute(FormHost(), "data-draft-id"));
        var draftVersion = int.TryParse(page.Attribute(FormHost(), "data-draft-version"), out var v) ? v : (int?)null;
        var start = NullIfEmpty(page.Attribute(FormHost(), "data-start"));
        var response = JsonNode.Parse(page.Attribute(FormHost(), "data-response") ?? "{}")!.AsObject();
        response["item"] = completedItems[form].DeepClone();
        response["status"] = "in-progress";
        for (var draft = 0; draft < options.DraftsPerForm; draft++)
        {
            await Pause(options.DraftEvery, stop);
            if (stop.IsCancellationRequested)
            {
                return true;
            }

            var body = JsonSerializer.Serialize(new { id = draftId, version = draftVersion, start = draftId is null ? start : null, response }, JsonSerializerOptions.Web);
            var saved = await session.StepAsync("patient: save draft", HttpMethod.Post, new Uri(app, $"/patient/questionnaire/{form}?handler=Draft"),
                new StringContent(body, Encoding.UTF8, "application/json"), CancellationToken.None, headers: new Dictionary<string, string> { ["RequestVerificationToken"] = token ?? "" });
            if (saved is null)
            {
                return false;
            }

            using var json = JsonDocument.Parse(saved.Body);
            draftId = json.RootElement.GetProperty("id").GetString();
            draftVersion = json.RootElement.GetProperty("version").GetInt32();
        }

        var review = await session.StepAsync("patient: review", HttpMethod.Get, new Uri(app, $"/patient/questionnaire/{form}/review"), null, CancellationToken.None);
        if (review is null)
        {
            return false;
        }

        var sent = await session.StepAsync("patient: submit", HttpMethod.Post, new Uri(app, $"/patient/questionnaire/{form}/review"),
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["DraftId"] = review.Attribute(DraftIdInput(), "value") ?? "",
                ["DraftVersion"] = review.Attribute(DraftVersionInput(), "value") ?? "",
                ["__RequestVerificationToken"] = review.AntiforgeryToken ?? "",
            }), CancellationToken.None,
            expected: status => status == HttpStatusCode.OK);
        if (sent is null)
        {
            return false;
        }

        if (SentResponse().Match(sent.Url.Query) is not { Success: true } id || !sent.Url.AbsolutePath.EndsWith("/sent", StringComparison.Ordinal))
        {
            recorder.Record("patient: submit acknowledged", 0, StepOutcome.Error, session.Instance, $"the submission ended on {sent.Url.AbsolutePath}, not the sent page");
            return true;
        }

        recorder.Acknowledge(new AcknowledgedSubmission(patient, form, Uri.UnescapeDataString(id.Groups[1].Value), session.Instance, DateTimeOffset.UtcNow));
        return true;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    internal static async Task Pause(TimeSpan typical, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(typical * (0.5 + Random.Shared.NextDouble()), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The run is over; the journey stops at its next step.
        }
    }

    [GeneratedRegex("id=\"pv-form\"")]
    private static partial Regex FormHost();

    [GeneratedRegex("name=\"DraftId\"")]
    private static partial Regex DraftIdInput();

    [GeneratedRegex("name=\"DraftVersion\"")]
    private static partial Regex DraftVersionInput();

    [GeneratedRegex("[?&]response=([^&]+)")]
    private static partial Regex SentResponse();
}
