using System.Net.Http.Json;
using System.Text.Json;

namespace PatientVoice.Testing.Portal;

/// <summary>
/// The real sandbox EHR and the real PatientVoice, each its own process on 127.0.0.1 with fresh SQLite files,
/// configured for each other: PatientVoice trusts the sandbox as EHR <c>sandbox</c> and writes submissions back to it
/// (its backend client and key, as the one command does); the sandbox (Development: test login on) redirects to
/// PatientVoice's <c>/signin-smart</c>. PatientVoice runs from the build beside the tests,
/// with src/PatientVoice.Web as its content root (wwwroot with LHC-Forms, appsettings.json).
/// </summary>
public sealed class PortalStack : IAsyncDisposable
{
    private readonly ScratchDirectory _data;
    private readonly HostProcess _sandbox;
    private readonly HostProcess _app;

    private PortalStack(ScratchDirectory data, HostProcess sandbox, HostProcess app)
    {
        _data = data;
        _sandbox = sandbox;
        _app = app;
    }

    public Uri AppUrl => _app.BaseAddress;

    public Uri EhrUrl => _sandbox.BaseAddress;

    public string FhirBase => new Uri(EhrUrl, "/fhir").AbsoluteUri;

    /// <summary>The sandbox's last lines of output (warnings and above), for a failing test to show.</summary>
    public string SandboxOutput => _sandbox.RecentOutput;

