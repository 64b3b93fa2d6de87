using System.Text.Json;

namespace PatientVoice.Smart.Launch;

/// <summary>Reads and validates a <c>.well-known/smart-configuration</c> document.</summary>
public static class SmartConfigurationParser
{
    /// <exception cref="SmartConfigurationInvalidException">Not JSON, an endpoint missing or not https/loopback, or no S256.</exception>
    public static SmartConfiguration Parse(Uri fhirBaseUrl, string json)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new SmartConfigurationInvalidException(fhirBaseUrl, "The smart-configuration is not JSON.", e);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SmartConfigurationInvalidException(fhirBaseUrl, "The smart-configuration is not a JSON object.");
        }

        var configuration = new SmartConfiguration
        {
            FhirBaseUrl = fhirBaseUrl,
            Issuer = String(root, "issuer"),
            JwksUri = OptionalEndpoint(fhirBaseUrl, root, "jwks_uri"),
            AuthorizationEndpoint = RequiredEndpoint(fhirBaseUrl, root, "authorization_endpoint"),
            TokenEndpoint = RequiredEndpoint(fhirBaseUrl, root, "token_endpoint"),
            Capabilities = Strings(root, "capabilities"),
            ScopesSupported = Strings(root, "scopes_supported"),
            CodeChallengeMethodsSupported = Strings(root, "code_challenge_methods_supported"),
            TokenEndpointAuthMethodsSupported = Strings(root, "token_endpoint_auth_methods_supported"),
            GrantTypesSupported = Strings(root, "grant_types_supported"),
        };
        if (!configuration.CodeChallengeMethodsSupported.Contains(Pkce.Method, StringComparer.Ordinal))
        {
            throw new SmartConfigurationInvalidException(fhirBaseUrl, "The EHR does not list S256 in code_challenge_methods_supported; PKCE S256 is required.");
        }

        return configuration;
    }

    private static Uri RequiredEndpoint(Uri fhirBaseUrl, JsonElement root, string name)
        => OptionalEndpoint(fhirBaseUrl, root, name)
           ?? throw new SmartConfigurationInvalidException(fhirBaseUrl, $"The smart-configuration has no {name}.");

    private static Uri? OptionalEndpoint(Uri fhirBaseUrl, JsonElement root, string name)
    {
        if (String(root, name) is not { } value)
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || !SmartUrls.IsSecureOrLoopback(url))
        {
            throw new SmartConfigurationInvalidException(fhirBaseUrl, $"The smart-configuration's {name} is not an absolute https URL (http only to a loopback host).");
        }

        return url;
    }

    private static string? String(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;

    private static string[] Strings(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];
}
