using System.Globalization;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;
using PatientVoice.Web.FhirApi.Formats;

namespace PatientVoice.Web.FhirApi.History;

/// <summary>Instance, type and system <c>_history</c> with <c>_since</c>, <c>_at</c> and <c>_count</c>, newest first.</summary>
public static class HistoryEndpoints
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapGet("/_history", (HttpRequest request, IResourceStore store, IOptions<FhirApiOptions> options, CancellationToken ct)
            => HistoryAsync(null, null, request, store, options.Value, ct)).WithName("history-system").WithSummary("Every change on the server");
        fhir.MapGet("/{type}/_history", (string type, HttpRequest request, IResourceStore store, IOptions<FhirApiOptions> options, CancellationToken ct)
            => HistoryAsync(FhirRequest.RequireType(type), null, request, store, options.Value, ct)).WithName("history-type").WithSummary("Every change to resources of a type");
        fhir.MapGet("/{type}/{id}/_history", (string type, string id, HttpRequest request, IResourceStore store, IOptions<FhirApiOptions> options, CancellationToken ct)
            => HistoryAsync(FhirRequest.RequireType(type), id, request, store, options.Value, ct)).WithName("history-instance").WithSummary("Every version of a resource");
    }

    private static async Task<IResult> HistoryAsync(string? type, string? id, HttpRequest request, IResourceStore store, FhirApiOptions options, CancellationToken cancellationToken)
    {
        var count = Math.Min(ParseCount(request, options.DefaultPageSize), options.MaxPageSize);
        var since = ParseInstant(request, "_since");
        var at = ParseInstant(request, "_at");
        long? before = null;
        if (request.Query.TryGetValue("_before", out var b))
        {
            before = long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                ? position
                : throw new BadRequestException($"_before '{b}' is not a history position.", "_before");
        }

        if (id is not null && await store.ReadAsync(type!, id, cancellationToken) is null)
        {
            throw new ResourceNotFoundException($"{type}/{id} is not known.");
        }

        var page = await store.HistoryAsync(new HistoryQuery(type, id, since, at, count, before), cancellationToken);
        var baseUrl = FhirRequest.BaseUrl(request);
        var path = baseUrl + (type is null ? string.Empty : "/" + type) + (id is null ? string.Empty : "/" + id) + "/_history";
        var self = path;
        foreach (var name in new[] { "_since", "_at", "_format", "_pretty" })
        {
            if (request.Query.TryGetValue(name, out var value))
            {
                self = QueryHelpers.AddQueryString(self, name, value.ToString());
            }
        }

        self = QueryHelpers.AddQueryString(self, "_count", count.ToString(CultureInfo.InvariantCulture));
        var links = new List<(string, string)> { ("self", before is null ? self : QueryHelpers.AddQueryString(self, "_before", before.Value.ToString(CultureInfo.InvariantCulture))) };
        if (page.NextBefore is { } next)
        {
            links.Add(("next", QueryHelpers.AddQueryString(self, "_before", next.ToString(CultureInfo.InvariantCulture))));
        }

        var entries = page.Entries.Select(e => Entry(baseUrl, e)).ToList();
        return FhirResult.Json(StatusCodes.Status200OK, BundleComposer.Compose(Bundle.BundleType.History, page.Total, links, entries, ResourceView.FromQuery(request.Query)));
    }

    private static BundleEntryModel Entry(string baseUrl, StoredResource version)
    {
        var method = version.Method switch
        {
            "POST" => Bundle.HTTPVerb.POST,
            "DELETE" => Bundle.HTTPVerb.DELETE,
            _ => Bundle.HTTPVerb.PUT,
        };
        return new BundleEntryModel(
            $"{baseUrl}/{version.ResourceType}/{version.Id}",
            version,
            Request: new Bundle.RequestComponent
            {
                Method = method,
                Url = method == Bundle.HTTPVerb.POST ? version.ResourceType : $"{version.ResourceType}/{version.Id}",
            },
            Response: new Bundle.ResponseComponent
            {
                Status = version.Method switch { "POST" => "201 Created", "DELETE" => "204 No Content", _ => "200 OK" },
                Etag = FhirResult.ETag(version.VersionId),
                LastModified = version.LastUpdated,
            });
    }

    private static int ParseCount(HttpRequest request, int fallback)
    {
        if (!request.Query.TryGetValue("_count", out var value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw new BadRequestException($"_count '{value}' must be a positive whole number.", "_count");
    }

    private static DateTimeOffset? ParseInstant(HttpRequest request, string name)
    {
        if (!request.Query.TryGetValue(name, out var value))
        {
            return null;
        }

        return Hl7.Fhir.ElementModel.Types.DateTime.TryParse(value.ToString(), out var instant)
            ? instant.ToDateTimeOffset(TimeSpan.Zero)
            : throw new BadRequestException($"{name} '{value}' is not a FHIR instant such as 2026-11-26T12:00:00Z.", name);
    }
}
