using PatientVoice.Fhir.Conformance;
using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires;
using PatientVoice.Fhir.Questionnaires.Populate;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Application.Submit;

/// <summary>
/// Finds what a population carries forward from this server: the subject's last submitted (completed or amended)
/// response to the same Questionnaire — responses to the newest version first, then the most recently written — and
/// the resources its submission extracted, so carried goals keep their Goal. Used by $populate and the patient pages.
/// </summary>
public sealed class PreviousResponses(IResourceStore store, SearchQueryParser parser, CarriedGoals carried)
{
    private const int Considered = 50;

    /// <summary><paramref name="context"/> with <see cref="PopulateContext.PreviousResponse"/> and <see cref="PopulateContext.PreviousResources"/> filled when there is one.</summary>
    public async Task<PopulateContext> AddToAsync(PopulateContext context, Questionnaire questionnaire, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(questionnaire);
        if (questionnaire.Url is null || context.Subject.Reference is not { Length: > 0 } subject)
        {
            return context;
        }

        var query = parser.Parse("QuestionnaireResponse",
            [new("subject", subject), new("questionnaire", questionnaire.Url), new("status", "completed,amended"), new("_sort", "-_lastUpdated")],
            strict: true) with { Count = Considered };
        var candidates = (await store.SearchAsync(query, cancellationToken)).Matches
            .Select(m => m.Json is null ? null : FhirSerializer.Parse<Resource>(m.Json) as QuestionnaireResponse)
            .OfType<QuestionnaireResponse>()
            .ToList();
        // Stable sort: within one version, the store's newest-first order stands.
        var previous = candidates
            .OrderByDescending(r => QuestionnaireCanonical.Parse(r.Questionnaire ?? string.Empty).Version, Validation.QuestionnaireVersionOrder.Instance)
            .FirstOrDefault();
        if (previous?.Id is null)
        {
            return context;
        }

        return context with { PreviousResponse = previous, PreviousResources = await carried.ExtractedByAsync(previous.Id, cancellationToken) };
    }
}
