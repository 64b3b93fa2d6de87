using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Sandbox.Messages;
using PatientVoice.Sandbox.Users;
using PatientVoice.Storage;

namespace PatientVoice.Sandbox.Pages;

/// <summary>
/// <c>/messages</c>: a staff member sends a patient a one-time link to PatientVoice's pre-visit questionnaire (issue
/// 18): the EHR asks PatientVoice's <c>$invite</c> with its own system token and shows the SMS or email its messaging
/// would send — marked as not sent; the sandbox sends nothing — in an outbox per patient.
/// </summary>
public sealed class MessagesModel(SandboxUserDirectory users, IResourceStore store, PatientVoiceInvitations invitations, ClinicOutbox outbox, TimeProvider time) : PageModel
{
    public const string DefaultClinic = "Sandbox Family Clinic";

    [BindProperty(SupportsGet = true)]
    public string? Patient { get; set; }

    [BindProperty(Name = "staff")]
    public string? Staff { get; set; }

    [BindProperty]
    public string? VisitDate { get; set; }

    [BindProperty]
    public string? Language { get; set; }

    [BindProperty]
    public string Check { get; set; } = "birth-date";

    [BindProperty]
    public string Clinic { get; set; } = DefaultClinic;

    public string? Error { get; private set; }

    public IReadOnlyList<SandboxUser> Patients => users.All.Where(u => u.Kind == SandboxUserKind.Patient).ToList();

    public IReadOnlyList<SandboxUser> StaffMembers => users.All.Where(u => u.Kind == SandboxUserKind.Practitioner).ToList();

    /// <summary>The messages shown: the chosen patient's, or everyone's.</summary>
    public IReadOnlyList<ClinicMessage> Outbox => users.Find(Patient) is { Kind: SandboxUserKind.Patient } ? outbox.For(Patient!) : outbox.All();

    public void OnGet() => VisitDate ??= Today().AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnPostInviteAsync(CancellationToken cancellationToken)
    {
        if (users.Find(Patient) is not { Kind: SandboxUserKind.Patient, PatientId: { } patientId } patient)
        {
            return Refuse("Pick a patient.");
        }

        if (users.Find(Staff) is not { Kind: SandboxUserKind.Practitioner } staff)
        {
            return Refuse("Pick who is sending the link (a staff member).");
        }

        if (!DateOnly.TryParseExact(VisitDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var visit))
        {
            return Refuse("Give the visit date.");
        }

        if (Check is not ("birth-date" or "none"))
        {
            return Refuse("Choose the check: date of birth, or none (a kiosk in the clinic).");
        }

        var record = await ReadPatientAsync(patientId, cancellationToken);
        // The language the EHR holds for the patient, unless the staff member chose one.
        var language = Language is "en" or "es" ? Language : PreferredLanguage(record);
        var birthDate = Check == "birth-date" ? record?.BirthDate : null;
        if (Check == "birth-date" && birthDate is null)
        {
            return Refuse("This patient's record has no date of birth: choose the check 'none' or correct the record.");
        }

        try
        {
            var link = await invitations.InviteAsync(patientId, visit, Clinic.Trim(), language, Check, birthDate, cancellationToken);
            outbox.Add(new ClinicMessage(patientId, patient.DisplayName, staff.DisplayName, language, visit, Check, link.Message, link.Url, link.Invitation, link.Expires, time.GetUtcNow()));
        }
        catch (InvitationRefusedException refused)
        {
            return Refuse(refused.Message);
        }

        // Post-redirect-get: the message (and its link) is shown from the outbox, never from an address.
        return Redirect($"/messages?patient={Uri.EscapeDataString(patientId)}");
    }

    private PageResult Refuse(string error)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private async Task<Hl7.Fhir.Model.Patient?> ReadPatientAsync(string patientId, CancellationToken cancellationToken)
        => await store.ReadAsync("Patient", patientId, cancellationToken) is { Json: { } json }
            ? JsonSerializer.Deserialize<Resource>(json, FhirSerializer.JsonOptions) as Hl7.Fhir.Model.Patient
            : null;

    private static string PreferredLanguage(Hl7.Fhir.Model.Patient? patient)
    {
        var communication = patient?.Communication.FirstOrDefault(c => c.Preferred == true) ?? patient?.Communication.FirstOrDefault();
        var code = communication?.Language?.Coding.FirstOrDefault()?.Code ?? "en";
        return code.StartsWith("es", StringComparison.OrdinalIgnoreCase) ? "es" : "en";
    }
}
