using Hl7.Fhir.Model;
using PatientVoice.Application.Transactions;
using PatientVoice.Application.Write;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;
using PatientVoice.Web.FhirApi.Formats;

namespace PatientVoice.Web.FhirApi.Bundles;

/// <summary>What each entry did, as <c>Bundle.entry.response</c>: status, Location, ETag, Last-Modified, and the resource unless Prefer: return=minimal.</summary>
public sealed class BundleResponses(HttpRequest request)
{
    private readonly string _baseUrl = FhirRequest.BaseUrl(request);
    private readonly bool _minimal = FhirRequest.PreferredReturn(request) == "minimal";

    public BundleEntryModel Entry(EntryOutcome outcome) => outcome switch
    {
        { Kind: EntryKind.Deleted } => new BundleEntryModel(null, Response: new Bundle.ResponseComponent
        {
            Status = "204 No Content",
            Etag = outcome.Stored is { } deleted ? VersionTag.Format(deleted.VersionId) : null,
        }),
        { Kind: EntryKind.Read, Resource: { } searchset } => new BundleEntryModel(null, Resource: searchset, Response: new Bundle.ResponseComponent { Status = "200 OK" }),
        { Kind: EntryKind.Read, Stored: { } read } => new BundleEntryModel($"{_baseUrl}/{read.ResourceType}/{read.Id}", read, Response: Response(read, "200 OK")),
        { Stored: { } stored } => new BundleEntryModel($"{_baseUrl}/{stored.ResourceType}/{stored.Id}", _minimal ? null : stored,
            Response: Response(stored, outcome.Kind == EntryKind.Created ? "201 Created" : "200 OK")),
        _ => throw new InvalidOperationException($"An entry outcome of kind {outcome.Kind} carries nothing to report."),
    };

    public static BundleEntryModel Failed(FhirException failure) => new(null, Response: new Bundle.ResponseComponent
    {
        Status = $"{failure.StatusCode} {Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(failure.StatusCode)}",
        Outcome = failure.ToOperationOutcome(),
    });

    private static Bundle.ResponseComponent Response(StoredResource stored, string status) => new()
    {
        Status = status,
        Location = $"{stored.ResourceType}/{stored.Id}/_history/{stored.VersionId}",
        Etag = VersionTag.Format(stored.VersionId),
        LastModified = stored.LastUpdated,
    };
}
