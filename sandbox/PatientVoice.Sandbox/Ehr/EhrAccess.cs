using System.Security.Claims;
using System.Text.Json;
using OpenIddict.Abstractions;
using PatientVoice.Sandbox.Authorization;

namespace PatientVoice.Sandbox.Ehr;

/// <summary>
/// What a token may do on the EHR's FHIR endpoint. A <c>user/</c> or <c>system/</c> scope covering the
/// interaction allows it everywhere; a <c>patient/</c> scope only inside the token's patient compartment.
/// </summary>
public sealed record EhrAccess(string? ConfinedToPatient)
{
    /// <summary>Decides, from the scopes in <paramref name="user"/>, whether <paramref name="interaction"/> (one of <c>cruds</c>) is allowed.</summary>
    public static EhrAccess For(ClaimsPrincipal user, string resourceType, char interaction)
    {
        var covering = SmartScopes.ParseAll(user.GetScopes()).Where(s => s.Covers(resourceType, interaction)).ToArray();
        if (covering.Length == 0)
        {
            throw new ScopeForbiddenException($"The token's scopes do not allow '{interaction}' on {resourceType}.");
        }

        if (covering.Any(s => s.Context != ScopeContext.Patient))
        {
            return new EhrAccess(ConfinedToPatient: null);
        }

        var patient = user.GetClaim(SmartClaims.Patient)
            ?? throw new ScopeForbiddenException("patient/ scopes need a patient in the launch context, and this token has none.");
        return new EhrAccess(patient);
    }

    /// <summary>
    /// Whether a resource (FHIR JSON) lies in the confined patient's compartment: the Patient itself, or any
    /// resource that references it (subject, patient, participant actor, Provenance target, …).
    /// </summary>
    public bool Allows(string resourceType, string id, string json)
    {
        if (ConfinedToPatient is null)
        {
            return true;
        }

        if (resourceType == "Patient")
        {
            return id == ConfinedToPatient;
        }

        if (resourceType == "Practitioner")
        {
            return true; // not patient data: a patient app may show who their clinicians are
        }

        using var document = JsonDocument.Parse(json);
        return References(document.RootElement).Any(IsConfinedPatient);
    }

    private bool IsConfinedPatient(string reference)
        => reference == $"Patient/{ConfinedToPatient}" || reference.EndsWith($"/Patient/{ConfinedToPatient}", StringComparison.Ordinal);

    private static IEnumerable<string> References(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "reference" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        yield return property.Value.GetString()!;
                    }
                    else if (property.Name != "contained")
                    {
                        foreach (var nested in References(property.Value))
                        {
                            yield return nested;
                        }
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var nested in References(item))
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }
}
