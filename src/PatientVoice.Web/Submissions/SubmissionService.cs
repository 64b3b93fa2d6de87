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
    QuestionnaireLookup questionnaires,
    IResourceStore store,
    ResourceWriter writer,
    SearchQueryParser parser,
    IOptions<FhirApiOptions> options,
    TimeProvider time,
    EhrSync.EhrSyncEnqueuer ehrSync,
    ILogger<SubmissionService> logger)
{
    public static bool IsSubmission(Resource resource) => resource is QuestionnaireResponse
    {
        Status: QuestionnaireResponse.QuestionnaireResponseStatus.Completed or QuestionnaireResponse.QuestionnaireResponseStatus.Amended,
    };

    /// <summary>Stores a submitted response (a create when <paramref name="create"/>, else an update of its id) and what it yields.</summary>
    public async Task<WriteOutcome> SubmitAsync(HttpRequest request, QuestionnaireResponse response, int? ifMatch, bool create, CancellationToken cancellationToken)
    {
        if (create)
        {
            // The server names a created response, and names it now: the extracted identifiers derive from it.
            response.Id = Guid.CreateVersion7().ToString("N");
        }
        else if (await UnchangedAsync(response, cancellationToken) is { } same)
        {
            return new WriteOutcome(same, StatusCodes.Status200OK);
        }

        var questionnaire = await questionnaires.FindAsync(response.Questionnaire ?? string.Empty, cancellationToken)
            ?? throw new UnprocessableEntityException($"The Questionnaire '{response.Questionnaire}' is not on this server; store it before responses to it.", "QuestionnaireResponse.questionnaire");
        var result = extractor.Extract(response, questionnaire, ExtractionContext.For(response, time) with { ResponseVersionId = null });
        var errors = result.Issues.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList();
        if (errors.Count > 0)
        {
            throw new UnprocessableEntityException(errors);
        }

        var transaction = extractor.ToTransaction(result, response);
        var responseEntry = transaction.Entry[0];
        responseEntry.Request ??= new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"QuestionnaireResponse/{result.ResponseId}" };
        responseEntry.Request.IfMatch = ifMatch is { } version ? FhirResult.ETag(version) : null;
        if (!create)
        {
            await EndWhatWasRemovedAsync(transaction, result, result.ResponseId, cancellationToken);
        }

        var processor = new BundleEntryProcessor(request, writer, parser, options.Value, minimal: false);
        var entries = transaction.Entry.Select((entry, index) => BundleRequest.From(entry, index)).ToList();
        List<FhirApi.Formats.BundleEntryModel> written;
        try
        {
            // The write-back to the EHR is queued in the same transaction: stored submissions, and only they, get delivered.
            written = await BundleEndpoints.TransactionAsync(entries, store, writer, processor, cancellationToken,
                (session, models) => ehrSync.EnqueueAsync(session, [.. models.Select(m => m.Stored).OfType<StoredResource>()], response.Subject?.Reference, cancellationToken));
        }
        catch (BundleEntryFailedException failure) when (failure.Index == 0)
        {
            // The response itself: report it as the client sent it, not as an entry of our transaction.
            throw failure.Inner;
        }
        var stored = written[0].Stored ?? throw new InvalidOperationException("The submitted response was not written.");
        ehrSync.NotifyCommitted();
        LogSubmitted(stored.Id, stored.VersionId, written.Count - 1);
        return new WriteOutcome(stored, create || stored.VersionId == 1 ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    // The same body again (a retry whose first attempt landed): nothing to extract, nothing to write.
    private async Task<StoredResource?> UnchangedAsync(QuestionnaireResponse response, CancellationToken cancellationToken)
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
    private async Task EndWhatWasRemovedAsync(Bundle transaction, ExtractionResult result, string responseId, CancellationToken cancellationToken)
    {
        var query = parser.Parse("Provenance", [new("entity", $"QuestionnaireResponse/{responseId}"), new("_sort", "-_lastUpdated")], strict: true) with { Count = 1 };
        if ((await store.SearchAsync(query, cancellationToken)).Matches is not [{ Json: { } provenanceJson }, ..]
            || JsonSerializer.Deserialize<Resource>(provenanceJson, FhirSerializer.JsonOptions) is not Provenance last)
        {
            return;
        }

        var previous = new List<Resource>();
        foreach (var target in last.Target.Select(t => t.Reference).OfType<string>())
        {
            var parts = target.Split('/');
            if (parts.Length >= 2 && await store.ReadAsync(parts[0], parts[1], cancellationToken) is { Json: { } json })
            {
                previous.Add(JsonSerializer.Deserialize<Resource>(json, FhirSerializer.JsonOptions)!);
            }
        }

        var now = time.GetUtcNow();
        foreach (var removed in result.NoLongerExtracted(previous))
        {
            Resource? ended = removed switch
            {
                Goal goal => RemovedAnswers.EndRemovedGoal(goal, now),
                Observation observation => RemovedAnswers.EndRemovedObservation(observation, now),
                _ => null,
            };
            if (ended is not null)
            {
                transaction.Entry.Add(new Bundle.EntryComponent
                {
                    Resource = ended,
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"{ended.TypeName}/{ended.Id}" },
                });
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission stored: QuestionnaireResponse/{Id} version {Version} with {Count} other resources")]
    private partial void LogSubmitted(string id, int version, int count);
}
