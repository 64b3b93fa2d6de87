using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Questionnaires;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Application.Validation;

/// <summary>
/// Everything a resource is checked against before it is stored, and by <c>$validate</c>: R4 core, the
/// profiles it claims and our default profiles (Firely validator), and, for a QuestionnaireResponse, its
/// Questionnaire (found in the store by canonical url|version).
/// </summary>
public sealed class ResourceValidation(
    ProfileValidator profiles,
    QuestionnaireResponseValidator responses,
    QuestionnaireLookup questionnaires,
    IOptions<FhirApiOptions> options)
{
    public async Task<ValidationReport> ValidateAsync(Resource resource, IEnumerable<string>? extraProfiles, CancellationToken cancellationToken)
    {
        var report = await profiles.ValidateAsync(resource, extraProfiles, options.Value.ValidateAgainstDefaultProfiles, cancellationToken);
        if (resource is QuestionnaireResponse response)
        {
            report = report.Merge(await AgainstQuestionnaireAsync(response, cancellationToken));
        }

        return report;
    }

    private async Task<ValidationReport> AgainstQuestionnaireAsync(QuestionnaireResponse response, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(response.Questionnaire))
        {
            // Our profile requires the canonical; core does not. Nothing to check the answers against.
            return ValidationReport.Valid;
        }

        var questionnaire = await questionnaires.FindAsync(response.Questionnaire, cancellationToken);
        if (questionnaire is null)
        {
            return new ValidationReport([new FhirIssue(
                OperationOutcome.IssueType.NotFound,
                $"The Questionnaire '{response.Questionnaire}' is not on this server; store it before responses to it.",
                "QuestionnaireResponse.questionnaire")]);
        }

        return responses.Validate(response, questionnaire);
    }
}
