using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search;

namespace PatientVoice.Sandbox.Ehr;

/// <summary>
/// The EHR's FHIR R4 endpoint (<c>/fhir</c>): read, search and create over the sandbox's SQLite store, each
/// allowed by the bearer token's SMART scopes (<see cref="EhrAccess"/>). Errors become OperationOutcomes in
/// <see cref="EhrOperationOutcomeHandler"/>.
/// </summary>
internal static class EhrFhirEndpoints
{
    public const string FhirJson = "application/fhir+json";

    public static void MapEhrFhir(this IEndpointRouteBuilder endpoints, string authenticationScheme)
    {
        var fhir = endpoints.MapGroup("/fhir").RequireAuthorization(policy => policy.AddAuthenticationSchemes(authenticationScheme).RequireAuthenticatedUser());
        fhir.MapGet("/{type}/{id}", ReadAsync);
        fhir.MapGet("/{type}", SearchAsync);
        fhir.MapPost("/{type}", CreateAsync);
    }

    private static async Task<IResult> ReadAsync(string type, string id, HttpContext http, IResourceStore store, CancellationToken cancellationToken)
    {
        Served(type);
        var access = EhrAccess.For(http.User, type, 'r');
        var stored = await store.ReadAsync(type, id, cancellationToken);
        if (stored is null)
        {
            throw new ResourceNotFoundException($"{type}/{id} does not exist.");
        }

        if (stored.IsDeleted || stored.Json is null)
        {
            throw new ResourceGoneException($"{type}/{id} was deleted.");
        }

        if (!access.Allows(type, id, stored.Json))
        {
            throw new ScopeForbiddenException($"{type}/{id} is outside the patient compartment of this token.");
        }

        http.Response.Headers.ETag = $"W/\"{stored.VersionId}\"";
        return Results.Text(stored.Json, FhirJson);
    }

    private static async Task<IResult> SearchAsync(string type, HttpContext http, IResourceStore store, SearchQueryParser parser,
        SearchParameterRegistry registry, IOptions<SandboxOptions> options, CancellationToken cancellationToken)
    {
        Served(type);
        var access = EhrAccess.For(http.User, type, 's');
        var parameters = http.Request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))).ToList();
        if (access.ConfinedToPatient is { } patient)
        {
            // patient/ scopes: the search is narrowed to the compartment, whatever was asked.
            if (type == "Patient")
            {
                parameters.Add(new("_id", patient));
            }
            else if (registry.Find(type, "patient") is not null)
            {
                parameters.Add(new("patient", $"Patient/{patient}"));
            }
        }

        var query = parser.Parse(type, parameters, strict: false);
        var result = await store.SearchAsync(query, cancellationToken);
        var fhirBase = options.Value.FhirBase;
        var entries = new JsonArray();
        foreach (var match in result.Matches.Where(m => m.Json is not null && access.Allows(m.ResourceType, m.Id, m.Json)))
        {
            entries.Add(new JsonObject
            {
                ["fullUrl"] = $"{fhirBase}/{match.ResourceType}/{match.Id}",
                ["resource"] = JsonNode.Parse(match.Json!),
                ["search"] = new JsonObject { ["mode"] = "match" },
            });
        }

        var self = QueryString.Create(query.AppliedParameters.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
        var links = new JsonArray { new JsonObject { ["relation"] = "self", ["url"] = $"{fhirBase}/{type}{self}" } };
        if (result.NextCursor is not null)
        {
            links.Add(new JsonObject { ["relation"] = "next", ["url"] = $"{fhirBase}/{type}{self.Add("_cursor", result.NextCursor)}" });
        }

        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "searchset",
            ["link"] = links,
            ["entry"] = entries,
        };
        if (result.Total is { } total && access.ConfinedToPatient is null)
        {
            bundle["total"] = total;
        }

        return Results.Text(bundle.ToJsonString(FhirSerializer.NodeOptions), FhirJson);
    }

    private static async Task<IResult> CreateAsync(string type, HttpContext http, IResourceStore store, IOptions<SandboxOptions> options, CancellationToken cancellationToken)
    {
        Served(type);
        if (!EhrResourceTypes.Writable.Contains(type))
        {
            throw new MethodNotAllowedException($"The sandbox EHR accepts writes of {string.Join(", ", EhrResourceTypes.Writable)} only.");
        }

        var access = EhrAccess.For(http.User, type, 'c');
        using var reader = new StreamReader(http.Request.Body);
        var resource = FhirResourceParser.Parse(await reader.ReadToEndAsync(cancellationToken), FhirFormat.Json);
        if (resource.TypeName != type)
        {
            throw new BadRequestException($"The body is a {resource.TypeName}, not a {type}.", "resourceType");
        }

        resource.Id = null;
        if (!access.Allows(type, "", FhirSerializer.ToJson(resource)))
        {
            throw new ScopeForbiddenException($"The {type} does not reference the patient of this token.");
        }

        WriteResult written;
        await using (var session = await store.BeginWriteAsync(cancellationToken))
        {
            written = await session.PutAsync(resource, ifMatchVersion: null, cancellationToken);
            await session.CommitAsync(cancellationToken);
        }

        http.Response.Headers.ETag = $"W/\"{written.Stored.VersionId}\"";
        http.Response.Headers.Location = $"{options.Value.FhirBase}/{written.Stored.VersionedReference}";
        return Results.Text(written.Stored.Json, FhirJson, statusCode: 201);
    }

    private static void Served(string type)
    {
        if (!EhrResourceTypes.IsServed(type))
        {
            throw new ResourceNotFoundException($"The sandbox EHR does not serve {type}; it serves {string.Join(", ", EhrResourceTypes.All)}.");
        }
    }
}
