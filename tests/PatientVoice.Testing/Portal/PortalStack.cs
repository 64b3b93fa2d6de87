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
    private readonly List<HostProcess> _apps;

    private PortalStack(ScratchDirectory data, HostProcess sandbox, List<HostProcess> apps, string backendKeyPath)
    {
        _data = data;
        _sandbox = sandbox;
        _apps = apps;
        BackendKeyPath = backendKeyPath;
    }

    /// <summary>The first PatientVoice instance.</summary>
    public Uri AppUrl => _apps[0].BaseAddress;

    /// <summary>Every PatientVoice instance, in start order (one unless <see cref="PortalStackOptions.Instances"/> says more).</summary>
    public IReadOnlyList<HostProcess> Apps => _apps;

    public Uri EhrUrl => _sandbox.BaseAddress;

    public string FhirBase => new Uri(EhrUrl, "/fhir").AbsoluteUri;

    /// <summary>The sandbox's Development key for PatientVoice's Backend Services client (<c>patientvoice-backend</c>), which writes back.</summary>
    public string BackendKeyPath { get; }

    /// <summary>The sandbox's last lines of output (warnings and above), for a failing test to show.</summary>
    public string SandboxOutput => _sandbox.RecentOutput;

    public static Task<PortalStack> StartAsync(IReadOnlyList<string>? appArguments = null)
        => StartAsync(new PortalStackOptions { AppArguments = appArguments ?? [] });

    public static async Task<PortalStack> StartAsync(PortalStackOptions options)
    {
        if (options.Instances > 1 && options.PostgresConnectionString is null)
        {
            throw new ArgumentException("Several instances share one store: PostgreSQL (the SQLite file is one process's).", nameof(options));
        }

        var data = new ScratchDirectory();
        var ehrPort = FreePort.Next();
        var appPorts = Enumerable.Range(0, options.Instances).Select(_ => FreePort.Next()).ToList();
        var ehrUrl = $"http://127.0.0.1:{ehrPort}";
        var appUrls = appPorts.Select(p => $"http://127.0.0.1:{p}").ToList();
        HostProcess? sandbox = null;
        var apps = new List<HostProcess>();
        try
        {
            var sandboxEnvironment = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Sandbox__EhrUrl"] = ehrUrl,
                ["Sandbox__AppUrl"] = appUrls[0],
                ["Sandbox__DataDirectory"] = Path.Combine(data.Path, "sandbox"),
                ["Sandbox__StartPatientVoice"] = "false",
                ["Logging__LogLevel__Default"] = "Warning",
            };
            if (appUrls.Count > 1)
            {
                // Every instance is PatientVoice's client at the EHR: each one's /signin-smart is a registered redirect URI.
                for (var i = 0; i < appUrls.Count; i++)
                {
                    sandboxEnvironment[$"Sandbox__PatientVoiceClient__RedirectUris__{i}"] = appUrls[i] + "/signin-smart";
                }
            }

            sandbox = await HostProcess.StartAsync(new HostProcessOptions(RepositoryPaths.SandboxAssembly)
            {
                Port = ehrPort,
                ReadyPath = "/fhir/.well-known/smart-configuration",
                Environment = sandboxEnvironment,
                LogFile = options.LogDirectory is null ? null : Path.Combine(options.LogDirectory, "sandbox.log"),
            });
            // Write-back on, as the one command runs it: the sandbox keeps a key pair for PatientVoice's backend client.
            var backendKey = Path.Combine(data.Path, "sandbox", "patientvoice-backend-key.pem");
            for (var i = 0; i < appUrls.Count; i++)
            {
                apps.Add(await StartAppAsync(options, data, ehrUrl, appUrls[i], appPorts[i], backendKey, i + 1));
            }

            return new PortalStack(data, sandbox, apps, backendKey);
        }
        catch
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }

            if (sandbox is not null)
            {
                await sandbox.DisposeAsync();
            }

            data.Dispose();
            throw;
        }
    }

    private static Task<HostProcess> StartAppAsync(PortalStackOptions options, ScratchDirectory data, string ehrUrl, string appUrl, int appPort, string backendKey, int instance)
    {
        var environment = new Dictionary<string, string>
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
            // The uptake report reads race and ethnicity from the sandbox with the same client (as the sandbox's own run does).
            ["Uptake__ReadDemographicsFromEhr"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (key, value) in options.AppEnvironment)
        {
            environment[key] = value;
        }

        if (options.PostgresConnectionString is { } postgres)
        {
            environment["Storage__Provider"] = "Postgres";
            environment["Storage__Postgres__ConnectionString"] = postgres;
        }

        return HostProcess.StartAsync(new HostProcessOptions(Path.Combine(AppContext.BaseDirectory, "PatientVoice.Web.dll"))
        {
            Port = appPort,
            ReadyPath = "/health/ready",
            ReadyTimeout = TimeSpan.FromSeconds(300),
            Environment = environment,
            OutputLines = 200,
            LogFile = options.LogDirectory is null ? null : Path.Combine(options.LogDirectory, $"patientvoice-{instance}.log"),
            Arguments = ["--contentRoot", Path.Combine(RepositoryPaths.Root, "src", "PatientVoice.Web"), .. options.AppArguments],
        });
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
    public HttpClient FhirClient() => FhirClient(AppUrl);

    /// <summary>A client for the FHIR API of the instance at <paramref name="appUrl"/> (a test-issuer token for every type and patient).</summary>
    public static HttpClient FhirClient(Uri appUrl)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(appUrl, "/fhir/") };
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Create(new Uri(appUrl, "/fhir").AbsoluteUri, TestTokens.AllAccess));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        await _sandbox.DisposeAsync();
        _data.Dispose();
    }

    // The sandbox registers the key under its RFC 7638 thumbprint (sandbox/README.md, "The one command").
    internal static string KeyIdOf(string pemPath)
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(pemPath));
        var jwk = Microsoft.IdentityModel.Tokens.JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(key));
        return Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
    }
}
