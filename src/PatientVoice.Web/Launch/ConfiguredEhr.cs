using PatientVoice.Smart.ClientAuthentication;

namespace PatientVoice.Web.Launch;

/// <summary>A validated <see cref="EhrRegistration"/>: its FHIR base as a URL and its client credentials loaded.</summary>
public sealed record ConfiguredEhr(string Name, Uri FhirBaseUrl, SmartClientCredentials Client);
