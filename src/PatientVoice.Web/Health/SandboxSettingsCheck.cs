using System.Net;

namespace PatientVoice.Web.Health;

/// <summary>
/// Refuses to start a deployment that still points at the development sandbox (docs/deploying.md): a SMART EHR or a
/// trusted token issuer on a loopback host, the sandbox's client secret, the write-back to a loopback EHR. Development
/// runs, the sandbox's own one command and demos that say so (<c>Deployment:AllowSandboxSettings=true</c>) start as before.
/// </summary>
public static class SandboxSettingsCheck
{
    public const string AllowKey = "Deployment:AllowSandboxSettings";
    public const string SandboxClientSecret = "patientvoice-sandbox-secret";

    /// <summary>Throws <see cref="InvalidOperationException"/> naming every such setting, unless allowed.</summary>
    public static void Check(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.IsDevelopment() || configuration.GetValue<bool>(AllowKey))
        {
            return;
        }

        var found = Findings(configuration).ToList();
        if (found.Count > 0)
        {
            throw new InvalidOperationException(
                $"PatientVoice is starting as '{environment.EnvironmentName}' with settings of the development sandbox: {string.Join("; ", found)}. " +
                $"Configure your EHR and issuers (docs/deploying.md), or run with ASPNETCORE_ENVIRONMENT=Development, or set {AllowKey}=true for a demo.");
        }
    }

    /// <summary>Each setting that points at the sandbox, by key (values of secrets never repeated).</summary>
    public static IEnumerable<string> Findings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var ehr in configuration.GetSection("Smart:Ehrs").GetChildren())
        {
            if (IsLoopback(ehr["FhirBaseUrl"]))
            {
                yield return $"Smart:Ehrs:{ehr.Key}:FhirBaseUrl is a loopback address ({ehr["FhirBaseUrl"]})";
            }

            if (ehr["ClientSecret"] == SandboxClientSecret)
            {
                yield return $"Smart:Ehrs:{ehr.Key}:ClientSecret is the sandbox's secret";
            }
        }

        foreach (var issuer in configuration.GetSection("Security:Issuers").GetChildren())
        {
            if (IsLoopback(issuer["Issuer"]))
            {
                yield return $"Security:Issuers:{issuer.Key}:Issuer is a loopback address ({issuer["Issuer"]})";
            }
        }

        if (configuration.GetValue<bool>("EhrSync:Enabled") && IsLoopback(configuration["EhrSync:FhirBaseUrl"]))
        {
            yield return $"EhrSync:FhirBaseUrl is a loopback address ({configuration["EhrSync:FhirBaseUrl"]})";
        }
    }

    private static bool IsLoopback(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip)));
}
