using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Web.FhirApi.Write;
using PatientVoice.Web.Submissions;

namespace PatientVoice.Web.FhirApi.Bundles;

/// <summary>
/// Batch and transaction Bundles at <c>POST /fhir</c>. A transaction is one database transaction: every
/// entry happens or none does, <c>urn:uuid</c> references between entries are resolved to the ids the
/// server assigns, and entries run in the order the spec gives (DELETE, POST, PUT, GET). A batch runs
/// each entry on its own and reports each outcome.
/// </summary>
public static class BundleEndpoints
{
    public static void Map(RouteGroupBuilder fhir)
        => fhir.MapPost("/", ProcessAsync).WithName("batch-transaction").WithSummary("Process a batch or transaction Bundle");

    private static async Task<IResult> ProcessAsync(HttpRequest request, FhirRequestBody body, IResourceStore store, ResourceWriter writer, SearchQueryParser parser, IOptions<FhirApiOptions> options, SubmissionService submissions, CancellationToken cancellationToken)
    {
        var resource = await body.ReadAsync(request, cancellationToken);
        if (resource is not Bundle bundle)
        {
            throw new BadRequestException($"POST to the FHIR base takes a batch or transaction Bundle, not a {resource.TypeName}.", "resourceType");
        }

        var processor = new BundleEntryProcessor(request, writer, parser, options.Value);
        var entries = bundle.Entry.Select((entry, index) => BundleRequest.From(entry, index)).ToList();
        List<BundleEntryModel> responses;
        Bundle.BundleType responseType;
        switch (bundle.Type)
        {
            case Bundle.BundleType.Transaction:
                // A submitted response is extracted in the same transaction; the client sees one answer per entry it sent.
                var sent = entries.Count;
                responses = [.. (await TransactionAsync(await WithSubmissionsAsync(entries, submissions, cancellationToken), store, writer, processor, cancellationToken)).Take(sent)];
                responseType = Bundle.BundleType.TransactionResponse;
                break;
            case Bundle.BundleType.Batch:
                responses = await BatchAsync(request, entries, store, writer, processor, submissions, cancellationToken);
                responseType = Bundle.BundleType.BatchResponse;
                break;
            default:
                throw new BadRequestException($"Bundle.type must be batch or transaction, not {bundle.Type?.ToString() ?? "missing"}.", "Bundle.type");
        }

        return FhirResult.Json(StatusCodes.Status200OK, BundleComposer.Compose(responseType, null, [], responses, ResourceView.Whole));
    }

    /// <summary>Runs the entries as one transaction: all written, or none. Also the way a submission stores a response with what was extracted from it.</summary>
    internal static async Task<List<BundleEntryModel>> TransactionAsync(List<BundleRequest> entries, IResourceStore store, ResourceWriter writer, BundleEntryProcessor processor, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            entry.ThrowIfInvalid();
        }

        // Validation before the transaction: it is the slow part, needs nothing from the store, and the entries
        // are independent, so they are validated side by side. The first failing entry (in Bundle order) is reported.
        var validations = entries.Where(e => e.Resource is not null)
            .Select(entry => Task.Run(() => Guard(entry, () => writer.ValidateAsync(entry.Resource!, cancellationToken)), cancellationToken))
            .ToList();
        try
        {
            await Task.WhenAll(validations);
        }
        catch (BundleEntryFailedException)
        {
            throw validations.Where(v => v.IsFaulted).Select(v => v.Exception!.InnerException).OfType<BundleEntryFailedException>().MinBy(e => e.Index)!;
        }

