using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Web.FhirApi.Search;
using PatientVoice.Web.FhirApi.Write;

namespace PatientVoice.Web.FhirApi.Bundles;

/// <summary>Runs one batch or transaction entry inside a write session, through the same writer as the single endpoints.</summary>
public sealed class BundleEntryProcessor(HttpRequest request, ResourceWriter writer, SearchQueryParser parser, FhirApiOptions options, bool? minimal = null)
{
    private readonly string _baseUrl = FhirRequest.BaseUrl(request);
    private readonly bool _minimal = minimal ?? FhirRequest.PreferredReturn(request) == "minimal";

    /// <summary>
    /// Decides, before anything is written, the id a POST or PUT entry will have, so that other entries can
    /// point to it by its fullUrl: a POST gets a new id (or the one its If-None-Exist finds), a PUT the id of
    /// its URL, a conditional PUT the id of the one resource it matches (or a new one).
    /// </summary>
    public async Task AssignIdAsync(IResourceWriteSession session, BundleRequest entry, Dictionary<string, string> references, CancellationToken cancellationToken)
    {
        var type = FhirRequest.RequireType(entry.Type);
        switch (entry.Method)
        {
            case Bundle.HTTPVerb.POST:
                entry.Existing = await writer.FindExistingAsync(session, type, entry.IfNoneExist, cancellationToken);
                entry.AssignedId = entry.Existing?.Id ?? Guid.CreateVersion7().ToString("N");
                break;
            case Bundle.HTTPVerb.PUT when entry.Id is not null:
                entry.AssignedId = entry.Id;
                break;
            case Bundle.HTTPVerb.PUT:
                var match = await writer.FindOneAsync(session, type, entry.Query, cancellationToken);
                entry.AssignedId = match?.Id ?? entry.Resource?.Id ?? Guid.CreateVersion7().ToString("N");
                if (entry.Resource is not null)
                {
                    entry.Resource.Id ??= entry.AssignedId;
                }

                break;
            default:
                return;
        }

        if (!string.IsNullOrEmpty(entry.FullUrl))
        {
            references[entry.FullUrl] = $"{type}/{entry.AssignedId}";
        }
    }

    public async Task<BundleEntryModel> ExecuteAsync(IResourceWriteSession session, BundleRequest entry, CancellationToken cancellationToken)
    {
        FhirRequest.RequireType(entry.Type);
        var ifMatch = FhirRequest.ParseETag(entry.IfMatch, "request.ifMatch");
        switch (entry.Method)
        {
            case Bundle.HTTPVerb.POST:
                RequireBodyType(entry);
                if (entry.Existing is { } existing)
                {
                    return Written(new WriteOutcome(existing, StatusCodes.Status200OK));
                }

                return Written(await writer.CreateAsync(session, Prepared(entry), entry.IfNoneExist, cancellationToken, entry.AssignedId));
            case Bundle.HTTPVerb.PUT:
                RequireBodyType(entry);
                return Written(entry.Id is not null
                    ? await writer.UpdateAsync(session, entry.Type, entry.Id, Prepared(entry), ifMatch, cancellationToken)
                    : await writer.ConditionalUpdateAsync(session, entry.Type, entry.Query, Prepared(entry), ifMatch, cancellationToken));
            case Bundle.HTTPVerb.DELETE:
                var deleted = entry.Id is not null
                    ? await writer.DeleteAsync(session, entry.Type, entry.Id, ifMatch, cancellationToken)
                    : await writer.ConditionalDeleteAsync(session, entry.Type, entry.Query, cancellationToken);
                return new BundleEntryModel(null, Response: new Bundle.ResponseComponent
                {
                    Status = "204 No Content",
                    Etag = deleted is null ? null : FhirResult.ETag(deleted.VersionId),
                });
            case Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD:
                return await ReadAsync(session, entry, cancellationToken);
            default:
                throw new MethodNotAllowedException($"{entry.Method} is not supported in a Bundle entry.");
        }
    }

    private async Task<BundleEntryModel> ReadAsync(IResourceWriteSession session, BundleRequest entry, CancellationToken cancellationToken)
    {
        if (entry.Id is null)
        {
            var json = await SearchEndpoints.ExecuteAsync(entry.Type, entry.Query, request, session.SearchAsync, parser, options, cancellationToken);
            var searchset = JsonSerializer.Deserialize<Resource>(json, FhirSerializer.JsonOptions)!;
            return new BundleEntryModel(null, Resource: searchset, Response: new Bundle.ResponseComponent { Status = "200 OK" });
        }

        var stored = await session.ReadAsync(entry.Type, entry.Id, cancellationToken)
            ?? throw new ResourceNotFoundException($"{entry.Type}/{entry.Id} is not known.");
        if (entry.VersionId is { } version && version != stored.VersionId)
        {
            throw new BadRequestException("vread of a past version is not supported inside a Bundle; read the current version or use GET on _history.");
        }

        if (stored.IsDeleted)
        {
            throw new ResourceGoneException($"{entry.Type}/{entry.Id} was deleted.");
        }

        return new BundleEntryModel($"{_baseUrl}/{stored.ResourceType}/{stored.Id}", entry.Method == Bundle.HTTPVerb.HEAD ? null : stored, Response: Response(stored, "200 OK"));
    }

    /// <summary>The response entry of a write.</summary>
    public BundleEntryModel Written(WriteOutcome outcome)
    {
        var stored = outcome.Stored;
        var status = outcome.StatusCode == StatusCodes.Status201Created ? "201 Created" : "200 OK";
        return new BundleEntryModel($"{_baseUrl}/{stored.ResourceType}/{stored.Id}", _minimal ? null : stored, Response: Response(stored, status));
    }

    private static Bundle.ResponseComponent Response(StoredResource stored, string status) => new()
    {
        Status = status,
        Location = $"{stored.ResourceType}/{stored.Id}/_history/{stored.VersionId}",
        Etag = FhirResult.ETag(stored.VersionId),
        LastModified = stored.LastUpdated,
    };

    private static PatientVoice.Storage.PreparedResource Prepared(BundleRequest entry)
        => entry.Prepared ?? throw new InvalidOperationException($"Bundle.entry[{entry.Index}] was not prepared before it was written.");

    private static void RequireBodyType(BundleRequest entry)
    {
        if (entry.Resource!.TypeName != entry.Type)
        {
            throw new BadRequestException($"The entry's resource is a {entry.Resource.TypeName}, but request.url is for {entry.Type}.", "resourceType");
        }
    }
}
