using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Sandbox.Subscriber;

/// <summary>
/// Where PatientVoice's notifications arrive (the subscription's rest-hook endpoint): only with the secret header the
/// subscription asked for (401 otherwise), a notification Bundle (400 otherwise). For each event the EHR reads the
/// response named — only from PatientVoice's FHIR base, never a URL the body made up — and records it for the
/// patient's chart; one that cannot be read is logged (by event number) and left out.
/// </summary>
internal static partial class NotificationEndpoint
{
    public const string Path = "/patientvoice/notifications";
    private const long MaxBody = 1024 * 1024;

    public static IEndpointRouteBuilder MapPatientVoiceNotifications(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, HandleAsync).AllowAnonymous().DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, PatientVoiceActivity activity, PatientVoiceApi api, TimeProvider clock, ILoggerFactory loggers)
    {
        if (!activity.IsFromPatientVoice(http.Request.Headers.Authorization.ToString()))
        {
            return Results.Unauthorized();
        }

        if (http.Request.ContentLength > MaxBody)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        Parameters status;
        Bundle bundle;
        try
        {
            using var reader = new StreamReader(http.Request.Body);
            bundle = FhirSerializer.Parse<Bundle>(await reader.ReadToEndAsync(http.RequestAborted));
            status = bundle.Entry.FirstOrDefault()?.Resource as Parameters ?? throw new FormatException("the first entry is not the subscription status");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Results.BadRequest($"Not a subscription notification bundle ({e.GetType().Name}).");
        }

        var now = clock.GetUtcNow();
        var type = (status.Parameter.FirstOrDefault(p => p.Name == "type")?.Value as Code)?.Value;
        if (type != "event-notification")
        {
            activity.Heard(now);
            return Results.Ok();
        }

        var logger = loggers.CreateLogger(typeof(NotificationEndpoint));
        foreach (var @event in status.Parameter.Where(p => p.Name == "notification-event"))
        {
            var number = (@event.Part.FirstOrDefault(p => p.Name == "event-number")?.Value as FhirString)?.Value;
            var focus = (@event.Part.FirstOrDefault(p => p.Name == "focus")?.Value as ResourceReference)?.Reference;
            if (!long.TryParse(number, System.Globalization.CultureInfo.InvariantCulture, out var eventNumber)
                || focus is null || !focus.StartsWith(api.FhirBase + "/QuestionnaireResponse/", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                await RecordAsync(api, activity, logger, eventNumber, focus, now, http.RequestAborted);
            }
            catch (Exception e) when (e is HttpRequestException or SubscriberTokenException or InvalidOperationException or System.Text.Json.JsonException)
            {
                // PatientVoice will not send this event again (it was delivered): the chart simply does not list it.
                LogUnreadable(logger, eventNumber, e.GetType().Name);
            }
        }

        return Results.Ok();
    }

    private static async System.Threading.Tasks.Task RecordAsync(PatientVoiceApi api, PatientVoiceActivity activity, ILogger logger, long eventNumber, string focus, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var read = await api.SendAsync(HttpMethod.Get, focus, null, cancellationToken);
        if (!read.IsSuccessStatusCode)
        {
            LogUnreadable(logger, eventNumber, $"HTTP {(int)read.StatusCode}");
            return;
        }

        var response = FhirSerializer.Parse<QuestionnaireResponse>(await read.Content.ReadAsStringAsync(cancellationToken));
        if (response.Id is null || response.Subject?.Reference is not { } subject || !subject.StartsWith("Patient/", StringComparison.Ordinal))
        {
            return;
        }

        var title = await TitleAsync(api, response.Questionnaire, cancellationToken);
        activity.Record(subject["Patient/".Length..], new CompletedQuestionnaire(eventNumber, $"QuestionnaireResponse/{response.Id}", title, response.AuthoredElement?.ToDateTimeOffset(TimeSpan.Zero), now));
        LogRecorded(logger, eventNumber, response.Id);
    }

    /// <summary>The questionnaire's title as PatientVoice holds it; its name from the canonical when it cannot be read.</summary>
    private static async Task<string> TitleAsync(PatientVoiceApi api, string? canonical, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(canonical))
        {
            return "A questionnaire";
        }

        var parts = canonical.Split('|');
        var query = $"{api.FhirBase}/Questionnaire?url={Uri.EscapeDataString(parts[0])}" + (parts.Length > 1 ? $"&version={Uri.EscapeDataString(parts[1])}" : "");
        using var found = await api.SendAsync(HttpMethod.Get, query, null, cancellationToken);
        if (found.IsSuccessStatusCode
            && FhirSerializer.Parse<Bundle>(await found.Content.ReadAsStringAsync(cancellationToken)).Entry.Select(e => e.Resource).OfType<Questionnaire>().FirstOrDefault() is { } questionnaire)
        {
            return questionnaire.Title ?? questionnaire.Name ?? parts[0].Split('/')[^1];
        }

        return parts[0].Split('/')[^1];
    }

    [LoggerMessage(EventId = 9411, Level = LogLevel.Information, Message = "PatientVoice event {Number}: QuestionnaireResponse/{Id} recorded for the chart")]
    private static partial void LogRecorded(ILogger logger, long number, string id);

    [LoggerMessage(EventId = 9412, Level = LogLevel.Warning, Message = "PatientVoice event {Number}: its response could not be read ({Reason})")]
    private static partial void LogUnreadable(ILogger logger, long number, string reason);
}
