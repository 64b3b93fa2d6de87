using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PatientVoice.Testing;

/// <summary>
/// The real sandbox EHR (sandbox/PatientVoice.Sandbox) as its own process, from its own build folder (the test project
/// references it without its assembly, so it is built first), on a free loopback port, with fresh data files in
/// <paramref name="DataDirectory"/>. <see cref="Environment"/> adds configuration (<c>Sandbox__BackendClients__0__Jwks</c>, …).
/// Disposing kills it.
/// </summary>
internal sealed class SandboxProcess : IAsyncDisposable
{
    // A few seconds alone; minutes on a machine shared with other builds.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly Process _process;
    private readonly Queue<string> _recentOutput = new();

    private SandboxProcess(Process process, Uri ehrUrl)
    {
        _process = process;
        EhrUrl = ehrUrl;
    }

    /// <summary>Where it listens (issuer; the FHIR base is this plus <c>/fhir</c>), e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri EhrUrl { get; }

    public string FhirBase => EhrUrl.ToString().TrimEnd('/') + "/fhir";

    public string RecentOutput
    {
        get
        {
            lock (_recentOutput)
            {
                return string.Join('\n', _recentOutput);
            }
        }
    }

    public static async Task<SandboxProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var dll = SandboxBuild();
        var port = FreePort();
        var ehrUrl = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo(DotnetHost(), [dll, "--urls", ehrUrl.ToString().TrimEnd('/'), "--Logging:LogLevel:Default=Warning"])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Sandbox__EhrUrl"] = ehrUrl.ToString().TrimEnd('/');
        start.Environment["Sandbox__DataDirectory"] = Path.GetFullPath(dataDirectory);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var sandbox = new SandboxProcess(process, ehrUrl);
        process.OutputDataReceived += (_, e) => sandbox.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => sandbox.Remember(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await sandbox.WaitUntilServingAsync(cancellationToken);
            return sandbox;
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }

    /// <summary>Turns on a fault switch (<c>unavailable</c>, <c>too-many-requests</c>, <c>hang</c>) for <paramref name="seconds"/>.</summary>
    public async Task FaultAsync(string kind, int seconds)
    {
        using var http = Client();
        using var response = await http.PostAsync($"/sandbox/faults?kind={kind}&seconds={seconds}", null);
        response.EnsureSuccessStatusCode();
    }

    public async Task ClearFaultsAsync()
    {
        using var http = Client();
        using var response = await http.DeleteAsync("/sandbox/faults");
        response.EnsureSuccessStatusCode();
    }

    public HttpClient Client() => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = EhrUrl, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            _process.Dispose();
        }
    }

    // The sandbox's build output, beside this test project's: …/tests/X/bin/{Configuration}/{tfm}/ → …/sandbox/PatientVoice.Sandbox/bin/{Configuration}/{tfm}/.
    private static string SandboxBuild()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (tfm, configuration) = (here.Name, here.Parent!.Name);
        var dll = Path.Combine(RepositoryPaths.Root, "sandbox", "PatientVoice.Sandbox", "bin", configuration, tfm, "PatientVoice.Sandbox.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The sandbox is not built at {dll}; the test project must reference sandbox/PatientVoice.Sandbox.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string DotnetHost()
        => System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_recentOutput)
        {
            _recentOutput.Enqueue(line);
            if (_recentOutput.Count > 50)
            {
                _recentOutput.Dequeue();
            }
        }
    }

    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        using var http = Client();
        http.Timeout = TimeSpan.FromSeconds(5);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The sandbox exited (code {_process.ExitCode}) during start-up:\n{RecentOutput}");
            }

            try
            {
                using var response = await http.GetAsync("/fhir/metadata", deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The sandbox did not serve /fhir/metadata within {StartTimeout.TotalSeconds} s:\n{RecentOutput}");
            }

            await Task.Delay(100, deadline.Token);
        }
    }
}