        var responses = new BundleEntryModel[entries.Count];
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var references = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.Method is Bundle.HTTPVerb.POST or Bundle.HTTPVerb.PUT))
        {
            await Guard(entry, () => processor.AssignIdAsync(session, entry, references, cancellationToken));
        }

        foreach (var entry in entries.Where(e => e.Resource is not null))
        {
            await Guard(entry, () =>
            {
                ReferenceResolver.Resolve(entry.Resource!, references);
                entry.Prepared = writer.Index(entry.Resource!);
                return Task.CompletedTask;
            });
        }

        foreach (var verb in new[] { Bundle.HTTPVerb.DELETE, Bundle.HTTPVerb.POST, Bundle.HTTPVerb.PUT, Bundle.HTTPVerb.GET, Bundle.HTTPVerb.HEAD })
        {
            foreach (var entry in entries.Where(e => e.Method == verb))
            {
                await Guard(entry, async () => responses[entry.Index] = await processor.ExecuteAsync(session, entry, cancellationToken));
            }
        }

        await session.CommitAsync(cancellationToken);
        return [.. responses];

        static async Task Guard(BundleRequest entry, Func<Task> step)
        {
            try
            {
                await step();
            }
            catch (FhirException e) when (e is not BundleEntryFailedException)
            {
                throw new BundleEntryFailedException(entry.Index, e);
            }
        }
    }

    /// <summary>
    /// Each submitted (completed or amended) QuestionnaireResponse entry replaced by the submission's own entries: the
    /// response (a POST becomes a PUT to the id the server gives it now, keeping the client's fullUrl so other entries'
    /// references resolve) followed by what it yields, its Provenance and the goals it ends. Conditional forms cannot
    /// be expanded (the id must be known before extraction) and are refused with a 422 naming the direct endpoint.
    /// </summary>
    private static async Task<List<BundleRequest>> WithSubmissionsAsync(List<BundleRequest> entries, SubmissionService submissions, CancellationToken cancellationToken)
    {
        var expanded = new List<BundleRequest>(entries);
        foreach (var entry in entries)
        {
            if (entry.Resource is not QuestionnaireResponse response || !SubmissionService.IsSubmission(response)
                || entry.Method is not (Bundle.HTTPVerb.POST or Bundle.HTTPVerb.PUT) || entry.Type != "QuestionnaireResponse")
            {
                continue;
            }

            entry.ThrowIfInvalid();
            try
            {
                if (!string.IsNullOrEmpty(entry.IfNoneExist) || (entry.Method == Bundle.HTTPVerb.PUT && entry.Id is null))
                {
                    throw new UnprocessableEntityException(
                        "A completed or amended QuestionnaireResponse is extracted when it is stored, which needs its id first: in a transaction send it as a plain POST or a PUT to QuestionnaireResponse/{id}, or submit it directly (POST /fhir/QuestionnaireResponse).",
                        "Bundle.entry.request");
                }

                var create = entry.Method == Bundle.HTTPVerb.POST;
                if (!create)
                {
                    ResourceWriter.RequireTarget(entry.Type, entry.Id!, response);
                    if (await submissions.UnchangedAsync(response, cancellationToken) is { Json: { } stored })
                    {
                        // The same submission again: with the narrative it was stored with, writing it changes nothing.
                        response.Text = (FhirResourceParser.Parse(stored, FhirFormat.Json) as QuestionnaireResponse)?.Text;
                        continue;
                    }
                }

                var submission = await submissions.PrepareAsync(response, FhirRequest.ParseETag(entry.IfMatch, "request.ifMatch"), create, cancellationToken);
                var first = submission.Entry[0];
                first.FullUrl = entry.FullUrl ?? first.FullUrl;
                expanded[entry.Index] = BundleRequest.From(first, entry.Index);
                var start = expanded.Count;
                expanded.AddRange(submission.Entry.Skip(1).Select((e, k) => BundleRequest.From(e, start + k)).ToList());
            }
            catch (FhirException e) when (e is not BundleEntryFailedException)
            {
                throw new BundleEntryFailedException(entry.Index, e);
            }
        }

        return expanded;
    }

    private static async Task<List<BundleEntryModel>> BatchAsync(HttpRequest request, List<BundleRequest> entries, IResourceStore store, ResourceWriter writer, BundleEntryProcessor processor, SubmissionService submissions, CancellationToken cancellationToken)
    {
        var responses = new List<BundleEntryModel>(entries.Count);
        foreach (var entry in entries)
        {
            try
            {
                entry.ThrowIfInvalid();
                if (entry.Resource is QuestionnaireResponse submitted && SubmissionService.IsSubmission(submitted) && entry.Type == "QuestionnaireResponse"
                    && string.IsNullOrEmpty(entry.IfNoneExist) && (entry.Method == Bundle.HTTPVerb.POST || (entry.Method == Bundle.HTTPVerb.PUT && entry.Id is not null)))
                {
                    // In a batch each entry stands alone: a submission is stored with what it yields, as the direct endpoint does.
                    if (entry.Method == Bundle.HTTPVerb.PUT)
                    {
                        ResourceWriter.RequireTarget(entry.Type, entry.Id!, submitted);
                    }

                    var outcome = await submissions.SubmitAsync(request, submitted, FhirRequest.ParseETag(entry.IfMatch, "request.ifMatch"), entry.Method == Bundle.HTTPVerb.POST, cancellationToken);
                    responses.Add(processor.Written(outcome));
                    continue;
                }

                if (entry.Resource is not null)
                {
                    entry.Prepared = await writer.PrepareAsync(entry.Resource, cancellationToken);
                }

                await using var session = await store.BeginWriteAsync(cancellationToken);
                var response = await processor.ExecuteAsync(session, entry, cancellationToken);
                await session.CommitAsync(cancellationToken);
                responses.Add(response);
            }
            catch (FhirException e)
            {
                responses.Add(new BundleEntryModel(null, Response: new Bundle.ResponseComponent
                {
                    Status = $"{e.StatusCode} {ReasonPhrases(e.StatusCode)}",
                    Outcome = e.ToOperationOutcome(),
                }));
            }
        }

        return responses;
    }

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
