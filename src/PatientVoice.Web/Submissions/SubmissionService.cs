using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;
using PatientVoice.Web.FhirApi;
using PatientVoice.Web.FhirApi.Bundles;
using PatientVoice.Web.FhirApi.Validation;
using PatientVoice.Web.FhirApi.Write;

namespace PatientVoice.Web.Submissions;

/// <summary>
/// Submitting a questionnaire: a response written as completed or amended is extracted (SDC) and stored with
/// everything extracted from it and one Provenance, in ONE transaction (the same one a transaction Bundle
/// runs in: every entry validated, all written or none). Amending re-extracts onto the same resources (they
/// carry stable identifiers) and ends what the patient took out (a goal is cancelled, never deleted). Sending
/// the same submission again changes nothing.
/// </summary>
public sealed partial class SubmissionService(
    QuestionnaireResponseExtractor extractor,
    CarriedGoals carriedGoals,
    QuestionnaireLookup questionnaires,
    IResourceStore store,
    ResourceWriter writer,
    SearchQueryParser parser,
    IOptions<FhirApiOptions> options,
    TimeProvider time,
    ILogger<SubmissionService> logger)
{
    public static bool IsSubmission(Resource resource) => resource is QuestionnaireResponse
    {
        Status: QuestionnaireResponse.QuestionnaireResponseStatus.Completed or QuestionnaireResponse.QuestionnaireResponseStatus.Amended,
    };

    /// <summary>Stores a submitted response (a create when <paramref name="create"/>, else an update of its id) and what it yields.</summary>
    public async Task<WriteOutcome> SubmitAsync(HttpRequest request, QuestionnaireResponse response, int? ifMatch, bool create, CancellationToken cancellationToken)
    {
        if (!create && await UnchangedAsync(response, cancellationToken) is { } same)
        {
            return new WriteOutcome(same, StatusCodes.Status200OK);
        }

        var transaction = await PrepareAsync(response, ifMatch, create, cancellationToken);
        var processor = new BundleEntryProcessor(request, writer, parser, options.Value, minimal: false);
        var entries = transaction.Entry.Select((entry, index) => BundleRequest.From(entry, index)).ToList();
        List<FhirApi.Formats.BundleEntryModel> written;
        try
        {
            written = await BundleEndpoints.TransactionAsync(entries, store, writer, processor, cancellationToken);
        }
        catch (BundleEntryFailedException failure) when (failure.Index == 0)
        {
            // The response itself: report it as the client sent it, not as an entry of our transaction.
            throw failure.Inner;
        }
        var stored = written[0].Stored ?? throw new InvalidOperationException("The submitted response was not written.");
        LogSubmitted(stored.Id, stored.VersionId, written.Count - 1);
        return new WriteOutcome(stored, create || stored.VersionId == 1 ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    /// <summary>
    /// The transaction a submission writes: the response first (<c>PUT QuestionnaireResponse/{id}</c>, with its narrative),
    /// then what it yields, the Provenance, and the goals it ends. A created response gets its id here (the extracted
    /// identifiers derive from it). Also how a submission inside a client's transaction Bundle is expanded.
    /// </summary>
    public async Task<Bundle> PrepareAsync(QuestionnaireResponse response, int? ifMatch, bool create, CancellationToken cancellationToken)
    {
        if (create)
        {
            // The server names a created response, and names it now: the extracted identifiers derive from it.
            response.Id = Guid.CreateVersion7().ToString("N");
        }

        var questionnaire = await questionnaires.FindAsync(response.Questionnaire ?? string.Empty, cancellationToken)
            ?? throw new UnprocessableEntityException($"The Questionnaire '{response.Questionnaire}' is not on this server; store it before responses to it.", "QuestionnaireResponse.questionnaire");
        var result = extractor.Extract(response, questionnaire, ExtractionContext.For(response, time) with { ResponseVersionId = null });
        var errors = result.Issues.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList();
        if (errors.Count > 0)
        {
            throw new UnprocessableEntityException(errors);
        }

        await carriedGoals.CheckIdentitiesAsync(result, response, cancellationToken);
        var transaction = extractor.ToTransaction(result, response);
        var responseEntry = transaction.Entry[0];
        responseEntry.Request ??= new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"QuestionnaireResponse/{result.ResponseId}" };
        responseEntry.Request.IfMatch = ifMatch is { } version ? FhirResult.ETag(version) : null;
        var ended = new HashSet<string>(StringComparer.Ordinal);
        if (!create)
        {
            await EndWhatWasRemovedAsync(transaction, result, result.ResponseId, ended, cancellationToken);
        }

        // A response pre-filled from an earlier one ($populate): the goals that one held and this one dropped are ended.
        foreach (var goal in await carriedGoals.DroppedAsync(result, response, cancellationToken))
        {
            AddEnded(transaction, RemovedAnswers.EndRemovedGoal(goal, time.GetUtcNow()), ended);
        }

        return transaction;
    }

    // The same body again (a retry whose first attempt landed): nothing to extract, nothing to write.
    internal async Task<StoredResource?> UnchangedAsync(QuestionnaireResponse response, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(response.Id) || await store.ReadAsync("QuestionnaireResponse", response.Id, cancellationToken) is not { Json: { } json } current)
        {
            return null;
        }

        var copy = (QuestionnaireResponse)response.DeepCopy();
        copy.Meta ??= new Meta();
        copy.Meta.VersionId = current.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        copy.Meta.LastUpdated = current.LastUpdated;
        var stored = JsonSerializer.Deserialize<Resource>(json, FhirSerializer.JsonOptions) as QuestionnaireResponse;
        // The stored response carries the narrative the submission wrote; the client's copy may not.
        copy.Text = stored?.Text;
        return string.Equals(FhirSerializer.ToJson(copy), json, StringComparison.Ordinal) ? current : null;
    }

    // What the last submission of this response extracted and this one no longer does: ended, as a new version.
    private async Task EndWhatWasRemovedAsync(Bundle transaction, ExtractionResult result, string responseId, HashSet<string> ended, CancellationToken cancellationToken)
    {
        var previous = await carriedGoals.ExtractedByAsync(responseId, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var removed in result.NoLongerExtracted(previous))
        {
            Resource? endedResource = removed switch
            {
                Goal goal => RemovedAnswers.EndRemovedGoal(goal, now),
                Observation observation => RemovedAnswers.EndRemovedObservation(observation, now),
                _ => null,
            };
            if (endedResource is not null)
            {
                AddEnded(transaction, endedResource, ended);
            }
        }
    }

    private static void AddEnded(Bundle transaction, Resource resource, HashSet<string> ended)
    {
        if (ended.Add($"{resource.TypeName}/{resource.Id}"))
        {
            transaction.Entry.Add(new Bundle.EntryComponent
            {
                Resource = resource,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"{resource.TypeName}/{resource.Id}" },
            });
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission stored: QuestionnaireResponse/{Id} version {Version} with {Count} other resources")]
    private partial void LogSubmitted(string id, int version, int count);
}
