using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PatientVoice.Testing;

/// <summary>How a <see cref="SandboxProcess"/> is started (Development settings: test login and any-client on).</summary>
public sealed record SandboxSettings
{
    /// <summary>Where PatientVoice runs (Sandbox:AppUrl); its client's redirect URI is this plus <c>/signin-smart</c> unless <see cref="RedirectUris"/> says otherwise.</summary>
    public string AppUrl { get; init; } = "http://127.0.0.1:5000";

    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    public string ClientSecret { get; init; } = "patientvoice-sandbox-secret";

    /// <summary>Sandbox:PatientVoiceClient:Jwks, so the pre-registered client may use private_key_jwt.</summary>
    public string? ClientJwks { get; init; }

    public TimeSpan? LaunchLifetime { get; init; }

    /// <summary>More command-line configuration, e.g. <c>--Sandbox:BackendClients:0:Jwks={…}</c> or <c>--Sandbox:RefusedTypes:0=Goal</c>.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}

/// <summary>
/// The sandbox EHR as its own process (<c>dotnet PatientVoice.Sandbox.dll</c> from the sandbox's build output for
/// this configuration; the test project references the sandbox with <c>ReferenceOutputAssembly="false"</c> so it is
/// built first), a <see cref="HostProcess"/> on a free loopback port with a fresh data folder. Started once SMART
/// discovery answers; disposing kills it and deletes its data.
/// </summary>
public sealed class SandboxProcess : IAsyncDisposable
{
    private readonly HostProcess _host;
    private readonly ScratchDirectory _data;

    private SandboxProcess(HostProcess host, ScratchDirectory data)
    {
        _host = host;
        _data = data;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
    }

    /// <summary>The EHR's root, e.g. http://127.0.0.1:41234 (issuer).</summary>
    public Uri EhrUrl => _host.BaseAddress;

    /// <summary>The FHIR base (<c>iss</c>, <c>aud</c>).</summary>
    public string FhirBase => EhrUrl.AbsoluteUri.TrimEnd('/') + "/fhir";

    /// <summary>A client on the sandbox (no cookies, no redirects followed).</summary>
    public HttpClient Http { get; }

    public string RecentOutput => _host.RecentOutput;

    public static async Task<SandboxProcess> StartAsync(SandboxSettings settings, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var port = FreePort.Next();
        var ehrUrl = $"http://127.0.0.1:{port}";
        var data = new ScratchDirectory();
        var arguments = new List<string>
        {
            "--Sandbox:EhrUrl=" + ehrUrl,
            "--Sandbox:AppUrl=" + settings.AppUrl,
            "--Sandbox:DataDirectory=" + data.Path,
            "--Sandbox:AllowTestLogin=true",
            "--Sandbox:AllowAnyClient=true",
            // The EHR alone: the test runs its own PatientVoice (the sandbox would otherwise start one at AppUrl).
            "--Sandbox:StartPatientVoice=false",
            "--Sandbox:PatientVoiceClient:ClientSecret=" + settings.ClientSecret,
            "--Logging:LogLevel:Default=Warning",
        };
        for (var i = 0; i < settings.RedirectUris.Count; i++)
        {
            arguments.Add($"--Sandbox:PatientVoiceClient:RedirectUris:{i}={settings.RedirectUris[i]}");
        }

        if (settings.ClientJwks is not null)
        {
            arguments.Add("--Sandbox:PatientVoiceClient:Jwks=" + settings.ClientJwks);
        }

        if (settings.LaunchLifetime is { } lifetime)
        {
            arguments.Add("--Sandbox:LaunchLifetime=" + lifetime.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }

        arguments.AddRange(settings.ExtraArguments);
        try
        {
            var host = await HostProcess.StartAsync(
                new HostProcessOptions(RepositoryPaths.SandboxAssembly)
                {
                    Port = port,
                    Arguments = arguments,
                    Environment = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" },
                    ReadyPath = "/fhir/.well-known/smart-configuration",
                },
                cancellationToken);
            return new SandboxProcess(host, data);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary><c>POST /sandbox/launches</c>: the EHR's <c>launch</c> value for this context.</summary>
    public async Task<string> CreateLaunchAsync(object context)
    {
        using var response = await Http.PostAsJsonAsync("/sandbox/launches", context);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"The sandbox refused the launch ({(int)response.StatusCode}): {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("launch").GetString()!;
    }

    /// <summary>Turns a fault switch on (<c>unavailable</c>, <c>too-many-requests</c>, <c>hang</c>) for the EHR's FHIR endpoint.</summary>
    public async Task TurnFaultOnAsync(string kind, int seconds)
    {
        using var response = await Http.PostAsync($"/sandbox/faults?kind={kind}&seconds={seconds}", null);
        response.EnsureSuccessStatusCode();
    }

    public async Task TurnFaultsOffAsync()
    {
        using var response = await Http.DeleteAsync("/sandbox/faults");
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            await _host.DisposeAsync();
        }
        finally
        {
            _data.Dispose();
        }
    }
}
