using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Testing.Load;

/// <summary>
/// Reads a FHIR server's searches and reads as JSON, following <c>next</c> links: PatientVoice's API with a test-issuer
/// system token, or the sandbox EHR's with a SMART Backend Services token of PatientVoice's own backend client
/// (<see cref="ForEhrAsync"/>), so the harness counts what the EHR really holds.
/// </summary>
public sealed class FhirSearch(HttpClient http) : IDisposable
{
    public static FhirSearch ForPatientVoice(Uri appUrl)
    {
        var client = Portal.PortalStack.FhirClient(appUrl);
        client.Timeout = TimeSpan.FromSeconds(60);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return new FhirSearch(client);
    }

    /// <summary>A reader of the sandbox's FHIR endpoint, signed in as <c>patientvoice-backend</c> with its key (the sandbox's Development key).</summary>
    public static async Task<FhirSearch> ForEhrAsync(Uri ehrUrl, string backendKeyPath, CancellationToken cancellationToken)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(await File.ReadAllTextAsync(backendKeyPath, cancellationToken));
        var tokenEndpoint = new Uri(ehrUrl, "/connect/token").AbsoluteUri;
        var assertion = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "patientvoice-backend",
            Audience = tokenEndpoint,
            Claims = new Dictionary<string, object> { ["sub"] = "patientvoice-backend", ["jti"] = Guid.NewGuid().ToString("N") },
            Expires = DateTime.UtcNow.AddMinutes(4),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = Portal.PortalStack.KeyIdOf(backendKeyPath) }, SecurityAlgorithms.EcdsaSha384),
        });
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(ehrUrl, "/fhir/"), Timeout = TimeSpan.FromSeconds(60) };
        using var token = await client.PostAsync(tokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "system/QuestionnaireResponse.rs system/Goal.rs system/Observation.rs system/DocumentReference.rs system/Provenance.rs",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        }), cancellationToken);
        var body = await token.Content.ReadAsStringAsync(cancellationToken);
        if (!token.IsSuccessStatusCode)
        {
            client.Dispose();
            throw new InvalidOperationException($"The sandbox refused the backend token ({(int)token.StatusCode}): {body}");
        }

        using var json = JsonDocument.Parse(body);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", json.RootElement.GetProperty("access_token").GetString());
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return new FhirSearch(client);
    }

    /// <summary>Every match of <paramref name="query"/> (relative to the FHIR base), all pages.</summary>
    public async Task<List<JsonElement>> AllAsync(string query, CancellationToken cancellationToken)
    {
        var found = new List<JsonElement>();
        string? next = query;
        while (next is not null)
        {
            using var response = await http.GetAsync(next, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Search {next} answered {(int)response.StatusCode}: {body}");
            }

            using var bundle = JsonDocument.Parse(body);
            if (bundle.RootElement.TryGetProperty("entry", out var entries))
            {
                found.AddRange(entries.EnumerateArray()
                    .Where(e => !e.TryGetProperty("search", out var s) || !s.TryGetProperty("mode", out var m) || m.GetString() != "include")
                    .Select(e => e.GetProperty("resource").Clone()));
            }

            next = bundle.RootElement.TryGetProperty("link", out var links)
                ? links.EnumerateArray().Where(l => l.GetProperty("relation").GetString() == "next").Select(l => l.GetProperty("url").GetString()).FirstOrDefault()
                : null;
        }

        return found;
    }

    /// <summary>The resource, or null on 404/410.</summary>
    public async Task<JsonElement?> ReadAsync(string reference, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(reference, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Read {reference} answered {(int)response.StatusCode}: {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.Clone();
    }

    /// <summary>The value of the first identifier of <paramref name="system"/> (identifier may be one or a list).</summary>
    public static string? Identifier(JsonElement resource, string system)
        => resource.TryGetProperty("identifier", out var identifiers)
            ? (identifiers.ValueKind == JsonValueKind.Array ? identifiers.EnumerateArray() : Enumerable.Repeat(identifiers, 1))
                .Where(i => i.TryGetProperty("system", out var s) && s.GetString() == system)
                .Select(i => i.TryGetProperty("value", out var v) ? v.GetString() : null).FirstOrDefault()
            : null;

    public void Dispose() => http.Dispose();
}
