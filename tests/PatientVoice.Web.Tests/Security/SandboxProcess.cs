using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// The real sandbox EHR (its authorization server) as its own process, built beside its project, in
/// Development (test login, any client, the backend client <c>patientvoice-backend</c> with the given JWKS),
/// on a free loopback port. Disposing kills it.
/// </summary>
internal sealed class SandboxProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ScratchDirectory _data;
    private readonly List<string> _output = [];

    private SandboxProcess(Process process, ScratchDirectory data, Uri baseAddress)
    {
        _process = process;
        _data = data;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Its <c>iss</c>: the EHR URL with a trailing slash.</summary>
    public string Issuer => BaseAddress.ToString();

    public static async Task<SandboxProcess> StartAsync(string appUrl, string backendJwks, CancellationToken cancellationToken)
    {
        // Debug or Release, as this test assembly was built.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(RepositoryPaths.Root, "sandbox", "PatientVoice.Sandbox", "bin", configuration, "net10.0", "PatientVoice.Sandbox.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The sandbox build is not at {dll}; build tests/PatientVoice.Web.Tests (it builds the sandbox).");
        }

        var port = FreePort();
        var ehrUrl = $"http://127.0.0.1:{port}";
        var data = new ScratchDirectory();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet", [dll, "--urls", ehrUrl])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Sandbox__EhrUrl"] = ehrUrl;
        start.Environment["Sandbox__AppUrl"] = appUrl;
        start.Environment["Sandbox__DataDirectory"] = data.Path;
        start.Environment["Sandbox__BackendClients__0__ClientId"] = "patientvoice-backend";
        start.Environment["Sandbox__BackendClients__0__Jwks"] = backendJwks;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = new Process { StartInfo = start };
        var sandbox = new SandboxProcess(process, data, new Uri(ehrUrl + "/"));
        process.OutputDataReceived += (_, e) => sandbox.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => sandbox.Keep(e.Data);
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
            // Never started.
        }

        _process.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(240);
        while (true)
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                string output;
                lock (_output)
                {
                    output = string.Join('\n', _output.TakeLast(40));
                }

                throw new InvalidOperationException($"The sandbox did not start serving: {output}");
            }

            try
            {
                using var response = await http.GetAsync(".well-known/jwks", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow start.
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
