using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Web.FhirApi.Write;

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

    private static async Task<IResult> ProcessAsync(HttpRequest request, FhirRequestBody body, IResourceStore store, ResourceWriter writer, SearchQueryParser parser, IOptions<FhirApiOptions> options, CancellationToken cancellationToken)
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
                responses = await TransactionAsync(entries, store, writer, processor, cancellationToken);
                responseType = Bundle.BundleType.TransactionResponse;
                break;
            case Bundle.BundleType.Batch:
                responses = await BatchAsync(entries, store, writer, processor, cancellationToken);
                responseType = Bundle.BundleType.BatchResponse;
                break;
            default:
                throw new BadRequestException($"Bundle.type must be batch or transaction, not {bundle.Type?.ToString() ?? "missing"}.", "Bundle.type");
        }

        return FhirResult.Json(StatusCodes.Status200OK, BundleComposer.Compose(responseType, null, [], responses, ResourceView.Whole));
    }

    /// <summary>Runs the entries as one transaction: all written, or none. Also the way a submission stores a response with what was extracted from it.</summary>
    /// <paramref name="beforeCommit"/>, when given, writes more in the same transaction once every entry is written (a submission's outbox message).
    internal static async Task<List<BundleEntryModel>> TransactionAsync(List<BundleRequest> entries, IResourceStore store, ResourceWriter writer, BundleEntryProcessor processor, CancellationToken cancellationToken,
        Func<IResourceWriteSession, IReadOnlyList<BundleEntryModel>, Task>? beforeCommit = null)
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

        if (beforeCommit is not null)
        {
            await beforeCommit(session, responses);
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

    private static async Task<List<BundleEntryModel>> BatchAsync(List<BundleRequest> entries, IResourceStore store, ResourceWriter writer, BundleEntryProcessor processor, CancellationToken cancellationToken)
    {
        var responses = new List<BundleEntryModel>(entries.Count);
        foreach (var entry in entries)
        {
            try
            {
                entry.ThrowIfInvalid();
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
