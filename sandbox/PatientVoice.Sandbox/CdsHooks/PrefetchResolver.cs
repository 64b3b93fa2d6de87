using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Errors;
using PatientVoice.Sandbox.Ehr;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Sandbox.CdsHooks;

/// <summary>The context of a <c>patient-view</c> call, as the prefetch tokens name it.</summary>
public sealed record PatientViewContext(string PatientId, string UserFhirUser, string? EncounterId);

/// <summary>
/// Fills a service's prefetch templates (CDS Hooks 2.0 §Prefetch tokens: <c>{{context.patientId}}</c>,
/// <c>{{context.userId}}</c>, <c>{{context.encounterId}}</c>, <c>{{userPractitionerId}}</c>, <c>{{userPatientId}}</c>,
/// <c>{{userRelatedPersonId}}</c>) and answers them from the EHR's own store: <c>Type/id</c> is a read (null
/// when it does not exist), <c>Type?query</c> a search (a searchset Bundle). A template this EHR cannot answer
/// (an unknown token or type, a query it cannot parse) is left out, and the service fetches for itself.
/// </summary>
public sealed partial class PrefetchResolver(IResourceStore store, SearchQueryParser parser, IOptions<SandboxOptions> options)
{
    public async Task<JsonObject> ResolveAsync(IReadOnlyDictionary<string, string>? templates, PatientViewContext context, CancellationToken cancellationToken)
    {
        var prefetch = new JsonObject();
        foreach (var (key, template) in templates ?? new Dictionary<string, string>())
        {
            if (Fill(template, context) is not { } query)
            {
                continue;
            }

            try
            {
                if (await RunAsync(query, cancellationToken) is { } answer)
                {
                    prefetch[key] = answer.Value;
                }
            }
            catch (FhirException)
            {
                // A query this EHR cannot answer: the key is left out.
            }
        }

        return prefetch;
    }

    internal static string? Fill(string template, PatientViewContext context)
    {
        var unknown = false;
        var user = context.UserFhirUser.Split('/');
        var filled = TokenPattern().Replace(template, match =>
        {
            var value = match.Groups["name"].Value switch
            {
                "context.patientId" => context.PatientId,
                "context.userId" => context.UserFhirUser,
                "context.encounterId" => context.EncounterId,
                "userPractitionerId" when user[0] == "Practitioner" => user[1],
                "userPatientId" when user[0] == "Patient" => user[1],
                "userRelatedPersonId" when user[0] == "RelatedPerson" => user[1],
                _ => null,
            };
            unknown |= value is null;
            return value ?? string.Empty;
        });
        return unknown ? null : filled.TrimStart('/');
    }

    /// <summary>The answer to one query; null when this EHR cannot answer it; an answer of null when the resource does not exist.</summary>
    private async Task<Answer?> RunAsync(string query, CancellationToken cancellationToken)
    {
        var question = query.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? query : query[..question];
        var segments = path.Split('/');
        if (!EhrResourceTypes.IsServed(segments[0]))
        {
            return null;
        }

        if (segments.Length == 2 && question < 0)
        {
            var stored = await store.ReadAsync(segments[0], Uri.UnescapeDataString(segments[1]), cancellationToken);
            return new Answer(stored is { IsDeleted: false, Json: { } json } ? JsonNode.Parse(json) : null);
        }

        if (segments.Length != 1)
        {
            return null;
        }

        var parameters = QueryHelpers.ParseQuery(question < 0 ? string.Empty : query[question..])
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? string.Empty)))
            .ToList();
        var result = await store.SearchAsync(parser.Parse(segments[0], parameters, strict: false), cancellationToken);
        var entries = new JsonArray();
        foreach (var match in result.Matches.Where(m => m.Json is not null))
        {
            entries.Add(new JsonObject
            {
                ["fullUrl"] = $"{options.Value.FhirBase}/{match.ResourceType}/{match.Id}",
                ["resource"] = JsonNode.Parse(match.Json!),
                ["search"] = new JsonObject { ["mode"] = "match" },
            });
        }

        return new Answer(new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = entries });
    }

    private sealed record Answer(JsonNode? Value);

    [GeneratedRegex(@"\{\{\s*(?<name>[A-Za-z.]+)\s*\}\}")]
    private static partial Regex TokenPattern();
}
