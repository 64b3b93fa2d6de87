using Hl7.Fhir.Model;
using PatientVoice.Application.Goals;
using PatientVoice.Web.Launch;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>
/// Home: the next visit, what to fill in before it (and how long it takes), what was already shared and what became
/// of it (read by the care team, the agenda's outcomes, in the medical record or not).
/// </summary>
public sealed partial class IndexModel(PatientContextAccessor contexts, IEhrFhirClient ehr, PatientQuestionnaires questionnaires, PatientResponses responses, PatientGoals goals, SharedItemReader sharedItems, ILogger<IndexModel> logger)
    : PatientPageModel(contexts)
{
    private const string MyGoalsForm = "my-goals";

    public UpcomingVisit? Visit { get; private set; }

    public bool VisitUnknown { get; private set; }

    /// <summary>The launch's granted scopes do not cover appointments: the EHR was not asked.</summary>
    public bool VisitNotShared { get; private set; }

    public IReadOnlyList<QuestionnaireStatus> ToFillIn { get; private set; } = [];

    public IReadOnlyList<SharedItem> Shared { get; private set; } = [];

    /// <summary>The Appointment a portal launch named (<c>/patient?appointment={id}</c>).</summary>
    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true, Name = "appointment")]
    public string? AppointmentId { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Visit = await NextVisitAsync(cancellationToken);
        var all = await responses.AllAsync(Patient, cancellationToken);
        var offered = await questionnaires.ListAsync(cancellationToken);
        // Goals the patient (or their family member) added or changed on My goals are shared too: the My goals form is done.
        var goalsShared = (await goals.ListAsync(Patient.Actor, cancellationToken))
            .Where(g => g.Goal.ExpressedBy?.Reference is { } by && (by == Patient.PatientReference || by.StartsWith("RelatedPerson/", StringComparison.Ordinal)))
            .Select(g => (DateTimeOffset?)g.Stored.LastUpdated).Max();
        ToFillIn = offered.Select(q =>
        {
            var mine = all.Where(r => PatientQuestionnaires.UrlOf(r.Response.Questionnaire) == q.Questionnaire.Url).ToList();
            var draft = mine.FirstOrDefault(r => r.Response.Status == QuestionnaireResponse.QuestionnaireResponseStatus.InProgress);
            var sent = mine.FirstOrDefault(r => SubmissionService.IsSubmission(r.Response));
            var lastShared = sent.Response is not null ? sent.Stored.LastUpdated : (DateTimeOffset?)null;
            if ((q.Questionnaire.Url ?? string.Empty).EndsWith("/" + MyGoalsForm, StringComparison.Ordinal) && goalsShared > (lastShared ?? DateTimeOffset.MinValue))
            {
                lastShared = goalsShared;
            }

            return new QuestionnaireStatus(q, draft.Response is not null ? draft.Stored.LastUpdated : null, lastShared);
        }).ToList();
        Shared = await sharedItems.ReadAsync(Patient, all.Where(r => SubmissionService.IsSubmission(r.Response)).ToList(), offered, cancellationToken);
    }

    // The Appointment the launch named, else the next booked one the EHR knows for this patient.
    private async Task<UpcomingVisit?> NextVisitAsync(CancellationToken cancellationToken)
    {
        try
        {
            Appointment? appointment = null;
            var named = Patient.Session.FhirContext.FirstOrDefault(r => r.StartsWith("Appointment/", StringComparison.Ordinal))
                ?? (AppointmentId is { Length: > 0 } id && !id.Contains('/', StringComparison.Ordinal) ? "Appointment/" + id : null);
            if (named is not null)
            {
                appointment = await ReadNamedAsync(named, cancellationToken);
                // A link can name any appointment: show it only when it is this patient's.
                if (appointment is not null && !appointment.Participant.Any(p => p.Actor?.Reference is { } actor && SameReference(actor, Patient.PatientReference)))
                {
                    LogAppointmentNotThePatients();
                    appointment = null;
                }
            }

            if (appointment is null)
            {
                var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                var found = await ehr.SearchAsync(Patient.Session, "Appointment", $"patient={Uri.EscapeDataString(Patient.PatientReference)}&date=ge{today}", cancellationToken);
                appointment = found.Entry.Select(e => e.Resource).OfType<Appointment>()
                    .Where(a => a.Status is Appointment.AppointmentStatus.Booked or Appointment.AppointmentStatus.Pending or Appointment.AppointmentStatus.Proposed && a.Start is not null)
                    .OrderBy(a => a.Start)
                    .FirstOrDefault();
            }

            if (appointment is null)
            {
                return null;
            }

            var clinician = appointment.Participant.Select(p => p.Actor).FirstOrDefault(a => a?.Reference?.StartsWith("Practitioner/", StringComparison.Ordinal) == true);
            var clinicianName = clinician?.Display;
            // The clinician's name is a courtesy: not read when the launch did not grant Practitioner.
            if (clinicianName is null && clinician?.Reference is { } practitioner
                && EhrFhirClient.Granted(Patient.Session, "Practitioner", PatientVoice.Smart.Scopes.SmartInteractions.Read)
                && await ehr.ReadAsync(Patient.Session, practitioner, cancellationToken) is Practitioner p && p.Name.FirstOrDefault() is { } name)
            {
                clinicianName = string.Join(' ', name.Prefix.Concat(name.Given).Append(name.Family).Where(s => !string.IsNullOrWhiteSpace(s)));
            }

            return new UpcomingVisit(appointment.Start, clinicianName);
        }
        catch (EhrRequestException failure) when (failure.Failure == EhrRequestFailure.NotGranted)
        {
            VisitNotShared = true;
            return null;
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
        {
            // The visit is useful context, not a reason to stop the patient from answering.
            LogVisitUnavailable(failure.GetType().Name);
            VisitUnknown = true;
            return null;
        }
    }

    // A refusal (another patient's appointment, say) leaves the next visit to the search.
    private async Task<Appointment?> ReadNamedAsync(string reference, CancellationToken cancellationToken)
    {
        try
        {
            return await ehr.ReadAsync(Patient.Session, reference, cancellationToken) as Appointment;
        }
        catch (EhrRequestException failure) when (failure.Failure == EhrRequestFailure.Refused)
        {
            LogAppointmentNotThePatients();
            return null;
        }
    }

    // "Patient/x" or an absolute URL ending so.
    private static bool SameReference(string reference, string patient)
        => reference == patient || reference.EndsWith("/" + patient, StringComparison.Ordinal);

    [LoggerMessage(EventId = 6051, Level = LogLevel.Warning, Message = "Patient home: the appointment named is not the session patient's; the next visit is shown instead")]
    private partial void LogAppointmentNotThePatients();

    [LoggerMessage(EventId = 6030, Level = LogLevel.Warning, Message = "Patient home: the next visit could not be read from the EHR ({Failure})")]
    private partial void LogVisitUnavailable(string failure);
}

/// <summary>The next visit: when, and with whom (as the EHR names the clinician).</summary>
public sealed record UpcomingVisit(DateTimeOffset? Start, string? Clinician);

/// <summary>A questionnaire on the home page: whether a draft waits and when it was last shared.</summary>
public sealed record QuestionnaireStatus(PatientQuestionnaire Questionnaire, DateTimeOffset? DraftSaved, DateTimeOffset? LastShared);
