using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Smart.Backend;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.EhrSync;

/// <summary>
/// The real sandbox EHR and the real PatientVoice, each its own process, PatientVoice writing back to the sandbox with a
/// Backend Services client whose P-384 key pair is made here (the public JWKS registered as
/// <c>Sandbox:BackendClients:0</c>). Short timeouts and backoffs so faults of a few seconds play out quickly.
/// </summary>
internal sealed class EhrSyncEnvironment : IAsyncDisposable
{
    public const string ClientId = "patientvoice-backend";
    private const string KeyId = "ehrsync-test";
    private readonly ScratchDirectory _directory = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private BackendServicesTokenClient? _ehrReader;
    private IReadOnlyList<string> _extraArguments = [];

    private EhrSyncEnvironment()
    {
    }

    public SandboxProcess Sandbox { get; private set; } = null!;

    public HostProcess PatientVoice { get; private set; } = null!;

    public string DatabasePath => Path.Combine(_directory.Path, "patientvoice.db");

    /// <summary>Starts the sandbox (with <paramref name="sandboxArguments"/>, e.g. <c>--Sandbox:RefusedTypes:0=Goal</c>) and PatientVoice.</summary>
    public static async Task<EhrSyncEnvironment> StartAsync(IReadOnlyList<string>? sandboxArguments = null, IReadOnlyList<string>? patientVoiceArguments = null,
        CancellationToken cancellationToken = default)
    {
        var environment = new EhrSyncEnvironment { _extraArguments = patientVoiceArguments ?? [] };
        try
        {
            environment.Sandbox = await SandboxProcess.StartAsync(new SandboxSettings
            {
                ExtraArguments =
                [
                    $"--Sandbox:BackendClients:0:ClientId={ClientId}",
                    $"--Sandbox:BackendClients:0:Jwks={environment.PublicJwks()}",
                    .. sandboxArguments ?? [],
                ],
            }, cancellationToken);
            await File.WriteAllTextAsync(environment.KeyPath, environment._key.ExportPkcs8PrivateKeyPem(), cancellationToken);
            await environment.StartPatientVoiceAsync(cancellationToken);
            return environment;
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }
    }

    private string KeyPath => Path.Combine(_directory.Path, "ehrsync-key.pem");

    /// <summary>(Re)starts PatientVoice on the same database.</summary>
    public async Task StartPatientVoiceAsync(CancellationToken cancellationToken)
    {
        PatientVoice = await ServerProcess.StartAsync(new ServerSettings(DatabasePath)
        {
            // The validator's warm-up takes ~20 s alone, minutes on a machine shared with other builds.
            ReadyTimeout = TimeSpan.FromMinutes(5),
            ExtraArguments =
            [
                "--EhrSync:Enabled=true",
                $"--EhrSync:FhirBaseUrl={Sandbox.FhirBase}",
                $"--EhrSync:ClientId={ClientId}",
                $"--EhrSync:PrivateKeyPath={KeyPath}",
                $"--EhrSync:KeyId={KeyId}",
                "--EhrSync:PollInterval=00:00:00.200",
                "--EhrSync:RetryDelay=00:00:00.300",
                "--EhrSync:MaxRetryDelay=00:00:01",
                "--EhrSync:Lease=00:00:04",
                "--EhrSync:CapabilityRefresh=00:00:01",
                "--EhrSync:Resilience:AttemptTimeout:Timeout=00:00:01",
                "--EhrSync:Resilience:TotalRequestTimeout:Timeout=00:00:05",
                "--EhrSync:Resilience:Retry:MaxRetryAttempts=2",
                "--EhrSync:Resilience:Retry:Delay=00:00:00.100",
                "--EhrSync:Resilience:CircuitBreaker:SamplingDuration=00:00:02",
                .. _extraArguments,
            ],
        }, cancellationToken);
    }

    public HttpClient PatientVoiceClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri(PatientVoice.BaseAddress, "/fhir/"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        // The FHIR API takes bearer tokens: the test issuer's, which ServerProcess configures the server to trust.
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", ServerProcess.Authorization());
        return client;
    }

    /// <summary>Submits a completed response to one of our questionnaires for <paramref name="patient"/>; returns it as stored.</summary>
    public async Task<QuestionnaireResponse> SubmitAsync(HttpClient client, string questionnaire, string patient)
    {
        var response = FhirJson.CompletedResponse(questionnaire);
        response.Subject = new ResourceReference($"Patient/{patient}");
        response.Author = new ResourceReference($"Patient/{patient}");
        if (response.Source is not null)
        {
            response.Source = new ResourceReference($"Patient/{patient}");
        }

        using var answer = await client.PostAsync("QuestionnaireResponse", FhirJson.Content(response));
        if (!answer.IsSuccessStatusCode)
        {
            // The server's own account of the failure (ids, types and stack traces only; no answers are logged).
            throw new Xunit.Sdk.XunitException($"POST QuestionnaireResponse answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}\n{PatientVoice.RecentOutput}");
        }

        return await FhirJson.ReadAsync<QuestionnaireResponse>(answer);
    }

    /// <summary>Waits until the write-back Task of this response version reaches <paramref name="businessStatus"/> (or fails the test with the Task as it stands).</summary>
    public async Task<Hl7.Fhir.Model.Task> WaitForTaskAsync(HttpClient client, string responseId, int version, string businessStatus, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        string last = "no Task";
        while (true)
        {
            using var response = await client.GetAsync($"Task/ehrsync-{responseId}-{version}");
            if (response.IsSuccessStatusCode)
            {
                var task = await FhirJson.ReadAsync<Hl7.Fhir.Model.Task>(response);
                var code = task.BusinessStatus?.Coding.FirstOrDefault()?.Code;
                if (code == businessStatus)
                {
                    return task;
                }

                last = $"{code}: {task.StatusReason?.Text}";
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"The write-back of QuestionnaireResponse/{responseId} v{version} is not {businessStatus} after {timeout.TotalSeconds} s; it is {last}.\n{PatientVoice.RecentOutput}");
            }

            await System.Threading.Tasks.Task.Delay(200);
        }
    }

    /// <summary>Searches the sandbox's FHIR endpoint with a system token of the test's own (same client and key).</summary>
    public async Task<List<JsonElement>> SearchEhrAsync(string query)
    {
        _ehrReader ??= new BackendServicesTokenClient(SandboxClient(),
            new BackendServicesClientSettings(new Uri(Sandbox.FhirBase), ClientId, new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha384), "system/DocumentReference.rs system/Goal.rs system/QuestionnaireResponse.rs system/Observation.rs system/Provenance.rs"),
            TimeProvider.System, NullLogger<BackendServicesTokenClient>.Instance);
        using var http = SandboxClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/fhir/{query}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _ehrReader.GetAccessTokenAsync(default));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"EHR search {query}: {(int)response.StatusCode} {body}");
        using var bundle = JsonDocument.Parse(body);
        return bundle.RootElement.TryGetProperty("entry", out var entries)
            ? [.. entries.EnumerateArray().Select(e => e.GetProperty("resource").Clone())]
            : [];
    }

    private HttpClient SandboxClient() => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Sandbox.EhrUrl, Timeout = TimeSpan.FromSeconds(60) };

    public async ValueTask DisposeAsync()
    {
        if (PatientVoice is not null)
        {
            await PatientVoice.DisposeAsync();
        }

        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }

        _key.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    private string PublicJwks()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "EC", use = "sig", alg = "ES384", kid = KeyId, crv = "P-384", x = Base64UrlEncoder.Encode(parameters.Q.X), y = Base64UrlEncoder.Encode(parameters.Q.Y) } },
        });
    }
}