    public static async Task<PortalStack> StartAsync(IReadOnlyList<string>? appArguments = null)
    {
        var data = new ScratchDirectory();
        var ehrPort = FreePort.Next();
        var appPort = FreePort.Next();
        var ehrUrl = $"http://127.0.0.1:{ehrPort}";
        var appUrl = $"http://127.0.0.1:{appPort}";
        HostProcess? sandbox = null;
        try
        {
            sandbox = await HostProcess.StartAsync(new HostProcessOptions(RepositoryPaths.SandboxAssembly)
            {
                Port = ehrPort,
                ReadyPath = "/fhir/.well-known/smart-configuration",
                Environment = new Dictionary<string, string>
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Development",
                    ["Sandbox__EhrUrl"] = ehrUrl,
                    ["Sandbox__AppUrl"] = appUrl,
                    ["Sandbox__DataDirectory"] = Path.Combine(data.Path, "sandbox"),
                    ["Sandbox__StartPatientVoice"] = "false",
                    ["Logging__LogLevel__Default"] = "Warning",
                },
            });
            // Write-back on, as the one command runs it: the sandbox keeps a key pair for PatientVoice's backend client.
            var backendKey = Path.Combine(data.Path, "sandbox", "patientvoice-backend-key.pem");
            var app = await HostProcess.StartAsync(new HostProcessOptions(Path.Combine(AppContext.BaseDirectory, "PatientVoice.Web.dll"))
            {
                Port = appPort,
                ReadyPath = "/health/ready",
                ReadyTimeout = TimeSpan.FromSeconds(300),
                Environment = new Dictionary<string, string>
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Production",
                    // A production build against the sandbox: a test stack, not a deployment (docs/deploying.md).
                    ["Deployment__AllowSandboxSettings"] = "true",
                    ["Storage__Sqlite__Path"] = Path.Combine(data.Path, "patientvoice.db"),
                    ["Smart__Ehrs__0__Name"] = "sandbox",
                    ["Smart__Ehrs__0__FhirBaseUrl"] = ehrUrl + "/fhir",
                    ["Smart__Ehrs__0__ClientId"] = "patientvoice",
                    ["Smart__Ehrs__0__ClientSecret"] = "patientvoice-sandbox-secret",
                    ["Smart__Ehrs__0__ClientAuthentication"] = "client_secret_basic",
                    // The FHIR API trusts this sandbox (as it trusts localhost:5100 by default) and the tests' own issuer.
                    ["Security__Issuers__0__Issuer"] = ehrUrl + "/",
                    ["Security__Issuers__0__JwksUrl"] = ehrUrl + "/.well-known/jwks",
                    ["Security__Issuers__0__Audience"] = appUrl + "/fhir",
                    ["Security__Issuers__0__AuthorizationEndpoint"] = ehrUrl + "/connect/authorize",
                    ["Security__Issuers__0__TokenEndpoint"] = ehrUrl + "/connect/token",
                    [$"Security__Issuers__{TestTokens.ConfigurationIndex}__Issuer"] = TestTokens.Issuer,
                    [$"Security__Issuers__{TestTokens.ConfigurationIndex}__Jwks"] = TestTokens.Jwks,
                    [$"Security__Issuers__{TestTokens.ConfigurationIndex}__Audience"] = appUrl + "/fhir",
                    // The sandbox's chart calls PatientVoice's CDS services with JWTs signed by its key.
                    ["CdsHooks__Clients__0__Issuer"] = ehrUrl,
                    ["CdsHooks__Clients__0__JwksUrl"] = ehrUrl + "/cds-hooks/jwks",
                    ["EhrSync__Enabled"] = "true",
                    ["EhrSync__FhirBaseUrl"] = ehrUrl + "/fhir",
                    ["EhrSync__ClientId"] = "patientvoice-backend",
                    ["EhrSync__PrivateKeyPath"] = backendKey,
                    ["EhrSync__KeyId"] = KeyIdOf(backendKey),
                    ["EhrSync__PollInterval"] = "00:00:00.500",
                    ["Logging__LogLevel__Default"] = "Warning",
                    ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
                },
                Arguments = ["--contentRoot", Path.Combine(RepositoryPaths.Root, "src", "PatientVoice.Web"), .. appArguments ?? []],
            });
            return new PortalStack(data, sandbox, app);
        }
        catch
        {
            if (sandbox is not null)
            {
                await sandbox.DisposeAsync();
            }

            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A portal (or EHR) launch as the sandbox makes it: the <c>launch</c> value for <paramref name="patient"/> with
    /// <paramref name="user"/> signed in (which skips the sandbox's login and consent), opened at PatientVoice.
    /// </summary>
    public async Task<Uri> PortalLaunchUrlAsync(string patient, string user, string? fhirContext = null)
    {
        using var client = new HttpClient { BaseAddress = EhrUrl };
        // A canonical URL (…/Questionnaire/x|1.0) is named as SMART 2.2 does: canonical plus its type; else a reference.
        object? context = fhirContext switch
        {
            null => null,
            var c when c.StartsWith("http", StringComparison.Ordinal) => new { canonical = c, type = c.Split('|')[0].Split('/')[^2] },
            var c => new { reference = c },
        };
        object body = context is null
            ? new { patient, user }
            : new { patient, user, fhirContext = new[] { context } };
        using var response = await client.PostAsJsonAsync("/sandbox/launches", body);
        response.EnsureSuccessStatusCode();
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var launch = created.RootElement.GetProperty("launch").GetString()!;
        var iss = created.RootElement.GetProperty("iss").GetString()!;
        return new Uri(AppUrl, $"/launch?iss={Uri.EscapeDataString(iss)}&launch={Uri.EscapeDataString(launch)}");
    }

    /// <summary>A client for PatientVoice's FHIR API, carrying a test-issuer token for every type and every patient.</summary>
    public HttpClient FhirClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(AppUrl, "/fhir/") };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Create(new Uri(AppUrl, "/fhir").AbsoluteUri, TestTokens.AllAccess));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sandbox.DisposeAsync();
        _data.Dispose();
    }

    // The sandbox registers the key under its RFC 7638 thumbprint (sandbox/README.md, "The one command").
    private static string KeyIdOf(string pemPath)
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(pemPath));
        var jwk = Microsoft.IdentityModel.Tokens.JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(key));
        return Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
    }
}
