using System.Text.Json;

namespace PatientVoice.Web.CdsHooks;

/// <summary>The parts of a hook call we use: the hook, its instance and <c>context.patientId</c> (both our hooks carry it).</summary>
public sealed record CdsHookRequest(string? Hook, string? HookInstance, string? PatientId, string? Error)
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static async Task<CdsHookRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return Fail("The request body is too large.");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException)
        {
            return Fail("The request body is not JSON.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail("The request body must be a JSON object.");
            }

            var hook = String(root, "hook");
            var instance = String(root, "hookInstance");
            var patient = root.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object ? String(context, "patientId") : null;
            if (hook is null || instance is null)
            {
                return Fail("A hook call needs hook and hookInstance.");
            }

            if (string.IsNullOrWhiteSpace(patient) || patient.Contains('/', StringComparison.Ordinal) || patient.Length > 64)
            {
                return Fail("A hook call needs context.patientId (a FHIR id).");
            }

            return new CdsHookRequest(hook, instance, patient, null);
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static CdsHookRequest Fail(string error) => new(null, null, null, error);
}
