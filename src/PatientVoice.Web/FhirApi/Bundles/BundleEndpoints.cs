using PatientVoice.Application.Interactions;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Application;
using PatientVoice.Application.Transactions;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage.Search;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Web.Security;

namespace PatientVoice.Web.FhirApi.Bundles;

/// <summary>
/// Batch and transaction Bundles at <c>POST /fhir</c>: parses the Bundle, authorizes each entry as its own request,
/// calls <see cref="BundleProcessing"/> and renders the response Bundle (Prefer: return=minimal leaves bodies out).
/// </summary>
public static class BundleEndpoints
{
    public static void Map(RouteGroupBuilder fhir)
        => fhir.MapPost("/", ProcessAsync).WithName("batch-transaction").WithSummary("Process a batch or transaction Bundle");

    private static async Task<IResult> ProcessAsync(HttpRequest request, FhirRequestBody body, BundleProcessing bundles, SearchQueryParser parser, IOptions<FhirApiOptions> options, IFhirAccessPolicy access, CancellationToken cancellationToken)
    {
        var resource = await body.ReadAsync(request, cancellationToken);
        if (resource is not Bundle bundle)
        {
            throw new BadRequestException($"POST to the FHIR base takes a batch or transaction Bundle, not a {resource.TypeName}.", "resourceType");
        }

        var entries = bundle.Entry.Select((entry, index) => BundleRequest.From(entry, index)).ToList();
        var search = new BundleSearch(request, parser, options.Value);
        var responses = new BundleResponses(request);
        Task Authorize(BundleRequest entry) => FhirAccessFilter.AuthorizeEntryAsync(access, request.HttpContext, entry.Method, entry.Type, entry.Id, cancellationToken);
        switch (bundle.Type)
        {
            case Bundle.BundleType.Transaction:
                var outcomes = await bundles.TransactionAsync(entries, Authorize, search, cancellationToken);
                return Render(Bundle.BundleType.TransactionResponse, outcomes.Select(responses.Entry).ToList());
            case Bundle.BundleType.Batch:
                var results = await bundles.BatchAsync(entries, Authorize, search, cancellationToken);
                return Render(Bundle.BundleType.BatchResponse, results.Select(r => r.Outcome is { } o ? responses.Entry(o) : BundleResponses.Failed(r.Failure!)).ToList());
            default:
                throw new BadRequestException($"Bundle.type must be batch or transaction, not {bundle.Type?.ToString() ?? "missing"}.", "Bundle.type");
        }
    }

    private static FhirResult Render(Bundle.BundleType type, IReadOnlyList<BundleEntryModel> entries)
        => FhirResult.Json(StatusCodes.Status200OK, BundleComposer.Compose(type, null, [], entries, ResourceView.Whole));
}
