using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Storage;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Application.Validation;

namespace PatientVoice.Web.FhirApi.Operations;

/// <summary>
/// SDC <c>QuestionnaireResponse/$extract</c>, type level (the response in the body, or a Parameters with
/// <c>questionnaire-response</c>) and instance level (a stored response): the transaction Bundle of what the
/// response yields, which a client may POST to <c>/fhir</c>. Nothing is stored; issues come back as the
/// Bundle's outcome in an OperationOutcome.
/// </summary>
public static class ExtractOperation
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapPost("/QuestionnaireResponse/$extract", (HttpRequest request, FhirRequestBody body, QuestionnaireLookup questionnaires, QuestionnaireResponseExtractor extractor, TimeProvider time, CancellationToken ct)
            => ExtractFromBodyAsync(request, body, questionnaires, extractor, time, ct)).WithName("extract-type").WithSummary("Extract the resources a QuestionnaireResponse yields (SDC $extract)");
        fhir.MapMethods("/QuestionnaireResponse/{id}/$extract", ["GET", "POST"], (string id, IResourceStore store, QuestionnaireLookup questionnaires, QuestionnaireResponseExtractor extractor, TimeProvider time, CancellationToken ct)
            => ExtractStoredAsync(id, store, questionnaires, extractor, time, ct)).WithName("extract-instance").WithSummary("Extract the resources a stored QuestionnaireResponse yields (SDC $extract)");
    }

    private static async Task<IResult> ExtractFromBodyAsync(HttpRequest request, FhirRequestBody body, QuestionnaireLookup questionnaires, QuestionnaireResponseExtractor extractor, TimeProvider time, CancellationToken cancellationToken)
    {
        var input = await body.ReadAsync(request, cancellationToken);
        var response = input switch
        {
            QuestionnaireResponse r => r,
            Parameters p => p.Parameter.FirstOrDefault(x => x.Name == "questionnaire-response")?.Resource as QuestionnaireResponse,
            _ => null,
        } ?? throw new BadRequestException("$extract takes a QuestionnaireResponse, or a Parameters with a 'questionnaire-response' resource.", "questionnaire-response");

        // A response not yet stored has no id; the extracted identifiers derive from one.
        response.Id ??= Guid.CreateVersion7().ToString("N");
        return await ExtractAsync(response, questionnaires, extractor, time, cancellationToken);
    }

    private static async Task<IResult> ExtractStoredAsync(string id, IResourceStore store, QuestionnaireLookup questionnaires, QuestionnaireResponseExtractor extractor, TimeProvider time, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync("QuestionnaireResponse", id, cancellationToken)
            ?? throw new ResourceNotFoundException($"QuestionnaireResponse/{id} is not known.");
        if (stored.Json is null)
        {
            throw new ResourceGoneException($"QuestionnaireResponse/{id} was deleted.");
        }

        var response = (QuestionnaireResponse)PatientVoice.Fhir.Serialization.FhirResourceParser.Parse(stored.Json, PatientVoice.Fhir.Serialization.FhirFormat.Json);
        return await ExtractAsync(response, questionnaires, extractor, time, cancellationToken);
    }

    private static async Task<IResult> ExtractAsync(QuestionnaireResponse response, QuestionnaireLookup questionnaires, QuestionnaireResponseExtractor extractor, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(response.Questionnaire))
        {
            throw new UnprocessableEntityException("The response names no questionnaire to extract by.", "QuestionnaireResponse.questionnaire");
        }

        var questionnaire = await questionnaires.FindAsync(response.Questionnaire, cancellationToken)
            ?? throw new UnprocessableEntityException($"The Questionnaire '{response.Questionnaire}' is not on this server.", "QuestionnaireResponse.questionnaire");
        var result = extractor.Extract(response, questionnaire, ExtractionContext.For(response, time));
        if (result.Issues.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal))
        {
            throw new UnprocessableEntityException(result.Issues);
        }

        // SDC returns the Bundle (as the 'return' of a Parameters when there are issues to tell).
        var bundle = extractor.ToTransaction(result);
        if (result.Issues.Count == 0)
        {
            return FhirResult.Of(StatusCodes.Status200OK, bundle);
        }

        var parameters = new Parameters();
        parameters.Add("return", bundle);
        parameters.Add("issues", result.ToOperationOutcome());
        return FhirResult.Of(StatusCodes.Status200OK, parameters);
    }
}
