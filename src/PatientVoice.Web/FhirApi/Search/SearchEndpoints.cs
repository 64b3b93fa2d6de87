using Hl7.Fhir.Model;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;
using PatientVoice.Web.FhirApi.Formats;

namespace PatientVoice.Web.FhirApi.Search;

/// <summary>Type-level search by GET and by POST to <c>_search</c> (form-encoded parameters).</summary>
public static class SearchEndpoints
{
    // Parameters that shape the response and are carried into links by the response, not by the parser.
    private static readonly HashSet<string> FormatParameters = ["_format", "_pretty"];

    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapGet("/{type}", SearchByGetAsync).WithName("search-type").WithSummary("Search resources of a type");
        fhir.MapPost("/{type}/_search", SearchByPostAsync).WithName("search-type-post").WithSummary("Search resources of a type, parameters in a form-encoded body")
            .DisableAntiforgery();
    }

    private static Task<IResult> SearchByGetAsync(string type, HttpRequest request, IResourceStore store, SearchQueryParser parser, IOptions<FhirApiOptions> options, CancellationToken cancellationToken)
        => SearchAsync(type, request, FhirRequest.QueryPairs(request.Query), store, parser, options.Value, cancellationToken);

    private static async Task<IResult> SearchByPostAsync(string type, HttpRequest request, IResourceStore store, SearchQueryParser parser, IOptions<FhirApiOptions> options, CancellationToken cancellationToken)
    {
        var parameters = FhirRequest.QueryPairs(request.Query);
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            parameters.AddRange(form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? string.Empty))));
        }
        else if (request.ContentLength > 0)
        {
            throw new UnsupportedMediaTypeException("POST _search takes its parameters as application/x-www-form-urlencoded.");
        }

        return await SearchAsync(type, request, parameters, store, parser, options.Value, cancellationToken);
    }

    private static async Task<IResult> SearchAsync(string type, HttpRequest request, List<KeyValuePair<string, string>> parameters, IResourceStore store, SearchQueryParser parser, FhirApiOptions options, CancellationToken cancellationToken)
    {
        var json = await ExecuteAsync(type, parameters, request, store.SearchAsync, parser, options, cancellationToken);
        return FhirResult.Json(StatusCodes.Status200OK, json);
    }

    /// <summary>
    /// Runs a search and returns the searchset Bundle as JSON. <paramref name="run"/> is the store, or a
    /// write session when the search is an entry of a transaction.
    /// </summary>
    internal static async Task<string> ExecuteAsync(string type, IReadOnlyList<KeyValuePair<string, string>> parameters, HttpRequest request, Func<SearchQuery, CancellationToken, Task<SearchResult>> run, SearchQueryParser parser, FhirApiOptions options, CancellationToken cancellationToken)
    {
        FhirRequest.RequireType(type);
        var view = ResourceView.FromQuery(request.Query);
        var query = parser.Parse(type, parameters.Where(p => !FormatParameters.Contains(p.Key)).ToList(), FhirRequest.StrictHandling(request));
        if (query.Count > options.MaxPageSize)
        {
            query = query with { Count = options.MaxPageSize };
        }

        var result = await run(query, cancellationToken);
        var baseUrl = FhirRequest.BaseUrl(request);
        var entries = new List<BundleEntryModel>(result.Matches.Count + result.Included.Count);
        entries.AddRange(result.Matches.Select(m => Entry(baseUrl, m, Bundle.SearchEntryMode.Match)));
        entries.AddRange(result.Included.Select(m => Entry(baseUrl, m, Bundle.SearchEntryMode.Include)));

        var links = new List<(string, string)> { ("self", Link(baseUrl, type, query, null, request)) };
        if (result.NextCursor is not null)
        {
            links.Add(("next", Link(baseUrl, type, query, result.NextCursor, request)));
        }

        if (result.PreviousCursor is not null)
        {
            links.Add(("previous", Link(baseUrl, type, query, result.PreviousCursor, request)));
        }

        return BundleComposer.Compose(Bundle.BundleType.Searchset, result.Total, links, query.SummaryCount ? [] : entries, view);
    }

    private static BundleEntryModel Entry(string baseUrl, StoredResource stored, Bundle.SearchEntryMode mode)
        => new($"{baseUrl}/{stored.ResourceType}/{stored.Id}", stored, SearchMode: mode);

    /// <summary>A link that repeats the search as understood, at the page the cursor names.</summary>
    private static string Link(string baseUrl, string type, SearchQuery query, string? cursor, HttpRequest request)
    {
        var url = $"{baseUrl}/{type}";
        foreach (var (name, value) in query.AppliedParameters)
        {
            url = QueryHelpers.AddQueryString(url, name, value);
        }

        foreach (var name in FormatParameters)
        {
            if (request.Query.TryGetValue(name, out var value))
            {
                url = QueryHelpers.AddQueryString(url, name, value.ToString());
            }
        }

        return cursor is null ? url : QueryHelpers.AddQueryString(url, "_cursor", cursor);
    }
}
