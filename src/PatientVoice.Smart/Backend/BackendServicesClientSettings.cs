using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Smart.Backend;

/// <summary>
/// A SMART Backend Services client of one EHR: its FHIR base (the token endpoint is discovered from its
/// <c>.well-known/smart-configuration</c>), the client id registered there, the key that signs the client
/// assertions, and the <c>system/</c> scopes asked for.
/// </summary>
public sealed record BackendServicesClientSettings(Uri FhirBaseUrl, string ClientId, SigningCredentials Credentials, string Scope)
{
    /// <summary>A token is renewed this long before it expires (or at half its lifetime, if that is sooner).</summary>
    public TimeSpan RenewBefore { get; init; } = TimeSpan.FromSeconds(60);
}
