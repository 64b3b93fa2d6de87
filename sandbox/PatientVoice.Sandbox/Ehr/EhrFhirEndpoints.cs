using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search;

namespace PatientVoice.Sandbox.Ehr;

/// <summary>
/// The EHR's FHIR R4 endpoint (<c>/fhir</c>): read, search, create (conditional with <c>If-None-Exist</c>) and
/// update (by id, or conditional by search criteria) over the sandbox's SQLite store, each
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
        fhir.MapPut("/{type}", ConditionalUpdateAsync);
        fhir.MapPut("/{type}/{id}", UpdateAsync);
        endpoints.MapGet("/fhir/metadata", (IOptions<SandboxOptions> options, IOptions<EhrWriteRules> rules)
            => Results.Text(FhirSerializer.ToJson(EhrCapabilityStatement.Build(options.Value.FhirBase, rules.Value)), FhirJson)).AllowAnonymous();
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

    // POST /fhir/{type}: create, or with If-None-Exist a conditional create (one match: 200 with it; several: 412).
    private static async Task<IResult> CreateAsync(string type, HttpContext http, IResourceStore store, SearchQueryParser parser, IOptions<SandboxOptions> options,
        IOptions<EhrWriteRules> rules, CancellationToken cancellationToken)
    {
        var (resource, _) = await ReadWriteBodyAsync(type, 'c', http, rules.Value, cancellationToken);
        var ifNoneExist = http.Request.Headers["If-None-Exist"].ToString();
        await using var session = await store.BeginWriteAsync(cancellationToken);
        if (ifNoneExist.Length > 0 && await FindOneAsync(session, parser, type, QueryHelpers.ParseQuery(ifNoneExist), cancellationToken) is { } existing)
        {
            return Written(http, options.Value, existing, 200);
        }

        resource.Id = null;
        var written = await session.PutAsync(resource, ifMatchVersion: null, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return Written(http, options.Value, written.Stored, 201);
    }

    // PUT /fhir/{type}?criteria: conditional update (no match: create; one: update it; several: 412). PUT /fhir/{type}/{id}: update by id.
    private static async Task<IResult> ConditionalUpdateAsync(string type, HttpContext http, IResourceStore store, SearchQueryParser parser, IOptions<SandboxOptions> options,
        IOptions<EhrWriteRules> rules, CancellationToken cancellationToken)
    {
        if (http.Request.Query.Count == 0)
        {
            throw new BadRequestException("A conditional update needs search criteria, e.g. ?identifier=system|value.");
        }

        var (resource, _) = await ReadWriteBodyAsync(type, 'u', http, rules.Value, cancellationToken);
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var existing = await FindOneAsync(session, parser, type, http.Request.Query.ToDictionary(q => q.Key, q => q.Value), cancellationToken);
        resource.Id = existing?.Id;
        var written = await session.PutAsync(resource, ifMatchVersion: null, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return Written(http, options.Value, written.Stored, written.Created ? 201 : 200);
    }

    private static async Task<IResult> UpdateAsync(string type, string id, HttpContext http, IResourceStore store, IOptions<SandboxOptions> options,
        IOptions<EhrWriteRules> rules, CancellationToken cancellationToken)
    {
        var (resource, _) = await ReadWriteBodyAsync(type, 'u', http, rules.Value, cancellationToken);
        if (resource.Id != id)
        {
            throw new BadRequestException($"The body's id ({resource.Id ?? "none"}) is not the id in the URL ({id}).", "id");
        }

        await using var session = await store.BeginWriteAsync(cancellationToken);
        var written = await session.PutAsync(resource, ifMatchVersion: null, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return Written(http, options.Value, written.Stored, written.Created ? 201 : 200);
    }

    private static async Task<(Hl7.Fhir.Model.Resource Resource, EhrAccess Access)> ReadWriteBodyAsync(string type, char interaction, HttpContext http, EhrWriteRules rules, CancellationToken cancellationToken)
    {
        Served(type);
        if (!rules.IsListed(type))
        {
            throw new MethodNotAllowedException($"The sandbox EHR accepts writes of {string.Join(", ", EhrResourceTypes.Writable.Where(rules.IsListed))} only.");
        }

        var access = EhrAccess.For(http.User, type, interaction);
        using var reader = new StreamReader(http.Request.Body);
        var resource = FhirResourceParser.Parse(await reader.ReadToEndAsync(cancellationToken), FhirFormat.Json);
        if (resource.TypeName != type)
        {
            throw new BadRequestException($"The body is a {resource.TypeName}, not a {type}.", "resourceType");
        }

        if (rules.IsRefused(type))
        {
            throw new UnprocessableEntityException($"This EHR does not accept {type} resources from applications (Sandbox:RefusedTypes, or Sandbox:Profile strict).", type);
        }

        if (!access.Allows(type, "", FhirSerializer.ToJson(resource)))
        {
            throw new ScopeForbiddenException($"The {type} does not reference the patient of this token.");
        }

        return (resource, access);
    }

    private static async Task<StoredResource?> FindOneAsync(IResourceWriteSession session, SearchQueryParser parser, string type,
        IDictionary<string, Microsoft.Extensions.Primitives.StringValues> criteria, CancellationToken cancellationToken)
    {
        var parameters = criteria.SelectMany(c => c.Value.Select(v => new KeyValuePair<string, string>(c.Key, v ?? ""))).ToList();
        var query = parser.Parse(type, parameters, strict: true) with { Count = 2 };
        var result = await session.SearchAsync(query, cancellationToken);
        return result.Matches.Count switch
        {
            0 => null,
            1 => result.Matches[0],
            _ => throw new PreconditionFailedException($"The criteria match more than one {type}."),
        };
    }

    private static IResult Written(HttpContext http, SandboxOptions options, StoredResource stored, int status)
    {
        http.Response.Headers.ETag = $"W/\"{stored.VersionId}\"";
        http.Response.Headers.Location = $"{options.FhirBase}/{stored.VersionedReference}";
        return Results.Text(stored.Json, FhirJson, statusCode: status);
    }

    private static void Served(string type)
    {
        if (!EhrResourceTypes.IsServed(type))
        {
            throw new ResourceNotFoundException($"The sandbox EHR does not serve {type}; it serves {string.Join(", ", EhrResourceTypes.All)}.");
        }
    }
}
