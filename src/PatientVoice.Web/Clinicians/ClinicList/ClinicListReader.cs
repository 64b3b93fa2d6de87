using System.Globalization;
using Hl7.Fhir.Model;
using PatientVoice.Application.Clinicians.Review;
using PatientVoice.Application.Clinicians.Summary;
using PatientVoice.Web.Launch;
using PatientVoice.Application.ReadModels;
using static PatientVoice.Application.ReadModels.RecordReader;

namespace PatientVoice.Web.Clinicians.ClinicList;

/// <summary>Where a patient on the clinic list is with PatientVoice before their appointment.</summary>
public enum ClinicPatientStatus
{
    NotStarted,
    Draft,
    Submitted,
}

/// <summary>One appointment on the clinic list, with the patient's PatientVoice status.</summary>
public sealed record ClinicPatientRow(
    string PatientId,
    string? Name,
    DateTimeOffset? Start,
    string? Description,
    ClinicPatientStatus Status,
    bool SafetyFlag,
    bool Reviewed)
{
    public string StatusLabel => Status switch
    {
        ClinicPatientStatus.Draft => "Draft (started, not sent)",
        ClinicPatientStatus.Submitted => "Submitted",
        _ => "Not started",
    };
}

/// <summary>
/// The clinic list: appointments today and the coming days from the EHR (<see cref="IEhrFhirClient"/>, with the
/// session's token), and for each patient what PatientVoice holds: not started, a draft, submitted, a safety flag,
/// reviewed by a clinician. "Submitted" means a completed response within <see cref="RecentDays"/> of the appointment.
/// </summary>
public sealed class ClinicListReader(IEhrFhirClient ehr, RecordReader queries, ReadAcknowledgements acknowledgements, SafetyFlagReader safetyFlags, TimeProvider time)
{
    public const int RecentDays = 90;

    public async Task<IReadOnlyList<ClinicPatientRow>> ReadAsync(SmartSession session, int days, bool onlyMine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var today = time.GetUtcNow().UtcDateTime.Date;
        var query = $"date=ge{today:yyyy-MM-dd}&date=lt{today.AddDays(Math.Clamp(days, 1, 31)):yyyy-MM-dd}&_count=200";
        if (onlyMine && session.Role == SessionRole.Practitioner && session.FhirUser?.StartsWith("Practitioner/", StringComparison.Ordinal) == true)
        {
            query += "&practitioner=" + Uri.EscapeDataString(session.FhirUser);
        }

        var bundle = await ehr.SearchAsync(session, "Appointment", query, cancellationToken);
        var appointments = bundle.Entry.Select(e => e.Resource).OfType<Appointment>()
            .Where(a => a.Status is not (Appointment.AppointmentStatus.Cancelled or Appointment.AppointmentStatus.EnteredInError or Appointment.AppointmentStatus.Noshow))
            .OrderBy(a => a.Start)
            .ToList();

        var rows = new List<ClinicPatientRow>();
        foreach (var appointment in appointments)
        {
            var patient = appointment.Participant.Select(p => p.Actor).FirstOrDefault(a => a?.Reference?.StartsWith("Patient/", StringComparison.Ordinal) == true);
            if (patient?.Reference is not { } reference)
            {
                continue;
            }

            rows.Add(await RowAsync(reference, patient.Display, appointment, cancellationToken));
        }

        return rows;
    }

    private async Task<ClinicPatientRow> RowAsync(string patient, string? name, Appointment appointment, CancellationToken cancellationToken)
    {
        var newest = await queries.SearchAsync<QuestionnaireResponse>([P("subject", patient), P("_sort", "-authored")], 5, cancellationToken);
        var since = (appointment.Start ?? time.GetUtcNow()).AddDays(-RecentDays);
        var submitted = newest.Where(r => r.Status is QuestionnaireResponse.QuestionnaireResponseStatus.Completed or QuestionnaireResponse.QuestionnaireResponseStatus.Amended)
            .Select(SummaryText.When).Where(w => w >= since).Max();
        var draft = newest.Any(r => r.Status == QuestionnaireResponse.QuestionnaireResponseStatus.InProgress && SummaryText.When(r) >= since);
        var status = submitted is not null ? ClinicPatientStatus.Submitted : draft ? ClinicPatientStatus.Draft : ClinicPatientStatus.NotStarted;

        var reviewed = false;
        var flagged = false;
        if (submitted is { } last)
        {
            var read = await acknowledgements.ForPatientAsync(patient, cancellationToken);
            reviewed = read.Count > 0 && read[0].When >= last;
            flagged = await safetyFlags.AnyAsync(patient, since, cancellationToken);
        }

        return new ClinicPatientRow(patient["Patient/".Length..], name, appointment.Start, appointment.Description, status, flagged, reviewed);
    }

    public static string Time(DateTimeOffset? start) => start?.ToString("ddd d MMM, HH:mm", CultureInfo.InvariantCulture) ?? string.Empty;
}
