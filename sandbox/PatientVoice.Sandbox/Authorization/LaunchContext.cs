using System.Text.Json.Serialization;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>A <c>fhirContext</c> entry of SMART App Launch 2.2: a reference, or a canonical with an optional type.</summary>
public sealed record FhirContextItem(
    [property: JsonPropertyName("reference"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reference,
    [property: JsonPropertyName("canonical"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Canonical = null,
    [property: JsonPropertyName("type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type = null);

/// <summary>What an EHR launch is about: set by the EHR (launcher, tests) before it opens the app with <c>launch</c>.</summary>
public sealed record LaunchContext(
    [property: JsonPropertyName("patient")] string? Patient,
    [property: JsonPropertyName("encounter")] string? Encounter,
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("fhirContext")] IReadOnlyList<FhirContextItem>? FhirContext,
    [property: JsonPropertyName("needPatientBanner")] bool NeedPatientBanner = false,
    [property: JsonPropertyName("appContext")] string? AppContext = null);
