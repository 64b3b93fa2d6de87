using System.Text.Json;

namespace PatientVoice.Smart.Launch;

/// <summary>Reads a token endpoint's success body.</summary>
public static class SmartTokenResponseParser
{
    /// <param name="requestedScope">Used when the server leaves <c>scope</c> out (RFC 6749: then it granted what was asked).</param>
    /// <exception cref="SmartTokenResponseInvalidException">Not JSON, no <c>access_token</c>, or a token type other than Bearer.</exception>
    public static SmartTokenResponse Parse(string body, string? requestedScope)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new SmartTokenResponseInvalidException("The token response is not JSON.", e);
        }

        if (root.ValueKind != JsonValueKind.Object || String(root, "access_token") is not { } accessToken)
        {
            throw new SmartTokenResponseInvalidException("The token response has no access_token.");
        }

        if (!string.Equals(String(root, "token_type"), "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new SmartTokenResponseInvalidException("The token response's token_type is not Bearer.");
        }

        TimeSpan? expiresIn = root.TryGetProperty("expires_in", out var expires) && expires.ValueKind == JsonValueKind.Number && expires.TryGetInt64(out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
        return new SmartTokenResponse
        {
            AccessToken = accessToken,
            ExpiresIn = expiresIn,
            Scope = String(root, "scope") ?? requestedScope ?? "",
            Patient = String(root, "patient"),
            Encounter = String(root, "encounter"),
            FhirContext = FhirContext(root),
            AppContext = String(root, "appContext"),
            NeedPatientBanner = root.TryGetProperty("need_patient_banner", out var banner) && banner.ValueKind == JsonValueKind.True,
            SmartStyleUrl = String(root, "smart_style_url"),
            IdToken = String(root, "id_token"),
            RefreshToken = String(root, "refresh_token"),
        };
    }

    private static FhirContextItem[] FhirContext(JsonElement root)
    {
        if (!root.TryGetProperty("fhirContext", out var context) || context.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return
        [
            .. context.EnumerateArray()
                .Where(item => item.ValueKind == JsonValueKind.Object)
                .Select(item => new FhirContextItem(String(item, "reference"), String(item, "canonical"), String(item, "type"), String(item, "role")))
                .Where(item => item.Reference is not null || item.Canonical is not null),
        ];
    }

    private static string? String(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;
}
