using Microsoft.Extensions.Options;
using PatientVoice.Smart.ClientAuthentication;
using PatientVoice.Smart.Launch;

namespace PatientVoice.Web.Launch;

/// <summary>
/// The EHRs PatientVoice trusts, from <c>Smart:Ehrs</c>, checked at start-up (a bad entry stops the process with
/// a message naming the key). A launch's <c>iss</c> is looked up here by exact (normalised) FHIR base URL; an
/// <c>iss</c> not found is never contacted.
/// </summary>
public sealed class EhrDirectory
{
    private readonly IReadOnlyList<ConfiguredEhr> _ehrs;

    public EhrDirectory(IOptions<SmartLaunchOptions> options)
    {
        var registrations = options.Value.Ehrs;
        var ehrs = new List<ConfiguredEhr>();
        for (var i = 0; i < registrations.Count; i++)
        {
            ehrs.Add(Load(registrations[i], $"Smart:Ehrs:{i}"));
        }

        if (ehrs.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new InvalidOperationException($"Smart:Ehrs: the name '{duplicate.Key}' is used twice.");
        }

        if (ehrs.GroupBy(e => SmartUrls.NormalizeBase(e.FhirBaseUrl), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidOperationException($"Smart:Ehrs: the FHIR base URL {twice.Key} is configured twice.");
        }

        _ehrs = ehrs;
    }

    public IReadOnlyList<ConfiguredEhr> All => _ehrs;

    /// <summary>The EHR whose FHIR base URL is <paramref name="iss"/>; null for anything else (including unparsable values).</summary>
    public ConfiguredEhr? FindByIss(string? iss)
    {
        if (string.IsNullOrWhiteSpace(iss) || !Uri.TryCreate(iss, UriKind.Absolute, out var url) || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
        {
            return null;
        }

        var wanted = SmartUrls.NormalizeBase(url);
        return _ehrs.FirstOrDefault(e => string.Equals(SmartUrls.NormalizeBase(e.FhirBaseUrl), wanted, StringComparison.Ordinal));
    }

    /// <summary>The EHR named <paramref name="name"/>, or the first configured when the name is empty.</summary>
    public ConfiguredEhr? FindByName(string? name)
        => string.IsNullOrEmpty(name) ? _ehrs.FirstOrDefault() : _ehrs.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    private static ConfiguredEhr Load(EhrRegistration registration, string key)
    {
        if (string.IsNullOrWhiteSpace(registration.Name))
        {
            throw new InvalidOperationException($"{key}:Name is required.");
        }

        if (!Uri.TryCreate(registration.FhirBaseUrl, UriKind.Absolute, out var fhirBase) || !SmartUrls.IsSecureOrLoopback(fhirBase))
        {
            throw new InvalidOperationException($"{key}:FhirBaseUrl must be an absolute https URL (http only for a loopback host).");
        }

        if (string.IsNullOrWhiteSpace(registration.ClientId))
        {
            throw new InvalidOperationException($"{key}:ClientId is required.");
        }

        if (!ClientAuthenticationMethodNames.TryParse(registration.ClientAuthentication, out var method))
        {
            throw new InvalidOperationException($"{key}:ClientAuthentication must be client_secret_basic, private_key_jwt or none.");
        }

        var client = method switch
        {
            ClientAuthenticationMethod.ClientSecretBasic => string.IsNullOrEmpty(registration.ClientSecret)
                ? throw new InvalidOperationException($"{key}:ClientSecret is required for client_secret_basic.")
                : SmartClientCredentials.Secret(registration.ClientId, registration.ClientSecret),
            ClientAuthenticationMethod.PrivateKeyJwt => SmartClientCredentials.PrivateKey(registration.ClientId, LoadKey(registration, key)),
            _ => SmartClientCredentials.Public(registration.ClientId),
        };
        return new ConfiguredEhr(registration.Name, fhirBase, client)
        {
            PatientScopes = Scopes(registration.Scopes.Patient, $"{key}:Scopes:Patient"),
            ClinicianScopes = Scopes(registration.Scopes.Clinician, $"{key}:Scopes:Clinician"),
        };
    }

    // An explicit list (or null: the default). It must let PatientVoice know who signed in.
    private static string[]? Scopes(List<string> configured, string key)
    {
        var scopes = configured.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).ToArray();
        if (scopes.Length == 0)
        {
            return null;
        }

        if (scopes.FirstOrDefault(s => s.Any(char.IsWhiteSpace) || s.Any(char.IsControl)) is { } bad)
        {
            throw new InvalidOperationException($"{key}: '{bad}' is not one scope (one scope per entry, no spaces).");
        }

        if (!scopes.Contains("openid", StringComparer.Ordinal) || !scopes.Contains("fhirUser", StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"{key} must name openid and fhirUser: PatientVoice needs to know who signed in.");
        }

        return scopes;
    }

    private static Microsoft.IdentityModel.Tokens.SigningCredentials LoadKey(EhrRegistration registration, string key)
    {
        if (string.IsNullOrWhiteSpace(registration.PrivateKeyPath) || !File.Exists(registration.PrivateKeyPath))
        {
            throw new InvalidOperationException($"{key}:PrivateKeyPath must name a PEM private key file for private_key_jwt.");
        }

        try
        {
            return SigningKeyPem.LoadFile(registration.PrivateKeyPath, registration.KeyId);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"{key}:PrivateKeyPath: {e.Message}", e);
        }
    }
}
