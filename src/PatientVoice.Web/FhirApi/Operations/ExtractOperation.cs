using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Storage;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Application.Validation;

namespace PatientVoice.Web.FhirApi.Operations;

/// <summary>
/// SDC <c>QuestionnaireResponse/$extract</c> (STU4 OperationDefinition
/// <c>http://hl7.org/fhir/uv/sdc/OperationDefinition/QuestionnaireResponse-extract</c>), type level (the response in the
/// body, or a Parameters with <c>questionnaire-response</c>) and instance level (a stored response): the transaction
/// Bundle of what the response yields, which a client may POST to <c>/fhir</c>. The Parameters may carry the
/// <c>questionnaire</c> itself ("used if the server might not have access to the Questionnaire"): it is used instead of
/// a stored one, and must be the one the response names. Nothing is stored; issues come back beside the Bundle.
/// </summary>
public static class ExtractOperation
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapPost("/QuestionnaireResponse/$extract", (HttpRequest request, FhirRequestBody body, QuestionnaireLookup questionnaires, QuestionnaireResponseExtractor extractor, TimeProvider time, CancellationToken ct)
            => ExtractFromBodyAsync(request, body, questionnaires, extractor, time, ct)).WithName("extract-type").WithSummary("Extract the resources a QuestionnaireResponse yields (SDC $extract)");
        fhir.MapMethods("/QuestionnaireResponse/{id}/$extract", ["GET", "POST"], (string id, HttpRequest request, FhirRequestBody body, IResourceStore store, QuestionnaireLookup questionnaires, QuestionnaireResponseExtractor extractor, TimeProvider time, CancellationToken ct)
            => ExtractStoredAsync(id, request, body, store, questionnaires, extractor, time, ct)).WithName("extract-instance").WithSummary("Extract the resources a stored QuestionnaireResponse yields (SDC $extract)");
    }

    private static async Task<IResult> ExtractFromBodyAsync(HttpRequest request, FhirRequestBody body, QuestionnaireLookup questionnaires, QuestionnaireResponseExtractor extractor, TimeProvider time, CancellationToken cancellationToken)
    {
        var input = await body.ReadAsync(request, cancellationToken);
        var parameters = input as Parameters;
        var response = input switch
        {
            QuestionnaireResponse r => r,
            Parameters p => Checked(p, "questionnaire-response") as QuestionnaireResponse,
            _ => null,
        } ?? throw new BadRequestException("$extract takes a QuestionnaireResponse, or a Parameters with a 'questionnaire-response' resource.", "questionnaire-response");

        // A response not yet stored has no id; the extracted identifiers derive from one.
        response.Id ??= Guid.CreateVersion7().ToString("N");
        return await ExtractAsync(response, GivenQuestionnaire(parameters), questionnaires, extractor, time, cancellationToken);
    }

    private static async Task<IResult> ExtractStoredAsync(string id, HttpRequest request, FhirRequestBody body, IResourceStore store, QuestionnaireLookup questionnaires, QuestionnaireResponseExtractor extractor, TimeProvider time, CancellationToken cancellationToken)
    {
        // POST may carry Parameters with the questionnaire; the response is the stored one.
        Parameters? parameters = null;
        if (HttpMethods.IsPost(request.Method) && request.ContentLength is > 0)
        {
            parameters = await body.ReadAsync(request, cancellationToken) as Parameters
                ?? throw new BadRequestException("$extract on a stored response takes no body, or a Parameters with the 'questionnaire'.", "resourceType");
            if (Checked(parameters, "questionnaire-response") is not null)
            {
                throw new BadRequestException("$extract on QuestionnaireResponse/[id] extracts the stored response; 'questionnaire-response' is for the type-level call.", "questionnaire-response");
            }
        }

        var stored = await store.ReadAsync("QuestionnaireResponse", id, cancellationToken)
            ?? throw new ResourceNotFoundException($"QuestionnaireResponse/{id} is not known.");
        if (stored.Json is null)
        {
            throw new ResourceGoneException($"QuestionnaireResponse/{id} was deleted.");
        }

        var response = PatientVoice.Fhir.Serialization.FhirSerializer.Parse<QuestionnaireResponse>(stored.Json);
        return await ExtractAsync(response, GivenQuestionnaire(parameters), questionnaires, extractor, time, cancellationToken);
    }

    private static async Task<IResult> ExtractAsync(QuestionnaireResponse response, Questionnaire? given, QuestionnaireLookup questionnaires, QuestionnaireResponseExtractor extractor, TimeProvider time, CancellationToken cancellationToken)
    {
        Questionnaire questionnaire;
        if (given is not null)
        {
            RequireNamedBy(response, given);
            questionnaire = given;
        }
        else if (string.IsNullOrEmpty(response.Questionnaire))
        {
            throw new UnprocessableEntityException("The response names no questionnaire to extract by, and none was given ('questionnaire').", "QuestionnaireResponse.questionnaire");
        }
        else
        {
            questionnaire = await questionnaires.FindAsync(response.Questionnaire, cancellationToken)
                ?? throw new UnprocessableEntityException($"The Questionnaire '{response.Questionnaire}' is not on this server; store it first, or give it as the 'questionnaire' parameter.", "QuestionnaireResponse.questionnaire");
        }

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

    // The STU4 input parameters: the named one's resource, after checking no parameter is unknown or repeated.
    private static Resource? Checked(Parameters parameters, string name)
    {
        foreach (var group in parameters.Parameter.GroupBy(p => p.Name ?? string.Empty, StringComparer.Ordinal))
        {
            if (group.Key is not ("questionnaire-response" or "questionnaire"))
            {
                throw new BadRequestException($"$extract has no parameter '{group.Key}' (it takes 'questionnaire-response' and 'questionnaire').", "Parameters.parameter");
            }

            if (group.Count() > 1)
            {
                throw new BadRequestException($"'{group.Key}' is given {group.Count()} times; $extract takes it once.", group.Key);
            }
        }

        return parameters.Parameter.FirstOrDefault(p => p.Name == name)?.Resource;
    }

    private static Questionnaire? GivenQuestionnaire(Parameters? parameters) => parameters is null ? null : Checked(parameters, "questionnaire") switch
    {
        null => null,
        Questionnaire questionnaire => questionnaire,
        var other => throw new BadRequestException($"'questionnaire' must be a Questionnaire, not a {other.TypeName}.", "questionnaire"),
    };

    // The given Questionnaire must be the one the response answers (by url, and by version when both say one).
    private static void RequireNamedBy(QuestionnaireResponse response, Questionnaire given)
    {
        if (string.IsNullOrEmpty(response.Questionnaire))
        {
            return;
        }

        var named = PatientVoice.Fhir.Conformance.QuestionnaireCanonical.Parse(response.Questionnaire);
        if (named.Url != given.Url || (named.Version is not null && given.Version is not null && named.Version != given.Version))
        {
            throw new UnprocessableEntityException(
                $"The response answers '{response.Questionnaire}', but the 'questionnaire' given is '{given.Url}{(given.Version is null ? string.Empty : "|" + given.Version)}'.",
                "questionnaire");
        }
    }
}
