using PatientVoice.Smart.ClientAuthentication;
using PatientVoice.Smart.Launch;

namespace PatientVoice.Web.Launch;

/// <summary>A validated <see cref="EhrRegistration"/>: its FHIR base as a URL and its client credentials loaded.</summary>
public sealed record ConfiguredEhr(string Name, Uri FhirBaseUrl, SmartClientCredentials Client)
{
    /// <summary>The scopes configured for patient launches (<c>Smart:Ehrs:{n}:Scopes:Patient</c>); null: the default.</summary>
    public IReadOnlyList<string>? PatientScopes { get; init; }

    /// <summary>The scopes configured for clinician launches (<c>Smart:Ehrs:{n}:Scopes:Clinician</c>); null: the default.</summary>
    public IReadOnlyList<string>? ClinicianScopes { get; init; }

    /// <summary>
    /// What to ask this EHR for (without the launch scope): the configured list for the audience, else the least
    /// PatientVoice needs (<see cref="EhrReadTypes"/>), in the scope version the EHR's smart-configuration speaks.
    /// </summary>
    public IReadOnlyList<string> ScopesFor(LaunchAudience audience, SmartConfiguration configuration)
        => (audience == LaunchAudience.Patient ? PatientScopes : ClinicianScopes)
           ?? LaunchScopes.Default(audience, configuration, EhrReadTypes.For(audience));
}
