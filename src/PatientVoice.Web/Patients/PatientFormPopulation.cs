using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires.Populate;
using PatientVoice.Web.Launch;
using PatientVoice.Application.Submit;

namespace PatientVoice.Web.Patients;

/// <summary>
/// What a questionnaire opens with when the patient has no draft: SDC $populate, run in process by the same
/// <see cref="QuestionnairePopulator"/> and <see cref="PreviousResponses"/> as <c>Questionnaire/$populate</c>. The
/// launch context comes from the session (<c>patient</c>, <c>user</c>, and <c>encounter</c> and <c>conditions</c>
/// read from the EHR when the Questionnaire asks for them); the patient's last submission of the same form is carried
/// forward (goals keep their Goal, docs/adr/0008). What could not be filled is logged as codes and the form opens anyway.
/// </summary>
public sealed partial class PatientFormPopulation(
    IEhrFhirClient ehr,
    PreviousResponses previous,
    QuestionnairePopulator populator,
    TimeProvider time,
    ILogger<PatientFormPopulation> logger)
{
    /// <summary>The populated, <c>in-progress</c> response (unanswered items left out), never null.</summary>
    public async Task<QuestionnaireResponse> PopulateAsync(PatientContext context, PatientQuestionnaire form, CancellationToken cancellationToken)
    {
        var questionnaire = form.Questionnaire;
        try
        {
            var populate = new PopulateContext(new ResourceReference(context.PatientReference))
            {
                Author = new ResourceReference(context.UserReference),
                Clock = time,
            };
            populate = await LaunchContextAsync(populate, context, questionnaire, cancellationToken);
            populate = await previous.AddToAsync(populate, questionnaire, cancellationToken);
            var result = populator.Populate(questionnaire, populate);
            if (result.Issues.Count > 0)
            {
                // Codes and counts only: an issue's diagnostics may quote an answer.
                LogIssues(form.Id, result.Issues.Count, string.Join(',', result.Issues.Select(i => Hl7.Fhir.Utility.EnumUtility.GetLiteral(i.Code)).Distinct()));
            }

            var response = result.Response;
            response.Item = Answered(response.Item);
            LogPopulated(form.Id, populate.PreviousResponse?.Id is not null, populate.LaunchContext.Count);
            return response;
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
        {
            // A questionnaire we cannot pre-fill (an integrator's expression our engine refuses, the store busy) still
            // opens, empty: the patient can answer it all the same.
            LogFailed(form.Id, failure.GetType().Name);
            return new QuestionnaireResponse
            {
                Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress,
                Questionnaire = form.Canonical,
                Subject = new ResourceReference(context.PatientReference),
            };
        }
    }

    private async Task<PopulateContext> LaunchContextAsync(PopulateContext populate, PatientContext context, Questionnaire questionnaire, CancellationToken cancellationToken)
    {
        // patient and user are already read for the page; they cost nothing more.
        if (context.PatientResource is Patient patient)
        {
            populate = populate.With(LaunchContextNames.Patient, patient);
        }

        if (context.UserResource is { } user)
        {
            populate = populate.With(LaunchContextNames.User, user);
        }

        var declared = Declared(questionnaire);
        // Only what the session's launch asked the EHR for: staff answering with the patient hold a clinician's launch,
        // which reads no encounters or conditions (EhrReadTypes.Clinician); their form opens without them.
        var readable = context.IsStaff ? EhrReadTypes.Clinician : EhrReadTypes.Patient;
        if (!readable.Contains("Encounter"))
        {
            declared.Remove(LaunchContextNames.Encounter);
        }

        if (!readable.Contains("Condition"))
        {
            declared.Remove(LaunchContextNames.Conditions);
        }

        if (declared.Contains(LaunchContextNames.Encounter) && context.Session.Encounter is { Length: > 0 } encounterId
            && await ReadAsync(context, $"Encounter/{encounterId}", cancellationToken) is Encounter encounter)
        {
            populate = populate.With(LaunchContextNames.Encounter, encounter);
        }

        if (declared.Contains(LaunchContextNames.Conditions) && await ConditionsAsync(context, cancellationToken) is { } conditions)
        {
            populate = populate.With(LaunchContextNames.Conditions, conditions);
        }

        return populate;
    }

    private async Task<Resource?> ReadAsync(PatientContext context, string reference, CancellationToken cancellationToken)
    {
        try
        {
            return await ehr.ReadAsync(context.Session, reference, cancellationToken);
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
        {
            LogEhrFailed(reference.Split('/')[0], failure.GetType().Name);
            return null;
        }
    }

    // The patient's conditions from the EHR as one collection Bundle (%conditions), entered-in-error ones filtered by the form itself.
    private async Task<Bundle?> ConditionsAsync(PatientContext context, CancellationToken cancellationToken)
    {
        try
        {
            var patientId = context.PatientReference["Patient/".Length..];
            var found = await ehr.SearchAsync(context.Session, "Condition", "patient=" + Uri.EscapeDataString(patientId), cancellationToken);
            return new Bundle
            {
                Type = Bundle.BundleType.Collection,
                Entry = found.Entry.Select(e => e.Resource).OfType<Condition>().Select(c => new Bundle.EntryComponent { Resource = c }).ToList(),
            };
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
        {
            LogEhrFailed("Condition", failure.GetType().Name);
            return null;
        }
    }

    private static HashSet<string> Declared(Questionnaire questionnaire) => questionnaire.GetExtensions(PopulateExtensions.LaunchContext)
        .Select(d => d.GetExtension("name")?.Value switch
        {
            Coding c => c.Code,
            PrimitiveType p => p.ToString(),
            _ => null,
        })
        .OfType<string>()
        .ToHashSet(StringComparer.Ordinal);

    // $populate answers every item, empty ones too; the form only needs the answered ones (and the groups holding them).
    private static List<QuestionnaireResponse.ItemComponent> Answered(List<QuestionnaireResponse.ItemComponent> items)
    {
        var kept = new List<QuestionnaireResponse.ItemComponent>();
        foreach (var item in items)
        {
            item.Item = Answered(item.Item);
            foreach (var answer in item.Answer)
            {
                answer.Item = Answered(answer.Item);
            }

            item.Answer.RemoveAll(a => a.Value is null && a.Item.Count == 0);
            if (item.Answer.Count > 0 || item.Item.Count > 0)
            {
                kept.Add(item);
            }
        }

        return kept;
    }

    [LoggerMessage(EventId = 6050, Level = LogLevel.Information, Message = "Questionnaire {QuestionnaireId} pre-filled by populate: carried forward {CarriedForward}, launch contexts {LaunchContexts}")]
    private partial void LogPopulated(string questionnaireId, bool carriedForward, int launchContexts);

    [LoggerMessage(EventId = 6051, Level = LogLevel.Information, Message = "Questionnaire {QuestionnaireId}: populate left {IssueCount} issue(s), codes {IssueCodes}")]
    private partial void LogIssues(string questionnaireId, int issueCount, string issueCodes);

    [LoggerMessage(EventId = 6052, Level = LogLevel.Warning, Message = "Questionnaire {QuestionnaireId}: populate failed ({Failure}); the form opens empty")]
    private partial void LogFailed(string questionnaireId, string failure);

    [LoggerMessage(EventId = 6053, Level = LogLevel.Warning, Message = "Populate: reading {ResourceType} from the EHR failed ({Failure}); that launch context is left out")]
    private partial void LogEhrFailed(string resourceType, string failure);
}
