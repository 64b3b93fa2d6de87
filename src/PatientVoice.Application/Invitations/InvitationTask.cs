using System.Globalization;
using Hl7.Fhir.Model;
using FhirTask = Hl7.Fhir.Model.Task;

namespace PatientVoice.Application.Invitations;

/// <summary>
/// An <see cref="Invitation"/> as a FHIR Task, after SDC's task-based questionnaire delivery (docs/adr/0029):
/// <c>code</c> SDC <c>complete-questionnaire</c> plus ours, <c>for</c> the patient, <c>input</c> the questionnaire
/// (canonical), the language, the check and the visit; <c>restriction.period.end</c> the link's end; <c>identifier</c>
/// the token's SHA-256; <c>status</c> requested → in-progress (opened) → completed (submitted, <c>output</c> the
/// response) or cancelled (revoked).
/// </summary>
public static class InvitationTask
{
    public const string TokenHashSystem = "http://patientvoice.example.org/fhir/sid/invitation-token-sha256";
    public const string CodeSystem = "http://patientvoice.example.org/fhir/CodeSystem/pv-invitation";
    public const string Code = "link-invitation";
    public const string SdcTaskSystem = "http://hl7.org/fhir/uv/sdc/CodeSystem/temp";
    public const string SdcCode = "complete-questionnaire";

    /// <summary>The meta tag (system) a response written through a link carries, its code the invitation's Task id: "what this link wrote".</summary>
    public const string ResponseTagSystem = "http://patientvoice.example.org/fhir/CodeSystem/pv-invitation-link";

    private const string QuestionnaireInput = "questionnaire";
    private const string LanguageInput = "language";
    private const string CheckInput = "check";
    private const string BirthDateCheckInput = "birth-date-check";
    private const string VisitDateInput = "visit-date";
    private const string ClinicInput = "clinic";
    private const string ResponseOutput = "response";

    public static bool IsInvitation(FhirTask task) => task.Code?.Coding.Any(c => c.System == CodeSystem && c.Code == Code) == true;

    public static FhirTask ToTask(Invitation invitation)
    {
        var task = new FhirTask
        {
            Status = invitation.StoredState switch
            {
                InvitationState.Opened => FhirTask.TaskStatus.InProgress,
                InvitationState.Submitted => FhirTask.TaskStatus.Completed,
                InvitationState.Revoked => FhirTask.TaskStatus.Cancelled,
                _ => FhirTask.TaskStatus.Requested,
            },
            Intent = FhirTask.TaskIntent.Order,
            Code = new CodeableConcept
            {
                Coding = [new Coding(SdcTaskSystem, SdcCode), new Coding(CodeSystem, Code, "Pre-visit questionnaire by one-time link")],
                Text = "Pre-visit questionnaire by one-time link",
            },
            For = new ResourceReference(invitation.PatientReference),
            AuthoredOnElement = new FhirDateTime(invitation.Created),
            Restriction = new FhirTask.RestrictionComponent { Period = new Period { EndElement = new FhirDateTime(invitation.Expires) } },
        };
        task.Identifier.Add(new Identifier(TokenHashSystem, invitation.TokenHash));
        if (invitation.Requester is { } requester)
        {
            task.Requester = new ResourceReference(requester);
        }

        task.Input.Add(Input(QuestionnaireInput, new Canonical(invitation.Questionnaire)));
        task.Input.Add(Input(LanguageInput, new Code(invitation.Language)));
        task.Input.Add(Input(CheckInput, new Code(invitation.Check == InvitationCheck.None ? "none" : "birth-date")));
        if (invitation.BirthDateCheck is { } check)
        {
            task.Input.Add(Input(BirthDateCheckInput, new FhirString(check)));
        }

        task.Input.Add(Input(VisitDateInput, new Date(invitation.VisitDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));
        task.Input.Add(Input(ClinicInput, new FhirString(invitation.Clinic)));
        if (invitation.Response is { } response)
        {
            task.Output.Add(new FhirTask.OutputComponent { Type = Type(ResponseOutput), Value = new ResourceReference(response) });
        }

        return task;
    }

    /// <summary>The invitation a stored Task holds, or null when the Task is not one (or is malformed).</summary>
    public static Invitation? FromTask(FhirTask task, int version)
    {
        if (!IsInvitation(task) || task.For?.Reference is not { } patient
            || task.Identifier.FirstOrDefault(i => i.System == TokenHashSystem)?.Value is not { } hash
            || InputValue(task, QuestionnaireInput) is not { } questionnaire
            || !DateOnly.TryParseExact(InputValue(task, VisitDateInput), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var visit)
            || task.Restriction?.Period?.EndElement?.ToDateTimeOffset(TimeSpan.Zero) is not { } expires)
        {
            return null;
        }

        return new Invitation
        {
            Id = task.Id ?? "",
            Version = version,
            PatientReference = patient,
            Questionnaire = questionnaire,
            VisitDate = visit,
            Clinic = InputValue(task, ClinicInput) ?? "",
            Language = InputValue(task, LanguageInput) ?? "en",
            Check = InputValue(task, CheckInput) == "none" ? InvitationCheck.None : InvitationCheck.BirthDate,
            Expires = expires,
            StoredState = task.Status switch
            {
                FhirTask.TaskStatus.InProgress => InvitationState.Opened,
                FhirTask.TaskStatus.Completed => InvitationState.Submitted,
                FhirTask.TaskStatus.Cancelled => InvitationState.Revoked,
                FhirTask.TaskStatus.Requested => InvitationState.Open,
                _ => InvitationState.Revoked,
            },
            Response = task.Output.FirstOrDefault(o => HasType(o.Type, ResponseOutput))?.Value is ResourceReference { Reference: { } r } ? r : null,
            Requester = task.Requester?.Reference,
            Created = task.AuthoredOnElement?.ToDateTimeOffset(TimeSpan.Zero) ?? DateTimeOffset.MinValue,
            TokenHash = hash,
            BirthDateCheck = InputValue(task, BirthDateCheckInput),
        };
    }

    private static FhirTask.ParameterComponent Input(string type, DataType value) => new() { Type = Type(type), Value = value };

    private static CodeableConcept Type(string code) => new(CodeSystem, code);

    private static bool HasType(CodeableConcept? type, string code) => type?.Coding.Any(c => c.System == CodeSystem && c.Code == code) == true;

    private static string? InputValue(FhirTask task, string code)
        => task.Input.FirstOrDefault(i => HasType(i.Type, code))?.Value is PrimitiveType primitive ? primitive.ToString() : null;
}
