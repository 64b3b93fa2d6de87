using System.Diagnostics;

namespace PatientVoice.Web.Tests.Durability;

/// <summary>
/// The real server as its own operating-system process (<c>dotnet PatientVoice.Web.dll</c>, the build copied
/// beside this test assembly by the project reference), listening on a loopback port the kernel chooses.
/// Disposing kills it if it is still running, so a failing test never leaves a server behind.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "Now listening on: ";
    private readonly Process _process;
    private readonly Queue<string> _recentOutput = new();

    private ServerProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public int ProcessId => _process.Id;

    /// <summary>Starts the server on <paramref name="databasePath"/> and waits until <c>/fhir/metadata</c> answers.</summary>
    public static async Task<ServerProcess> StartAsync(string databasePath, CancellationToken cancellationToken)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "PatientVoice.Web.dll");
        if (!File.Exists(serverDll) || !File.Exists(Path.ChangeExtension(serverDll, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException($"The server build is not beside the tests ({serverDll}); the test project must reference PatientVoice.Web.");
        }

        var start = new ProcessStartInfo(DotnetHost(), [
            serverDll,
            "--urls", "http://127.0.0.1:0",
            // Quiet per-request logs, keep the line that says which port was bound.
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
        ])
        {
            // The server build's folder is its content root: appsettings.json is read from there.
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Storage__Sqlite__Path"] = databasePath;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => server.OnOutput(e.Data, listening);
        process.ErrorDataReceived += (_, e) => server.OnOutput(e.Data, null);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The server exited during start-up:\n{server.RecentOutput}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.BaseAddress = await listening.Task.WaitAsync(cancellationToken);
            await server.WaitUntilReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

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

    /// <summary>
    /// Kills the process at once (on Linux <see cref="Process.Kill()"/> is <c>kill(pid, SIGKILL)</c>: no
    /// shutdown hooks, no flushing) and returns its exit code once it is gone.
    /// </summary>
    public async Task<int> KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        return _process.ExitCode;
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
            // Never started, or already reaped.
        }
        finally
        {
            _process.Dispose();
        }
    }

    // The muxer that runs these tests (set by the dotnet CLI), else the one on PATH.
    private static string DotnetHost()
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private void OnOutput(string? line, TaskCompletionSource<Uri>? listening)
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

        var at = line.IndexOf(ListeningPrefix, StringComparison.Ordinal);
        if (listening is not null && at >= 0)
        {
            listening.TrySetResult(new Uri(line[(at + ListeningPrefix.Length)..].Trim()));
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var response = await client.GetAsync("/fhir/metadata", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Bound but not serving yet.
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
