using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Questionnaires;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Validation;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Web.FhirApi.Validation;

/// <summary>
/// Everything a resource is checked against before it is stored, and by <c>$validate</c>: R4 core, the
/// profiles it claims and our default profiles (Firely validator), and, for a QuestionnaireResponse, its
/// Questionnaire (found in the store by canonical url|version).
/// </summary>
public sealed class ResourceValidation(
    ProfileValidator profiles,
    QuestionnaireResponseValidator responses,
    IResourceStore store,
    SearchQueryParser parser,
    IMemoryCache cache,
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

        var questionnaire = await FindQuestionnaireAsync(QuestionnaireCanonical.Parse(response.Questionnaire), cancellationToken);
        if (questionnaire is null)
        {
            return new ValidationReport([new FhirIssue(
                OperationOutcome.IssueType.NotFound,
                $"The Questionnaire '{response.Questionnaire}' is not on this server; store it before responses to it.",
                "QuestionnaireResponse.questionnaire")]);
        }

        return responses.Validate(response, questionnaire);
    }

    private async Task<Questionnaire?> FindQuestionnaireAsync(QuestionnaireCanonical canonical, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> criteria = [new("url", canonical.Url), new("_sort", "-_lastUpdated")];
        if (canonical.Version is not null)
        {
            criteria.Add(new("version", canonical.Version));
        }

        var result = await store.SearchAsync(parser.Parse("Questionnaire", criteria, strict: true) with { Count = 1 }, cancellationToken);
        if (result.Matches is not [var stored, ..] || stored.Json is null)
        {
            return null;
        }

        // Parsed once per stored version, not once per response.
        return await cache.GetOrCreateAsync(stored.VersionedReference, entry =>
        {
            entry.Size = 1;
            entry.SlidingExpiration = TimeSpan.FromMinutes(30);
            return System.Threading.Tasks.Task.FromResult(JsonSerializer.Deserialize<Resource>(stored.Json, FhirSerializer.JsonOptions) as Questionnaire);
        });
    }
}
