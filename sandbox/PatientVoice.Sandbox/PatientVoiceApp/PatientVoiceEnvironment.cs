using PatientVoice.Sandbox.Keys;

namespace PatientVoice.Sandbox.PatientVoiceApp;

/// <summary>
/// The configuration the one command gives PatientVoice, as environment variables (<c>:</c> written <c>__</c>):
/// where it listens and keeps its data, this EHR as its SMART launch EHR, this EHR's tokens as trusted on its
/// FHIR API, write-back to this EHR as a backend client, and this EHR as a trusted CDS Hooks client. The names
/// are the ones agreed between PatientVoice's parts; a name PatientVoice does not (yet) read is harmless.
/// </summary>
public static class PatientVoiceEnvironment
{
    public static IReadOnlyDictionary<string, string> For(SandboxOptions options, string environmentName, SandboxKeys keys)
    {
        var ehr = options.EhrBase;
        var client = options.PatientVoiceClient;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = options.AppBase,
            ["ASPNETCORE_ENVIRONMENT"] = environmentName,
            // The one command is the sandbox's demo: PatientVoice may point at it whatever the environment's name.
            ["Deployment__AllowSandboxSettings"] = "true",
            ["Storage__Sqlite__Path"] = Path.GetFullPath(Path.Combine(options.DataDirectory, "patientvoice", "patientvoice.db")),

            // The SMART launch client: this EHR, PatientVoice's confidential client (redirect {AppUrl}/signin-smart).
            ["Smart__Ehrs__0__Name"] = "sandbox",
            ["Smart__Ehrs__0__FhirBaseUrl"] = options.FhirBase,
            ["Smart__Ehrs__0__ClientId"] = client.ClientId,
            ["Smart__Ehrs__0__ClientSecret"] = client.ClientSecret,
            ["Smart__Ehrs__0__ClientAuthentication"] = "client_secret_basic",

            // PatientVoice's FHIR API accepts this EHR's access tokens (OpenIddict's issuer ends with a slash).
            ["Security__Issuers__0__Issuer"] = ehr + "/",
            ["Security__Issuers__0__JwksUrl"] = ehr + "/.well-known/jwks",
            ["Security__Issuers__0__Audience"] = options.AppBase + "/fhir",

            // Write-back: SMART Backend Services with the key pair whose public half this EHR registered.
            ["EhrSync__Enabled"] = "true",
            ["EhrSync__FhirBaseUrl"] = options.FhirBase,
            ["EhrSync__ClientId"] = options.PatientVoiceBackendClientId,
            ["EhrSync__PrivateKeyPath"] = keys.PatientVoiceBackend.Path,
            ["EhrSync__KeyId"] = keys.PatientVoiceBackend.KeyId,
            // The uptake report's race and ethnicity: read from this EHR with the same client (system/Patient.rs).
            ["Uptake__ReadDemographicsFromEhr"] = "true",

            // CDS Hooks: this EHR signs its requests (iss = its URL) with the keys it publishes here.
            ["CdsHooks__Clients__0__Issuer"] = ehr,
            ["CdsHooks__Clients__0__JwksUrl"] = ehr + "/cds-hooks/jwks",
        };
    }
}
